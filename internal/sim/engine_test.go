package sim

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func mins(m float64) Duration { return Duration(m * float64(time.Minute)) }

func constant(m float64) Distribution { return Distribution{Dist: DistConstant, Mean: mins(m)} }

func mustRun(t *testing.T, sc Scenario, opts RunOptions) Result {
	t.Helper()
	r, err := Run(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func loadExample(t *testing.T, name string) Scenario {
	t.Helper()
	sc, err := LoadScenarioFile("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestSameSeedSameResult(t *testing.T) {
	sc := loadExample(t, "b2b-saas.yaml")
	sc.Horizon = Duration(14 * 24 * time.Hour)
	a := mustRun(t, sc, RunOptions{Seed: 7, Replications: 4})
	b := mustRun(t, sc, RunOptions{Seed: 7, Replications: 4, Workers: 1})
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different results (2 workers vs 1)")
	}
	c := mustRun(t, sc, RunOptions{Seed: 8, Replications: 4})
	if reflect.DeepEqual(a.Wait, c.Wait) {
		t.Error("different seeds gave identical waits")
	}
}

// TestDifferentSeedsAgree checks that independent runs agree within their
// reported uncertainty: the two 95% intervals of every headline metric
// overlap (for independent estimates this fails about once in 200).
func TestDifferentSeedsAgree(t *testing.T) {
	sc := loadExample(t, "b2c-shop.yaml")
	sc.Horizon = Duration(14 * 24 * time.Hour)
	a := mustRun(t, sc, RunOptions{Seed: 1, Replications: 8})
	b := mustRun(t, sc, RunOptions{Seed: 2, Replications: 8})
	for _, row := range Compare(a, &b) {
		if row.A == nil || row.B == nil || row.A.StdErr == 0 {
			continue
		}
		if math.Abs(row.A.Mean-row.B.Mean) > row.A.HalfWidth()+row.B.HalfWidth() {
			t.Errorf("%s: seed 1 gives %.4g [%.4g, %.4g], seed 2 %.4g [%.4g, %.4g]: intervals do not overlap",
				row.Label, row.A.Mean, row.A.Low, row.A.High, row.B.Mean, row.B.Low, row.B.High)
		}
	}
}

// TestLittlesLaw checks L = λW on the outputs of scenarios with shifts,
// escalations, swarming and abandonment. L (time-average tickets in the
// system), λ (arrivals per second) and W (mean time in the system) are
// measured independently by the engine.
func TestLittlesLaw(t *testing.T) {
	for _, name := range []string{"b2c-shop.yaml", "b2b-saas.yaml"} {
		t.Run(name, func(t *testing.T) {
			sc := loadExample(t, name)
			r := mustRun(t, sc, RunOptions{Seed: 3, Replications: 4})
			l := r.Little.InSystem.Mean
			lw := 0.0
			for i := range r.Little.ArrivalRate.reps {
				lw += r.Little.ArrivalRate.reps[i] * r.Little.TimeInSystem.reps[i]
			}
			lw /= float64(len(r.Little.ArrivalRate.reps))
			t.Logf("L = %.4f, λW = %.4f", l, lw)
			if math.Abs(l-lw)/l > 0.01 {
				t.Errorf("Little's law: L = %.4f but λW = %.4f (%.2f%% apart)", l, lw, 100*math.Abs(l-lw)/l)
			}
		})
	}
}

// chain is a two-tier scenario with constant times, so exact values can
// be checked.
func chain(model Model) Scenario {
	return Scenario{
		Name: "chain", Model: model,
		Horizon: Duration(60 * 24 * time.Hour), Warmup: Duration(24 * time.Hour),
		Arrivals: Arrivals{PerHour: 4},
		RequestTypes: []RequestType{{Name: "x", Share: 1,
			Handling: map[string]Distribution{"L1": constant(5), "L2": constant(20)},
			Escalate: map[string]float64{"L1": 0.3}}},
		Tiers: []Tier{
			{Name: "L1", Agents: 2, HourlyCost: 30},
			{Name: "L2", Agents: 2, HourlyCost: 60, Handoff: &Distribution{Dist: DistConstant, Mean: mins(5)}},
		},
		Swarming: SwarmSettings{Collaboration: &Distribution{Dist: DistConstant, Mean: mins(10)}},
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4g, want %.4g ± %.2g", what, got, want, tol)
	}
}

func TestTieredHandOffs(t *testing.T) {
	r := mustRun(t, chain(Tiered), RunOptions{Seed: 1, Replications: 4})
	near(t, "hand-offs per ticket", r.HandoffsPerTicket.Mean, 0.3, 0.01)
	near(t, "first contact resolution", r.FirstContact.Mean, 0.7, 0.01)
	near(t, "L2 resolved share", r.Tiers[1].ResolvedShare.Mean, 0.3, 0.01)
	near(t, "L1 escalation rate", r.Tiers[0].EscalationRate.Mean, 0.3, 0.01)
	// The receiver re-reads: 20 min of work plus 5 min of hand-off.
	near(t, "L2 mean handling (s)", r.Tiers[1].MeanHandling.Mean, 25*60, 1e-6)
	near(t, "swarms per ticket", r.SwarmsPerTicket.Mean, 0, 0)
}

func TestSwarming(t *testing.T) {
	tiered := mustRun(t, chain(Tiered), RunOptions{Seed: 1, Replications: 4})
	r := mustRun(t, chain(Swarming), RunOptions{Seed: 1, Replications: 4})
	near(t, "hand-offs per ticket", r.HandoffsPerTicket.Mean, 0, 0)
	near(t, "swarms per ticket", r.SwarmsPerTicket.Mean, 0.3, 0.01)
	near(t, "first contact resolution", r.FirstContact.Mean, 1, 0)
	near(t, "L2 resolved share (deepest level needed)", r.Tiers[1].ResolvedShare.Mean, 0.3, 0.01)
	// Experts only spend the collaboration time: 0.3 swarms × 10 min per
	// ticket, 4 tickets an hour, 2 experts → 10% busy.
	near(t, "L2 utilisation", r.Tiers[1].Utilisation.Mean, 0.3*10*4/60/2, 0.01)
	// The owner does the L2 work too: 5 + 0.3 × 20 = 11 min per ticket.
	near(t, "L1 utilisation", r.Tiers[0].Utilisation.Mean, 11.0*4/60/2, 0.01)
	// No hand-off queue: resolution is faster than tiered.
	if r.Resolution.Mean.Mean >= tiered.Resolution.Mean.Mean {
		t.Errorf("swarming resolution %.0fs should beat tiered %.0fs here", r.Resolution.Mean.Mean, tiered.Resolution.Mean.Mean)
	}
}

func TestSwarmInterruptsBusyExperts(t *testing.T) {
	// Experts fully busy with their own queue (type "own" enters at L2):
	// each swarm must interrupt one, whose work is pushed back.
	sc := chain(Hybrid)
	sc.RequestTypes[0].Model = Swarming
	sc.RequestTypes = append(sc.RequestTypes, RequestType{Name: "own", Model: Tiered, Entry: "L2",
		Handling: map[string]Distribution{"L2": constant(20)}})
	sc.RequestTypes[0].Share, sc.RequestTypes[1].Share = 0.5, 0.5
	sc.Tiers[1].Agents = 1
	sc.Swarming.Interruption = mins(5)
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 4})
	if r.SwarmsPerTicket.Mean == 0 || r.SwarmWaits.Mean != 0 {
		t.Fatalf("swarms %.3f, swarm waits %.3f: want swarms and no waits", r.SwarmsPerTicket.Mean, r.SwarmWaits.Mean)
	}
	// L2 work: own 0.5 × 20 min + swarms 0.5 × 0.3 × (10 + 5 when
	// interrupting) per ticket, 4 tickets an hour, one expert. The expert
	// is busy about 70% of the time, so most swarms interrupt.
	lo, hi := 4*(0.5*20+0.15*10)/60, 4*(0.5*20+0.15*15)/60
	u := r.Tiers[1].Utilisation.Mean
	t.Logf("L2 utilisation %.3f (no interruption %.3f, all interrupting %.3f)", u, lo, hi)
	if u < lo+0.01 || u > hi+0.01 {
		t.Errorf("L2 utilisation %.3f, want above %.3f (interruptions cost time) and at most %.3f", u, lo+0.01, hi)
	}
}

func TestSwarmWaitsWhenNoExpertOnDuty(t *testing.T) {
	sc := chain(Swarming)
	sc.Tiers[1].Hours = "mon-fri 09:00-17:00"
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 2})
	if r.SwarmWaits.Mean <= 0 {
		t.Error("tickets needing L2 at night should wait for an expert")
	}
	if r.FirstContact.Mean >= 1 {
		t.Error("tickets that waited for an expert are not first-contact resolutions")
	}
	if r.Unfinished.Mean != 0 {
		t.Errorf("unfinished %.3f: parked swarms must come back to their owner", r.Unfinished.Mean)
	}
}

func TestShiftsMakeNightTicketsWait(t *testing.T) {
	// Everything arrives between 02:00 and 03:00; the desk opens at 09:00.
	hourly := make([]float64, 24)
	hourly[2] = 1
	sc := Scenario{
		Name: "night", Horizon: Duration(14 * 24 * time.Hour), Warmup: Duration(24 * time.Hour),
		Arrivals:     Arrivals{PerDay: 20, Hourly: hourly},
		RequestTypes: []RequestType{{Name: "x", Share: 1, Handling: map[string]Distribution{"L1": constant(1)}}},
		Tiers:        []Tier{{Name: "L1", Agents: 50, Hours: "daily 09:00-17:00"}},
	}
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 2})
	if w := r.Wait.P50.Mean / hourSec; w < 6 || w > 7 {
		t.Errorf("median wait %.2f h, want 6-7 h (arrival 02:00-03:00, opening 09:00)", w)
	}
	if u := r.Tiers[0].Agents; math.Abs(u-50*8.0/24) > 0.01 {
		t.Errorf("mean agents on duty %.3f, want %.3f", u, 50*8.0/24)
	}
}

func TestPriorityQueueServesUrgentFirst(t *testing.T) {
	mk := func(q QueueDiscipline) Scenario {
		sc := mmcScenario(3, 0.9, 24*60)
		sc.RequestTypes[0].Priorities = map[string]float64{"urgent": 0.2, "normal": 0.8}
		sc.Tiers[0].Queue = q
		sc.SLA = SLA{Targets: map[string]SLATarget{"urgent": {FirstResponse: mins(5)}}}
		return sc
	}
	fifo := mustRun(t, mk(FIFO), RunOptions{Seed: 1, Replications: 4})
	prio := mustRun(t, mk(Priority), RunOptions{Seed: 1, Replications: 4})
	f, p := fifo.SLAFirstResponse.Mean, prio.SLAFirstResponse.Mean
	t.Logf("urgent first response within 5 min: FIFO %.3f, priority %.3f", f, p)
	if p < f+0.1 {
		t.Errorf("priority queue should help urgent tickets: %.3f vs FIFO %.3f", p, f)
	}
	// Work-conserving disciplines share the same mean wait overall.
	near(t, "mean wait ratio priority/FIFO", prio.Wait.Mean.Mean/fifo.Wait.Mean.Mean, 1, 0.05)
}

func TestAbandonment(t *testing.T) {
	sc := mmcScenario(2, 0.95, 24*30)
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 2})
	if r.Abandonment.Mean != 0 {
		t.Errorf("no patience set, yet %.3f abandoned", r.Abandonment.Mean)
	}
	sc.Channels = []Channel{{Name: "phone", Share: 1, Patience: &Distribution{Dist: DistExponential, Mean: mins(2)}}}
	r = mustRun(t, sc, RunOptions{Seed: 1, Replications: 2})
	if a := r.Abandonment.Mean; a < 0.05 || a > 0.5 {
		t.Errorf("abandonment %.3f with 2-minute patience at 95%% load, want a clear share", a)
	}
	if r.Unfinished.Mean != 0 {
		t.Errorf("unfinished %.3f", r.Unfinished.Mean)
	}
}

func TestSelfServiceDeflection(t *testing.T) {
	sc := chain(Tiered)
	sc.SelfService.Deflection = 0.4
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 4})
	near(t, "deflection", r.Deflection.Mean, 0.4, 0.01)
	near(t, "tickets per day", r.TicketsPerDay.Mean, 0.6*4*24, 2)
}

func TestSpikeRaisesArrivals(t *testing.T) {
	sc := loadExample(t, "outage-spike.yaml")
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 20})
	// Thursday 11:00 is inside the spike; Wednesday 11:00 has the same
	// weight without it. Deflection is similar (0.3 vs about 0.3).
	thu, wed := r.ArrivalsPerHour[3*24+11], r.ArrivalsPerHour[2*24+11]
	if ratio := thu / wed; ratio < 4.5 || ratio > 7.5 {
		t.Errorf("spike hour has %.1f× the arrivals of the same hour a day before, want about 6×", ratio)
	}
}

func TestReplayIsExact(t *testing.T) {
	// One agent, 30-minute tickets, arrivals at 00:00, 00:00 and 01:00:
	// waits are 0, 30 and 0 minutes.
	sc := Scenario{
		Name: "replay",
		Arrivals: Arrivals{Replay: []ReplayArrival{
			{At: 0, Type: "x"}, {At: 0, Type: "x", Priority: "high"}, {At: mins(60), Type: "x"}}},
		RequestTypes: []RequestType{{Name: "x", Share: 1, Handling: map[string]Distribution{"L1": constant(30)}}},
		Tiers:        []Tier{{Name: "L1", Agents: 1}},
	}
	r := mustRun(t, sc, RunOptions{Seed: 1, Replications: 3})
	near(t, "mean wait (s)", r.Wait.Mean.Mean, 600, 1e-9)
	near(t, "mean resolution (s)", r.Resolution.Mean.Mean, (1800+3600+1800)/3.0, 1e-9)
	near(t, "tickets per day", r.TicketsPerDay.Mean*r.Window.Seconds()/daySec, 3, 1e-9)
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, yearCentre(), RunOptions{Seed: 1, Replications: 2})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled, got %v", err)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	if _, err := Run(context.Background(), Scenario{}, RunOptions{}); err == nil {
		t.Error("empty scenario accepted")
	}
	if _, err := Run(context.Background(), chain(Tiered), RunOptions{Replications: -1}); err == nil {
		t.Error("negative replications accepted")
	}
}

func TestProgress(t *testing.T) {
	var calls, last, total int
	mustRun(t, chain(Tiered), RunOptions{Seed: 1, Replications: 3, Progress: func(d, tot int) {
		if d < last {
			t.Errorf("progress went back from %d to %d", last, d)
		}
		calls, last, total = calls+1, d, tot
	}})
	if calls == 0 || last != total || total != 3*progressSteps {
		t.Errorf("progress: %d calls, ended at %d/%d", calls, last, total)
	}
}

// TestMemoryBounded runs a million tickets and checks the engine keeps
// only the tickets in the system, not one record per ticket.
func TestMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("long: skipped under the race detector")
	}
	m, err := compile(mmcScenario(5, 0.8, 1e6/(0.8*5/mmcService*3600)))
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(m, 1, 0)
	if err := e.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e.st.tickets < 900000 {
		t.Fatalf("only %d tickets simulated", e.st.tickets)
	}
	if n := len(e.tickets); n > 500 {
		t.Errorf("engine holds %d ticket slots after %d tickets: retention grows with volume", n, e.st.tickets)
	}
	if n := cap(e.events.h); n > 1000 {
		t.Errorf("event queue grew to %d", n)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	rng := rand.New(rand.NewPCG(1, 2))
	const n, mean = 200000, 300.0
	for i := 0; i < n; i++ {
		if i%4 == 0 {
			h.add(0) // a quarter wait nothing
			continue
		}
		h.add(rng.ExpFloat64() * mean)
	}
	if h.quantile(0.2) != 0 {
		t.Errorf("p20 = %g, want 0 (25%% zeros)", h.quantile(0.2))
	}
	// For q > 0.25: P(X ≤ x) = 0.25 + 0.75(1 − e^{−x/mean}).
	for _, q := range []float64{0.5, 0.9, 0.99} {
		want := -mean * math.Log(1-(q-0.25)/0.75)
		got := h.quantile(q)
		if math.Abs(got-want)/want > 0.02 {
			t.Errorf("p%.0f = %.2f, want %.2f (within 2%%)", 100*q, got, want)
		}
	}
}
