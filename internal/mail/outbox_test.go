package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/secret"
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
		_, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
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
		out, raw := h.awaitParsed(t)
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
		out2, _ := h.awaitParsed(t)
		if strings.Contains(out2.Text, "niveau 1") || len(out2.Attachments) != 0 || len(out2.Cc) != 1 {
			t.Errorf("second reply: text %q, %d attachments, cc %v", out2.Text, len(out2.Attachments), out2.Cc)
		}
	})
}

// A workspace's own relay wins over the server's: replies go through it
// and leave from its sender address; removed, the server's relay is used
// again.
func TestWorkspaceRelayWinsOverTheServers(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
		if err != nil {
			t.Fatal(err)
		}
		h.d.EnableMailboxes(box)
		own := &sink{arrived: make(chan struct{}, 10)}
		host, port, _ := net.SplitHostPort(serve(t, own))
		p, _ := strconv.Atoi(port)
		admin := storetest.Actor(t, s, h.f.Admin)
		if err := h.d.SaveSMTPRelay(ctx, admin, desk.SMTPRelayInput{Host: host, Port: p, TLS: "none",
			FromAddress: "bonjour@acme.example", FromName: "Acme"}); err != nil {
			t.Fatal(err)
		}
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, claireFirst); err != nil {
			t.Fatal(err)
		}
		_, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
		if _, _, err := h.d.Reply(ctx, admin, tk.ID, "Par le relais de l'espace.", ""); err != nil {
			t.Fatal(err)
		}
		own.arrivedWithin(t)
		out, err := mail.Parse(own.last())
		if err != nil {
			t.Fatal(err)
		}
		if out.From.Email != "bonjour@acme.example" || !strings.Contains(out.Text, "relais de l'espace") {
			t.Fatalf("through the workspace relay: from %q, text %q", out.From.Email, out.Text)
		}
		if h.sink.count() != 0 {
			t.Fatal("the server's relay was used too")
		}
		if err := h.d.DeleteSMTPRelay(ctx, admin); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.d.Reply(ctx, admin, tk.ID, "Par le relais du serveur.", ""); err != nil {
			t.Fatal(err)
		}
		if out, _ := mail.Parse(h.awaitSink()); !strings.Contains(out.Text, "relais du serveur") {
			t.Fatalf("server relay got %q", out.Text)
		}
	})
}

// Without a server relay, a workspace without its own queues nothing.
func TestNoRelayQueuesNothing(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.d.EnableEmailReplies(desk.Outbound{Domain: "acme.example", WorkspaceRelayOnly: true})
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, claireFirst); err != nil {
			t.Fatal(err)
		}
		_, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
		admin := storetest.Actor(t, s, h.f.Admin)
		jobs := h.count("jobs")
		if _, _, err := h.d.Reply(ctx, admin, tk.ID, "Personne ne l'enverra.", ""); err != nil {
			t.Fatal(err)
		}
		var out int
		_ = s.DB().QueryRow(`SELECT count(*) FROM mail_messages WHERE direction = 'out'`).Scan(&out)
		if h.count("jobs") != jobs || out != 0 {
			t.Fatalf("a reply with no relay queued %d jobs, %d messages", h.count("jobs")-jobs, out)
		}
	})
}

func (k *sink) arrivedWithin(t *testing.T) {
	t.Helper()
	select {
	case <-k.arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("no message reached the workspace's relay")
	}
}

func (k *sink) last() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.messages[len(k.messages)-1]
}

func (k *sink) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.messages)
}

// A reply whose email failed is sent again from the timeline's retry
// button: it reaches the relay, shows sent, and the retry is audited.
// Only a failed email can be retried, and only by someone who may work
// the ticket.
func TestRetryFailedEmail(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		h.sink.refuse = smtpRefusal()
		// The relay answers only once the queued email's retry has been
		// tried: without it the worker may fail the email first.
		h.sink.hold = make(chan struct{})
		release := sync.OnceFunc(func() { close(h.sink.hold) })
		t.Cleanup(release)
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
		release()
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
