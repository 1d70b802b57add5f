package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		if err := s.CreateSession(ctx, "secret-1", f.AgentL1.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, "secret-2", f.AgentL1.ID, 8*time.Hour); err != nil {
			t.Fatal(err)
		}
		if id := must(s.SessionAgent(ctx, "secret-1"))(t); id != f.AgentL1.ID {
			t.Errorf("session agent = %d, want %d", id, f.AgentL1.ID)
		}
		_, err := s.SessionAgent(ctx, "never-issued")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")

		// A session ends when it expires…
		c.advance(time.Hour + time.Millisecond)
		_, err = s.SessionAgent(ctx, "secret-1")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")
		if id := must(s.SessionAgent(ctx, "secret-2"))(t); id != f.AgentL1.ID {
			t.Error("the longer session ended with the shorter one")
		}
		// …or at logout.
		if err := s.DeleteSession(ctx, "secret-2"); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionAgent(ctx, "secret-2")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")

		// Secrets are stored hashed.
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE token_hash LIKE '%secret%'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d sessions stored with a readable secret (%v)", n, err)
		}
	})
}

// Deactivating a member or changing their password ends their sessions at
// once, on every instance (the sessions live in the database).
func TestSessionsEndWithTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		for _, secret := range []string{"l1", "l2", "lead"} {
			m := map[string]int64{"l1": f.AgentL1.ID, "l2": f.AgentL2.ID, "lead": f.Lead.ID}[secret]
			if err := s.CreateSession(ctx, secret, m, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		m := f.AgentL1
		m.Active = false
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m); err != nil {
			t.Fatal(err)
		}
		_, err := s.SessionAgent(ctx, "l1")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")

		if err := s.SetPassword(ctx, f.WS.ID, f.Admin.ID, f.AgentL2.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionAgent(ctx, "l2")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")
		if _, _, hash, err := s.Credentials(ctx, f.AgentL2.Email); err != nil || hash != "new-hash" {
			t.Errorf("password hash = %q (%v), want the new one", hash, err)
		}

		if id := must(s.SessionAgent(ctx, "lead"))(t); id != f.Lead.ID {
			t.Error("another member's session ended too")
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		if err := s.CreateAPIToken(ctx, f.WS.ID, f.Admin.ID, f.AgentL2.ID, "CI export", "pal_token_secret"); err != nil {
			t.Fatal(err)
		}
		if id := must(s.TokenAgent(ctx, "pal_token_secret"))(t); id != f.AgentL2.ID {
			t.Errorf("token agent = %d, want %d", id, f.AgentL2.ID)
		}
		_, err := s.TokenAgent(ctx, "pal_token_guess")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")
		log := must(s.AuditLog(ctx, f.WS.ID, 0, 1))(t)
		if len(log) != 1 || log[0].Action != "api_token.create" || log[0].TargetID != f.AgentL2.ID || log[0].ActorID != f.Admin.ID {
			t.Errorf("audit after creating a token = %+v", log)
		}
		// A deactivated member's token no longer yields an actor.
		m := f.AgentL2
		m.Active = false
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m); err != nil {
			t.Fatal(err)
		}
		if id, err := s.TokenAgent(ctx, "pal_token_secret"); err == nil {
			_, err = s.Actor(ctx, id)
			wantProblem(t, err, problem.Unauthorized, "unauthenticated")
		}
	})
}

// A token lives until it expires or is revoked, each refused with its own
// code; its last use is noted at most once a minute.
func TestAPITokenLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		start := c.now
		tok := must(s.IssueAPIToken(ctx, f.WS.ID, f.AgentL1.ID, store.NewAPIToken{AgentID: f.AgentL1.ID, Name: "laptop", Secret: "plr_a", ExpiresAt: start.Add(time.Hour)}))(t)
		if tok.Name != "laptop" || !tok.ExpiresAt.Equal(start.Add(time.Hour)) || !tok.LastUsedAt.IsZero() || tok.AgentEmail != f.AgentL1.Email {
			t.Fatalf("issued %+v", tok)
		}
		forever := must(s.IssueAPIToken(ctx, f.WS.ID, f.Admin.ID, store.NewAPIToken{AgentID: f.AgentL1.ID, Name: "ci", Secret: "plr_b"}))(t)
		if _, err := s.IssueAPIToken(ctx, f.Other.WS.ID, f.Other.Agent.ID, store.NewAPIToken{AgentID: f.AgentL1.ID, Name: "x", Secret: "plr_x"}); !problem.Is(err, problem.NotFound) {
			t.Errorf("a token for another workspace's member: %v", err)
		}

		lastUsed := func(id int64) time.Time {
			t.Helper()
			return must(s.APITokenByID(ctx, f.WS.ID, id))(t).LastUsedAt
		}
		must(s.TokenAgent(ctx, "plr_a"))(t)
		if !lastUsed(tok.ID).Equal(start) {
			t.Errorf("last used = %v, want %v", lastUsed(tok.ID), start)
		}
		c.advance(30 * time.Second)
		must(s.TokenAgent(ctx, "plr_a"))(t)
		if !lastUsed(tok.ID).Equal(start) {
			t.Error("last used rewritten within the minute")
		}
		c.advance(31 * time.Second)
		must(s.TokenAgent(ctx, "plr_a"))(t)
		if !lastUsed(tok.ID).Equal(c.now) {
			t.Error("last used not updated after a minute")
		}

		c.now = start.Add(time.Hour)
		_, err := s.TokenAgent(ctx, "plr_a")
		wantProblem(t, err, problem.Unauthorized, "token_expired")
		if id := must(s.TokenAgent(ctx, "plr_b"))(t); id != f.AgentL1.ID {
			t.Error("a token without expiry stopped working")
		}

		if _, err := s.RevokeAPIToken(ctx, f.Other.WS.ID, f.Other.Agent.ID, forever.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("another workspace revoked a token: %v", err)
		}
		r := must(s.RevokeAPIToken(ctx, f.WS.ID, f.Admin.ID, forever.ID))(t)
		if !r.RevokedAt.Equal(c.now) {
			t.Errorf("revoked at %v", r.RevokedAt)
		}
		_, err = s.TokenAgent(ctx, "plr_b")
		wantProblem(t, err, problem.Unauthorized, "token_revoked")
		c.advance(time.Hour)
		if again := must(s.RevokeAPIToken(ctx, f.WS.ID, f.Admin.ID, forever.ID))(t); !again.RevokedAt.Equal(r.RevokedAt) {
			t.Error("revoking again moved the revocation time")
		}
		log := must(s.AuditLog(ctx, f.WS.ID, 0, 10))(t)
		revokes := 0
		for _, e := range log {
			if e.Action == "api_token.revoke" {
				revokes++
			}
		}
		if revokes != 1 {
			t.Errorf("%d revocations audited, want 1", revokes)
		}

		all := must(s.APITokens(ctx, f.WS.ID, 0, 0, 10))(t)
		mine := must(s.APITokens(ctx, f.WS.ID, f.Admin.ID, 0, 10))(t)
		page := must(s.APITokens(ctx, f.WS.ID, 0, forever.ID, 10))(t)
		if len(all) != 2 || all[0].ID != forever.ID || len(mine) != 0 || len(page) != 1 || page[0].ID != tok.ID {
			t.Errorf("lists: all %d, admin's %d, after cursor %v", len(all), len(mine), page)
		}
		if others := must(s.APITokens(ctx, f.Other.WS.ID, 0, 0, 10))(t); len(others) != 0 {
			t.Errorf("another workspace lists %d of our tokens", len(others))
		}
	})
}

// A token's one-statement actor is the actor Store.Actor loads for each
// member (role, teams, tiers), and a revocation, a deactivation or a change
// of tiers made through the same store holds from the very next request.
func TestTokenActorIsTheMembersActor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		for name, m := range f.Members() {
			secret := "plr_" + name
			must(s.IssueAPIToken(ctx, f.WS.ID, f.Admin.ID, store.NewAPIToken{AgentID: m.ID, Name: name, Secret: secret}))(t)
			got := must(s.TokenActor(ctx, secret))(t)
			want := must(s.Actor(ctx, m.ID))(t)
			if got.AgentID != want.AgentID || got.WorkspaceID != want.WorkspaceID || got.Name != want.Name || got.Email != want.Email ||
				got.Role != want.Role || got.Language != want.Language || got.Timezone != want.Timezone ||
				!slices.Equal(got.TeamIDs, want.TeamIDs) || !slices.Equal(got.TierIDs, want.TierIDs) {
				t.Errorf("%s: token actor %+v, want %+v", name, got, want)
			}
		}

		// Tiers change: the next request sees the new ones.
		m := must(s.Member(ctx, f.WS.ID, f.AgentL2.ID))(t)
		m.TierIDs = append(m.TierIDs, f.Tier["L4"].ID)
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m); err != nil {
			t.Fatal(err)
		}
		if a := must(s.TokenActor(ctx, "plr_agentL2"))(t); !a.InTier(f.Tier["L4"].ID) {
			t.Errorf("a tier added to the member is missing from the next request's actor: %v", a.TierIDs)
		}

		// Deactivated: refused on the next request.
		m.Active = false
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m); err != nil {
			t.Fatal(err)
		}
		_, err := s.TokenActor(ctx, "plr_agentL2")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")

		// Revoked: refused on the next request, with its own code.
		toks := must(s.APITokens(ctx, f.WS.ID, f.AgentL1.ID, 0, 10))(t)
		must(s.TokenActor(ctx, "plr_agentL1"))(t)
		must(s.RevokeAPIToken(ctx, f.WS.ID, f.Admin.ID, toks[0].ID))(t)
		_, err = s.TokenActor(ctx, "plr_agentL1")
		wantProblem(t, err, problem.Unauthorized, "token_revoked")

		_, err = s.TokenActor(ctx, "plr_nobody")
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")
	})
}

// Another instance (a second store on the same database) revokes a token
// and deactivates another's agent: this instance answers from the actors
// it kept, without the database, for less than store.TokenCacheTTL, and
// refuses both from then on.
func TestTokenActorKeptNoLongerThanTheCacheTTL(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			url := storetest.NewURL(t, d)
			here, there := storetest.OpenURL(t, url), storetest.OpenURL(t, url)
			f := storetest.Seed(t, here)
			at := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
			store.SetTokenCacheClock(here, func() time.Time { return at })
			revoked := must(here.IssueAPIToken(ctx, f.WS.ID, f.Admin.ID, store.NewAPIToken{AgentID: f.AgentL1.ID, Name: "a", Secret: "plr_revoked"}))(t)
			must(here.IssueAPIToken(ctx, f.WS.ID, f.Admin.ID, store.NewAPIToken{AgentID: f.AgentL2.ID, Name: "b", Secret: "plr_deactivated"}))(t)
			must(here.TokenActor(ctx, "plr_revoked"))(t)
			must(here.TokenActor(ctx, "plr_deactivated"))(t)

			must(there.RevokeAPIToken(ctx, f.WS.ID, f.Admin.ID, revoked.ID))(t)
			m := must(there.Member(ctx, f.WS.ID, f.AgentL2.ID))(t)
			m.Active = false
			if err := there.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m); err != nil {
				t.Fatal(err)
			}
			if _, err := there.TokenActor(ctx, "plr_revoked"); !problem.Is(err, problem.Unauthorized) {
				t.Errorf("the instance that revoked the token still takes it: %v", err)
			}

			at = at.Add(store.TokenCacheTTL - time.Millisecond)
			if a := must(here.TokenActor(ctx, "plr_revoked"))(t); a.AgentID != f.AgentL1.ID {
				t.Errorf("kept actor %d, want %d", a.AgentID, f.AgentL1.ID)
			}
			must(here.TokenActor(ctx, "plr_deactivated"))(t)

			at = at.Add(time.Millisecond)
			_, err := here.TokenActor(ctx, "plr_revoked")
			wantProblem(t, err, problem.Unauthorized, "token_revoked")
			_, err = here.TokenActor(ctx, "plr_deactivated")
			wantProblem(t, err, problem.Unauthorized, "unauthenticated")
		})
	}
}
