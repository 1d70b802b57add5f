package mail_test

import (
	"context"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// A reply whose email failed is sent again from the timeline's retry
// button: it reaches the relay, shows sent, and the retry is audited.
// Only a failed email can be retried, and only by someone who may work
// the ticket.
func TestRetryFailedEmail(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.sink.refuse = smtpRefusal()
		admin := storetest.Actor(t, s, h.f.Admin)
		agentL3 := storetest.Actor(t, s, h.f.AgentL3)
		tk := h.f.Ticket["L1"]
		reply, _, err := h.d.Reply(ctx, admin, tk.ID, "Bonjour, votre accès est rétabli.", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.d.RetryEmail(ctx, admin, tk.ID, reply.ID); !problem.Is(err, problem.Conflict) {
			t.Fatalf("retry of a queued email: %v, want 409", err)
		}
		h.awaitMailState(tk.ID, reply.ID, store.MailFailed)

		audit := h.count("audit_log")
		if _, _, err := h.d.RetryEmail(ctx, agentL3, tk.ID, reply.ID); err == nil {
			t.Fatal("an agent who may not work the ticket retried its email")
		}
		if _, _, err := h.d.RetryEmail(ctx, admin, tk.ID, reply.ID+1000); !problem.Is(err, problem.NotFound) {
			t.Fatalf("retry of an unknown message: %v, want 404", err)
		}
		if h.count("audit_log") != audit {
			t.Fatal("a refused retry wrote to the audit log")
		}

		h.sink.mu.Lock()
		h.sink.refuse = nil
		h.sink.mu.Unlock()
		e, _, err := h.d.RetryEmail(ctx, admin, tk.ID, reply.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Email == nil || e.ID != reply.ID || (e.Email.State != store.MailQueued && e.Email.State != store.MailSent) { // the worker may be quick
			t.Fatalf("retry answered %+v, want the reply queued again", e)
		}
		h.awaitSink()
		h.awaitMailState(tk.ID, reply.ID, store.MailSent)
		entries, err := s.AuditEntries(ctx, h.f.WS.ID, store.AuditFilter{}, 5)
		if err != nil || len(entries) == 0 || entries[0].Action != "email.retry" || entries[0].ActorID != admin.AgentID {
			t.Fatalf("audit %+v, %v", entries, err)
		}
	})
}

func smtpRefusal() *smtp.SMTPError {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
}
