package desk_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store/storetest"
)

// loginBurst fires n concurrent sign-ins and counts the answers by code.
func loginBurst(t *testing.T, d *desk.Service, n int, email func(i int) string, password, addr string) map[string]int {
	t.Helper()
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, _, err := d.Login(context.Background(), email(i), password, addr)
			code := "ok"
			if p, ok := problem.As(err); ok {
				code = p.Code
				if p.Code == "too_many_attempts" && p.Params["retry_after"] == "" {
					t.Error("a throttled answer without retry_after")
				}
			} else if err != nil {
				t.Errorf("login: %v", err)
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return codes
}

// 60 concurrent wrong passwords against a limit of 10: exactly 10 are
// checked (hashed), the rest refused before any hashing; the same holds
// for 60 different unknown emails from one address.
func TestConcurrentGuessesAreCheckedAtMostTheLimit(t *testing.T) {
	// The burst measures the throttle, not the hashing queue: on a loaded
	// machine a checked guess may wait more than MaxHashWait for a slot,
	// and must not then be counted as login_busy (the hashing tests cover
	// that refusal in package auth).
	defer func(w time.Duration) { auth.MaxHashWait = w }(auth.MaxHashWait)
	auth.MaxHashWait = time.Minute
	eachDesk(t, func(t *testing.T, env deskTest) {
		free := auth.LoginThrottle.Free

		hashed := auth.HashesRun()
		codes := loginBurst(t, env.d, 60, func(int) string { return env.f.Lead.Email }, "wrong password", "192.0.2.1")
		if n := auth.HashesRun() - hashed; n != int64(free) {
			t.Errorf("%d passwords hashed, want %d", n, free)
		}
		if codes["bad_credentials"] != free || codes["too_many_attempts"] != 60-free {
			t.Errorf("answers %v, want %d bad_credentials and the rest too_many_attempts", codes, free)
		}

		hashed = auth.HashesRun()
		codes = loginBurst(t, env.d, 60, func(i int) string { return "nobody" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@acme.test" }, "guess", "198.51.100.9")
		if n := auth.HashesRun() - hashed; n != int64(free) {
			t.Errorf("%d unknown-email guesses hashed from one address, want %d", n, free)
		}
		if codes["too_many_attempts"] != 60-free {
			t.Errorf("answers %v", codes)
		}
	})
}

// After the free failures the account waits, doubling per failure; the
// right password works once the wait is over (no wall), and an admin can
// lift the wait at once, or reset the password.
func TestBackOffUnlockAndReset(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		now := time.Now().Truncate(time.Millisecond) // the store keeps milliseconds
		env.s.SetClock(func() time.Time { return now })
		// Every guess from its own address: only the account is throttled.
		guess := func(i int) error {
			_, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, "wrong password", "203.0.113."+itoa(i%250))
			return err
		}
		lock := func() {
			t.Helper()
			for i := range auth.LoginThrottle.Free {
				if err := guess(i); !problem.Is(err, problem.Unauthorized) {
					t.Fatalf("guess %d: %v", i, err)
				}
			}
		}
		lock()
		_, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, storetest.Password, "192.0.2.50")
		p, _ := problem.As(err)
		if p == nil || p.Code != "too_many_attempts" || p.Params["retry_after"] != "1" {
			t.Fatalf("right password while waiting: %v %+v", err, p)
		}
		// Waiting is enough: no wall.
		now = now.Add(time.Second)
		if _, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, storetest.Password, "192.0.2.50"); err != nil {
			t.Fatalf("right password after the wait: %v", err)
		}
		// The success reset the account: ten fresh failures, then each
		// further one doubles the wait.
		lock()
		for i, want := range []string{"1", "2", "4", "8"} {
			_, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, "wrong password", "192.0.2.60")
			if p, _ := problem.As(err); p == nil || p.Params["retry_after"] != want {
				t.Fatalf("wait %d: %v, want %s s", i, err, want)
			}
			now = now.Add(time.Duration(1<<i) * time.Second)
			if err := guess(100 + i); !problem.Is(err, problem.Unauthorized) {
				t.Fatalf("guess after waiting: %v", err)
			}
		}
		at, wait, err := env.d.LoginLock(env.ctx, env.admin, env.f.AgentL1)
		if err != nil || at.Failures != auth.LoginThrottle.Free+4 || wait != 16*time.Second {
			t.Errorf("lock as the admin sees it: %+v, %v, %v", at, wait, err)
		}

		// Only an admin unlocks; a refusal writes nothing.
		audit := len(must(env.s.AuditLog(env.ctx, env.f.WS.ID, 0, 100))(t))
		if err := env.d.UnlockMember(env.ctx, env.lead, env.f.AgentL1.ID); !problem.Is(err, problem.Forbidden) {
			t.Errorf("a lead unlocked: %v", err)
		}
		if n := len(must(env.s.AuditLog(env.ctx, env.f.WS.ID, 0, 100))(t)); n != audit {
			t.Error("a refused unlock wrote to the audit log")
		}
		if err := env.d.UnlockMember(env.ctx, env.admin, env.f.AgentL1.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, storetest.Password, "192.0.2.50"); err != nil {
			t.Fatalf("right password after unlock: %v", err)
		}

		// A password reset by an admin lifts the wait too.
		lock()
		if _, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, "wrong password", "192.0.2.61"); !problem.Is(err, problem.TooMany) {
			t.Fatalf("not waiting: %v", err)
		}
		if err := env.d.SetPassword(env.ctx, env.admin, env.f.AgentL1.ID, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := env.d.Login(env.ctx, env.f.AgentL1.Email, "a brand new password", "192.0.2.50"); err != nil {
			t.Fatalf("new password after reset: %v", err)
		}
	})
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// must is storetest.Must: must(s.Tiers(ctx, id))(t).
func must[T any](v T, err error) func(testing.TB) T { return storetest.Must(v, err) }
