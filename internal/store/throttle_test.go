package store_test

import (
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// An attacker firing many wrong passwords at once gets no more attempts
// than the rule allows: "may it try?" and "count it" are one step, on both
// databases.
func TestLoginReservationIsAtomicUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		rule := auth.Throttle{Free: 10, Base: time.Minute, Cap: time.Hour, Forget: 24 * time.Hour}
		keys := []string{auth.AddressKey("192.0.2.1"), auth.AccountKey("lead@acme.test")}
		// The first attempt creates the rows, so the burst below races on
		// existing rows (inserting would queue it on the unique key).
		if w := must(s.ReserveLoginAttempt(t.Context(), rule, keys...))(t); w != 0 {
			t.Fatal("the first attempt must pass")
		}
		waits := burstWaits(t, 60, func() (time.Duration, error) { return s.ReserveLoginAttempt(t.Context(), rule, keys...) })
		if n := 1 + countZero(waits); n != 10 {
			t.Errorf("%d of 61 attempts allowed, want exactly 10", n)
		}
		a := must(s.LoginAttempts(t.Context(), auth.AccountKey("lead@acme.test")))(t)
		if a.Failures != 10 {
			t.Errorf("%d failures counted, want 10 (refusals count nothing)", a.Failures)
		}
	})
}

// After the free failures, each attempt waits longer: never a wall, a
// refund gives the attempt back, a success resets the account, and old
// rows are swept.
func TestLoginBackOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		c := newClock(s)
		rule := auth.Throttle{Free: 2, Base: time.Second, Cap: 8 * time.Second, Forget: time.Hour}
		acct, addr := auth.AccountKey("Lead@Acme.test "), auth.AddressKey("192.0.2.1")
		reserve := func() time.Duration {
			t.Helper()
			return must(s.ReserveLoginAttempt(ctx, rule, acct, addr))(t)
		}
		for i := range 2 {
			if w := reserve(); w != 0 {
				t.Fatalf("attempt %d must wait %v within the free ones", i+1, w)
			}
		}
		for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
			if w := reserve(); w != want {
				t.Fatalf("wait = %v, want %v", w, want)
			}
			c.advance(want)
			if w := reserve(); w != 0 {
				t.Fatalf("still refused (%v) after waiting %v", w, want)
			}
		}
		// A refused attempt counts nothing.
		before := must(s.LoginAttempts(ctx, acct))(t)
		if reserve() == 0 {
			t.Fatal("allowed without waiting")
		}
		if after := must(s.LoginAttempts(ctx, acct))(t); after != before {
			t.Errorf("a refused attempt changed the count: %+v → %+v", before, after)
		}
		// A success resets the account and refunds the address.
		c.advance(time.Minute)
		if err := s.SettleLogin(ctx, rule, []string{acct}, []string{addr}); err != nil {
			t.Fatal(err)
		}
		if a := must(s.LoginAttempts(ctx, acct))(t); a.Failures != 0 {
			t.Errorf("account still counts %d failures after a success", a.Failures)
		}
		if a := must(s.LoginAttempts(ctx, addr))(t); a.Failures != before.Failures-1 {
			t.Errorf("address counts %d, want %d (one refunded)", a.Failures, before.Failures-1)
		}
		// Rows idle longer than Forget go at the next settlement.
		c.advance(2 * time.Hour)
		if err := s.SettleLogin(ctx, rule, nil, nil); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM login_throttle`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d throttle rows kept (%v), want none", n, err)
		}
	})
}

// An admin lifts a lock by unlocking the account or resetting its
// password; both are audited; another workspace's admin cannot.
func TestUnlockAndPasswordResetClearTheLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		rule := auth.Throttle{Free: 1, Base: time.Hour, Cap: time.Hour, Forget: 24 * time.Hour}
		lock := func(email string) {
			t.Helper()
			for range 2 {
				must(s.ReserveLoginAttempt(ctx, rule, auth.AccountKey(email)))(t)
			}
			if w := must(s.ReserveLoginAttempt(ctx, rule, auth.AccountKey(email)))(t); w == 0 {
				t.Fatal("not locked")
			}
		}
		lock(f.AgentL1.Email)
		if err := s.UnlockMember(ctx, f.Other.WS.ID, f.Other.Agent.ID, f.AgentL1.ID); err == nil {
			t.Error("another workspace unlocked a member")
		}
		if w := must(s.ReserveLoginAttempt(ctx, rule, auth.AccountKey(f.AgentL1.Email)))(t); w == 0 {
			t.Fatal("lifted by the refused unlock")
		}
		if err := s.UnlockMember(ctx, f.WS.ID, f.Admin.ID, f.AgentL1.ID); err != nil {
			t.Fatal(err)
		}
		if w := must(s.ReserveLoginAttempt(ctx, rule, auth.AccountKey(f.AgentL1.Email)))(t); w != 0 {
			t.Errorf("still waiting %v after unlock", w)
		}
		log := must(s.AuditLog(ctx, f.WS.ID, 0, 1))(t)
		if len(log) != 1 || log[0].Action != "agent.unlock" || log[0].TargetID != f.AgentL1.ID || log[0].ActorID != f.Admin.ID {
			t.Errorf("audit after unlock = %+v", log)
		}

		lock(f.AgentL2.Email)
		if err := s.SetPassword(ctx, f.WS.ID, f.Admin.ID, f.AgentL2.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		if w := must(s.ReserveLoginAttempt(ctx, rule, auth.AccountKey(f.AgentL2.Email)))(t); w != 0 {
			t.Errorf("still waiting %v after a password reset", w)
		}
	})
}
