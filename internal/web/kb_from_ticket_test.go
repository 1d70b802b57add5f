package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/store"
)

// TestArticleFromTicketPage: a solved ticket's page offers "Create an
// article from this ticket"; the editor opens on the draft, and saving it
// makes the article and links it to the ticket. An active ticket has no
// button and its draft is refused; a ticket the agent cannot see is not
// found.
func TestArticleFromTicketPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		c := e.login(t, "l1@acme.test")
		solved, open := e.f.Ticket["solved"], e.f.Ticket["L1owned"]

		res, body := c.get("/tickets/" + id(solved.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="article-from-ticket" href="/kb/new?from_ticket=`+id(solved.Number)+`"`)
		_, body = c.get("/tickets/" + id(open.ID))
		lacks(t, body, `id="article-from-ticket"`)

		res, body = c.get("/kb/new?from_ticket=" + id(solved.Number))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `name="from_ticket" value="`+id(solved.Number)+`"`, `id="from-ticket-note"`)
		res, body = c.get("/kb/new?from_ticket=" + id(open.Number))
		expectStatus(t, res, body, http.StatusConflict)
		res, body = c.get("/kb/new?from_ticket=" + id(e.f.Ticket["L3"].Number))
		expectStatus(t, res, body, http.StatusNotFound)

		res, body = c.post("/kb/new", url.Values{"from_ticket": {id(solved.Number)}, "title": {"Written from a ticket"}, "body": {"## Answer\n\nDo this."},
			"language": {"en"}, "visibility": {"public"}, "status": {"draft"}, "category_id": {"0"}}, false)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/kb/") {
			t.Fatalf("save: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		artID := strings.TrimPrefix(res.Header.Get("Location"), "/kb/")
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'kb.article_from_ticket' AND target_id = $1`, artID); n != 1 {
			t.Fatalf("%d audit rows link article %s to its ticket", n, artID)
		}
	})
}

// TestBrowserArticleFromTicket: from a solved ticket, the button opens
// the editor on the draft; saving it shows the saved article.
func TestBrowserArticleFromTicket(t *testing.T) {
	ctx, e, st := browserEnv(t)
	solved := e.f.Ticket["solved"]
	signInAt(t, ctx, e, "/tickets/"+id(solved.ID), "l1@acme.test", "#article-from-ticket")
	run(t, ctx, "open the editor from the ticket",
		clickAndLoad("#article-from-ticket"),
		chromedp.WaitVisible(chromedp.CSS("#from-ticket-note")),
	)
	expectTrue(t, ctx, "the title is the ticket's subject", `document.getElementById('title').value !== '' && document.getElementById('body').value.includes('## ')`)
	run(t, ctx, "save the draft",
		clickAndLoad(`form[action="/kb/new"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/kb/"]:not([action="/kb/new"])`)),
	)
	if n := count(t, st, `SELECT count(*) FROM audit_log WHERE action = 'kb.article_from_ticket'`); n != 1 {
		t.Fatalf("%d articles saved from the ticket, want 1", n)
	}
}
