package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestSignIn(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {

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
			token := sessionOf(t, c)
			res, _ := c.post("/logout", nil, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", res.StatusCode)
			}
			// The server forgets the session, not only the browser its
			// cookie: a copy of the cookie taken before is worth nothing.
			if _, err := e.d.SessionActor(context.Background(), token); err == nil {
				t.Error("the session still signs in after logout")
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

// An agent sets their own signature; a too-long one is refused and keeps
// the old; a visitor is sent to sign in.
func TestOwnSignature(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		c := e.login(t, "l1@acme.test")
		res, body := c.get("/settings/signature")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Ma signature", `name="signature"`)

		sig := "Luc Premier\r\nSupport de niveau 1 — Acme"
		if res, body = c.post("/settings/signature", url.Values{"signature": {sig}}, false); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, excerpt(body))
		}
		res, body = c.get("/settings/signature?saved=1")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Votre signature est enregistrée", "Support de niveau 1 — Acme")
		if got, _ := s.Signature(context.Background(), e.f.AgentL1.ID); got != "Luc Premier\nSupport de niveau 1 — Acme" {
			t.Fatalf("stored %q", got)
		}

		res, body = c.post("/settings/signature", url.Values{"signature": {strings.Repeat("é", 1001)}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		if got, _ := s.Signature(context.Background(), e.f.AgentL1.ID); !strings.HasPrefix(got, "Luc Premier") {
			t.Fatalf("a refused signature replaced the old: %q", got)
		}
		// Another agent's signature is theirs alone.
		if got, _ := s.Signature(context.Background(), e.f.AgentL2.ID); got != "" {
			t.Fatalf("l2 has %q", got)
		}
		if res, _ := e.anon(t, "fr").post("/settings/signature", url.Values{"signature": {"x"}}, false); res.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("visitor: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}
