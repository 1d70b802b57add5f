package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
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
	h, err := web.New(d, web.Options{})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	// Wrapped as the lead's server wraps it, so htmx and form posts are
	// proven to pass the CSRF check.
	srv := httptest.NewServer(http.NewCrossOriginProtection().Handler(h))
	t.Cleanup(srv.Close)
	return &env{srv: srv, f: f, d: d}
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
	c := e.anon(t, "")
	res, _ := c.post("/login", url.Values{"email": {email}, "password": {storetest.Password}}, false)
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
			res, _ := c.post("/tickets/1/messages", url.Values{"body": {"x"}}, true)
			if res.Header.Get("HX-Redirect") == "" {
				t.Errorf("an htmx post without a session should be told to go to the login page")
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

func TestStaticAssets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.SQLite {
			t.Skip("assets do not depend on the database")
		}
		e := newEnv(t, s)
		c := e.anon(t, "en")
		_, body := c.get("/login")
		i := strings.Index(body, `href="/static/`)
		if i < 0 {
			t.Fatalf("login page links no stylesheet\n%s", excerpt(body))
		}
		href := body[i+len(`href="`):]
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
