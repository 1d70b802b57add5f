package sim

import (
	"context"
	"math"
	"testing"
	"time"
)

const mmcService = 600.0 // seconds: 10-minute mean handling

// mmcScenario is an M/M/c queue: Poisson arrivals at a constant rate, one
// tier of c agents around the clock, exponential handling, no escalation,
// no abandonment, FIFO.
func mmcScenario(c int, rho float64, hours float64) Scenario {
	lambdaPerHour := rho * float64(c) / mmcService * 3600
	return Scenario{
		Name:     "M/M/c",
		Horizon:  Duration(hours * float64(time.Hour)),
		Warmup:   Duration(48 * time.Hour),
		Arrivals: Arrivals{PerHour: lambdaPerHour},
		RequestTypes: []RequestType{{Name: "any", Share: 1, Handling: map[string]Distribution{
			"L1": {Dist: DistExponential, Mean: Duration(mmcService * float64(time.Second))}}}},
		Tiers: []Tier{{Name: "L1", Agents: c}},
	}
}

// controlled is the control-variate estimate of E[y] (Lavenberg & Welch):
// y is corrected by its regression on x, whose true mean xMean is known.
// Here x is the utilisation of each replication, whose mean is exactly ρ;
// runs that happened to get more work than average also waited longer, and
// the correction removes that luck. It returns the estimate and the
// half-width of its 95% confidence interval.
func controlled(y, x []float64, xMean float64) (est, halfWidth float64) {
	n := float64(len(y))
	my, mx := mean(y), mean(x)
	var sxy, sxx float64
	for i := range y {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	beta := 0.0
	if sxx > 0 {
		beta = sxy / sxx
	}
	est = my - beta*(mx-xMean)
	var ss float64
	for i := range y {
		r := (y[i] - my) - beta*(x[i]-mx)
		ss += r * r
	}
	df := len(y) - 2
	return est, tQuantile975(df) * math.Sqrt(ss/float64(df)/n)
}

// TestMMCAgreesWithErlangC checks the simulator against the analytic M/M/c
// results within 2%, at loads 0.5 to 0.95. Each case simulates enough
// tickets for the 95% confidence half-width to stay well under 2%, which the
// test also asserts, so a pass means agreement, not a lack of precision.
func TestMMCAgreesWithErlangC(t *testing.T) {
	tests := []struct {
		rho     float64
		c       int
		tickets float64 // over all replications
	}{
		{0.50, 2, 2e6},
		{0.70, 5, 5e6},
		{0.85, 8, 12e6},
		{0.95, 8, 30e6},
	}
	const reps = 40
	for _, tc := range tests {
		t.Run(fmtRho(tc.rho), func(t *testing.T) {
			if testing.Short() && tc.rho > 0.8 {
				t.Skip("long: skipped in -short mode")
			}
			if raceEnabled && tc.rho > 0.6 {
				t.Skip("long: skipped under the race detector")
			}
			lambda := tc.rho * float64(tc.c) / mmcService
			hours := tc.tickets / reps / (lambda * 3600)
			res, err := Run(context.Background(), mmcScenario(tc.c, tc.rho, hours), RunOptions{Seed: 42, Replications: reps})
			if err != nil {
				t.Fatal(err)
			}
			wantP, wantW := ErlangC(tc.c, lambda, 1/mmcService)
			util := res.Tiers[0].Utilisation.reps
			gotP, hwP := controlled(res.ProbWait.reps, util, tc.rho)
			gotW, hwW := controlled(res.Wait.Mean.reps, util, tc.rho)
			t.Logf("ρ=%.2f c=%d: P(wait) %.4f ±%.2f%% (Erlang C %.4f), mean wait %.1fs ±%.2f%% (Erlang C %.1fs), plain %.4f / %.1fs",
				tc.rho, tc.c, gotP, 100*hwP/wantP, wantP, gotW, 100*hwW/wantW, wantW, res.ProbWait.Mean, res.Wait.Mean.Mean)
			for _, chk := range []struct {
				what           string
				got, hw, wantV float64
			}{{"P(wait)", gotP, hwP, wantP}, {"mean wait", gotW, hwW, wantW}} {
				if rel := math.Abs(chk.got-chk.wantV) / chk.wantV; rel > 0.02 {
					t.Errorf("%s = %.5g, Erlang C %.5g: off by %.2f%% (> 2%%)", chk.what, chk.got, chk.wantV, 100*rel)
				}
				if chk.hw/chk.wantV > 0.015 {
					t.Errorf("%s: confidence half-width %.2f%% is too wide to test 2%% agreement", chk.what, 100*chk.hw/chk.wantV)
				}
			}
		})
	}
}

func fmtRho(rho float64) string { return "rho=" + FormatValue(UnitNumber, rho) }

// TestConfidenceIntervalsCover runs many independent small experiments and
// checks that the reported 95% intervals contain the Erlang C truth about
// 95% of the time (at least 85% allows for the binomial spread of 40 runs).
func TestConfidenceIntervalsCover(t *testing.T) {
	if raceEnabled {
		t.Skip("long: skipped under the race detector")
	}
	const runs, c, rho = 40, 5, 0.7
	lambda := rho * c / mmcService
	wantP, wantW := ErlangC(c, lambda, 1/mmcService)
	sc := mmcScenario(c, rho, 1500)
	coverP, coverW := 0, 0
	for seed := uint64(1); seed <= runs; seed++ {
		res, err := Run(context.Background(), sc, RunOptions{Seed: seed, Replications: 5})
		if err != nil {
			t.Fatal(err)
		}
		if res.ProbWait.Contains(wantP) {
			coverP++
		}
		if res.Wait.Mean.Contains(wantW) {
			coverW++
		}
	}
	t.Logf("coverage of 95%% intervals over %d runs: P(wait) %d, mean wait %d", runs, coverP, coverW)
	for what, n := range map[string]int{"P(wait)": coverP, "mean wait": coverW} {
		if n < runs*85/100 {
			t.Errorf("%s: the 95%% interval held the true value in %d of %d runs", what, n, runs)
		}
	}
}
