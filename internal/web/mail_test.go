package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// emailedReply turns email replies on and has the admin answer ticket L1:
// the reply's email waits in the outbox. It returns the ticket, the reply
// and its email's Message-ID.
func emailedReply(t *testing.T, e *env, s *store.Store) (tk ticket.Ticket, reply ticket.Event, msgID string) {
	t.Helper()
	e.d.EnableEmailReplies(desk.Outbound{Domain: "acme.test"})
	tk = e.f.Ticket["L1"]
	reply, _, err := e.d.Reply(t.Context(), storetest.Actor(t, s, e.f.Admin), tk.ID, "Bonjour, c'est corrigé.", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRow(`SELECT message_id FROM mail_messages WHERE event_id = $1`, reply.ID).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	return tk, reply, msgID
}

func TestReplyShowsItsEmailState(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		tk, _, msgID := emailedReply(t, e, s)
		c := e.login(t, "admin@acme.test")
		c.lang = "fr"
		res, body := c.get("/tickets/" + id(tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "E-mail en attente d&#39;envoi")

		if err := s.SetMailState(ctx, e.f.WS.ID, msgID, store.MailFailed, "550 5.1.1 User unknown"); err != nil {
			t.Fatal(err)
		}
		_, body = c.get("/tickets/" + id(tk.ID))
		contains(t, body, "E-mail non remis : 550 5.1.1 User unknown")
	})
}
