package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestRetryTicketEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
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
		if err := s.DB().QueryRow(`SELECT message_id FROM mail_messages WHERE event_id = $1`, out.Event.ID).Scan(&msgID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMailState(ctx, e.f.WS.ID, msgID, store.MailFailed, "550 5.1.1 User unknown"); err != nil {
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
		if n, _ := s.CountJobs(ctx, desk.EmailSendJob, store.JobQueued); n != 1 {
			t.Fatalf("%d queued send jobs, want the one retried", n)
		}
	})
}
