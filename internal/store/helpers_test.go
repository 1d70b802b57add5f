package store_test

import (
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// wantProblem fails unless err is a problem of the given kind and code.
func wantProblem(t *testing.T, err error, kind problem.Kind, code string) *problem.Error {
	t.Helper()
	p, ok := problem.As(err)
	if !ok {
		t.Fatalf("error = %v (%T), want a %s problem", err, err, code)
	}
	if p.Kind != kind || p.Code != code {
		t.Fatalf("problem = kind %d code %q (%v), want kind %d code %q", p.Kind, p.Code, p, kind, code)
	}
	return p
}

// wantField fails unless err is a validation problem naming field with code.
func wantField(t *testing.T, err error, field, code string) {
	t.Helper()
	p := wantProblem(t, err, problem.Invalid, "validation_failed")
	got, ok := p.Fields[field]
	if !ok {
		t.Fatalf("validation problem names fields %v, want %q", slices.Sorted(maps.Keys(p.Fields)), field)
	}
	if got.Code != code {
		t.Fatalf("field %q code = %q, want %q", field, got.Code, code)
	}
}

// must is storetest.Must: must(s.Tiers(ctx, id))(t).
func must[T any](v T, err error) func(testing.TB) T { return storetest.Must(v, err) }

// clock is a settable time for the store (SetClock), so tests of expiry
// and ordering never sleep.
type clock struct{ now time.Time }

func newClock(s *store.Store) *clock {
	c := &clock{now: time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)}
	s.SetClock(func() time.Time { return c.now })
	return c
}

func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

// eventsOf returns a ticket's whole timeline.
func eventsOf(t *testing.T, s *store.Store, wsID, ticketID int64) []ticket.Event {
	t.Helper()
	return must(s.Events(t.Context(), wsID, ticketID, 0, 1000))(t)
}

// createAtOnce runs n ticket creations concurrently, as n requests
// arriving together, and returns each one's ticket and error by index.
func createAtOnce(n int, create func(i int) (ticket.Ticket, error)) ([]ticket.Ticket, []error) {
	created := make([]ticket.Ticket, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { created[i], errs[i] = create(i) })
	}
	wg.Wait()
	return created, errs
}

// ticketCount counts the workspace's tickets (the tests calling it hold
// fewer than 200).
func ticketCount(t *testing.T, s *store.Store, wsID int64) int {
	t.Helper()
	list, _, err := s.Tickets(t.Context(), wsID, store.Filter{}, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// wantStoredWithoutGaps fails unless the workspace holds, beyond the
// before tickets it held, exactly the tickets acknowledged with numbers,
// and those numbers follow each other with no gap and no repeat.
func wantStoredWithoutGaps(t *testing.T, s *store.Store, wsID int64, before int, numbers []int64) {
	t.Helper()
	if stored := ticketCount(t, s, wsID) - before; stored != len(numbers) {
		t.Errorf("%d tickets stored, %d acknowledged", stored, len(numbers))
	}
	numbers = slices.Sorted(slices.Values(numbers))
	for i := 1; i < len(numbers); i++ {
		if numbers[i] != numbers[i-1]+1 {
			t.Fatalf("ticket numbers have a gap or repeat: %v", numbers)
		}
	}
}

// burstWaits calls reserve n times at once, released together as a burst
// of requests, and returns the waits it answered; an error fails the test.
func burstWaits(t *testing.T, n int, reserve func() (time.Duration, error)) []time.Duration {
	t.Helper()
	waits := make([]time.Duration, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			waits[i], errs[i] = reserve()
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return waits
}

// countZero counts the calls let through at once (no wait).
func countZero(waits []time.Duration) int {
	n := 0
	for _, w := range waits {
		if w == 0 {
			n++
		}
	}
	return n
}

// errOf is the error of a call that also returns a value, for a test
// about the error alone: return errOf(s.CreateTier(…)).
func errOf[T any](_ T, err error) error { return err }

// ptr returns a pointer to v (for store.Change fields).
func ptr[T any](v T) *T { return &v }

// sameIDs reports whether two id lists hold the same ids, in any order.
func sameIDs(a, b []int64) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
