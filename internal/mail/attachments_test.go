package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"testing"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// An email's attachment and inline image end as files on the ticket that
// its agents can download, byte for byte.
func TestEmailAttachmentsAreDownloadableOnTheTicket(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.attachToDisk(t, attachment.Limits{})
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
		raw := `From: Claire Vasseur <claire.vasseur@exemple.fr>
To: support@acme.example
Subject: Facture jointe
Message-ID: <claire-files@exemple.fr>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Voici la facture et une capture.
--b1
Content-Type: application/pdf; name="facture-mars.pdf"
Content-Disposition: attachment; filename="facture-mars.pdf"
Content-Transfer-Encoding: base64

` + base64.StdEncoding.EncodeToString(pdf) + `
--b1
Content-Type: image/gif
Content-Disposition: inline; filename="capture.gif"
Content-ID: <capture@exemple.fr>
Content-Transfer-Encoding: base64

` + base64.StdEncoding.EncodeToString(gif) + `
--b1--
`
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, raw); err != nil {
			t.Fatalf("delivery refused: %v", err)
		}
		cust, err := s.CustomerByEmail(ctx, h.f.WS.ID, "claire.vasseur@exemple.fr")
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("tickets: %d, %v", len(list), err)
		}
		admin := storetest.Actor(t, s, h.f.Admin)
		byEvent, err := h.d.TicketAttachments(ctx, admin, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []attachment.Attachment
		for _, l := range byEvent {
			got = append(got, l...)
		}
		if len(got) != 2 {
			t.Fatalf("attachments = %+v", got)
		}
		want := map[string][]byte{"facture-mars.pdf": pdf, "capture.gif": gif}
		types := map[string]string{"facture-mars.pdf": "application/pdf", "capture.gif": "image/gif"}
		for _, a := range got {
			at, r, err := h.d.OpenAttachment(ctx, admin, a.ID)
			if err != nil {
				t.Fatalf("%s: %v", a.Filename, err)
			}
			b, _ := io.ReadAll(r)
			r.Close()
			if !bytes.Equal(b, want[at.Filename]) || at.ContentType != types[at.Filename] || at.Inline != (at.Filename == "capture.gif") {
				t.Errorf("%s: %d bytes, type %s, inline %v", at.Filename, len(b), at.ContentType, at.Inline)
			}
		}
	})
}
