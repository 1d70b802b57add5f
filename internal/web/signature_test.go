package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
)

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
