package auth

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/palier/palier/internal/problem"
)

// Every argon2id hash holds argonMemory (19 MiB) for its whole run, so the
// number running at once is what bounds a login storm's memory: without a
// bound, 300 concurrent sign-ins took the process to 4.4 GB. Hashing takes
// one of a few process-wide slots; a request that cannot get one within
// MaxHashWait is refused with ErrBusy instead of queueing without end.

// MaxHashWait is how long a password check waits for a free slot (a
// variable so tests can shorten it).
var MaxHashWait = 2 * time.Second

// ErrBusy refuses a password check when every hashing slot stayed taken
// for MaxHashWait. It is a 429 with a retry delay (in seconds) the edges
// turn into Retry-After.
var ErrBusy = problem.New(problem.TooMany, "login_busy", "the server is busy checking passwords; try again in a moment").
	With("retry_after", "2")

type slots chan struct{}

var hashSlots atomic.Pointer[slots]

func init() { SetHashConcurrency(0) }

// DefaultHashConcurrency is twice the processors Go may use: enough to keep
// every core busy hashing, few enough that memory stays near
// n × 19 MiB above the rest of the process.
func DefaultHashConcurrency() int { return 2 * runtime.GOMAXPROCS(0) }

// SetHashConcurrency sets how many password hashes may run at once in this
// process (n ≤ 0: DefaultHashConcurrency). Hashes already running finish
// in their old slots.
func SetHashConcurrency(n int) {
	if n <= 0 {
		n = DefaultHashConcurrency()
	}
	s := make(slots, n)
	hashSlots.Store(&s)
}

// HashConcurrency reports the current bound.
func HashConcurrency() int { return cap(*hashSlots.Load()) }

// MemoryBound is the most memory password hashing may hold at once.
func MemoryBound() int64 { return int64(HashConcurrency()) * argonMemory * 1024 }

var hashesRun atomic.Int64

// HashesRun counts the argon2id computations this process has run (checks
// and new hashes); tests use it to prove that refused attempts cost none.
func HashesRun() int64 { return hashesRun.Load() }

// withSlot runs fn in a hashing slot, waiting at most MaxHashWait (or until
// ctx ends) for one.
func withSlot(ctx context.Context, fn func()) error {
	s := *hashSlots.Load()
	select {
	case s <- struct{}{}:
	default:
		t := time.NewTimer(MaxHashWait)
		defer t.Stop()
		select {
		case s <- struct{}{}:
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-s }()
	hashesRun.Add(1)
	fn()
	return nil
}

// RetryAfter is the delay, in whole seconds (at least one), a client should
// wait before trying again.
func RetryAfter(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}
