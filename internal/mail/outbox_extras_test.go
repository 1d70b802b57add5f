package mail_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func upload(name string, data []byte) desk.Upload {
	return desk.Upload{Filename: name, DeclaredType: "application/octet-stream", Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// A reply's email carries its files (named as uploaded, typed as
// sniffed), the ticket's copied addresses, and the agent's signature;
// with the signature removed, the next reply has none.
func TestReplyCarriesFilesCcAndSignature(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.attachToDisk(t, attachment.Limits{})
		first := "From: Claire Vasseur <claire.vasseur@exemple.fr>\nTo: support@acme.example\nCc: Marc Dupont <Marc.Dupont@exemple.fr>\n" +
			"Subject: Relevé manquant\nMessage-ID: <releve-1@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\nBonjour, il manque le relevé d'août.\n"
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, first); err != nil {
			t.Fatal(err)
		}
		cust, _ := s.CustomerByEmail(ctx, h.f.WS.ID, "claire.vasseur@exemple.fr")
		list, _, _ := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		if len(list) != 1 {
			t.Fatalf("%d tickets", len(list))
		}
		tk := list[0]
		admin := storetest.Actor(t, s, h.f.Admin)
		sig := "Ada Admin\nSupport Acme — niveau 1"
		if err := h.d.SetOwnSignature(ctx, admin, sig); err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		_, _, err := h.d.ReplyWith(ctx, admin, tk.ID, "Bonjour Claire,\n\nVoici le relevé et une capture.", "",
			[]desk.Upload{upload("Relevé d'août.pdf", pdf), upload("capture écran.txt", png)})
		if err != nil {
			t.Fatal(err)
		}
		raw := h.awaitSink()
		out, err := mail.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Cc) != 1 || out.Cc[0].Email != "marc.dupont@exemple.fr" {
			t.Errorf("Cc = %+v, want Marc", out.Cc)
		}
		if !strings.Contains(out.Text, sig) || !strings.Contains(out.HTML, "Support Acme — niveau 1") {
			t.Errorf("no signature: text %q html %q", out.Text, out.HTML)
		}
		if len(out.Attachments) != 2 {
			t.Fatalf("%d attachments: %+v", len(out.Attachments), out.Attachments)
		}
		want := []struct {
			name, ctype string
			data        []byte
		}{{"Relevé d'août.pdf", "application/pdf", pdf}, {"capture écran.txt", "image/png", png}}
		for i, w := range want {
			a := out.Attachments[i]
			if a.Filename != w.name || a.DeclaredType != w.ctype || !bytes.Equal(a.Data, w.data) {
				t.Errorf("attachment %d = %q %q (%d bytes), want %q %q", i, a.Filename, a.DeclaredType, len(a.Data), w.name, w.ctype)
			}
		}
		// The names are RFC 2231 parameters, not encoded words in quotes.
		if !bytes.Contains(raw, []byte(`filename*=utf-8''Relev%C3%A9%20d%27ao%C3%BBt.pdf`)) {
			t.Errorf("the French name is not written as RFC 2231 says:\n%s", raw)
		}

		// No signature: nothing is added.
		if err := h.d.SetOwnSignature(ctx, admin, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.d.Reply(ctx, admin, tk.ID, "Autre chose ?", ""); err != nil {
			t.Fatal(err)
		}
		out2, err := mail.Parse(h.awaitSink())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out2.Text, "niveau 1") || len(out2.Attachments) != 0 || len(out2.Cc) != 1 {
			t.Errorf("second reply: text %q, %d attachments, cc %v", out2.Text, len(out2.Attachments), out2.Cc)
		}
	})
}
