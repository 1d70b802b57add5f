package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/api"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestCustomerSessionsEndWhenTheirEmailChanges: when an agent changes a
// customer's address (through the API, as the agents' tools do), whoever
// was signed in to the help centre with the old address is signed out,
// and a link emailed to the old address no longer works; an edit that
// keeps the address signs nobody out.
func TestCustomerSessionsEndWhenTheirEmailChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		apiSrv := httptest.NewServer(api.New(e.d, slog.New(slog.NewTextHandler(io.Discard, nil)), ""))
		t.Cleanup(apiSrv.Close)
		token, err := e.d.CreateToken(context.Background(), storetest.Actor(t, s, e.f.AgentL1), e.f.AgentL1.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		alice := e.f.Customer["alice"]
		patch := func(body string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodPatch, apiSrv.URL+"/api/v1/customers/"+strconv.FormatInt(alice.ID, 10), strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("patch customer: %d %s", res.StatusCode, b)
			}
		}
		signedIn := func(c *client) bool {
			t.Helper()
			res, _ := c.get("/help/requests")
			return res.StatusCode == http.StatusOK
		}

		c := e.customerIn(t, logs, alice.Email)
		// A second link asked for and not used yet.
		other := e.anon(t, "")
		res, body := other.post("/help/sign-in", url.Values{"email": {alice.Email}}, false)
		expectStatus(t, res, body, http.StatusOK)
		pending := tokenOf(t, logs.last(t, alice.Email))

		patch(`{"name": "Alice Renamed"}`)
		if !signedIn(c) {
			t.Fatal("an edit that keeps the address signed the customer out")
		}

		patch(`{"email": "alice.new@example.com"}`)
		if signedIn(c) {
			t.Fatal("the session opened with the old address still works")
		}
		res, body = other.post("/help/sign-in/link", url.Values{"token": {pending}}, false)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the link sent to the old address: %d\n%s", res.StatusCode, body)
		}
		if n := count(t, s, `SELECT count(*) FROM customer_sessions WHERE customer_id = $1`, alice.ID); n != 0 {
			t.Fatalf("%d sessions left", n)
		}
		if n := count(t, s, `SELECT count(*) FROM customer_sign_ins WHERE customer_id = $1 AND used_at IS NULL`, alice.ID); n != 0 {
			t.Fatalf("%d unused sign-in links left", n)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'customer.sessions_revoked' AND target_id = $1`, alice.ID); n != 1 {
			t.Fatalf("%d revocations audited, want 1", n)
		}
		// The new address signs in as usual.
		if c := e.customerIn(t, logs, "alice.new@example.com"); !signedIn(c) {
			t.Fatal("the new address cannot sign in")
		}
	})
}
