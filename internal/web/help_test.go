package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
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
