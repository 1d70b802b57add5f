// Package jobs runs Palier's one durable job queue: the email outbox today,
// SLA timers, webhook deliveries, bulk actions and broadcasts later. Jobs
// live in the database (store.EnqueueTx adds one inside the transaction of
// the change that caused it), so they survive restarts and are shared by
// every instance: a Runner claims due jobs with a lease, runs their
// handlers on a small pool of goroutines, and records success, a retry
// with exponential back-off, or failure.
//
// Delivery is at least once: a worker that dies mid-job leaves a lease
// that lapses, and the job runs again. Handlers must therefore be
// idempotent (the email outbox, for instance, sends under a Message-ID
// fixed at enqueue time and checks the send state first).
//
// Why not River: River's SQLite driver and its PostgreSQL driver need two
// different database handles (pgx pool, database/sql) beside the store's
// own, its migrations would live outside ours, and enqueueing "in the
// caller's transaction" would need River's own transaction type on each
// dialect. The queue Palier needs is one table and four statements, and
// lives in the store's transactions naturally.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/palier/palier/internal/store"
)

// Job is a claimed job as its handler sees it.
type Job struct {
	ID          int64
	Kind        string
	Payload     []byte
	Attempt     int // 1 for the first run
	MaxAttempts int
}

// Decode unmarshals the job's JSON payload.
func (j Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return Permanent(fmt.Errorf("job %d (%s): bad payload: %w", j.ID, j.Kind, err))
	}
	return nil
}

// Handler runs one job. It returns nil when the job is done, an error to
// retry later, or Permanent(err) when retrying cannot help.
type Handler func(ctx context.Context, j Job) error

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks an error that retrying will not fix: the job fails now.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Backoff is the default wait before retry n (n = 1 after the first
// failure): 10s, 20s, 40s… capped at one hour. It is deterministic so
// tests and operators can predict when a job runs next.
func Backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Runner claims and runs jobs. Set its fields before Run.
type Runner struct {
	store *store.Store
	// Workers is how many jobs run at once (default 4).
	Workers int
	// Lease is how long a claimed job belongs to this runner; the handler's
	// context ends then, and another instance may take the job over.
	Lease time.Duration
	// Poll is the longest a job enqueued by another instance waits before
	// it is noticed (default 2s); Wake notices local enqueues at once.
	Poll time.Duration
	// Grace is how long Run waits for running jobs after its context ends
	// before cancelling them (default 30s).
	Grace time.Duration
	// Now is the clock (tests inject one).
	Now func() time.Time
	// Retry is the wait before each retry (default Backoff).
	Retry func(attempt int) time.Duration
	// Keep is how long finished jobs stay in the table (default a week);
	// Run deletes older ones once an hour.
	Keep time.Duration
	Log  *slog.Logger

	handlers map[string]Handler
	wake     chan struct{}
}

// New returns a runner over a migrated store, with defaults.
func New(s *store.Store, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{store: s, Workers: 4, Lease: 5 * time.Minute, Poll: 2 * time.Second, Grace: 30 * time.Second,
		Now: time.Now, Retry: Backoff, Keep: 7 * 24 * time.Hour, Log: log, handlers: map[string]Handler{}, wake: make(chan struct{}, 1)}
}

// Handle registers the handler of a job kind. Only kinds with a handler are
// claimed, so instances running different versions leave unknown kinds to
// the others.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Wake makes a running Run look for due jobs now (after a local enqueue).
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *Runner) kinds() []string {
	ks := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// RunOnce claims up to Workers due jobs, runs them concurrently and
// records their outcomes. It returns how many ran. Tests drive the queue
// with it and an injected clock.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	list, err := r.store.ClaimJobs(ctx, r.Now(), r.Lease, r.Workers, r.kinds())
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, j := range list {
		wg.Go(func() { r.run(ctx, j) })
	}
	wg.Wait()
	return len(list), nil
}

// Run claims and runs jobs until ctx ends, then stops claiming and waits up
// to Grace for the jobs still running (their handlers' context is
// cancelled after that; their leases lapse and another run takes them).
func (r *Runner) Run(ctx context.Context) error {
	// Handlers outlive ctx by the grace period: a reply being sent when
	// the server is asked to stop should finish rather than be cut off.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	slots := make(chan struct{}, max(r.Workers, 1))
	done := make(chan struct{}, cap(slots))
	var wg sync.WaitGroup
	timer := time.NewTimer(0)
	defer timer.Stop()
	var pruned time.Time
	for {
		if now := r.Now(); now.Sub(pruned) >= time.Hour {
			pruned = now
			if _, err := r.store.PruneJobs(ctx, now.Add(-r.Keep), 10000); err != nil && ctx.Err() == nil {
				r.Log.Error("jobs: prune", "err", err)
			}
		}
		free := cap(slots) - len(slots)
		claimed := 0
		if free > 0 && ctx.Err() == nil {
			list, err := r.store.ClaimJobs(ctx, r.Now(), r.Lease, free, r.kinds())
			if err != nil && ctx.Err() == nil {
				r.Log.Error("jobs: claim", "err", err)
			}
			for _, j := range list {
				slots <- struct{}{}
				wg.Go(func() {
					defer func() {
						<-slots
						select { // a wake-up, not a count: never block on it
						case done <- struct{}{}:
						default:
						}
					}()
					r.run(work, j)
				})
			}
			claimed = len(list)
		}
		if claimed > 0 && claimed == free {
			// Busy: take more as soon as a worker frees up.
			select {
			case <-done:
				continue
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			return r.drain(&wg, cancelWork)
		}
		if claimed > 0 {
			continue // there may be more due jobs
		}
		timer.Reset(r.Poll)
		select {
		case <-ctx.Done():
			return r.drain(&wg, cancelWork)
		case <-r.wake:
		case <-done:
		case <-timer.C:
		}
	}
}

func (r *Runner) drain(wg *sync.WaitGroup, cancel context.CancelFunc) error {
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	grace := time.NewTimer(r.Grace)
	defer grace.Stop()
	select {
	case <-finished:
	case <-grace.C:
		r.Log.Warn("jobs: shutdown grace over, cancelling running jobs")
		cancel()
		<-finished
	}
	return nil
}

// run runs one claimed job and records its outcome.
func (r *Runner) run(ctx context.Context, sj store.Job) {
	j := Job{ID: sj.ID, Kind: sj.Kind, Payload: sj.Payload, Attempt: sj.Attempts, MaxAttempts: sj.MaxAttempts}
	hctx, cancel := context.WithTimeout(ctx, r.Lease)
	err := r.call(hctx, j)
	cancel()
	// The outcome is recorded even when shutdown cancelled the handler:
	// otherwise the job would wait for its lease to lapse.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	now := r.Now()
	var kept bool
	var serr error
	switch {
	case err == nil:
		kept, serr = r.store.CompleteJob(rctx, sj, now)
	case IsPermanent(err) || j.Attempt >= j.MaxAttempts:
		r.Log.Warn("jobs: failed", "kind", j.Kind, "job", j.ID, "attempt", j.Attempt, "err", err)
		kept, serr = r.store.FailJob(rctx, sj, now, err.Error())
	default:
		r.Log.Info("jobs: will retry", "kind", j.Kind, "job", j.ID, "attempt", j.Attempt, "err", err)
		kept, serr = r.store.RetryJob(rctx, sj, now.Add(r.Retry(j.Attempt)), err.Error())
	}
	if serr != nil {
		r.Log.Error("jobs: record outcome", "kind", j.Kind, "job", j.ID, "err", serr)
	} else if !kept {
		r.Log.Warn("jobs: lease lost before the job finished; another worker owns it now", "kind", j.Kind, "job", j.ID)
	}
}

// call runs the handler, turning a panic into an error so that one bad job
// does not take the server down.
func (r *Runner) call(ctx context.Context, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	h, ok := r.handlers[j.Kind]
	if !ok {
		return Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	}
	return h(ctx, j)
}
