package mail_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
)

// An agent's notification email carries its own footer, not the
// customer's "reply to this email" one.
func TestBuildReplyFooter(t *testing.T) {
	job := desk.EmailJob{MessageID: "palier.1.2.x@acme.test", From: "support@acme.test", To: "l1@acme.test", TicketNumber: 1000,
		TicketSubject: "Invoice", Body: "Lea Lead assigned #1000 to you", Language: "en", Subject: "Lea Lead assigned #1000 to you: Invoice"}
	for _, c := range []struct{ footer, want, not string }{
		{"", "reply to this email to add to it", ""},
		{"Do not reply to this email.", "Do not reply to this email.", "to add to it"},
	} {
		job.Footer = c.footer
		m, err := mail.BuildReply(job)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		raw := b.String()
		if !strings.Contains(raw, c.want) || (c.not != "" && strings.Contains(raw, c.not)) {
			t.Errorf("footer %q: the message reads\n%s", c.footer, raw)
		}
	}
}
