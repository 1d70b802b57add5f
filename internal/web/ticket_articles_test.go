package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// seedResetArticles writes a published public article that answers the
// fixture's "Cannot log in after password reset" ticket, and two that
// match as well but a customer could not open: an internal one and a
// draft.
func seedResetArticles(t *testing.T, s *store.Store, f storetest.Fixture) (public int64) {
	t.Helper()
	ws := f.WS.ID
	add := func(title string, vis kb.Visibility, st kb.Status) int64 {
		a, err := s.CreateKBArticle(t.Context(), ws, kb.Article{Language: "en", Title: title,
			Body: "If the password reset link says it expired, ask for a new one and use it within an hour to log in.", Visibility: vis, Status: st}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	public = add("Password reset link expired", kb.Public, kb.Published)
	add("Password reset: internal checks", kb.Internal, kb.Published)
	add("Password reset (draft)", kb.Public, kb.Draft)
	return public
}

// TestTicketPageSuggestsArticles: the agent who can reply sees the public
// articles that answer the ticket, with the address a customer can open;
// never an internal article or a draft; nothing for a ticket's
// collaborator, who cannot reply.
func TestTicketPageSuggestsArticles(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		public := seedResetArticles(t, s, e.f)
		tk := e.f.Ticket["L1owned"]
		res, body := e.login(t, "l1@acme.test").get("/tickets/" + id(tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `class="panel suggested-articles"`, "Password reset link expired",
			`data-url="`+e.srv.URL+`/help/articles/`+id(public)+`"`)
		lacks(t, body, "internal checks", "(draft)")

		// The L1 agent is a collaborator on the swarmed L3 ticket: he may
		// post notes there, not reply, so nothing is suggested, though an
		// article answers it; its owner gets the suggestion.
		if _, err := s.CreateKBArticle(t.Context(), e.f.WS.ID, kb.Article{Language: "fr", Title: "Synchronisation bloquée : que faire ?",
			Body: "Si vos données ne se synchronisent plus, relancez la synchronisation.", Visibility: kb.Public, Status: kb.Published}, 0); err != nil {
			t.Fatal(err)
		}
		swarm := "/tickets/" + id(e.f.Ticket["swarm"].ID)
		res, body = e.login(t, "l1@acme.test").get(swarm)
		expectStatus(t, res, body, http.StatusOK)
		lacks(t, body, `class="panel suggested-articles"`)
		_, body = e.login(t, "l3@acme.test").get(swarm)
		contains(t, body, "Synchronisation bloquée : que faire ?")
	})
}

// TestBrowserInsertSuggestedArticle: one click puts the article's title and
// link in the reply being written, after what was typed.
func TestBrowserInsertSuggestedArticle(t *testing.T) {
	ctx, e, st := browserEnv(t)
	public := seedResetArticles(t, st, e.f)
	tk := e.f.Ticket["L1owned"]
	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", ".suggested-articles")
	run(t, ctx, "type a reply, then insert the article",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "Hello Bob,"),
		chromedp.Click(chromedp.CSS(".suggested-articles button.insert-article")),
	)
	want := "Hello Bob,\nPassword reset link expired : " + e.srv.URL + "/help/articles/" + id(public)
	quoted, _ := json.Marshal(want)
	expectTrue(t, ctx, "the link is in the reply", `document.getElementById('composer-body').value === `+string(quoted)+
		` && document.querySelector('#composer input[name=mode][value=reply]').checked`)
}
