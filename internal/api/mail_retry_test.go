package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/webhook"
)

func TestRetryTicketEmail(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.d.EnableEmailReplies(desk.Outbound{Domain: "acme.test"})
		tk := e.f.Ticket["L1"]
		var out struct {
			Event struct {
				ID   int64             `json:"id"`
				Data map[string]string `json:"data"`
			} `json:"event"`
		}
		e.must(e.send("agentL1", "POST", fmt.Sprintf("%s/tickets/%d/replies", Prefix, tk.ID), map[string]any{"body": "Bonjour, c'est réglé."}), 201, &out)
		path := fmt.Sprintf("%s/tickets/%d/messages/%d/retry", Prefix, tk.ID, out.Event.ID)

		if a := e.send("agentL1", "POST", path, nil); a.status != 409 || a.errorCode() != "email_not_failed" {
			t.Fatalf("retry of a queued email: %s", a)
		}
		var msgID string
		if err := e.s.DB().QueryRow(`SELECT message_id FROM mail_messages WHERE event_id = $1`, out.Event.ID).Scan(&msgID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetMailState(ctx, e.f.WS.ID, msgID, store.MailFailed, "550 5.1.1 User unknown"); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"agentL3", "other"} { // cannot see the ticket
			if a := e.send(who, "POST", path, nil); a.status != 404 {
				t.Fatalf("%s retried: %s", who, a)
			}
		}
		if a := e.send("agentL1", "POST", fmt.Sprintf("%s/tickets/%d/messages/%d/retry", Prefix, tk.ID, out.Event.ID+999), nil); a.status != 404 {
			t.Fatalf("retry of an unknown message: %s", a)
		}
		var got struct {
			Event struct {
				Email struct {
					State string `json:"state"`
				} `json:"email"`
			} `json:"event"`
		}
		if a := e.send("agentL1", "POST", path, map[string]any{"force": true}); a.status != 400 {
			t.Fatalf("an unknown field was accepted: %s", a)
		}
		e.must(e.send("agentL1", "POST", path, map[string]any{}), 200, &got)
		if got.Event.Email.State != store.MailQueued {
			t.Fatalf("after retry: %+v", got.Event)
		}
		if n, _ := e.s.CountJobs(ctx, desk.EmailSendJob, store.JobQueued); n != 1 {
			t.Fatalf("%d queued send jobs, want the one retried", n)
		}
	})
}

// TestConnectorDeliveryStateAndRetry: the API shows a reply's webhook
// delivery in the shape of an email's (email.via = webhook), and the one
// retry route sends a failed delivery again.
func TestConnectorDeliveryStateAndRetry(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		sink := newHookSink(t)
		conn := e.createConnector(map[string]any{"name": "Forum", "webhook_url": sink.srv.URL})
		sink.secret = conn.Secret
		var in struct {
			TicketID int64 `json:"ticket_id"`
		}
		e.must(e.postChannel(conn.Key, conn.Secret, inbound("thread-4", "m1", "Le export CSV plante.")), 200, &in)
		var out struct {
			Event struct {
				ID int64 `json:"id"`
			} `json:"event"`
		}
		e.must(e.send("lead", "POST", ticketPath(in.TicketID)+"/replies", map[string]any{"body": "Corrigé dans la 4.2."}), 201, &out)
		runner := jobs.New(e.s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		webhook.New(e.d, webhook.Policy{AllowPrivate: true}, nil).Register(runner)

		state := func() map[string]string {
			t.Helper()
			var list struct {
				Data []struct {
					ID    int64             `json:"id"`
					Email map[string]string `json:"email"`
				} `json:"data"`
			}
			e.must(e.get("lead", ticketPath(in.TicketID)+"/events"), 200, &list)
			for _, ev := range list.Data {
				if ev.ID == out.Event.ID {
					return ev.Email
				}
			}
			t.Fatalf("reply %d not on the timeline", out.Event.ID)
			return nil
		}
		retry := fmt.Sprintf("%s/messages/%d/retry", ticketPath(in.TicketID), out.Event.ID)
		if st := state(); st["via"] != "webhook" || st["state"] != "queued" {
			t.Fatalf("before delivery: %v", st)
		}
		if a := e.send("lead", "POST", retry, nil); a.status != 409 || a.errorCode() != "delivery_not_failed" {
			t.Fatalf("retry of a queued delivery: %s", a)
		}
		sink.status = 410
		if _, err := runner.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		<-sink.got
		if st := state(); st["state"] != "failed" || st["answer"] == "" {
			t.Fatalf("after a refusal: %v", st)
		}
		for _, who := range []string{"agentL3", "other"} { // cannot see the ticket
			if a := e.send(who, "POST", retry, nil); a.status != 404 {
				t.Fatalf("%s retried: %s", who, a)
			}
		}
		sink.status = 200
		e.must(e.send("lead", "POST", retry, nil), 200, nil)
		if _, err := runner.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		<-sink.got
		if st := state(); st["state"] != "sent" {
			t.Fatalf("after the retry: %v", st)
		}
	})
}
