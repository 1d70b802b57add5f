package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
)

// proxiedEnv is the UI behind a trusted proxy (the test's loopback), so
// each client can come from its own address through X-Forwarded-For.
func proxiedEnv(t *testing.T, s *store.Store, trusted string) *env {
	t.Helper()
	proxies, err := clientip.Parse(trusted)
	if err != nil {
		t.Fatal(err)
	}
	return serveEnv(t, s, desk.New(s, nil), func(d *desk.Service) (http.Handler, error) {
		h, err := web.New(d, web.Options{})
		return clientip.Middleware(proxies, http.NewCrossOriginProtection().Handler(h)), err
	})
}

type forwardedFor struct {
	addr string
	next http.RoundTripper
}

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return f.next.RoundTrip(r)
}

// from is a client whose requests claim to come from addr.
func (e *env) from(t *testing.T, addr string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, lang: "fr", http: &http.Client{Jar: jar, Transport: forwardedFor{addr, http.DefaultTransport},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func signIn(c *client, email, password string) (*http.Response, string) {
	c.t.Helper()
	return c.post("/login", url.Values{"email": {email}, "password": {password}}, false)
}

// The sign-in page under attack: a guesser is slowed with a translated
// message and Retry-After, the right password works again after the wait
// or once an admin unlocks or resets it, and a colleague elsewhere is not
// locked out.
func TestWebLockoutBackOffUnlockAndReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := proxiedEnv(t, s, "127.0.0.1/32, ::1/128")
		now := time.Now().Truncate(time.Millisecond)
		s.SetClock(func() time.Time { return now })
		admin := e.from(t, "198.51.100.1")
		if res, body := signIn(admin, "admin@acme.test", storetest.Password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("admin sign-in: %d %s", res.StatusCode, excerpt(body))
		}
		attacks := 0
		lock := func() {
			t.Helper()
			// A new address each time: the last one is still slowed.
			attacks++
			attacker := e.from(t, "203.0.113."+id(int64(attacks)))
			for range auth.LoginThrottle.Free {
				res, body := signIn(attacker, "l1@acme.test", "guess")
				expectStatus(t, res, body, http.StatusUnauthorized)
			}
			res, body := signIn(attacker, "l1@acme.test", "guess")
			expectStatus(t, res, body, http.StatusTooManyRequests)
			if res.Header.Get("Retry-After") == "" {
				t.Error("no Retry-After on a throttled sign-in")
			}
			contains(t, body, "Trop de tentatives de connexion échouées ; réessayez dans")
		}
		lock()
		victim := e.from(t, "192.0.2.10")
		res, body := signIn(victim, "l1@acme.test", storetest.Password)
		expectStatus(t, res, body, http.StatusTooManyRequests)
		// A colleague at another address signs in normally: the account
		// is slowed, not the office.
		colleague := e.from(t, "192.0.2.11")
		if res, body := signIn(colleague, "lead@acme.test", storetest.Password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a colleague was locked out: %d %s", res.StatusCode, excerpt(body))
		}
		// Waiting is enough.
		now = now.Add(2 * time.Second)
		if res, body := signIn(victim, "l1@acme.test", storetest.Password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("right password after the wait: %d %s", res.StatusCode, excerpt(body))
		}

		// The admin's unlock button lifts the wait at once.
		lock()
		res, body = admin.get("/admin/agents/" + id(e.f.AgentL1.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `action="/admin/agents/`+id(e.f.AgentL1.ID)+`/unlock"`, "Débloquer la connexion",
			"La connexion attend 1 s après 10 tentatives échouées")
		res, body = admin.post("/admin/agents/"+id(e.f.AgentL1.ID)+"/unlock", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		_, body = admin.get(res.Header.Get("Location"))
		contains(t, body, "Connexion débloquée")
		lacks(t, body, `id="sign-in-lock"`)
		if res, body := signIn(victim, "l1@acme.test", storetest.Password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("right password after unlock: %d %s", res.StatusCode, excerpt(body))
		}
		// Only admins may press it.
		res, body = colleague.post("/admin/agents/"+id(e.f.AgentL1.ID)+"/unlock", nil, false)
		expectStatus(t, res, body, http.StatusForbidden)

		// A password set by the admin lifts it too.
		lock()
		m := e.f.AgentL1
		form := url.Values{"name": {m.Name}, "email": {m.Email}, "role": {string(m.Role)}, "language": {m.Language}, "timezone": {m.Timezone},
			"active": {"on"}, "password": {"a fresh password 2026"}}
		for _, tid := range m.TierIDs {
			form.Add("tier_ids", id(tid))
		}
		for _, tid := range m.TeamIDs {
			form.Add("team_ids", id(tid))
		}
		res, body = admin.post("/admin/agents/"+id(m.ID), form, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if res, body := signIn(victim, "l1@acme.test", "a fresh password 2026"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("new password after a reset: %d %s", res.StatusCode, excerpt(body))
		}
	})
}

// Without trusted proxies, X-Forwarded-For is ignored: a guesser cannot
// invent a new address per attempt to escape the per-address limit.
func TestForwardedForIsIgnoredFromUntrustedPeers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := proxiedEnv(t, s, "")
		limited := false
		for i := range auth.LoginThrottle.Free + 2 {
			c := e.from(t, "203.0.113."+id(int64(i+1)))
			// A different unknown email each time: only the address
			// can slow this guesser down.
			res, body := signIn(c, "nobody"+id(int64(i))+"@acme.test", "guess")
			if res.StatusCode == http.StatusTooManyRequests {
				limited = true
				break
			}
			expectStatus(t, res, body, http.StatusUnauthorized)
		}
		if !limited {
			t.Error("spoofed X-Forwarded-For escaped the per-address limit")
		}
	})
}

var secretRE = regexp.MustCompile(`<code id="new-token">(plr_[A-Za-z0-9_-]+)</code>`)

// "Mes jetons": create (secret shown once), list, revoke; the admin list
// shows everyone's and may revoke any; nobody else reaches it.
func TestWebTokens(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		agent := e.login(t, "l1@acme.test")
		agent.lang = "fr"
		res, body := agent.get("/settings/tokens")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Mes jetons", "Aucun jeton")

		res, body = agent.post("/settings/tokens", url.Values{"name": {"Zapier"}, "lifetime": {"30"}}, false)
		expectStatus(t, res, body, http.StatusOK)
		m := secretRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no secret shown:\n%s", excerpt(body))
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("the page showing a secret may be cached")
		}
		a, err := e.d.TokenActor(ctx, m[1])
		if err != nil || a.AgentID != e.f.AgentL1.ID {
			t.Fatalf("the shown token does not work: %v", err)
		}
		_, body = agent.get("/settings/tokens")
		contains(t, body, "Zapier", "Actif")
		lacks(t, body, m[1])

		// Refusals write nothing.
		before := countTokens(t, s)
		res, body = agent.post("/settings/tokens", url.Values{"name": {""}, "lifetime": {"30"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Ce champ est obligatoire")
		res, body = agent.post("/settings/tokens", url.Values{"name": {"x"}, "lifetime": {"-3"}}, false)
		expectStatus(t, res, body, http.StatusBadRequest)
		res, body = agent.get("/admin/tokens")
		expectStatus(t, res, body, http.StatusForbidden)
		if countTokens(t, s) != before {
			t.Error("a refused token creation wrote a row")
		}

		toks, err := e.d.Tokens(ctx, storetest.Actor(t, s, e.f.AgentL1), false, 0, 10)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens: %v %v", toks, err)
		}
		// Another agent cannot revoke it.
		other := e.login(t, "l2@acme.test")
		res, body = other.post("/settings/tokens/"+id(toks[0].ID)+"/revoke", nil, false)
		expectStatus(t, res, body, http.StatusNotFound)
		if _, err := e.d.TokenActor(ctx, m[1]); err != nil {
			t.Fatal("another agent revoked the token")
		}
		// The admin sees it among everyone's and revokes it.
		admin := e.login(t, "admin@acme.test")
		res, body = admin.get("/admin/tokens")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Zapier", e.f.AgentL1.Email, `/admin/tokens/`+id(toks[0].ID)+`/revoke`)
		res, body = admin.post("/admin/tokens/"+id(toks[0].ID)+"/revoke", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if _, err := e.d.TokenActor(ctx, m[1]); err == nil {
			t.Error("a revoked token still works")
		}
		_, body = agent.get("/settings/tokens")
		contains(t, body, "Révoqué")
		lacks(t, body, `/settings/tokens/`+id(toks[0].ID)+`/revoke`)
	})
}

func countTokens(t *testing.T, s *store.Store) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM api_tokens`)
}
