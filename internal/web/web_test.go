package web_test

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/secret"
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
	done := make(chan struct{}) // ends the pages' event streams, so Close does not wait on them
	e := serveEnv(t, s, desk.New(s, nil), func(d *desk.Service) (http.Handler, error) {
		h, err := web.New(d, web.Options{Done: done})
		if err != nil {
			return nil, err
		}
		// Wrapped as the lead's server wraps it, so htmx and form posts are
		// proven to pass the CSRF check, under the production CSP.
		h = withProductionCSP(http.NewCrossOriginProtection().Handler(h))
		if os.Getenv("PALIER_DEBUG_STEPS") != "" {
			inner := h
			h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := &statusRecorder{ResponseWriter: w}
				inner.ServeHTTP(rec, r)
				t.Logf("%s %s cookie=%v → %d %v", r.Method, r.URL, r.Header.Get("Cookie") != "", rec.status, w.Header().Values("Set-Cookie"))
			})
		}
		return h, nil
	})
	t.Cleanup(func() { close(done) }) // registered last, so it runs before the server closes
	return e
}

// serveEnv seeds the fixture in s and serves, until the test ends, the
// handler build makes of the desk d: the start of every kind of env.
func serveEnv(t *testing.T, s *store.Store, d *desk.Service, build func(d *desk.Service) (http.Handler, error)) *env {
	t.Helper()
	f := storetest.Seed(t, s)
	h, err := build(d)
	if err != nil {
		t.Fatalf("build the handler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{srv: srv, f: f, d: d}
}

// withProductionCSP serves h under the production server's content
// security policy: no inline scripts, so the browser tests prove htmx and
// app.js work under it.
func withProductionCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.ServeHTTP(w, r)
	})
}

// eachEnv runs a test on both databases, each time against the agent UI
// over a freshly seeded fixture.
func eachEnv(t *testing.T, test func(t *testing.T, e *env, s *store.Store)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		test(t, newEnv(t, s), s)
	})
}

// sqliteEnv is the agent UI over a fresh SQLite fixture, for tests of what
// does not depend on the database.
func sqliteEnv(t *testing.T) (*env, *store.Store) {
	t.Helper()
	s := storetest.Open(t, store.SQLite)
	return newEnv(t, s), s
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

// collaborator adds Extern Expert (ext@vendor.test), a collaborator of the
// fixture's workspace, invited to no ticket yet: the outsider of the
// role tables.
func (e *env) collaborator(t *testing.T) workspace.Member {
	t.Helper()
	admin := storetest.Actor(t, e.d.Store(), e.f.Admin)
	ext, err := e.d.CreateMember(t.Context(), admin, workspace.Member{Name: "Extern Expert", Email: "ext@vendor.test", Role: workspace.Collaborator, Active: true}, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	return ext
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

// request sends a GET, or a form POST as a page does (not htmx): what the
// tables of routes send.
func (c *client) request(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	if method == http.MethodGet {
		return c.get(path)
	}
	return c.post(path, form, false)
}

// route is a request and the status it must get, a row of the tables of
// who may do what.
type route struct {
	method, path string
	form         url.Values
	want         int
}

// expectRoutes sends each request as c and checks its status.
func expectRoutes(t *testing.T, c *client, routes []route) {
	t.Helper()
	for _, r := range routes {
		res, body := c.request(r.method, r.path, r.form)
		if res.StatusCode != r.want {
			t.Errorf("%s %s: %d, want %d\n%s", r.method, r.path, res.StatusCode, r.want, excerpt(body))
		}
	}
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

func TestInternalErrorsSayNothingWasSaved(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
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

// count runs a SELECT count(*) query: tests prove with it what a request
// wrote, or that a refused one wrote nothing.
func count(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// atOnce runs send(0) … send(n-1) together, released at one moment, and
// returns the status each returned, in order: the races tests set up on
// purpose (one winner, a rate limit).
func atOnce(n int, send func(i int) int) []int {
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			statuses[i] = send(i)
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// rows counts the rows of each table: taken before and after a request,
// they show what it wrote.
func rows(t *testing.T, s *store.Store, tables ...string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		out[table] = count(t, s, `SELECT count(*) FROM `+table)
	}
	return out
}

// sameRows fails when a table's count moved between before and after:
// what did that wrote rows it must not have.
func sameRows(t *testing.T, what string, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s wrote %s: %d → %d", what, k, v, after[k])
		}
	}
}

// serverKey gives the desk a fresh secret key, as --secret-key does: the
// pages that keep passwords (mailboxes, SMTP relay) refuse to work without.
func serverKey(t *testing.T, e *env) *secret.Box {
	t.Helper()
	box, err := secret.New([]byte(rand.Text() + rand.Text())[:32])
	if err != nil {
		t.Fatal(err)
	}
	e.d.EnableMailboxes(box)
	return box
}

// Control characters in any form field, query or path are refused before a
// handler runs, with a 400 page naming the field in the visitor's language,
// the same on both databases (PostgreSQL refused NUL with a 500 where
// SQLite stored it), and nothing is written.
func TestFormsRefuseControlCharacters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		anon := e.anon(t, "fr")
		for _, email := range []string{"l1@acme.test\x00", "\x00", "a\x1bb@acme.test", "l1@acme\u202e.test"} {
			res, body := anon.post("/login", url.Values{"email": {email}, "password": {storetest.Password}}, false)
			expectStatus(t, res, body, http.StatusBadRequest)
			contains(t, body, "Le champ email contient un caractère interdit")
		}
		res, body := anon.post("/login", url.Values{"email": {"l1@acme.test"}, "password": {"pass\x00word"}}, false)
		expectStatus(t, res, body, http.StatusBadRequest)

		admin := e.login(t, e.f.Admin.Email)
		ws := e.f.WS
		refused := []struct {
			path string
			form url.Values
		}{
			{"/admin/workspace", url.Values{"name": {"Acme\x00"}, "support_model": {"tiered"}, "languages": {"fr", "en"}, "default_language": {"fr"},
				"timezone": {"Europe/Paris"}, "business_hours": {"24/7"}}},
			{"/admin/teams/new", url.Values{"name": {"Team \u202eevil"}, "description": {"ok"}}},
			{"/admin/teams/new", url.Values{"name": {"Team"}, "description": {"bell\x07"}}},
			{"/admin/agents/new", url.Values{"name": {"Ana\x00"}, "email": {"ana@acme.test"}, "role": {"agent"}, "password": {"long enough password"}}},
			{"/admin/types/new", url.Values{"key": {"k\x00"}, "name_fr": {"n"}, "name_en": {"n"}}},
			{"/tickets/new", url.Values{"customer_email": {"new@x.test"}, "customer_name": {"Nul\x00"}, "subject": {"s"}, "body": {"b"}}},
			{"/tickets/new", url.Values{"customer_email": {"new@x.test"}, "customer_name": {"Ok"}, "subject": {"two\nlines"}, "body": {"b"}}},
			{"/tickets/" + id(e.f.Ticket["L1"].ID) + "/messages", url.Values{"mode": {"note"}, "body": {"nul\x00"}}},
		}
		before := counts(t, s)
		for _, r := range refused {
			res, body := admin.post(r.path, r.form, false)
			expectStatus(t, res, body, http.StatusBadRequest)
			contains(t, body, "contient un caractère interdit")
		}
		for _, path := range []string{"/?q=%00", "/?q=a%1Bb", "/views/x%00"} {
			res, body := admin.get(path)
			expectStatus(t, res, body, http.StatusBadRequest)
		}
		if after := counts(t, s); after != before {
			t.Errorf("refused forms wrote: %v → %v", before, after)
		}
		if got, _ := s.FirstWorkspace(context.Background()); got.Name != ws.Name {
			t.Errorf("workspace renamed to %q", got.Name)
		}
		// Free text keeps its tabs and line breaks.
		res, body = admin.post("/tickets/"+id(e.f.Ticket["L1"].ID)+"/messages", url.Values{"mode": {"note"}, "body": {"one\n\ttwo\r\nthree"}}, false)
		if res.StatusCode >= 400 {
			t.Errorf("a multi-line note: %d %s", res.StatusCode, excerpt(body))
		}
	})
}

func counts(t *testing.T, s *store.Store) [4]int {
	var out [4]int
	for i, table := range []string{"tickets", "events", "customers", "teams"} {
		if err := s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
