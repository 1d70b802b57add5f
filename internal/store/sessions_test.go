package store_test

import (
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
