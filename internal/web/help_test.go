package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// The public help centre: no account, published public articles only,
// search with highlighted snippets, both languages, votes.
func TestHelpCentre(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ids, err := demo.LoadKnowledgeBase(t.Context(), s, e.f.WS.ID, e.f.Admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := e.anon(t, "fr")
		res, body := c.get("/help")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Centre d&#39;aide", "Facturé deux fois ?", "Abonnement et facturation")
		lacks(t, body, "Procédure interne", "Charged twice?")

		res, body = c.get("/help?lang=en")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Help centre", "Charged twice?", "Subscription and billing")

		res, body = c.get("/help/search?lang=fr&q=" + url.QueryEscape("prelevement deux fois"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `<a href="/help/articles/`+id(ids["charged-twice"].FR)+`">Facturé deux fois ?</a>`, "<mark>deux</mark> <mark>fois</mark>")
		lacks(t, body, "Procédure interne")

		// A visitor whose browser speaks English may still type in French:
		// when nothing in their language matches, the other language answers.
		res, body = c.get("/help/search?lang=en&q=" + url.QueryEscape("facturé deux fois"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="other-language"`, `<a href="/help/articles/`+id(ids["charged-twice"].FR)+`">Facturé deux fois ?</a>`)
		res, body = c.get("/help/search?lang=en&q=" + url.QueryEscape("charged twice"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Charged twice?")
		lacks(t, body, `id="other-language"`)

		res, body = c.get("/help/search?q=" + url.QueryEscape(`<script>alert(1)</script>`))
		expectStatus(t, res, body, http.StatusOK)
		lacks(t, body, "<script>alert")

		art := "/help/articles/" + id(ids["charged-twice"].FR)
		res, body = c.get(art)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "<strong>débitée deux fois</strong>", "Cet article vous a-t-il aidé ?", "/help/articles/"+id(ids["charged-twice"].EN)+"?lang=en")

		res, body = c.post(art+"/vote", url.Values{"helpful": {"yes"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != art+"?voted=1" {
			t.Errorf("vote redirects to %q", loc)
		}
		a, err := s.KBArticle(t.Context(), e.f.WS.ID, ids["charged-twice"].FR)
		if err != nil {
			t.Fatal(err)
		}
		if a.Helpful != 64+1 || a.Views != 2100+1 {
			t.Errorf("helpful %d views %d, want 65 and 2101", a.Helpful, a.Views)
		}

		// What a visitor may not reach or do.
		res, body = c.get("/help/articles/" + id(ids["internal-double-debit"].FR))
		expectStatus(t, res, body, http.StatusNotFound)
		res, body = c.post("/help/articles/"+id(ids["internal-double-debit"].FR)+"/vote", url.Values{"helpful": {"yes"}}, false)
		expectStatus(t, res, body, http.StatusNotFound)
		res, body = c.post(art+"/vote", url.Values{"helpful": {"maybe"}}, false)
		expectStatus(t, res, body, http.StatusBadRequest)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+art+"/vote", nil)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, body = c.do(req)
		expectStatus(t, res, body, http.StatusForbidden)
		if a2, _ := s.KBArticle(t.Context(), e.f.WS.ID, ids["charged-twice"].FR); a2.Helpful != a.Helpful || a2.NotHelpful != a.NotHelpful {
			t.Errorf("refused votes were counted: %+v", a2)
		}
	})
}

// The agents' editor: write, preview, change (a new revision), and a
// refused save that writes nothing.
func TestKBEditor(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		c := e.login(t, e.f.AgentL1.Email)
		res, body := c.get("/kb")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `href="/kb/new"`)

		res, body = c.post("/kb/preview", url.Values{"body": {"**gras** <script>x()</script>"}}, true)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "<strong>gras</strong>")
		lacks(t, body, "<script>")

		count := func() int {
			list, err := s.KBArticles(t.Context(), e.f.WS.ID, kb.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		res, body = c.post("/kb/new", url.Values{"title": {""}, "body": {""}, "language": {"fr"}, "visibility": {"public"}, "status": {"draft"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		if count() != 0 {
			t.Fatalf("a refused save wrote an article")
		}
		res, body = c.post("/kb/new", url.Values{"title": {"Changer de mot de passe"}, "body": {"Ouvrez **Réglages**."}, "language": {"fr"},
			"visibility": {"public"}, "status": {"published"}, "tags": {"compte, sécurité"}, "category_id": {"0"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		path := res.Header.Get("Location")
		res, body = c.post(path, url.Values{"title": {"Changer son mot de passe"}, "body": {"Ouvrez **Réglages › Sécurité**."}, "language": {"fr"},
			"visibility": {"public"}, "status": {"published"}, "tags": {"compte"}, "category_id": {"0"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = c.get(path)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Changer son mot de passe", "Révision 2", "Révision 1", "<strong>Réglages › Sécurité</strong>")
	})
}

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
