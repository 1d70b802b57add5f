package simjob

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/palier/palier/internal/sim"
)

func newRunner(maxRunning int, ttl time.Duration) *Runner {
	return New(Options{MaxRunning: maxRunning, MaxKept: 10, TTL: ttl, Timeout: time.Minute, Workers: 1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// waitDone polls the run until it is done, failing past a deadline
// rather than at the test binary's timeout.
func waitDone(t *testing.T, r *Runner, id string, ws int64) Status {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		st, ok := r.Get(id, ws)
		if !ok {
			t.Fatalf("run %s is gone before it finished", id)
		}
		if st.Done {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("run %s not done within a minute", id)
	return Status{}
}

func TestRunSimulatesAThenB(t *testing.T) {
	sc, err := sim.LoadScenarioFile("../../examples/b2b-saas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc.Horizon = sim.Duration(24 * time.Hour)
	b := sc
	b.Tiers = append([]sim.Tier(nil), sc.Tiers...)
	b.Tiers[0].Agents++
	r := newRunner(2, time.Hour)
	id, err := r.Start(Spec{WorkspaceID: 1, A: sc, B: b, Replications: 2, Seed: 1, Started: "form"})
	if err != nil {
		t.Fatal(err)
	}
	st := waitDone(t, r, id, 1)
	if st.Failed || st.Progress != 1 || st.Spec.Started != "form" {
		t.Fatalf("run = failed %v, progress %v, started %v", st.Failed, st.Progress, st.Spec.Started)
	}
	if st.A.Replications != 2 || st.B.Replications != 2 {
		t.Errorf("replications A %d, B %d, want 2 each", st.A.Replications, st.B.Replications)
	}
	// Deterministic per seed: the same A again gives the same result.
	again, err := sim.Run(context.Background(), sc, sim.RunOptions{Seed: 1, Replications: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Wait, st.A.Wait) {
		t.Errorf("A's waits %+v, the same run alone %+v", st.A.Wait, again.Wait)
	}
}

func TestRunnerBoundsRunsAndWorkspaces(t *testing.T) {
	r := newRunner(1, time.Hour)
	release := make(chan struct{})
	r.simulate = func(ctx context.Context, _ Spec, progress func(float64)) (sim.Result, sim.Result, error) {
		progress(0.5)
		<-release
		return sim.Result{Replications: 1}, sim.Result{Replications: 1}, nil
	}
	id, err := r.Start(Spec{WorkspaceID: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Start(Spec{WorkspaceID: 2}); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second run while one is going: err = %v, want ErrBusy", err)
	}
	if _, ok := r.Get(id, 2); ok {
		t.Error("another workspace sees the run")
	}
	if _, ok := r.Get("no-such-run", 1); ok {
		t.Error("an unknown id is found")
	}
	close(release)
	if st := waitDone(t, r, id, 1); st.Failed {
		t.Error("the run failed")
	}
	// The slot is free again once the run is done.
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err = r.Start(Spec{WorkspaceID: 2}); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot not released: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAFailedOrPanickingRunFailsAlone(t *testing.T) {
	for name, fn := range map[string]func(context.Context, Spec, func(float64)) (sim.Result, sim.Result, error){
		"error": func(context.Context, Spec, func(float64)) (sim.Result, sim.Result, error) {
			return sim.Result{}, sim.Result{}, errors.New("boom")
		},
		"panic": func(context.Context, Spec, func(float64)) (sim.Result, sim.Result, error) { panic("boom") },
	} {
		r := newRunner(1, time.Hour)
		r.simulate = fn
		id, err := r.Start(Spec{WorkspaceID: 1})
		if err != nil {
			t.Fatal(err)
		}
		if st := waitDone(t, r, id, 1); !st.Failed {
			t.Errorf("%s: the run did not fail", name)
		}
	}
}

func TestFinishedRunsExpire(t *testing.T) {
	r := newRunner(1, -time.Nanosecond) // expired as soon as finished
	done := make(chan struct{})
	r.simulate = func(context.Context, Spec, func(float64)) (sim.Result, sim.Result, error) {
		defer close(done)
		return sim.Result{}, sim.Result{}, nil
	}
	id, err := r.Start(Spec{WorkspaceID: 1})
	if err != nil {
		t.Fatal(err)
	}
	<-done
	deadline := time.Now().Add(time.Minute)
	for {
		if _, ok := r.Get(id, 1); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a finished run is still served past its TTL")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
