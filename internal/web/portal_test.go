package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
)

// linkLog keeps the sign-in links the desk logs (the demo's way of
// "sending" them when no relay is configured).
type linkLog struct {
	mu    sync.Mutex
	links map[string][]string // email → links, oldest first
	all   []string            // every message logged
}

func (l *linkLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *linkLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *linkLog) WithGroup(string) slog.Handler            { return l }
func (l *linkLog) Handle(_ context.Context, r slog.Record) error {
	var email, link string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "email":
			email = a.Value.String()
		case "link":
			link = a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, r.Message)
	if link != "" {
		l.links[email] = append(l.links[email], link)
	}
	return nil
}

// last returns the newest link logged for an address.
func (l *linkLog) last(t *testing.T, email string) string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	list := l.links[email]
	if len(list) == 0 {
		t.Fatalf("no sign-in link was logged for %s", email)
	}
	return list[len(list)-1]
}

func (l *linkLog) count(email string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.links[email])
}

// portalEnv is newEnv with sign-in links logged (the demo's mode) and
// kept by the test.
func portalEnv(t *testing.T, s *store.Store) (*env, *linkLog) {
	t.Helper()
	logs := &linkLog{links: map[string][]string{}}
	d := desk.New(s, slog.New(logs))
	d.LogSignInLinks()
	e := serveEnv(t, s, d, func(d *desk.Service) (http.Handler, error) {
		h, err := web.New(d, web.Options{Log: slog.New(logs)})
		return withProductionCSP(http.NewCrossOriginProtection().Handler(h)), err
	})
	return e, logs
}

// tokenOf is the token part of a sign-in link.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	_, tok, ok := strings.Cut(link, "/help/sign-in/")
	if !ok || tok == "" {
		t.Fatalf("not a sign-in link: %q", link)
	}
	return tok
}

// customerIn signs a customer in by link, as a browser would.
func (e *env) customerIn(t *testing.T, logs *linkLog, email string) *client {
	t.Helper()
	c := e.anon(t, "")
	res, body := c.post("/help/sign-in", url.Values{"email": {email}}, false)
	expectStatus(t, res, body, http.StatusOK)
	res, body = c.post("/help/sign-in/link", url.Values{"token": {tokenOf(t, logs.last(t, email))}}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/requests" {
		t.Fatalf("sign in %s by link: %d %q\n%s", email, res.StatusCode, res.Header.Get("Location"), body)
	}
	return c
}

func customerCookieOf(t *testing.T, c *client, e *env) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(e.srv.URL + "/help/requests")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "palier_customer" {
			return ck
		}
	}
	t.Fatal("no customer cookie")
	return nil
}

func TestPortalMagicLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		alice := e.f.Customer["alice"]
		c := e.anon(t, "fr")

		res, body := c.get("/help")
		expectStatus(t, res, body, 200)
		contains(t, body, `href="/help/requests"`, "Connexion / Mes demandes")
		res, _ = c.get("/help/requests")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/help/sign-in") {
			t.Fatalf("signed out: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = c.get("/help/sign-in")
		expectStatus(t, res, body, 200)
		contains(t, body, `id="portal-email"`, `name="password"`)

		// Known and unknown addresses get the same page; only the known
		// one gets a link, and nothing shows it on the page.
		_, known := c.post("/help/sign-in", url.Values{"email": {alice.Email}}, false)
		_, unknown := c.post("/help/sign-in", url.Values{"email": {"nobody@nowhere.example"}}, false)
		if known != unknown {
			t.Fatal("the page tells a known address from an unknown one")
		}
		contains(t, known, `id="link-sent"`, "Si nous connaissons cette adresse")
		link := logs.last(t, alice.Email)
		if strings.Contains(known, tokenOf(t, link)) || logs.count("nobody@nowhere.example") != 0 {
			t.Fatal("the link leaked into the page, or an unknown address got one")
		}
		if n := count(t, s, `SELECT count(*) FROM customer_sign_ins`); n != 1 {
			t.Fatalf("%d sign-in rows, want 1", n)
		}
		if n := count(t, s, `SELECT count(*) FROM customer_sign_ins WHERE verifier_hash LIKE $1`, "%"+strings.SplitN(tokenOf(t, link), ".", 2)[1]+"%"); n != 0 {
			t.Fatal("the verifier is stored in clear")
		}

		// Opening the link spends nothing (mail scanners open links).
		res, body = c.get("/help/sign-in/" + tokenOf(t, link))
		expectStatus(t, res, body, 200)
		contains(t, body, `action="/help/sign-in/link"`)
		if res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the link's page may leak its token as a Referer")
		}
		res, body = c.post("/help/sign-in/link", url.Values{"token": {tokenOf(t, link)}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/requests" {
			t.Fatalf("sign in: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		var ck *http.Cookie
		for _, k := range res.Cookies() {
			if k.Name == "palier_customer" {
				ck = k
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/help" || ck.MaxAge <= 0 {
			t.Fatalf("customer cookie: %+v", ck)
		}
		res, body = c.get("/help/requests")
		expectStatus(t, res, body, 200)
		contains(t, body, "Mes demandes", alice.Email)

		// The link is spent: using it again opens nothing.
		sessions := count(t, s, `SELECT count(*) FROM customer_sessions`)
		other := e.anon(t, "en")
		res, body = other.post("/help/sign-in/link", url.Values{"token": {tokenOf(t, link)}}, false)
		expectStatus(t, res, body, http.StatusUnauthorized)
		contains(t, body, "not valid any more")
		if count(t, s, `SELECT count(*) FROM customer_sessions`) != sessions {
			t.Fatal("a spent link opened a session")
		}
		// A forged verifier with a real selector, or garbage, is refused too.
		sel, _, _ := strings.Cut(tokenOf(t, link), ".")
		for _, tok := range []string{sel + ".AAAAAAAAAAAAAAAAAAAAAAAAAA", sel, "", ".", strings.Repeat("A", 300)} {
			res, body = other.post("/help/sign-in/link", url.Values{"token": {tok}}, false)
			expectStatus(t, res, body, http.StatusUnauthorized)
		}

		// Sign-out ends the session on the server, and both are audited.
		old := customerCookieOf(t, c, e)
		res, body = c.post("/help/sign-out", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/help/requests", nil)
		req.AddCookie(old)
		res, _ = other.do(req)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/help/sign-in") {
			t.Fatalf("a signed-out session still works: %d", res.StatusCode)
		}
		for _, action := range []string{"customer.sign_in", "customer.sign_out"} {
			if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = $1 AND target_type = 'customer' AND target_id = $2`, action, alice.ID); n != 1 {
				t.Errorf("%d %s audit entries, want 1", n, action)
			}
		}
	})
}

func TestPortalLinkExpiresAndStaysInItsWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var mu sync.Mutex
		now := time.Now()
		s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		e, logs := portalEnv(t, s)
		bob := e.f.Customer["bob"]
		c := e.anon(t, "en")

		c.post("/help/sign-in", url.Values{"email": {bob.Email}}, false)
		link := logs.last(t, bob.Email)
		mu.Lock()
		now = now.Add(desk.SignInLinkTTL + time.Second)
		mu.Unlock()
		res, body := c.post("/help/sign-in/link", url.Values{"token": {tokenOf(t, link)}}, false)
		expectStatus(t, res, body, http.StatusUnauthorized)
		if count(t, s, `SELECT count(*) FROM customer_sessions`) != 0 {
			t.Fatal("an expired link opened a session")
		}

		// A link of the other workspace's customer does not open this
		// workspace's help centre.
		carol := e.f.Other.Customer
		if err := e.d.RequestSignInLink(context.Background(), e.f.Other.WS.ID, carol.Email, "192.0.2.9", e.srv.URL); err != nil {
			t.Fatal(err)
		}
		res, body = c.post("/help/sign-in/link", url.Values{"token": {tokenOf(t, logs.last(t, carol.Email))}}, false)
		expectStatus(t, res, body, http.StatusUnauthorized)
		if count(t, s, `SELECT count(*) FROM customer_sessions`) != 0 || count(t, s, `SELECT count(*) FROM customer_sign_ins WHERE used_at IS NOT NULL`) != 0 {
			t.Fatal("another workspace's link was accepted or spent")
		}

		// A link is bound to the address it was sent to: once the
		// customer's address changes, it no longer works.
		c.post("/help/sign-in", url.Values{"email": {bob.Email}}, false)
		link = logs.last(t, bob.Email)
		bob.Email = "bob.new@example.com"
		if err := s.UpdateCustomer(context.Background(), e.f.WS.ID, bob); err != nil {
			t.Fatal(err)
		}
		res, body = c.post("/help/sign-in/link", url.Values{"token": {tokenOf(t, link)}}, false)
		expectStatus(t, res, body, http.StatusUnauthorized)
	})
}

func TestPortalSignInLinksAreRateLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		alice := e.f.Customer["alice"]
		// A burst for one address: exactly the free allowance passes,
		// whatever the interleaving.
		const burst = 20
		codes := atOnce(burst, func(int) int {
			res, _ := e.anon(t, "en").post("/help/sign-in", url.Values{"email": {alice.Email}}, false)
			return res.StatusCode
		})
		ok := 0
		for _, code := range codes {
			switch code {
			case http.StatusOK:
				ok++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("status %d in the burst", code)
			}
		}
		if ok != desk.SignInLinkThrottle.Free || logs.count(alice.Email) != ok {
			t.Fatalf("%d links sent (%d logged), want %d", ok, logs.count(alice.Email), desk.SignInLinkThrottle.Free)
		}
		// The refusal is the same for an unknown address: it tells nothing.
		c := e.anon(t, "en")
		res, body := c.post("/help/sign-in", url.Values{"email": {"nobody@nowhere.example"}}, false)
		expectStatus(t, res, body, http.StatusTooManyRequests) // the client's address is spent too
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

// agentRoutes lists every route of the agent UI, read from the source
// (each mux.Handle wrapped in an agent check), plus the admin sections
// registered in a loop.
func agentRoutes(t *testing.T) [][2]string {
	t.Helper()
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`mux\.Handle\("(GET|POST) (/[^"]*)", s\.(auth|admin|leadOrAdmin|lead)\(`)
	var out [][2]string
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			out = append(out, [2]string{m[1], regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(m[2], "1")})
		}
	}
	for _, sec := range []string{"tiers", "teams", "members", "types", "fields"} {
		out = append(out, [2]string{"GET", "/admin/" + sec}, [2]string{"POST", "/admin/" + sec + "/new"})
	}
	if len(out) < 30 {
		t.Fatalf("only %d agent routes found: the pattern no longer matches the source", len(out))
	}
	return out
}

func TestCustomerAndAgentSessionsNeverMix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		cust := e.customerIn(t, logs, e.f.Customer["alice"].Email)
		ck := customerCookieOf(t, cust, e)
		raw := e.anon(t, "en")
		for _, rt := range agentRoutes(t) {
			// The cookie is sent by hand to every path (a browser would
			// not even send it outside /help), under both names.
			for _, name := range []string{"palier_customer", "palier_session"} {
				req, _ := http.NewRequest(rt[0], e.srv.URL+rt[1], strings.NewReader(""))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: name, Value: ck.Value})
				res, body := raw.do(req)
				loc := res.Header.Get("Location")
				if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
					t.Errorf("%s %s with a customer session as %s: %d %q\n%.200s", rt[0], rt[1], name, res.StatusCode, loc, body)
				}
			}
		}
		// And an agent's session opens no customer page.
		agent := e.login(t, e.f.AgentL1.Email)
		var sessionCk *http.Cookie
		u, _ := url.Parse(e.srv.URL + "/")
		for _, k := range agent.http.Jar.Cookies(u) {
			if k.Name == "palier_session" {
				sessionCk = k
			}
		}
		for _, path := range []string{"/help/requests", "/help/requests/1000", "/help/account", "/help/files/1"} {
			for _, name := range []string{"palier_session", "palier_customer"} {
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
				req.AddCookie(&http.Cookie{Name: name, Value: sessionCk.Value})
				res, _ := raw.do(req)
				if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/help/sign-in") {
					t.Errorf("GET %s with an agent session as %s: %d", path, name, res.StatusCode)
				}
			}
		}
	})
}

func TestCustomerPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		victoria := e.f.Customer["victoria"]
		c := e.customerIn(t, logs, victoria.Email)
		res, body := c.post("/help/account/password", url.Values{"password": {"court"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		res, body = c.post("/help/account/password", url.Values{"password": {"un mot de passe long"}}, false)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="has-password"`)

		other := e.anon(t, "en")
		res, body = other.post("/help/sign-in", url.Values{"email": {victoria.Email}, "password": {"wrong password!"}}, false)
		expectStatus(t, res, body, http.StatusUnauthorized)
		_, unknown := other.post("/help/sign-in", url.Values{"email": {"nobody@nowhere.example"}, "password": {"wrong password!"}}, false)
		if strings.ReplaceAll(unknown, "nobody@nowhere.example", "") != strings.ReplaceAll(body, victoria.Email, "") {
			t.Error("a wrong password and an unknown address answer differently")
		}
		res, _ = other.post("/help/sign-in", url.Values{"email": {victoria.Email}, "password": {"un mot de passe long"}, "next": {"/admin"}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/requests" {
			t.Fatalf("password sign-in: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = other.get("/help/requests")
		expectStatus(t, res, body, 200)
		// The password is not an agent's: it opens no agent session.
		res, _ = other.post("/login", url.Values{"email": {victoria.Email}, "password": {"un mot de passe long"}}, false)
		expectStatus(t, res, "", http.StatusUnauthorized)
	})
}

func TestPortalLinkUsedConcurrentlyOpensOneSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		alice := e.f.Customer["alice"]
		c := e.anon(t, "en")
		c.post("/help/sign-in", url.Values{"email": {alice.Email}}, false)
		tok := tokenOf(t, logs.last(t, alice.Email))
		const n = 12
		codes := atOnce(n, func(int) int {
			res, _ := e.anon(t, "en").post("/help/sign-in/link", url.Values{"token": {tok}}, false)
			return res.StatusCode
		})
		if ok := slices.Index(codes, http.StatusSeeOther); ok < 0 || slices.Index(codes[ok+1:], http.StatusSeeOther) >= 0 {
			t.Fatalf("statuses %v: want exactly one sign-in", codes)
		}
		if got := count(t, s, `SELECT count(*) FROM customer_sessions`); got != 1 {
			t.Fatalf("%d sessions opened by one link", got)
		}
	})
}
