package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if ok, _ := CheckPassword(h, "wrong horse battery"); ok {
		t.Error("wrong password accepted")
	}
	// A stored hash asking for more memory than Palier writes would escape
	// the memory bound: refused without hashing.
	before := HashesRun()
	if _, err := CheckPassword("$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"); !errors.Is(err, ErrBadHash) {
		t.Errorf("a 4 GiB hash: %v", err)
	}
	if HashesRun() != before {
		t.Error("an oversized hash was computed")
	}
}

// When every slot is taken, a check waits at most MaxHashWait and is then
// refused with a 429 carrying a retry delay; a freed slot serves the next.
func TestHashingIsBounded(t *testing.T) {
	defer SetHashConcurrency(0)
	SetHashConcurrency(2)
	old := MaxHashWait
	MaxHashWait = 50 * time.Millisecond
	defer func() { MaxHashWait = old }()

	release := make(chan struct{})
	var held sync.WaitGroup
	held.Add(2)
	done := make(chan error, 2)
	for range 2 {
		go func() {
			done <- withSlot(context.Background(), func() { held.Done(); <-release })
		}()
	}
	held.Wait() // both slots are now taken
	_, err := CheckPassword(dummyHash, "guess")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("third concurrent check: %v, want ErrBusy", err)
	}
	if p, ok := problem.As(err); !ok || p.Kind != problem.TooMany || p.Params["retry_after"] == "" {
		t.Errorf("busy error %+v: want a 429 with retry_after", p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	MaxHashWait = time.Hour
	if err := BurnPasswordCheck(ctx, "guess"); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled request still waited for a slot: %v", err)
	}
	close(release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := BurnPasswordCheck(context.Background(), "guess"); err != nil {
		t.Errorf("a free slot refused: %v", err)
	}
	if got, want := MemoryBound(), int64(2*19*1024*1024); got != want {
		t.Errorf("memory bound %d, want %d", got, want)
	}
}

func TestThrottleBacksOffExponentially(t *testing.T) {
	r := Throttle{Free: 3, Base: time.Second, Cap: 10 * time.Second, Forget: time.Hour}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		failures int
		since    time.Duration
		want     time.Duration
	}{
		{0, 0, 0}, {2, 0, 0},
		{3, 0, time.Second}, {3, time.Second, 0},
		{4, 0, 2 * time.Second}, {5, time.Second, 3 * time.Second},
		{6, 0, 8 * time.Second}, {7, 0, 10 * time.Second}, {70, 0, 10 * time.Second},
		{70, time.Hour, 0}, // forgotten
	}
	for _, c := range cases {
		if got := r.Wait(Attempts{Failures: c.failures, Last: now.Add(-c.since)}, now); got != c.want {
			t.Errorf("%d failures, last %v ago: wait %v, want %v", c.failures, c.since, got, c.want)
		}
	}
	if n := r.Next(Attempts{Failures: 9, Last: now.Add(-2 * time.Hour)}, now); n.Failures != 1 {
		t.Errorf("failures after a forgotten streak: %d, want 1", n.Failures)
	}
}

func TestThrottleKeys(t *testing.T) {
	cases := map[string]string{
		"192.0.2.1":           "ip:192.0.2.1",
		"::ffff:192.0.2.1":    "ip:192.0.2.1",
		"2001:db8:1:2:3::4":   "ip:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::": "ip:2001:db8:1:2::/64",
	}
	for in, want := range cases {
		if got := AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
	if AccountKey(" Lead@Acme.TEST ") != AccountKey("lead@acme.test") {
		t.Error("account keys differ by case or spaces")
	}
}
