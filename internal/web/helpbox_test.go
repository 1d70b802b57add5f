package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// newServerEnv serves the complete application, with the production
// server's security headers, CSRF protection and the rest: what the help
// box's framing and CORS rules are made of.
func newServerEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	return serveEnv(t, s, desk.New(s, nil), func(d *desk.Service) (http.Handler, error) {
		return server.New(d, server.Config{})
	})
}

// helpBoxFixture turns the box on with the demo help centre: one allowed
// origin, /billing mapped to "Charged twice?" and the tag "invoices" to
// the invoices category.
type helpBoxFixture struct {
	key    string
	ids    map[string]demo.KBArticleIDs
	admin  auth.Actor
	invCat int64
}

func setUpHelpBox(t *testing.T, e *env, s *store.Store) helpBoxFixture {
	t.Helper()
	ctx := context.Background()
	fx := helpBoxFixture{admin: storetest.Actor(t, s, e.f.Admin)}
	var err error
	if fx.ids, err = demo.LoadKnowledgeBase(ctx, s, e.f.WS.ID, e.f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	cats, err := s.KBCategories(ctx, e.f.WS.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Slug == "factures" {
			fx.invCat = c.ID
		}
	}
	if err := e.d.RotateHelpBoxKey(ctx, fx.admin); err != nil {
		t.Fatal(err)
	}
	if err := e.d.SetHelpBoxOrigins(ctx, fx.admin, "https://shop.example\nhttp://localhost:3000"); err != nil {
		t.Fatal(err)
	}
	for _, m := range []helpbox.Mapping{
		{Kind: helpbox.Prefix, Pattern: "/billing", ArticleID: fx.ids["charged-twice"].FR},
		{Kind: helpbox.Tag, Pattern: "invoices", CategoryID: fx.invCat},
	} {
		if _, err := e.d.AddHelpBoxMapping(ctx, fx.admin, m); err != nil {
			t.Fatal(err)
		}
	}
	setup, err := e.d.HelpBoxSetup(ctx, fx.admin)
	if err != nil {
		t.Fatal(err)
	}
	fx.key = setup.Settings.Key
	return fx
}

func (c *client) getWith(path string, header ...string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

func refusesFraming(t *testing.T, what string, res *http.Response) {
	t.Helper()
	if res.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("%s may be framed: X-Frame-Options %q, CSP %q", what, res.Header.Get("X-Frame-Options"), res.Header.Get("Content-Security-Policy"))
	}
}

func TestHelpBoxKeyScriptAndCORS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newServerEnv(t, s)
		fx := setUpHelpBox(t, e, s)
		c := e.anon(t, "fr")
		unknown := helpbox.NewKey()

		// The script: served for a known key only, as JavaScript, cached
		// briefly, loadable from other origins.
		res, body := c.get("/help/box.js?key=" + fx.key)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "palierHelpBox", "/help/box/config")
		for h, want := range map[string]string{"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=300",
			"Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff"} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("box.js %s: %q, want %q", h, got, want)
			}
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("box.js has no ETag")
		}
		for _, k := range []string{unknown, "", "nope", fx.key + "x", "pk_%27%3Cscript%3E"} {
			res, body = c.get("/help/box.js?key=" + k)
			expectStatus(t, res, body, http.StatusNotFound)
		}

		// CORS: the allowed origin, exactly; never "*", never credentials.
		cfg := "/help/box/config?lang=fr&key=" + fx.key
		res, body = c.getWith(cfg, "Origin", "https://shop.example")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `"button":"Aide"`, `"frame":"/help/box?key=`+fx.key)
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "https://shop.example" {
			t.Errorf("allowed origin got Access-Control-Allow-Origin %q", got)
		}
		if res.Header.Get("Access-Control-Allow-Credentials") != "" || !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("config headers %v", res.Header)
		}
		for _, o := range []string{"https://evil.example", "https://shop.example.evil.example", "http://shop.example", "null", "*"} {
			res, body = c.getWith(cfg, "Origin", o)
			expectStatus(t, res, body, http.StatusForbidden)
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("origin %s got Access-Control-Allow-Origin %q", o, got)
			}
		}
		res, body = c.getWith("/help/box/config?key="+unknown, "Origin", "https://shop.example")
		expectStatus(t, res, body, http.StatusNotFound)
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("an unknown key got CORS headers")
		}
		res, body = c.get(cfg) // same origin or no browser: no CORS header needed
		expectStatus(t, res, body, http.StatusOK)
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("a request without Origin got CORS headers")
		}

		// Framing: only the box's pages, only by the allowed origins.
		box := "/help/box?lang=fr&key=" + fx.key
		for _, p := range []string{box, "/help/box/suggested?key=" + fx.key, "/help/box/search?q=carte&key=" + fx.key,
			"/help/box/ask?q=carte&key=" + fx.key, "/help/box/articles/" + id(fx.ids["plan"].FR) + "?key=" + fx.key} {
			res, body = c.get(p)
			expectStatus(t, res, body, http.StatusOK)
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors https://shop.example http://localhost:3000;") || res.Header.Get("X-Frame-Options") != "" {
				t.Errorf("%s: CSP %q, X-Frame-Options %q", p, csp, res.Header.Get("X-Frame-Options"))
			}
			if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("%s: the rest of the policy was lost: %q", p, csp)
			}
		}
		for _, p := range []string{"/help/box?key=" + unknown, "/help/box/search?q=x&key=" + unknown, "/help/box/articles/1?key=" + fx.key + "x",
			"/help", "/help/ask", "/help/search?q=carte", "/help/articles/" + id(fx.ids["plan"].FR), "/help/box.js?key=" + fx.key,
			"/help/boxes", "/help/box.json", cfg, "/login", "/", "/admin/helpbox", "/api/v1/kb/search?q=x", "/healthz", "/nowhere"} {
			res, _ = c.get(p)
			refusesFraming(t, p, res)
		}
		res, body = c.get("/help/box?key=" + unknown)
		expectStatus(t, res, body, http.StatusNotFound)

		// Rotating the key: the old tag stops working at once.
		if err := e.d.RotateHelpBoxKey(context.Background(), fx.admin); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/help/box.js?key=" + fx.key, box, cfg} {
			res, body = c.get(p)
			expectStatus(t, res, body, http.StatusNotFound)
		}
	})
}

func TestHelpBoxPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newServerEnv(t, s)
		fx := setUpHelpBox(t, e, s)
		c := e.anon(t, "en")
		k := "key=" + fx.key
		j := "j=abcdefghijklmnop1234"

		// The home names the page and carries the state in its links.
		res, body := c.get("/help/box?lang=fr&open=1&" + j + "&page=" + url.QueryEscape("https://shop.example/billing/x") + "&" + k)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `lang="fr"`, "Aide pour cette page", `data-host-origin="https://shop.example"`, "open=1",
			`href="/help/box/contact?j=abcdefghijklmnop1234&amp;key=`+fx.key+`&amp;lang=fr&amp;page=`, `name="j" value="abcdefghijklmnop1234"`)
		lacks(t, body, `target="_blank"`) // the contact form opens inside the box

		// Articles mapped to the page: by address prefix, by tag (a
		// category), in the box's language; none elsewhere.
		page := func(u, tags string) string {
			return "/help/box/suggested?lang=fr&" + k + "&page=" + url.QueryEscape(u) + "&tags=" + url.QueryEscape(tags)
		}
		res, body = c.get(page("https://shop.example/billing/invoices", ""))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "/help/box/articles/"+id(fx.ids["charged-twice"].FR)+"?", "Facturé deux fois ?")
		lacks(t, body, "Créer et envoyer une facture")
		_, body = c.get(page("https://shop.example/account", "checkout invoices"))
		contains(t, body, "Créer et envoyer une facture", "Relances automatiques")
		lacks(t, body, "Facturé deux fois ?")
		_, body = c.get(strings.Replace(page("https://shop.example/billing", ""), "lang=fr", "lang=en", 1))
		contains(t, body, "Charged twice?")
		_, body = c.get(page("https://shop.example/billing-faq", ""))
		contains(t, body, `id="box-nothing"`)

		// Search, same ranking as the help centre, as an htmx fragment.
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/help/box/search?lang=fr&q=pr%C3%A9lev%C3%A9+deux+fois&"+k, nil)
		req.Header.Set("HX-Request", "true")
		res, body = c.do(req)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="box-hits"`, "/help/box/articles/"+id(fx.ids["charged-twice"].FR)+"?", "<mark>")
		lacks(t, body, "<html")
		res, body = c.get("/help/box/search?lang=fr&q=%3Cscript%3Ealert(1)%3C/script%3E&" + k)
		expectStatus(t, res, body, http.StatusOK)
		lacks(t, body, "<script>alert")

		// The assistant in the box: passages with links inside the box,
		// or plainly no answer and the contact form.
		req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/help/box/ask?lang=en&q=How+do+I+cancel+my+subscription%3F&"+j+"&"+k, nil)
		req.Header.Set("HX-Request", "true")
		res, body = c.do(req)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `data-answered="true"`, "<strong>Cancel subscription</strong>", "/help/box/articles/"+id(fx.ids["plan"].EN)+"?", "Read the article: Change plan or cancel your subscription")
		_, body = c.get("/help/box/ask?lang=en&q=Can+I+pay+with+bitcoin%3F&" + j + "&" + k)
		contains(t, body, `id="answer-none"`, "/help/box/contact?j=abcdefghijklmnop1234&amp;key="+fx.key+"&amp;lang=en", "<html")

		// Article pages: published public only.
		res, body = c.get("/help/box/articles/" + id(fx.ids["plan"].FR) + "?lang=fr&" + k)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Résilier l&#39;abonnement", "/help/box?")
		res, body = c.get("/help/box/articles/" + id(fx.ids["internal-double-debit"].FR) + "?" + k)
		expectStatus(t, res, body, http.StatusNotFound)

		// A page address that is not one, a journey token that is not one:
		// ignored rather than echoed.
		_, body = c.get("/help/box?" + k + "&page=javascript%3Aalert(1)&j=%22%3E%3Cx")
		lacks(t, body, "javascript:alert", `"><x`)

		// The help centre's own page for the assistant, linked from its home.
		_, body = c.get("/help?lang=fr")
		contains(t, body, `<a href="/help/ask">Poser une question en une phrase</a>`)
		res, body = c.get("/help/ask?lang=fr&q=" + url.QueryEscape("Comment résilier mon abonnement ?"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Poser une question", `href="/help/articles/`+id(fx.ids["plan"].FR)+`"`, "Résilier l&#39;abonnement")
		req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/help/ask?lang=fr&q="+url.QueryEscape("Quelle est la météo demain ?"), nil)
		req.Header.Set("HX-Request", "true")
		res, body = c.do(req)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="answer-none"`, `href="/help/contact"`)
		lacks(t, body, "<html")
		res, body = c.get("/help/ask?lang=fr&q=" + strings.Repeat("mot+", 60))
		expectStatus(t, res, body, http.StatusUnprocessableEntity)

		_, _ = c.get(page("https://shop.example/billing/x", "") + "&open=1&" + j)
		// Each step went into the visitor's journey (the agent's « Déjà
		// essayé » reads it): the box opened on its page, searches, the
		// assistant's questions, the article read.
		for kind, want := range map[string]int{"helpbox_opened": 1, "search": 2, "assistant_asked": 4, "article_viewed": 1} {
			var n int
			if err := s.DB().QueryRow(`SELECT count(*) FROM journey_steps WHERE kind = $1`, kind).Scan(&n); err != nil || n < want {
				t.Errorf("journey steps %s: %d (%v), want at least %d", kind, n, err, want)
			}
		}
		var opened string
		if err := s.DB().QueryRow(`SELECT detail FROM journey_steps WHERE kind = 'helpbox_opened'`).Scan(&opened); err != nil || opened != "https://shop.example/billing/x" {
			t.Errorf("box opened on %q (%v)", opened, err)
		}
	})
}

// The admin page and its actions are for administrators: every other role,
// and visitors, are refused and write nothing.
func TestHelpBoxAdminIsForAdmins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newServerEnv(t, s)
		fx := setUpHelpBox(t, e, s)
		ctx := context.Background()
		ext := e.collaborator(t)
		before, _ := e.d.HelpBoxSetup(ctx, fx.admin)
		audit := func() int {
			entries, err := s.AuditLog(ctx, e.f.WS.ID, 0, 200)
			if err != nil {
				t.Fatal(err)
			}
			return len(entries)
		}
		n := audit()
		mapping := id(before.Mappings[0].ID)
		writes := []struct {
			path string
			form url.Values
		}{
			{"/admin/helpbox/key", url.Values{}},
			{"/admin/helpbox/origins", url.Values{"origins": {"https://evil.example"}}},
			{"/admin/helpbox/mappings", url.Values{"kind": {"prefix"}, "pattern": {"/x"}, "target": {"article:" + id(fx.ids["plan"].FR)}}},
			{"/admin/helpbox/mappings/" + mapping + "/delete", url.Values{}},
		}
		clients := map[string]*client{"anonymous": e.anon(t, "en")}
		for _, m := range []workspace.Member{e.f.Lead, e.f.AgentL1, e.f.AgentL2, e.f.AgentL3} {
			clients[string(m.Role)+" "+m.Email] = e.login(t, m.Email)
		}
		clients["collaborator"] = e.login(t, ext.Email)
		for who, c := range clients {
			want := http.StatusForbidden
			if who == "anonymous" {
				want = http.StatusSeeOther // to the sign-in page
			}
			res, body := c.get("/admin/helpbox")
			if res.StatusCode != want {
				t.Errorf("%s GET /admin/helpbox: %d, want %d\n%s", who, res.StatusCode, want, excerpt(body))
			}
			lacks(t, body, fx.key)
			for _, w := range writes {
				res, body := c.post(w.path, w.form, false)
				if res.StatusCode != want {
					t.Errorf("%s POST %s: %d, want %d\n%s", who, w.path, res.StatusCode, want, excerpt(body))
				}
			}
		}
		after, _ := e.d.HelpBoxSetup(ctx, fx.admin)
		if after.Settings.Key != before.Settings.Key || strings.Join(after.Settings.Origins, " ") != strings.Join(before.Settings.Origins, " ") ||
			len(after.Mappings) != len(before.Mappings) || audit() != n {
			t.Errorf("a refused request wrote: %+v → %+v, audit %d → %d", before, after, n, audit())
		}
		// The desk refuses as well, whoever calls it.
		if err := e.d.RotateHelpBoxKey(ctx, storetest.Actor(t, s, e.f.Lead)); err == nil {
			t.Errorf("a lead rotated the key through the desk")
		}

		// The admin: sees the key and the tag, saves, is refused with the
		// field named, and every change is audited.
		admin := e.login(t, e.f.Admin.Email)
		res, body := admin.get("/admin/helpbox")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, fx.key, "/help/box.js?key="+fx.key, "https://shop.example", "Facturé deux fois ?", `aria-current="page"`)
		res, body = admin.post("/admin/helpbox/origins", url.Values{"origins": {"https://ok.example\nnot-an-origin"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-origins"`, "not-an-origin")
		res, body = admin.post("/admin/helpbox/mappings", url.Values{"kind": {"glob"}, "pattern": {"no-slash"}, "target": {""}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-pattern"`, `id="err-target"`)
		if audit() != n {
			t.Errorf("refused admin forms wrote to the audit log")
		}
		res, body = admin.post("/admin/helpbox/origins", url.Values{"origins": {"https://ok.example"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = admin.post("/admin/helpbox/mappings", url.Values{"kind": {"glob"}, "pattern": {"/invoices/*/edit"}, "target": {"article:" + id(fx.ids["plan"].FR)}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = admin.post("/admin/helpbox/mappings/"+mapping+"/delete", url.Values{}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = admin.post("/admin/helpbox/key", url.Values{}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		entries, err := s.AuditLog(ctx, e.f.WS.ID, 0, 4)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, a := range entries {
			actions = append(actions, a.Action)
		}
		if strings.Join(actions, " ") != "helpbox.key_rotate helpbox.mapping_delete helpbox.mapping_add helpbox.origins" {
			t.Errorf("audit log: %v", actions)
		}
		res, body = admin.get("/help/box.js?key=" + fx.key)
		expectStatus(t, res, body, http.StatusNotFound)
	})
}
