package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestRoutingHealth: saved rules that cannot compile are reported by
// /healthz/routing (503, naming the workspace and version) while /readyz
// stays ready, since every new ticket still gets the default route.
func TestRoutingHealth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		h, err := server.New(desk.New(s, nil), server.Config{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		get := func(path string) (int, string) {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		if code, body := get("/healthz/routing"); code != 200 || body != "ok\n" {
			t.Errorf("healthy rules: %d %q", code, body)
		}
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Fraude", Enabled: true,
			When: routing.Condition{Field: "text", Op: "contains_words", Value: "fraude"},
			Then: routing.Actions{Tier: "L2", TierID: f.Tier["L2"].ID, TeamID: 999_999, Team: "Équipe supprimée"}}},
			Fallback: routing.Actions{Tier: "L1", TierID: f.Tier["L1"].ID}}
		version, err := s.SaveRoutingRules(context.Background(), f.WS.ID, f.Admin.ID, rs)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("workspace %d: routing rules version %d do not compile (1 error); new tickets follow the default route\n", f.WS.ID, version)
		if code, body := get("/healthz/routing"); code != http.StatusServiceUnavailable || body != want {
			t.Errorf("broken rules: %d %q, want 503 %q", code, body, want)
		}
		if code, body := get("/readyz"); code != 200 {
			t.Errorf("broken rules must not take the instance out: /readyz = %d %q", code, body)
		}
	})
}
