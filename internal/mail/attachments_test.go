package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strings"
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
		_, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
		admin := storetest.Actor(t, s, h.f.Admin)
		byEvent, err := h.d.TicketAttachments(ctx, admin, tk.ID)
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

// An email whose files break the workspace's limits is never lost: the
// files that fit are kept, the others are left out, and the message says
// which file was dropped and why, in the workspace's language.
func TestEmailFilesOverTheWorkspaceLimitsAreDroppedNotTheMessage(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.attachToDisk(t, attachment.Limits{MaxFileBytes: 1 << 20, MaxFiles: 10})
		admin := storetest.Actor(t, s, h.f.Admin)
		if err := h.d.SetAttachmentLimits(ctx, admin, attachment.Limits{MaxFileBytes: 8 << 10, MaxFiles: 2, MaxTotalBytes: 12 << 10}); err != nil {
			t.Fatal(err)
		}
		part := func(name string, kib int) string {
			return "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" + name +
				"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrap(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte(name[:1]), kib<<10))) + "\r\n"
		}
		raw := "From: Claire Vasseur <claire.vasseur@exemple.fr>\r\nTo: support@acme.example\r\nSubject: Journaux\r\n" +
			"Message-ID: <claire-big@exemple.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
			"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici les journaux.\r\n" +
			part("video.mov", 20) + part("app.log", 6) + part("db.log", 7) + part("trace.log", 1) + part("extra.log", 1) + "--b1--\r\n"
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, raw); err != nil {
			t.Fatalf("delivery refused: %v", err)
		}
		_, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
		byEvent, err := h.d.TicketAttachments(ctx, admin, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, l := range byEvent {
			for _, a := range l {
				kept = append(kept, a.Filename)
			}
		}
		if strings.Join(kept, ",") != "app.log,trace.log" {
			t.Fatalf("kept %v, want app.log and trace.log", kept)
		}
		events, err := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var body string
		for _, e := range events {
			if strings.Contains(e.Body, "Voici les journaux.") {
				body = e.Body
			}
		}
		for _, want := range []string{
			"« video.mov » (20 KiB) dépasse la limite de 8 KiB par fichier",
			"« db.log » (7 KiB) porterait les fichiers du message au-delà de 12 KiB au total",
			"« extra.log » (1 KiB) dépasse la limite de 2 fichiers par message",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the message does not say %q:\n%s", want, body)
			}
		}
	})
}

// wrap cuts base64 into the 76-character lines mail requires.
func wrap(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}
