package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
	"github.com/palier/palier/internal/workspace"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// env is a running agent UI over a seeded store.
type env struct {
	srv *httptest.Server
	f   storetest.Fixture
	d   *desk.Service
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	f := storetest.Seed(t, s)
	d := desk.New(s, nil)
	done := make(chan struct{}) // ends the pages' event streams, so Close does not wait on them
	h, err := web.New(d, web.Options{Done: done})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	// Wrapped as the lead's server wraps it, so htmx and form posts are
	// proven to pass the CSRF check.
	h = http.NewCrossOriginProtection().Handler(h)
	// The production server's content security policy: no inline scripts,
	// so the browser test proves htmx and app.js work under it.
	withCSP := h
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		withCSP.ServeHTTP(w, r)
	})
	if os.Getenv("PALIER_DEBUG_STEPS") != "" {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w}
			inner.ServeHTTP(rec, r)
			t.Logf("%s %s cookie=%v → %d %v", r.Method, r.URL, r.Header.Get("Cookie") != "", rec.status, w.Header().Values("Set-Cookie"))
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	return &env{srv: srv, f: f, d: d}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// client is a browser-like client that does not follow redirects, so tests
// can see where they point.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	lang string
}

func (e *env) anon(t *testing.T, lang string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, lang: lang, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs a member of the fixture in.
func (e *env) login(t *testing.T, email string) *client {
	t.Helper()
	return e.loginWith(t, email, storetest.Password)
}

func (e *env) loginWith(t *testing.T, email, password string) *client {
	t.Helper()
	c := e.anon(t, "")
	res, _ := c.post("/login", url.Values{"email": {email}, "password": {password}}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login %s: status %d, location %q", email, res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read %s: %v", req.URL, err)
	}
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values, htmx bool) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	return c.do(req)
}

func expectStatus(t *testing.T, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, excerpt(body))
	}
}

func contains(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q\n%s", w, excerpt(body))
		}
	}
}

func lacks(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page shows %q, which it must not", w)
		}
	}
}

func excerpt(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)

		t.Run("every page needs a session", func(t *testing.T) {
			c := e.anon(t, "")
			for path, want := range map[string]string{
				"/":                 "/login",
				"/views/all":        "/login?next=%2Fviews%2Fall",
				"/tickets/1":        "/login?next=%2Ftickets%2F1",
				"/admin/workspace":  "/login?next=%2Fadmin%2Fworkspace",
				"/no/such/page":     "/login?next=%2Fno%2Fsuch%2Fpage",
				"/sidebar?view=all": "/login?next=%2Fsidebar%3Fview%3Dall",
			} {
				res, _ := c.get(path)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
					t.Errorf("GET %s: %d → %q, want 303 → %q", path, res.StatusCode, res.Header.Get("Location"), want)
				}
			}
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/sidebar?view=mine", nil)
			req.Header.Set("HX-Request", "true")
			req.Header.Set("HX-Current-URL", e.srv.URL+"/views/mine?sort=oldest")
			res, _ := c.do(req)
			if got := res.Header.Get("HX-Redirect"); got != "/login?next=%2Fviews%2Fmine%3Fsort%3Doldest" {
				t.Errorf("an expired session in a fragment should lead to login and back to the page, got %q", got)
			}
			res, _ = c.post("/tickets/1/messages", url.Values{"body": {"x"}}, true)
			if res.Header.Get("HX-Redirect") != "/login" {
				t.Errorf("an htmx post without a session should be told to go to the login page, got %q", res.Header.Get("HX-Redirect"))
			}
		})

		t.Run("wrong password in the browser's language", func(t *testing.T) {
			for lang, want := range map[string]string{
				"fr-FR,fr;q=0.9": "Adresse e-mail ou mot de passe incorrect.",
				"en-GB,en;q=0.9": "Wrong email or password.",
			} {
				c := e.anon(t, lang)
				res, body := c.post("/login", url.Values{"email": {"l1@acme.test"}, "password": {"not the password"}}, false)
				expectStatus(t, res, body, http.StatusUnauthorized)
				contains(t, body, want, `value="l1@acme.test"`)
			}
		})

		t.Run("session cookie and safe redirect after login", func(t *testing.T) {
			c := e.anon(t, "")
			res, _ := c.post("/login", url.Values{"email": {"l1@acme.test"}, "password": {storetest.Password}, "next": {"//evil.example/x"}}, false)
			if res.Header.Get("Location") != "/" {
				t.Errorf("a foreign next must not be followed, got %q", res.Header.Get("Location"))
			}
			var session *http.Cookie
			for _, ck := range res.Cookies() {
				if ck.Name == "palier_session" {
					session = ck
				}
			}
			if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
				t.Fatalf("session cookie = %+v", session)
			}
			c2 := e.anon(t, "")
			res, _ = c2.post("/login", url.Values{"email": {"l1@acme.test"}, "password": {storetest.Password}, "next": {"/views/all?sort=oldest"}}, false)
			if res.Header.Get("Location") != "/views/all?sort=oldest" {
				t.Errorf("a local next is where login leads, got %q", res.Header.Get("Location"))
			}
		})

		t.Run("logout ends the session", func(t *testing.T) {
			c := e.login(t, "l1@acme.test")
			res, _ := c.post("/logout", nil, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", res.StatusCode)
			}
			res, _ = c.get("/")
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("after logout the inbox should redirect to login, got %d", res.StatusCode)
			}
		})

		t.Run("language switch is saved", func(t *testing.T) {
			c := e.login(t, "l1@acme.test") // Luc works in French
			_, body := c.get("/")
			contains(t, body, "Mes tickets", `lang="fr"`)
			res, _ := c.post("/settings/language", url.Values{"lang": {"en"}, "next": {"/views/all"}}, false)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/views/all" {
				t.Fatalf("language switch: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			_, body = c.get("/views/all")
			contains(t, body, "My tickets", `lang="en"`)
			a, err := e.d.SessionActor(context.Background(), sessionOf(t, c))
			if err != nil || a.Language != "en" {
				t.Errorf("language not saved on the member: %q, %v", a.Language, err)
			}
		})

		// Last: the throttle also counts the client's address, which every
		// client of this test server shares.
		t.Run("too many attempts", func(t *testing.T) {
			c := e.anon(t, "fr")
			for range 12 {
				res, body := c.post("/login", url.Values{"email": {"lead@acme.test"}, "password": {"guess"}}, false)
				if res.StatusCode == http.StatusTooManyRequests {
					contains(t, body, "Trop de tentatives de connexion échouées")
					return
				}
				expectStatus(t, res, body, http.StatusUnauthorized)
			}
			t.Error("password guessing was never slowed down")
		})
	})
}

func sessionOf(t *testing.T, c *client) string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "palier_session" {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestInternalErrorsSayNothingWasSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		c := e.login(t, "l1@acme.test")
		c.lang = "fr"
		if err := s.Close(); err != nil { // the database goes away
			t.Fatal(err)
		}
		res, body := c.get("/")
		expectStatus(t, res, body, http.StatusInternalServerError)
		contains(t, body, "Rien n&#39;a été enregistré")
		lacks(t, body, "sql:")
		res, body = c.post("/tickets/1/messages", url.Values{"body": {"x"}}, true)
		expectStatus(t, res, body, http.StatusInternalServerError)
		if res.Header.Get("HX-Retarget") != "#alerts" {
			t.Errorf("an htmx failure should show in the alert area, got %q", res.Header.Get("HX-Retarget"))
		}
	})
}

func TestStaticAssets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.SQLite {
			t.Skip("assets do not depend on the database")
		}
		e := newEnv(t, s)
		c := e.anon(t, "en")
		_, body := c.get("/login")
		i := strings.Index(body, `rel="stylesheet" href="/static/`)
		if i < 0 {
			t.Fatalf("login page links no stylesheet\n%s", excerpt(body))
		}
		href := body[i+len(`rel="stylesheet" href="`):]
		href = href[:strings.IndexByte(href, '"')]
		res, css := c.get(href)
		expectStatus(t, res, css, http.StatusOK)
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control = %q", got)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, ".badge") {
			t.Errorf("stylesheet not served: %s", res.Header.Get("Content-Type"))
		}
		res, _ = c.get("/static/0000/nope.css")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown asset: %d", res.StatusCode)
		}
	})
}

func TestInboxAndTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		f := e.f
		l1 := e.login(t, "l1@acme.test")

		t.Run("inbox shows only what the agent may see", func(t *testing.T) {
			res, body := l1.get("/views/all")
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, f.Ticket["L1"].Subject, f.Ticket["L1owned"].Subject, f.Ticket["swarm"].Subject,
				"#1000", "Alice Martin", "Non assignés en L1", "Mes essaims")
			lacks(t, body, f.Ticket["L3"].Subject, f.Ticket["L2"].Subject, f.Ticket["sensitive"].Subject, f.Other.Ticket.Subject)
		})

		t.Run("sidebar counts", func(t *testing.T) {
			res, body := l1.get("/sidebar?view=mine")
			expectStatus(t, res, body, http.StatusOK)
			// Luc: one active ticket of his own, two unassigned in L1
			// (the sensitive one is not his to see), one swarm.
			contains(t, body, `id="sidebar"`, `hx-trigger="every 30s, palier:inbox from:body"`)
			for view, n := range map[string]string{"mine": "1", "unassigned": "1", "swarms": "1"} {
				contains(t, body, `data-view="`+view+`"`)
				i := strings.Index(body, `data-view="`+view+`"`)
				if !strings.Contains(body[i:i+300], `class="count">`+n+`<`) {
					t.Errorf("view %s should count %s: %s", view, n, body[i:i+300])
				}
			}
		})

		t.Run("filters and sort", func(t *testing.T) {
			_, body := l1.get("/views/all?status=solved")
			contains(t, body, f.Ticket["solved"].Subject)
			lacks(t, body, f.Ticket["L1"].Subject)
			_, body = l1.get("/views/all?owner=none&sort=priority")
			contains(t, body, f.Ticket["L1"].Subject)
			lacks(t, body, f.Ticket["L1owned"].Subject)
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/views/all?type=access", nil)
			req.Header.Set("HX-Request", "true")
			req.Header.Set("HX-Target", "ticket-list")
			res, body := l1.do(req)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="ticket-list"`, f.Ticket["L1owned"].Subject)
			lacks(t, body, "<html", f.Ticket["L1"].Subject)
			res, body = l1.get("/views/all?sort=sideways")
			expectStatus(t, res, body, http.StatusBadRequest)
			res, body = l1.get("/views/team-999999")
			expectStatus(t, res, body, http.StatusNotFound)
		})

		t.Run("tickets the agent may not see are not found", func(t *testing.T) {
			for _, tk := range []string{"L3", "L2", "sensitive"} {
				res, body := l1.get("/tickets/" + id(f.Ticket[tk].ID))
				expectStatus(t, res, body, http.StatusNotFound)
				lacks(t, body, f.Ticket[tk].Subject)
				contains(t, body, "Page introuvable")
				res, body = l1.get("/t/" + id(f.Ticket[tk].Number))
				expectStatus(t, res, body, http.StatusNotFound)
			}
			res, body := l1.get("/tickets/" + id(f.Other.Ticket.ID))
			expectStatus(t, res, body, http.StatusNotFound)
			res, body = l1.post("/tickets/"+id(f.Ticket["L3"].ID)+"/messages", url.Values{"body": {"hello"}}, true)
			expectStatus(t, res, body, http.StatusNotFound)
			res, body = l1.get("/tickets/abc")
			expectStatus(t, res, body, http.StatusNotFound)
		})

		t.Run("ticket page", func(t *testing.T) {
			tk := f.Ticket["L1"]
			res, _ := l1.get("/t/" + id(tk.Number))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/"+id(tk.ID) {
				t.Fatalf("reference redirect: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			res, body := l1.get("/tickets/" + id(tk.ID))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, tk.Subject, "#1000", "SLA : non configuré", "Facturation", "Globex", "alice@globex.example",
				"J&#39;ai été facturée deux fois ce mois-ci.", "Ticket reçu par e-mail", "Routé (règle seed)",
				// Alice's other ticket Luc can see is the swarm one.
				f.Ticket["swarm"].Subject, `id="composer"`, `id="properties"`)
			lacks(t, body, f.Ticket["L2"].Subject) // Alice's L2 ticket is not Luc's to see
		})

		t.Run("a reply appears on the timeline", func(t *testing.T) {
			tk := f.Ticket["L1owned"]
			res, body := l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"Voici un nouveau lien de réinitialisation."}, "status": {"solved"}, "after": {"0"}}, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="composer"`, `data-sent="true"`, `hx-swap-oob="beforeend:#timeline"`,
				"Voici un nouveau lien de réinitialisation.", "a changé le statut de Ouvert à Résolu")
			_, page := l1.get("/tickets/" + id(tk.ID))
			i := strings.Index(page, "Voici un nouveau lien")
			if i < 0 || !strings.Contains(page[max(0, i-600):i], "event-reply") {
				t.Errorf("the reply is not shown as a reply on the timeline")
			}
		})

		t.Run("an internal note is rendered distinct", func(t *testing.T) {
			tk := f.Ticket["swarm"] // Luc is a collaborator: notes only
			_, page := l1.get("/tickets/" + id(tk.ID))
			lacks(t, page, `value="reply"`)
			res, body := l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"note"}, "body": {"Vu le même cas chez Globex."}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("plain form post: %d\n%s", res.StatusCode, excerpt(body))
			}
			_, page = l1.get("/tickets/" + id(tk.ID))
			i := strings.Index(page, "Vu le même cas chez Globex.")
			if i < 0 {
				t.Fatal("note missing")
			}
			before := page[max(0, i-600):i]
			if !strings.Contains(before, "event-note") || !strings.Contains(before, "Note interne") {
				t.Errorf("the note is not marked as internal:\n%s", before)
			}
		})

		t.Run("invite an expert to swarm", func(t *testing.T) {
			tk := f.Ticket["L1owned"]
			res, body := l1.post("/tickets/"+id(tk.ID)+"/invite", url.Values{"agent_id": {id(f.AgentL3.ID)}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("invite: %d\n%s", res.StatusCode, excerpt(body))
			}
			_, page := l1.get("/tickets/" + id(tk.ID))
			contains(t, page, "Luc Premier a invité Théo Troisième dans l&#39;essaim", `class="swarm-members">Théo Troisième<`)
			l3 := e.login(t, "l3@acme.test")
			_, page = l3.get("/views/all") // solved meanwhile, so not in the active swarms view
			contains(t, page, tk.Subject)
		})

		t.Run("an empty reply is refused next to the field", func(t *testing.T) {
			tk := f.Ticket["L1"]
			res, body := l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"  "}}, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="composer"`, `class="field-error" id="err-body"`, "Ce champ est obligatoire.", `aria-invalid="true"`)
		})

		t.Run("properties are saved with htmx", func(t *testing.T) {
			tk := f.Ticket["L1"]
			form := url.Values{"status": {"open"}, "priority": {"urgent"}, "request_type": {"billing"}, "tier_id": {id(tk.TierID)},
				"team_id": {id(tk.TeamID)}, "owner_id": {""}, "assign_me": {"1"}, "tags": {"Facture, doublon"}, "after": {"0"}}
			res, body := l1.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="properties"`, "Enregistré.", "a changé la priorité de Normale à Urgente", "Luc Premier a pris le ticket",
				"doublon, facture")
			got, err := e.d.Ticket(context.Background(), storetest.Actor(t, s, f.AgentL1), tk.ID)
			if err != nil || got.OwnerID != f.AgentL1.ID || got.Priority.String() != "urgent" || strings.Join(got.Tags, ",") != "doublon,facture" {
				t.Errorf("not saved: %+v, %v", got, err)
			}
			form.Set("tags", "pas bien")
			form.Set("tags", "<b>")
			res, body = l1.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-tags"`, "Les étiquettes sont des mots courts", `value="&lt;b&gt;"`)
		})

		t.Run("new ticket from a phone call", func(t *testing.T) {
			res, body := l1.post("/tickets/new", url.Values{"customer_email": {""}, "subject": {""}, "body": {"Il appelle pour sa facture."}, "priority": {"normal"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-subject"`, `id="err-customer_email"`, "Il appelle pour sa facture.")
			res, body = l1.post("/tickets/new", url.Values{"customer_email": {"zoe@example.fr"}, "customer_name": {"Zoé Durand"},
				"subject": {"Appel : facture introuvable"}, "body": {"Elle ne trouve pas sa facture de mai."}, "request_type": {"billing"}, "priority": {"high"}}, false)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/tickets/") {
				t.Fatalf("create: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
			}
			res, body = l1.get(res.Header.Get("Location"))
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Appel : facture introuvable", "Zoé Durand", "Routé vers L1 · Niveau 1 — Support niveau 1 (route par défaut)",
				"Luc Premier a créé le ticket (téléphone)")
		})

		t.Run("user content is escaped", func(t *testing.T) {
			a := storetest.Actor(t, s, f.AgentL1)
			xss := "<script>alert(1)</script>"
			tk, err := e.d.CreateTicket(context.Background(), a, desk.NewTicket{Subject: xss, Body: xss + `<img src=x onerror="alert(2)">`,
				CustomerEmail: "mallory@example.com", CustomerName: xss, Channel: "web"})
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/tickets/" + id(tk.ID), "/views/all"} {
				_, body := l1.get(path)
				lacks(t, body, xss, "<img src=x")
				contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
			}
		})
	})
}

func TestEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		tk := e.f.Ticket["L1"]
		path := "/tickets/" + id(tk.ID) + "/escalate"
		l1 := e.login(t, "l1@acme.test")

		_, page := l1.get("/tickets/" + id(tk.ID))
		contains(t, page, `id="escalate"`, "Escalader vers L2", "Étapes déjà essayées", "Message d&#39;erreur")

		// Nadia cannot hand off without what L2 needs.
		res, body := l1.post(path, url.Values{"direction": {"up"}, "reason": {"Double prélèvement confirmé, remboursement à faire"}}, true)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Renseignez ce dont le niveau suivant a besoin", `id="err-answers.steps_tried"`, `id="err-answers.error_message"`,
			"Ce champ est obligatoire.", "Double prélèvement confirmé")
		got, err := e.d.Ticket(context.Background(), storetest.Actor(t, s, e.f.Lead), tk.ID)
		if err != nil || got.TierID != tk.TierID {
			t.Fatalf("a refused hand-off must change nothing: tier %d, %v", got.TierID, err)
		}

		contains(t, page, `name="from_tier" value="L1"`) // the form says which tier it was drawn at
		form := url.Values{"direction": {"up"}, "reason": {"Double prélèvement confirmé, remboursement à faire"}, "from_tier": {"L1"},
			"answer_steps_tried": {"Vérifié l'historique\nRenvoyé la facture"}, "answer_error_message": {"aucun"}}
		res, body = l1.post(path, form, true)
		landing := "/views/handed-off?moved=" + id(tk.ID)
		if res.StatusCode != http.StatusNoContent || res.Header.Get("HX-Redirect") != landing {
			t.Fatalf("hand-off: %d → %q\n%s", res.StatusCode, res.Header.Get("HX-Redirect"), excerpt(body))
		}
		// He lands on what he handed off, told where it went and who has it.
		res, body = l1.get(landing)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "#1000 transmis à L2 · Niveau 2, équipe Support niveau 2. Personne ne l&#39;a encore pris en charge (non assigné).",
			"Transmis par moi", html.EscapeString(tk.Subject))
		// The same form sent again (a double click) moves nothing.
		res, body = l1.post(path, form, true)
		expectStatus(t, res, body, http.StatusConflict)
		contains(t, body, "Ce ticket a été déplacé entre-temps (il est maintenant en L2)")
		if got, _ := e.d.Ticket(context.Background(), storetest.Actor(t, s, e.f.Lead), tk.ID); got.EscalationCount != 1 {
			t.Errorf("escalations after a duplicate submit = %d, want 1", got.EscalationCount)
		}
		// He follows the ticket, read-only: internal notes, no reply, no
		// properties, no hand-off.
		res, body = l1.get("/tickets/" + id(tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Vous avez transmis ce ticket", `value="note" checked`)
		lacks(t, body, `value="reply"`, `id="escalate"`, `name="sensitive"`)
		res, body = l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"note"}, "body": {"Le client rappelle demain."}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"Bonjour"}}, false)
		expectStatus(t, res, body, http.StatusForbidden)

		l2 := e.login(t, "l2@acme.test") // Dana reads English
		_, page = l2.get("/tickets/" + id(tk.ID))
		contains(t, page, "Hand-off summary", "Vérifié l&#39;historique", "Double prélèvement confirmé", "Luc Premier escalated from L1 to L2")
		if strings.Index(page, "Hand-off summary") > strings.Index(page, `id="timeline"`) {
			t.Error("the hand-off summary should come before the timeline")
		}
	})
}

func TestAdminPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.login(t, "admin@acme.test")
		agent := e.login(t, "l1@acme.test")
		lead := e.login(t, "lead@acme.test")

		t.Run("agents and leads get a 403 page", func(t *testing.T) {
			for _, c := range []*client{agent, lead} {
				for _, path := range []string{"/admin", "/admin/workspace", "/admin/tiers", "/admin/agents/1", "/admin/audit"} {
					if c == lead && path == "/admin/audit" {
						continue // leads read the audit log (TestAuditPageAndCollaboratorPickers)
					}
					res, body := c.get(path)
					expectStatus(t, res, body, http.StatusForbidden)
					contains(t, body, "Accès refusé")
				}
				res, body := c.post("/admin/types/new", url.Values{"key": {"x"}, "name_fr": {"X"}, "name_en": {"X"}}, false)
				expectStatus(t, res, body, http.StatusForbidden)
			}
			// The audit log is for leads too (issue 8.9), not for agents.
			res, body := agent.get("/admin/audit")
			expectStatus(t, res, body, http.StatusForbidden)
			res, body = lead.get("/admin/audit")
			expectStatus(t, res, body, http.StatusOK)
			lacks(t, body, `href="/admin/tiers"`)
			_, body = agent.get("/")
			lacks(t, body, `href="/admin"`)
		})

		t.Run("every admin page renders", func(t *testing.T) {
			f := e.f
			for _, path := range []string{"/admin/workspace", "/admin/tiers", "/admin/tiers/new", "/admin/tiers/" + id(f.Tier["L2"].ID),
				"/admin/teams", "/admin/teams/new", "/admin/teams/" + id(f.Team["L1"].ID), "/admin/agents", "/admin/agents/new",
				"/admin/agents/" + id(f.AgentL1.ID), "/admin/types", "/admin/types/new", "/admin/types/" + id(f.Type["bug"].ID),
				"/admin/fields", "/admin/fields/new", "/admin/audit"} {
				res, body := admin.get(path)
				expectStatus(t, res, body, http.StatusOK)
			}
			res, body := admin.get("/admin/teams/" + id(f.Other.Tier.ID+999))
			expectStatus(t, res, body, http.StatusNotFound)
		})

		t.Run("a refused form shows the error inline", func(t *testing.T) {
			res, body := admin.post("/admin/types/new", url.Values{"key": {"Mauvaise Clé"}, "name_fr": {"Remboursement"}, "name_en": {""}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-key"`, "Utilisez uniquement a-z, 0-9, _ et -.", `id="err-name_en"`, "Ce champ est obligatoire.",
				`value="Remboursement"`)
			res, body = admin.post("/admin/tiers/"+id(e.f.Tier["L1"].ID), url.Values{"name_fr": {"Niveau 1"}, "name_en": {"Level 1"}, "target_share": {"quatre-vingts"}, "position": {"1"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-target_share"`, "Ceci doit être un nombre.", `value="quatre-vingts"`)
			res, body = admin.post("/admin/agents/new", url.Values{"name": {"Nina"}, "email": {"nina@acme.test"}, "role": {"agent"}, "password": {"court"}, "active": {"1"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-password"`, "C&#39;est trop court (minimum 10).")
		})

		t.Run("admins create and edit", func(t *testing.T) {
			f := e.f
			res, body := admin.post("/admin/types/new", url.Values{"key": {"refund"}, "name_fr": {"Remboursement"}, "name_en": {"Refund"}, "active": {"1"}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create type: %d\n%s", res.StatusCode, excerpt(body))
			}
			_, body = admin.get(res.Header.Get("Location"))
			contains(t, body, "Remboursement", "Enregistré.")
			res, body = admin.post("/admin/agents/new", url.Values{"name": {"Nina Nouvelle"}, "email": {"nina@acme.test"}, "role": {"agent"},
				"password": {"un mot de passe long"}, "active": {"1"}, "tier_ids": {id(f.Tier["L1"].ID)}, "team_ids": {id(f.Team["L1"].ID)}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create agent: %d\n%s", res.StatusCode, excerpt(body))
			}
			nina := e.loginWith(t, "nina@acme.test", "un mot de passe long")
			_, body = nina.get("/views/all")
			contains(t, body, f.Ticket["L1"].Subject)
			res, body = admin.post("/admin/teams/"+id(f.Team["L3"].ID), url.Values{"name_fr": {"Experts produit"}, "name_en": {"Product experts"}, "tier_id": {id(f.Tier["L3"].ID)},
				"member_ids": {id(f.AgentL3.ID)}, "skill_ids": {id(f.Type["bug"].ID)}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit team: %d\n%s", res.StatusCode, excerpt(body))
			}
			res, body = admin.post("/admin/workspace", url.Values{"name": {"Acme Support"}, "support_model": {"hybrid"}, "languages": {"fr", "en"},
				"default_language": {"fr"}, "timezone": {"Mars/Olympus"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-timezone"`)
			_, body = admin.get("/admin/audit")
			contains(t, body, "Ada Admin a ajouté le membre Nina Nouvelle", "Ada Admin a ajouté le type de demande « Remboursement »",
				"Ada Admin a modifié l&#39;équipe « Experts produit »", "Nom en français : Experts → Experts produit",
				"Nom en anglais : Experts → Product experts")

			res, body = admin.post("/admin/fields/new", url.Values{"key": {"order_total"}, "kind": {"number"}, "label_fr": {"Montant"},
				"label_en": {"Amount"}, "position": {"0"}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create field: %d\n%s", res.StatusCode, excerpt(body))
			}
			res, body = admin.post("/admin/fields/new", url.Values{"key": {"channel_kind"}, "kind": {"select"}, "label_fr": {"Canal"},
				"label_en": {"Channel"}, "position": {"1"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-options"`)
		})

		t.Run("typed custom fields on the ticket", func(t *testing.T) {
			tk := e.f.Ticket["L1"]
			_, page := agent.get("/tickets/" + id(tk.ID))
			contains(t, page, `name="cf_order_total"`, "Montant")
			form := url.Values{"status": {string(tk.Status)}, "priority": {tk.Priority.String()}, "request_type": {"billing"},
				"tier_id": {id(tk.TierID)}, "team_id": {id(tk.TeamID)}, "owner_id": {""}, "tags": {""}, "cf_order_total": {"douze"}}
			res, body := agent.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-custom_fields.order_total"`, "Ceci doit être un nombre, par exemple 49,90.", `value="douze"`)
			// The French agent types and reads a French number; it is stored as 12.40.
			form.Set("cf_order_total", "12,40")
			res, body = agent.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "a défini Montant à 12,40", `value="12,40"`)
			stored, err := e.d.Ticket(context.Background(), auth.Actor{AgentID: e.f.Admin.ID, WorkspaceID: e.f.WS.ID, Role: workspace.Admin}, tk.ID)
			if err != nil || stored.CustomFields["order_total"] != "12.40" {
				t.Errorf("stored %q (%v), want the canonical 12.40", stored.CustomFields["order_total"], err)
			}
		})
	})
}
