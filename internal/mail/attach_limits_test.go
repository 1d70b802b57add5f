package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

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
		cust, err := s.CustomerByEmail(ctx, h.f.WS.ID, "claire.vasseur@exemple.fr")
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("tickets: %d, %v", len(list), err)
		}
		byEvent, err := h.d.TicketAttachments(ctx, admin, list[0].ID)
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
		events, err := s.Events(ctx, h.f.WS.ID, list[0].ID, 0, 100)
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
