package sim

import (
	"math"
	"testing"
	"time"
)

// erlangA solves the M/M/c+M queue (exponential patience at rate theta)
// as a birth–death chain truncated where the tail is negligible. It gives
// the share of customers who abandon and the mean queue length.
func erlangA(c int, lambda, mu, theta float64) (pAbandon, meanQueue float64) {
	const maxN = 5000
	p := make([]float64, maxN)
	p[0] = 1
	sum := 1.0
	for n := 1; n < maxN; n++ {
		death := float64(min(n, c))*mu + float64(max(n-c, 0))*theta
		p[n] = p[n-1] * lambda / death
		sum += p[n]
		if p[n] < 1e-300 {
			break
		}
	}
	for n := range p {
		meanQueue += float64(max(n-c, 0)) * p[n] / sum
	}
	// Customers leave the queue by abandoning at rate theta each.
	return theta * meanQueue / lambda, meanQueue
}

// TestAbandonmentAgreesWithErlangA checks abandonment against the M/M/c+M
// reference at a load where many would wait: the share who abandon and
// the mean wait of all customers (served or not) by Little's law.
func TestAbandonmentAgreesWithErlangA(t *testing.T) {
	if raceEnabled {
		t.Skip("long: skipped under the race detector")
	}
	const c, rho, patience = 5, 1.0, 20 * 60.0 // offered load = capacity
	lambda := rho * c / mmcService
	wantAb, wantLq := erlangA(c, lambda, 1/mmcService, 1/patience)
	sc := mmcScenario(c, rho, 3e6/20/(lambda*3600))
	sc.Channels = []Channel{{Name: "phone", Share: 1, Patience: &Distribution{Dist: DistExponential, Mean: Duration(patience * float64(time.Second))}}}
	r := mustRun(t, sc, RunOptions{Seed: 5, Replications: 20})
	gotAb := r.Abandonment.Mean
	// Mean time waiting over all customers: served ones wait until picked
	// up, the others until they give up; their sum over time is ∫ queue.
	gotLq := r.Little.InSystem.Mean - r.Tiers[0].Utilisation.Mean*c
	t.Logf("abandonment %.4f ±%.4f (Erlang A %.4f), mean queue %.3f (Erlang A %.3f)", gotAb, r.Abandonment.HalfWidth(), wantAb, gotLq, wantLq)
	if math.Abs(gotAb-wantAb)/wantAb > 0.02 {
		t.Errorf("abandonment %.4f, Erlang A %.4f: more than 2%% apart", gotAb, wantAb)
	}
	if math.Abs(gotLq-wantLq)/wantLq > 0.03 {
		t.Errorf("mean queue %.3f, Erlang A %.3f: more than 3%% apart", gotLq, wantLq)
	}
	if r.Abandonment.HalfWidth()/wantAb > 0.015 {
		t.Errorf("confidence half-width %.4f too wide for a 2%% check", r.Abandonment.HalfWidth())
	}
}
