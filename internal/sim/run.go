package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// RunOptions controls a simulation run.
type RunOptions struct {
	// Seed makes the run reproducible: the same seed gives the same
	// result, whatever the number of workers.
	Seed uint64
	// Replications is the number of independent runs (default 10); the
	// confidence intervals come from their spread.
	Replications int
	// Workers bounds parallelism (default: GOMAXPROCS).
	Workers int
	// Progress, when set, is called from the calling goroutine with the
	// work done so far, in steps of the total.
	Progress func(done, total int)
}

// DefaultReplications is used when RunOptions.Replications is zero.
const DefaultReplications = 10

// progressSteps is how many progress steps one replication reports.
const progressSteps = 50

// Run simulates the scenario. Replications run in parallel; each has its
// own random streams derived from (Seed, replication index), and results are
// combined in index order, so the outcome depends only on the seed.
func Run(ctx context.Context, sc Scenario, opts RunOptions) (Result, error) {
	m, err := compile(sc)
	if err != nil {
		return Result{}, err
	}
	reps := opts.Replications
	if reps == 0 {
		reps = DefaultReplications
	}
	if reps < 0 {
		return Result{}, fmt.Errorf("run: replications must be > 0 (got %d)", reps)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, reps)

	stats := make([]*repStats, reps)
	errs := make([]error, reps)
	ticks := make(chan int, 4*workers)
	jobs := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				stats[i], errs[i] = runReplication(ctx, m, opts.Seed, i, ticks)
				if errs[i] != nil {
					cancel()
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < reps; i++ {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(ticks) }()

	total, done := reps*progressSteps, 0
	for n := range ticks {
		done += n
		if opts.Progress != nil {
			opts.Progress(min(done, total), total)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Result{}, fmt.Errorf("run %q: %w", m.sc.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("run %q: %w", m.sc.Name, err)
	}
	return aggregate(m, opts.Seed, stats), nil
}

// runReplication runs replication i and reports progress steps on ticks.
func runReplication(ctx context.Context, m *compiled, seed uint64, i int, ticks chan<- int) (*repStats, error) {
	e := newEngine(m, seed, i)
	sent := 0
	e.progress = func(now float64) {
		step := min(int(now/e.wEnd*progressSteps), progressSteps-1)
		if step > sent {
			ticks <- step - sent
			sent = step
		}
	}
	if err := e.run(ctx); err != nil {
		return nil, fmt.Errorf("replication %d: %w", i, err)
	}
	ticks <- progressSteps - sent
	return e.st, nil
}
