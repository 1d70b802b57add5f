package api

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store/storetest"
)

// refused sends a request that must fail with status and code, and proves
// it wrote nothing.
func (e *env) refused(who, method, path string, body any, status int, code string) {
	e.t.Helper()
	before := e.rowCounts()
	a := e.send(who, method, path, body)
	if a.status != status || a.errorCode() != code {
		e.t.Errorf("%s %s %s: %s, want %d %s", who, method, path, a, status, code)
	}
	if !maps.Equal(before, e.rowCounts()) {
		e.t.Errorf("%s %s %s was refused but wrote rows", who, method, path)
	}
}

// A token's life over the API: issued with an expiry, seen in lists with
// its last use, refused once expired or revoked with a stable code.
func TestTokenLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		now := time.Now().Truncate(time.Millisecond)
		e.s.SetClock(func() time.Time { return now })
		expires := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		var tok newTokenOut
		e.must(e.send("agentL1", "POST", Prefix+"/tokens", map[string]any{"name": "laptop", "expires_at": expires.Format(time.RFC3339)}), 201, &tok)
		if tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(expires) || tok.AgentID != e.f.AgentL1.ID || tok.LastUsedAt != nil {
			t.Fatalf("issued %+v", tok)
		}
		e.tokens["laptop"] = tok.Token
		e.must(e.get("laptop", Prefix+"/me"), 200, nil)

		var page struct{ Data []tokenOut }
		e.must(e.get("agentL1", Prefix+"/tokens"), 200, &page)
		var seen *tokenOut
		for i, x := range page.Data {
			if x.AgentID != e.f.AgentL1.ID {
				t.Errorf("an agent's list shows %s's token", x.AgentEmail)
			}
			if x.ID == tok.ID {
				seen = &page.Data[i]
			}
		}
		if seen == nil || seen.LastUsedAt == nil || !seen.LastUsedAt.Equal(now.UTC()) {
			t.Errorf("the list does not show the token with its last use: %+v", seen)
		}
		if strings.Contains(string(e.get("agentL1", Prefix+"/tokens").body), tok.Token) {
			t.Error("a list shows a secret")
		}

		now = expires
		if a := e.get("laptop", Prefix+"/me"); a.status != 401 || a.errorCode() != "token_expired" {
			t.Errorf("expired token: %s", a)
		}
		now = time.Now()

		var revoked tokenOut
		e.must(e.send("agentL1", "DELETE", Prefix+"/tokens/"+itoa(tok.ID), nil), 200, &revoked)
		if revoked.RevokedAt == nil {
			t.Errorf("revoked %+v", revoked)
		}
		if a := e.get("laptop", Prefix+"/me"); a.status != 401 || a.errorCode() != "token_revoked" {
			t.Errorf("revoked token: %s", a)
		}
		if a := e.get("agentL1", Prefix+"/me"); a.status != 200 {
			t.Errorf("revoking one token ended another: %s", a)
		}
	})
}

// Who may do what on the token and unlock routes, for every role; each
// refusal writes nothing.
func TestTokenAndUnlockRoutesForEveryRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		adminTok := must(e.s.APITokens(context.Background(), e.f.WS.ID, e.f.Admin.ID, 0, 10))(t)[0]
		for _, who := range []string{"lead", "agentL1", "agentL2", "agentL3"} {
			var page struct{ Data []tokenOut }
			e.must(e.get(who, Prefix+"/tokens"), 200, &page)
			if len(page.Data) != 1 {
				t.Errorf("%s lists %d tokens, want their own one", who, len(page.Data))
			}
			e.refused(who, "GET", Prefix+"/tokens?owner=all", nil, 403, "admin_only")
			e.refused(who, "POST", Prefix+"/tokens", map[string]any{"name": "x", "agent_id": e.f.Admin.ID}, 403, "admin_only")
			e.refused(who, "DELETE", Prefix+"/tokens/"+itoa(adminTok.ID), nil, 404, "token_not_found")
			e.refused(who, "POST", Prefix+"/agents/"+itoa(e.f.AgentL1.ID)+"/unlock", map[string]any{}, 403, "admin_only")
		}
		var all struct{ Data []tokenOut }
		e.must(e.get("admin", Prefix+"/tokens?owner=all&limit=2"), 200, &all)
		if len(all.Data) != 2 {
			t.Errorf("admin's first page holds %d tokens, want 2", len(all.Data))
		}
		e.refused("other", "GET", Prefix+"/tokens?owner=all", nil, 403, "admin_only")
		e.refused("admin", "POST", Prefix+"/agents/"+itoa(e.f.Other.Agent.ID)+"/unlock", map[string]any{}, 404, "agent_not_found")
		e.refused("admin", "POST", Prefix+"/tokens", map[string]any{"agent_id": e.f.Other.Agent.ID}, 404, "agent_not_found")
		e.refused("agentL1", "POST", Prefix+"/tokens", map[string]any{"name": "x", "expires_at": "2020-01-01T00:00:00Z"}, 422, "validation_failed")
		e.refused("agentL1", "POST", Prefix+"/tokens", map[string]any{"name": "x", "expires_at": "tomorrow"}, 422, "validation_failed")
		e.refused("agentL1", "POST", Prefix+"/tokens", map[string]any{"name": strings.Repeat("n", 101)}, 422, "validation_failed")
		e.refused("agentL1", "DELETE", Prefix+"/tokens/0", nil, 400, "bad_id")
		e.refused("other", "DELETE", Prefix+"/tokens/"+itoa(adminTok.ID), nil, 404, "token_not_found")

		// An admin issues for someone else, and revokes anyone's.
		var forL3 newTokenOut
		e.must(e.send("admin", "POST", Prefix+"/tokens", map[string]any{"name": "ops", "agent_id": e.f.AgentL3.ID}), 201, &forL3)
		e.must(e.send("admin", "DELETE", Prefix+"/tokens/"+itoa(forL3.ID), nil), 200, nil)

		// Unlock: the account may sign in again at once, and it is audited.
		key := auth.AccountKey(e.f.AgentL1.Email)
		for range auth.LoginThrottle.Free + 1 {
			must(e.s.ReserveLoginAttempt(context.Background(), auth.LoginThrottle, key))(t)
		}
		var un unlockOut
		e.must(e.send("admin", "POST", Prefix+"/agents/"+itoa(e.f.AgentL1.ID)+"/unlock", nil), 200, &un)
		if !un.Unlocked || un.AgentID != e.f.AgentL1.ID {
			t.Errorf("unlock answered %+v", un)
		}
		if w := must(e.s.ReserveLoginAttempt(context.Background(), auth.LoginThrottle, key))(t); w != 0 {
			t.Errorf("still waiting %v after unlock", w)
		}
		log := must(e.s.AuditLog(context.Background(), e.f.WS.ID, 0, 1))(t)
		if len(log) != 1 || log[0].Action != "agent.unlock" || log[0].ActorID != e.f.Admin.ID {
			t.Errorf("audit: %+v", log)
		}
	})
}

// must is storetest.Must: must(s.Tiers(ctx, id))(t).
func must[T any](v T, err error) func(testing.TB) T { return storetest.Must(v, err) }
