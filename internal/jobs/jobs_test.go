package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// clock is a settable clock shared by the store and the runner.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newRunner(s *store.Store, c *clock) *jobs.Runner {
	r := jobs.New(s, nil)
	s.SetClock(c.Now)
	r.Now = c.Now
	return r
}

func enqueue(t *testing.T, s *store.Store, j store.NewJob) int64 {
	t.Helper()
	id, _, err := s.Enqueue(context.Background(), j)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func job(t *testing.T, s *store.Store, id int64) store.Job {
	t.Helper()
	j, err := s.JobByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func runOnce(t *testing.T, r *jobs.Runner) int {
	t.Helper()
	n, err := r.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFailedJobIsRetriedWithGrowingBackoffThenSucceeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: t0}
		r := newRunner(s, c)
		var attempts []int
		r.Handle("flaky", func(ctx context.Context, j jobs.Job) error {
			attempts = append(attempts, j.Attempt)
			if j.Attempt < 3 {
				return fmt.Errorf("relay said 451 try again (attempt %d)", j.Attempt)
			}
			return nil
		})
		id := enqueue(t, s, store.NewJob{Kind: "flaky", Payload: []byte(`{"n":1}`)})

		if n := runOnce(t, r); n != 1 {
			t.Fatalf("first run ran %d jobs, want 1", n)
		}
		j := job(t, s, id)
		if j.State != store.JobQueued || !j.RunAt.Equal(t0.Add(10*time.Second)) || j.LastError != "relay said 451 try again (attempt 1)" {
			t.Fatalf("after a failure: state %s, run at %v, error %q; want queued at +10s with the error", j.State, j.RunAt.Sub(t0), j.LastError)
		}
		c.Set(t0.Add(9 * time.Second))
		if n := runOnce(t, r); n != 0 {
			t.Fatalf("a job ran %d times before its back-off ended", n)
		}
		c.Set(t0.Add(10 * time.Second))
		if n := runOnce(t, r); n != 1 {
			t.Fatalf("the retry did not run when due (%d)", n)
		}
		if j := job(t, s, id); !j.RunAt.Equal(t0.Add(30 * time.Second)) {
			t.Fatalf("second back-off: run at +%v, want +30s (10s then 20s)", j.RunAt.Sub(t0))
		}
		c.Set(t0.Add(30 * time.Second))
		runOnce(t, r)
		if j := job(t, s, id); j.State != store.JobDone || j.Attempts != 3 || j.LastError != "" {
			t.Fatalf("after success: state %s, attempts %d, error %q", j.State, j.Attempts, j.LastError)
		}
		if fmt.Sprint(attempts) != "[1 2 3]" {
			t.Fatalf("attempts seen by the handler: %v", attempts)
		}
		c.Set(t0.Add(time.Hour))
		if n := runOnce(t, r); n != 0 {
			t.Fatalf("a done job ran again (%d)", n)
		}
	})
}

func TestJobFailsAfterMaxAttemptsOrAPermanentError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: t0}
		r := newRunner(s, c)
		r.Handle("always", func(ctx context.Context, j jobs.Job) error { return errors.New("550 mailbox unavailable") })
		r.Handle("bad", func(ctx context.Context, j jobs.Job) error { return jobs.Permanent(errors.New("no such ticket")) })
		r.Handle("panics", func(ctx context.Context, j jobs.Job) error { panic("boom") })
		always := enqueue(t, s, store.NewJob{Kind: "always", MaxAttempts: 2})
		bad := enqueue(t, s, store.NewJob{Kind: "bad"})
		panics := enqueue(t, s, store.NewJob{Kind: "panics", MaxAttempts: 1})
		runOnce(t, r)
		c.Set(t0.Add(time.Minute))
		runOnce(t, r)
		c.Set(t0.Add(time.Hour))
		if n := runOnce(t, r); n != 0 {
			t.Fatalf("%d failed jobs ran again", n)
		}
		for id, want := range map[int64]string{always: "550 mailbox unavailable", bad: "no such ticket", panics: "handler panicked: boom"} {
			j := job(t, s, id)
			if j.State != store.JobFailed || j.LastError != want {
				t.Errorf("job %s: state %s, error %q; want failed with %q", j.Kind, j.State, j.LastError, want)
			}
		}
		if j := job(t, s, always); j.Attempts != 2 {
			t.Errorf("always failing job ran %d times, want its 2 attempts", j.Attempts)
		}
		if j := job(t, s, bad); j.Attempts != 1 {
			t.Errorf("a permanent error was retried: %d attempts", j.Attempts)
		}
	})
}

func TestJobOfACrashedWorkerRunsAgainWhenItsLeaseLapses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: t0}
		r := newRunner(s, c)
		r.Lease = time.Minute
		ran := 0
		r.Handle("send", func(ctx context.Context, j jobs.Job) error { ran++; return nil })
		id := enqueue(t, s, store.NewJob{Kind: "send"})
		// Another instance claims the job, then dies without a word.
		crashed, err := s.ClaimJobs(context.Background(), t0, time.Minute, 10, []string{"send"})
		if err != nil || len(crashed) != 1 {
			t.Fatalf("claim: %v, %d jobs", err, len(crashed))
		}
		c.Set(t0.Add(59 * time.Second))
		if n := runOnce(t, r); n != 0 {
			t.Fatalf("a job was taken from a worker whose lease still held (%d)", n)
		}
		c.Set(t0.Add(61 * time.Second))
		if n := runOnce(t, r); n != 1 || ran != 1 {
			t.Fatalf("the lapsed job did not run again (%d claimed, %d ran)", n, ran)
		}
		if j := job(t, s, id); j.State != store.JobDone || j.Attempts != 2 {
			t.Fatalf("state %s, attempts %d; want done after 2 attempts", j.State, j.Attempts)
		}
		// The crashed worker comes back to life: its outcome is refused.
		if kept, err := s.FailJob(context.Background(), crashed[0], t0.Add(2*time.Minute), "late"); err != nil || kept {
			t.Fatalf("a stale claim overwrote the job (kept %v, %v)", kept, err)
		}
		if j := job(t, s, id); j.State != store.JobDone {
			t.Fatalf("state %s after a stale outcome", j.State)
		}
	})
}

func TestLapsedLastAttemptIsFailed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: t0}
		r := newRunner(s, c)
		r.Handle("send", func(ctx context.Context, j jobs.Job) error { return nil })
		id := enqueue(t, s, store.NewJob{Kind: "send", MaxAttempts: 1})
		if _, err := s.ClaimJobs(context.Background(), t0, time.Minute, 1, []string{"send"}); err != nil {
			t.Fatal(err)
		}
		c.Set(t0.Add(time.Hour))
		if n := runOnce(t, r); n != 0 {
			t.Fatalf("a job ran beyond its attempts (%d)", n)
		}
		if j := job(t, s, id); j.State != store.JobFailed || j.LastError == "" {
			t.Fatalf("state %s, error %q; want failed with a reason", j.State, j.LastError)
		}
	})
}

func TestUniqueKeyEnqueuesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, added, err := s.Enqueue(ctx, store.NewJob{Kind: "send", UniqueKey: "email.send:42"})
		if err != nil || !added {
			t.Fatalf("first enqueue: %v, added %v", err, added)
		}
		b, added, err := s.Enqueue(ctx, store.NewJob{Kind: "send", UniqueKey: "email.send:42"})
		if err != nil || added || b != a {
			t.Fatalf("second enqueue: id %d (first %d), added %v, %v", b, a, added, err)
		}
		enqueue(t, s, store.NewJob{Kind: "send"}) // no key: never collides
		enqueue(t, s, store.NewJob{Kind: "send"})
		if n, _ := s.CountJobs(ctx, "send", ""); n != 3 {
			t.Fatalf("%d jobs, want 3", n)
		}
	})
}

// openTwins opens two stores on one database: two Palier instances.
func openTwins(t *testing.T, d store.Dialect) (*store.Store, *store.Store) {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "palier.db")
	if d == store.Postgres {
		url = pgtest.NewDatabase(t)
	}
	var out [2]*store.Store
	for i := range out {
		s, err := store.Open(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out[0], out[1]
}

func TestTwoInstancesRunEachJobExactlyOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			a, b := openTwins(t, d)
			const total = 120
			for i := range total {
				enqueue(t, a, store.NewJob{Kind: "send", Payload: fmt.Appendf(nil, `{"i":%d}`, i)})
			}
			var mu sync.Mutex
			runs := map[int64]int{}
			byInstance := [2]int{}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for i, s := range []*store.Store{a, b} {
				r := jobs.New(s, nil)
				r.Workers = 4
				r.Poll = 5 * time.Millisecond
				r.Handle("send", func(ctx context.Context, j jobs.Job) error {
					mu.Lock()
					runs[j.ID]++
					byInstance[i]++
					mu.Unlock()
					return nil
				})
				wg.Go(func() { _ = r.Run(ctx) })
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				n, err := a.CountJobs(context.Background(), "send", store.JobDone)
				if err != nil {
					t.Fatal(err)
				}
				if n == total {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("only %d of %d jobs done before the deadline", n, total)
				}
				time.Sleep(5 * time.Millisecond) // polling a condition, with a deadline
			}
			cancel()
			wg.Wait()
			if len(runs) != total {
				t.Fatalf("%d distinct jobs ran, want %d", len(runs), total)
			}
			for id, n := range runs {
				if n != 1 {
					t.Errorf("job %d ran %d times", id, n)
				}
			}
			t.Logf("%s: instance A ran %d, B ran %d", d, byInstance[0], byInstance[1])
		})
	}
}

// runThenStop starts r.Run, waits until a handler has started, then asks
// Run to stop; the channel gives what Run returns once it has.
func runThenStop(r *jobs.Runner, started <-chan struct{}) <-chan error {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- r.Run(ctx) }()
	<-started
	cancel()
	return stopped
}

func TestShutdownLetsRunningJobsFinish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := jobs.New(s, nil)
		started, release := make(chan struct{}), make(chan struct{})
		var handlerCtxErr error
		r.Handle("slow", func(ctx context.Context, j jobs.Job) error {
			close(started)
			<-release
			handlerCtxErr = ctx.Err()
			return nil
		})
		id := enqueue(t, s, store.NewJob{Kind: "slow"})
		stopped := runThenStop(r, started)
		select {
		case <-stopped:
			t.Fatal("Run returned while a job was still running")
		default:
		}
		close(release)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if handlerCtxErr != nil {
			t.Errorf("the running job's context was cancelled at shutdown: %v", handlerCtxErr)
		}
		if j := job(t, s, id); j.State != store.JobDone {
			t.Fatalf("state %s after a graceful stop, want done", j.State)
		}
	})
}

func TestShutdownGraceCancelsAStuckJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r := jobs.New(s, nil)
		r.Grace = 10 * time.Millisecond
		started := make(chan struct{})
		r.Handle("stuck", func(ctx context.Context, j jobs.Job) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		id := enqueue(t, s, store.NewJob{Kind: "stuck"})
		<-runThenStop(r, started)
		if j := job(t, s, id); j.State != store.JobQueued || j.Attempts != 1 {
			t.Fatalf("state %s attempts %d; want queued for a retry", j.State, j.Attempts)
		}
	})
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 3: 40 * time.Second, 9: 2560 * time.Second, 10: time.Hour, 50: time.Hour} {
		if got := jobs.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestFinishedJobsArePrunedAfterTheirRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: t0}
		r := newRunner(s, c)
		r.Handle("send", func(ctx context.Context, j jobs.Job) error { return nil })
		done := enqueue(t, s, store.NewJob{Kind: "send"})
		runOnce(t, r)
		c.Set(t0.Add(time.Hour))
		waiting := enqueue(t, s, store.NewJob{Kind: "send", RunAt: t0.Add(30 * 24 * time.Hour)})
		n, err := s.PruneJobs(context.Background(), t0.Add(time.Minute), 100)
		if err != nil || n != 1 {
			t.Fatalf("pruned %d (%v), want the one finished job", n, err)
		}
		if _, err := s.JobByID(context.Background(), done); err == nil {
			t.Error("the finished job is still there")
		}
		if j := job(t, s, waiting); j.State != store.JobQueued {
			t.Errorf("a queued job was pruned: %+v", j)
		}
	})
}

// A periodic chore runs until its context ends, and not once more after:
// a sweep or a lease renewal must not outlive the server's shutdown.
func TestEveryRunsUntilItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		jobs.Every(ctx, time.Millisecond, func(context.Context) {
			calls++
			if calls == 3 {
				cancel()
				time.Sleep(5 * time.Millisecond) // let the next tick be due too
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("Every did not return after its context ended")
	}
	if calls != 3 {
		t.Errorf("fn called %d times, want 3 (none after the context ended)", calls)
	}
}
