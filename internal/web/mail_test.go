package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestReplyShowsItsEmailState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.d.EnableEmailReplies(desk.Outbound{Domain: "acme.test"})
		ctx := context.Background()
		admin, err := s.Actor(ctx, e.f.Admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		tk := e.f.Ticket["L1"]
		if _, _, err := e.d.Reply(ctx, admin, tk.ID, "Bonjour, c'est corrigé.", ""); err != nil {
			t.Fatal(err)
		}
		c := e.login(t, "admin@acme.test")
		c.lang = "fr"
		res, body := c.get("/tickets/" + id(tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "E-mail en attente d&#39;envoi")

		evs, _ := s.Events(ctx, e.f.WS.ID, tk.ID, 0, 100)
		mail := evs[len(evs)-1].Email
		if mail == nil {
			mail = evs[len(evs)-2].Email
		}
		msgID := mail.MessageID
		if err := s.SetMailState(ctx, e.f.WS.ID, msgID, store.MailFailed, "550 5.1.1 User unknown"); err != nil {
			t.Fatal(err)
		}
		_, body = c.get("/tickets/" + id(tk.ID))
		contains(t, body, "E-mail non remis : 550 5.1.1 User unknown")
	})
}
