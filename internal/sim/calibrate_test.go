package sim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// truth is the organisation the synthetic history comes from.
var truth = struct {
	perDay     float64
	bugShare   float64
	handling   map[string]map[string][2]float64 // type → tier → (mean, sd) minutes
	escalate   map[string]map[string]float64
	chatShare  float64
	bugHigh    float64
	unsolvedAt float64 // share of tickets still open
}{
	perDay:   120,
	bugShare: 0.4,
	handling: map[string]map[string][2]float64{
		"password": {"L1": {6, 4}, "L2": {25, 15}},
		"bug":      {"L1": {10, 5}, "L2": {40, 20}, "L3": {120, 60}},
	},
	escalate: map[string]map[string]float64{
		"password": {"L1": 0.1},
		"bug":      {"L1": 0.5, "L2": 0.3},
	},
	chatShare:  0.3,
	bugHigh:    0.25,
	unsolvedAt: 0.02,
}

// hourWeight is the true weekly profile: busy weekdays 08-18, quiet
// evenings, a light weekend.
func hourWeight(how int) float64 {
	day, hour := how/24, how%24
	w := 0.2
	if hour >= 8 && hour < 18 {
		w = 2
	}
	if day >= 5 {
		w *= 0.3
	}
	return w
}

func lognormalDraw(rng *rand.Rand, meanMin, sdMin float64) time.Duration {
	s2 := math.Log1p(sdMin * sdMin / (meanMin * meanMin))
	mu := math.Log(meanMin) - s2/2
	return time.Duration(math.Exp(mu+math.Sqrt(s2)*rng.NormFloat64()) * float64(time.Minute))
}

// syntheticHistory draws weeks of tickets from truth, independently of the
// simulator: Poisson arrivals by thinning, spans back to back with waits.
func syntheticHistory(weeks int, seed uint64) []HistoryTicket {
	rng := rand.New(rand.NewPCG(seed, 99))
	origin := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday
	meanW := 0.0
	for h := 0; h < 168; h++ {
		meanW += hourWeight(h) / 168
	}
	maxRate := truth.perDay / 24 * 2 / meanW // per hour, at the peak weight
	var out []HistoryTicket
	end := float64(weeks * 168)
	for t := rng.ExpFloat64() / maxRate; t < end; t += rng.ExpFloat64() / maxRate {
		if rng.Float64() > hourWeight(int(t)%168)/2 {
			continue
		}
		created := origin.Add(time.Duration(t * float64(time.Hour)))
		typ := "password"
		if rng.Float64() < truth.bugShare {
			typ = "bug"
		}
		h := HistoryTicket{Created: created, Type: typ, Channel: "email", Priority: "normal"}
		if rng.Float64() < truth.chatShare {
			h.Channel = "chat"
		}
		if typ == "bug" && rng.Float64() < truth.bugHigh {
			h.Priority = "high"
		}
		at := created.Add(time.Duration(rng.ExpFloat64() * float64(10*time.Minute)))
		for _, tier := range []string{"L1", "L2", "L3"} {
			p := truth.handling[typ][tier]
			end := at.Add(lognormalDraw(rng, p[0], p[1]))
			h.Spans = append(h.Spans, TierSpan{Tier: tier, Start: at, End: end})
			at = end
			if rng.Float64() >= truth.escalate[typ][tier] {
				break
			}
			h.Escalations++
			at = at.Add(time.Duration(rng.ExpFloat64() * float64(30*time.Minute)))
		}
		if rng.Float64() >= truth.unsolvedAt {
			h.Solved = at
		}
		h.FirstContactResolved = h.Escalations == 0
		out = append(out, h)
	}
	return out
}

func TestCalibrateRecoversTruth(t *testing.T) {
	history := syntheticHistory(8, 1)
	sc, fit, err := Calibrate(history, CalibrateOptions{Agents: map[string]int{"L1": 4, "L2": 3, "L3": 2}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	relNear := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want)/want > tol {
			t.Errorf("%s = %.4g, true value %.4g (more than %.0f%% off)", what, got, want, 100*tol)
		}
	}
	relNear("arrivals per day", sc.Arrivals.PerDay, truth.perDay, 0.05)
	types := map[string]RequestType{}
	for _, rt := range sc.RequestTypes {
		types[rt.Name] = rt
	}
	near(t, "bug share", types["bug"].Share, truth.bugShare, 0.02)
	for typ, tiers := range truth.handling {
		for tier, p := range tiers {
			d := types[typ].Handling[tier]
			relNear(typ+" "+tier+" mean handling", d.MeanSeconds()/60, p[0], 0.08)
		}
	}
	for typ, tiers := range truth.escalate {
		for tier, p := range tiers {
			near(t, typ+" escalation from "+tier, types[typ].Escalate[tier], p, 0.04)
		}
	}
	near(t, "bug high priority", types["bug"].Priorities["high"], truth.bugHigh, 0.03)
	// The weekly profile: a weekday 10:00 is ten times a weekday 22:00.
	w := sc.Arrivals.HourOfWeek
	relNear("peak/night profile ratio", w[10]/w[22], 10, 0.25)

	if fit.Quality != "good" {
		t.Errorf("fit quality %q, want good; summary: %s", fit.Quality, fit.Summary)
	}
	for _, r := range append(fit.Handling, fit.Escalation...) {
		if r.Verdict != "good" {
			t.Errorf("%s: observed %.4g, simulated %.4g, verdict %s", r.Name, r.Observed, r.Simulated, r.Verdict)
		}
	}
	if fit.ArrivalError > 0.1 {
		t.Errorf("arrival error %.3f", fit.ArrivalError)
	}
	if d := fit.Dispersion; d < 0.7 || d > 1.4 {
		t.Errorf("dispersion %.2f, want about 1 for Poisson arrivals", d)
	}
	if !strings.HasPrefix(fit.Summary, "Good fit") {
		t.Errorf("summary: %s", fit.Summary)
	}
}

func TestCalibrateEstimatesStaffingAndReplays(t *testing.T) {
	history := syntheticHistory(3, 2)
	sc, fit, err := Calibrate(history, CalibrateOptions{Replay: true, Hours: "mon-fri 08:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Arrivals.Replay) != len(history) {
		t.Errorf("replay has %d arrivals, history %d tickets", len(sc.Arrivals.Replay), len(history))
	}
	notes := strings.Join(fit.Notes, "\n")
	for _, tier := range sc.Tiers {
		if tier.Agents < 1 || tier.Hours != "mon-fri 08:00-18:00" {
			t.Errorf("tier %s: %d agents, hours %q", tier.Name, tier.Agents, tier.Hours)
		}
		if !strings.Contains(notes, "--staff "+tier.Name+"=N") && !strings.Contains(notes, tier.Name+" was set to") {
			t.Errorf("no note says %s staffing was estimated:\n%s", tier.Name, notes)
		}
	}
	if fit.Simulated.Unfinished.Mean > 0.02 {
		t.Errorf("estimated staffing cannot keep up: %.3f unfinished", fit.Simulated.Unfinished.Mean)
	}
}

func TestCalibrateRejectsUnusableHistory(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		history []HistoryTicket
		want    string
	}{
		{"empty", nil, "no ticket"},
		{"no creation times", []HistoryTicket{{Type: "x"}}, "no ticket"},
		{"too short", []HistoryTicket{{Created: now}, {Created: now.Add(time.Hour)}}, "at least a day"},
		{"bad hours", nil, "business hours"},
	}
	for _, tc := range tests {
		opts := CalibrateOptions{}
		if tc.name == "bad hours" {
			opts.Hours = "weekdays 9-5"
		}
		if _, _, err := Calibrate(tc.history, opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestFitDistributionFallsBackToEmpirical(t *testing.T) {
	// Bimodal handling times are not lognormal: keep the data's quantiles.
	var xs []float64
	for i := 0; i < 500; i++ {
		xs = append(xs, 60+float64(i%7), 3600+float64(i%11))
	}
	d := fitDistribution(xs)
	if d.Dist != DistEmpirical || len(d.Values) != 51 {
		t.Errorf("got %s, want empirical with 51 values", d)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var ln []float64
	for i := 0; i < 2000; i++ {
		ln = append(ln, float64(lognormalDraw(rng, 8, 5))/1e9)
	}
	if d := fitDistribution(ln); d.Dist != DistLognormal {
		t.Errorf("lognormal data fitted as %s", d)
	}
}

func TestFitDistributionSurvivesWildSpans(t *testing.T) {
	// A ticket moved twice within a nanosecond next to days of work: the
	// fit stays a valid distribution instead of overflowing.
	for _, xs := range [][]float64{{1e-9, 3 * 86400}, {0.2, 2, 3 * 86400, 40 * 86400}, {1e-9}} {
		d := fitDistribution(xs)
		if d.Mean < 0 || d.SD < 0 {
			t.Errorf("%v fitted as %s", xs, d)
		}
		sc := chain(Tiered)
		sc.RequestTypes[0].Handling["L2"] = d
		if err := sc.Validate(); err != nil {
			t.Errorf("%v: %v", xs, err)
		}
	}
}

func TestHandlingVerdictWithoutSimulatedWork(t *testing.T) {
	// A tier the history reached but no simulated ticket did (an
	// escalation path too rare to recur) has nothing to compare.
	if v := handlingVerdict(3*86400, 0); v != "n/a" {
		t.Errorf("verdict %q, want n/a", v)
	}
	if v := handlingVerdict(600, 610); v != "good" {
		t.Errorf("verdict %q, want good", v)
	}
}
