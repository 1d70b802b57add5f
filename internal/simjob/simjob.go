// Package simjob runs simulations in the background: a lead asks for
// scenarios A and B to be compared, the run goes on after the request that
// started it, and the page polls its progress and reads its result.
//
// Runs are background work, so they do not live in the web package. Today
// Runner keeps them in memory on one instance (a run is found only on the
// instance that started it); the durable job queue in the database is
// their future home, behind the same Queue interface.
package simjob

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/palier/palier/internal/sim"
)

// Queue is where simulation runs go and are found again.
type Queue interface {
	// Start queues a run of spec and returns its id, or ErrBusy when
	// enough runs are going on already.
	Start(spec Spec) (id string, err error)
	// Get returns a run of the workspace as it stands; ok is false when
	// there is no such run, it belongs to another workspace, or its
	// result is no longer kept.
	Get(id string, workspaceID int64) (st Status, ok bool)
}

// ErrBusy refuses a run when the instance already runs its share.
var ErrBusy = errors.New("simjob: simulator busy")

// Spec is a run to do: A then B with the same seed, so that both see the
// same customers.
type Spec struct {
	WorkspaceID  int64
	A, B         sim.Scenario
	Replications int
	Seed         uint64
	// Started is what the caller started the run with (the web page's
	// form and the notes of scenario B), handed back with its status.
	Started any
}

// Status is a consistent copy of a run.
type Status struct {
	ID       string
	Spec     Spec
	Progress float64 // 0..1, both halves counted
	Done     bool
	Failed   bool
	A, B     sim.Result // once Done and not Failed
}

// Options bound a Runner.
type Options struct {
	MaxRunning int           // runs at once on the instance
	MaxKept    int           // finished runs kept
	TTL        time.Duration // how long a finished run's result is kept
	Timeout    time.Duration // a run that takes longer is stopped and fails
	// Workers per run; 0 keeps half the cores busy so that agents' pages
	// stay fast.
	Workers int
	Log     *slog.Logger
}

// Runner is the in-memory Queue of one instance.
type Runner struct {
	opts Options
	// simulate does the work of a run; tests replace it to hold a run
	// still or make it fail.
	simulate func(ctx context.Context, spec Spec, progress func(float64)) (a, b sim.Result, err error)

	mu      sync.Mutex
	jobs    map[string]*job
	running int
}

var _ Queue = (*Runner)(nil)

// New returns a Runner bounded by opts.
func New(opts Options) *Runner {
	if opts.Workers <= 0 {
		opts.Workers = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	r := &Runner{opts: opts, jobs: map[string]*job{}}
	r.simulate = r.simulateAB
	return r
}

// job is one run and what it has reached.
type job struct {
	id      string
	spec    Spec
	created time.Time

	mu       sync.Mutex
	progress float64
	done     bool
	failed   bool
	finished time.Time
	a, b     sim.Result
}

// Start registers the run and starts it in the background, or refuses
// with ErrBusy.
func (r *Runner) Start(spec Spec) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := &job{id: rand.Text(), spec: spec, created: time.Now()}
	r.prune(j.created)
	if r.running >= r.opts.MaxRunning {
		return "", ErrBusy
	}
	r.running++
	r.jobs[j.id] = j
	go func() {
		// The run outlives the request that started it, not the
		// timeout.
		ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
		defer cancel()
		defer r.release()
		r.run(ctx, j)
	}()
	return j.id, nil
}

// Get finds a run of the workspace: leads share their runs, other
// workspaces never see them.
func (r *Runner) Get(id string, workspaceID int64) (Status, bool) {
	r.mu.Lock()
	j, ok := r.jobs[id]
	r.mu.Unlock()
	if !ok || j.spec.WorkspaceID != workspaceID || j.expired(time.Now(), r.opts.TTL) {
		return Status{}, false
	}
	return j.status(), true
}

// run does a job and records its outcome.
func (r *Runner) run(ctx context.Context, j *job) {
	defer func() {
		// A bug in a run must not take the server down with it.
		if p := recover(); p != nil {
			r.opts.Log.Error("simulator: run panicked", "workspace", j.spec.WorkspaceID, "run", j.id, "panic", p)
			j.finish(sim.Result{}, sim.Result{}, true)
		}
	}()
	a, b, err := r.simulate(ctx, j.spec, j.setProgress)
	if err != nil {
		r.opts.Log.Error("simulator: run failed", "workspace", j.spec.WorkspaceID, "run", j.id, "err", err)
		j.finish(sim.Result{}, sim.Result{}, true)
		return
	}
	j.finish(a, b, false)
}

// simulateAB simulates A then B; progress counts both halves.
func (r *Runner) simulateAB(ctx context.Context, spec Spec, progress func(float64)) (a, b sim.Result, err error) {
	var results [2]sim.Result
	for i, sc := range []sim.Scenario{spec.A, spec.B} {
		opts := sim.RunOptions{Seed: spec.Seed, Replications: spec.Replications, Workers: r.opts.Workers,
			Progress: func(done, total int) {
				progress((float64(i) + float64(done)/float64(max(total, 1))) / 2)
			}}
		if results[i], err = sim.Run(ctx, sc, opts); err != nil {
			return sim.Result{}, sim.Result{}, err
		}
	}
	return results[0], results[1], nil
}

// release frees a run's slot.
func (r *Runner) release() {
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
}

// prune forgets expired runs, then the oldest finished one beyond the
// bound. The caller holds r.mu.
func (r *Runner) prune(now time.Time) {
	var oldest *job
	for id, j := range r.jobs {
		if j.expired(now, r.opts.TTL) {
			delete(r.jobs, id)
			continue
		}
		if j.status().Done && (oldest == nil || j.created.Before(oldest.created)) {
			oldest = j
		}
	}
	if len(r.jobs) >= r.opts.MaxKept && oldest != nil {
		delete(r.jobs, oldest.id)
	}
}

func (j *job) setProgress(f float64) {
	j.mu.Lock()
	j.progress = f
	j.mu.Unlock()
}

func (j *job) finish(a, b sim.Result, failed bool) {
	j.mu.Lock()
	j.a, j.b, j.failed, j.done, j.progress, j.finished = a, b, failed, true, 1, time.Now()
	j.mu.Unlock()
}

// expired reports whether a finished run's result is no longer kept.
func (j *job) expired(now time.Time, ttl time.Duration) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done && now.Sub(j.finished) > ttl
}

func (j *job) status() Status {
	j.mu.Lock()
	defer j.mu.Unlock()
	return Status{ID: j.id, Spec: j.spec, Progress: j.progress, Done: j.done, Failed: j.failed, A: j.a, B: j.b}
}
