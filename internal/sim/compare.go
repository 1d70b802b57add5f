package sim

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Unit says how a metric's numbers read.
type Unit string

// Metric units.
const (
	UnitDuration Unit = "seconds"
	UnitShare    Unit = "share"
	UnitMoney    Unit = "money"
	UnitNumber   Unit = "number"
)

// Better says which direction of a metric is an improvement.
type Better string

// Directions of improvement.
const (
	Lower   Better = "lower"
	Higher  Better = "higher"
	Neutral Better = ""
)

// metricDef describes one comparable metric.
type metricDef struct {
	key, label string
	unit       Unit
	better     Better
	weight     float64 // importance in the recommendation (0: informative)
	// material is the smallest difference worth a sentence: relative for
	// durations, money and numbers, absolute (points) for shares.
	material float64
	get      func(Result) *Estimate
	// phrase describes an improvement, e.g. "customers wait less".
	phrase string
}

func est(e Estimate) *Estimate { return &e }

func metricDefs() []metricDef {
	return []metricDef{
		{"tickets_per_day", "tickets per day", UnitNumber, Neutral, 0, 0.02, func(r Result) *Estimate { return est(r.TicketsPerDay) }, ""},
		{"deflection", "self-service deflection (L0)", UnitShare, Higher, 0, 0.01, func(r Result) *Estimate { return est(r.Deflection) }, "self-service resolves more"},
		{"wait_mean", "customer wait, mean", UnitDuration, Lower, 2, 0.05, func(r Result) *Estimate { return est(r.Wait.Mean) }, "customers wait less for a first contact"},
		{"wait_p50", "customer wait, median", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Wait.P50) }, ""},
		{"wait_p90", "customer wait, p90", UnitDuration, Lower, 1, 0.05, func(r Result) *Estimate { return est(r.Wait.P90) }, "the slowest tenth of first contacts come sooner"},
		{"wait_p99", "customer wait, p99", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Wait.P99) }, ""},
		{"prob_wait", "customers who wait at all", UnitShare, Lower, 0, 0.01, func(r Result) *Estimate { return est(r.ProbWait) }, ""},
		{"resolution_mean", "time to resolution, mean", UnitDuration, Lower, 2, 0.05, func(r Result) *Estimate { return est(r.Resolution.Mean) }, "tickets are resolved sooner"},
		{"resolution_p50", "time to resolution, median", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Resolution.P50) }, ""},
		{"resolution_p90", "time to resolution, p90", UnitDuration, Lower, 1, 0.05, func(r Result) *Estimate { return est(r.Resolution.P90) }, "the slowest tenth of tickets are resolved sooner"},
		{"resolution_p99", "time to resolution, p99", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Resolution.P99) }, ""},
		{"first_contact", "resolved at first contact", UnitShare, Higher, 1, 0.02, func(r Result) *Estimate { return est(r.FirstContact) }, "more tickets are resolved at first contact"},
		{"handoffs", "hand-offs per ticket", UnitNumber, Lower, 0.5, 0.05, func(r Result) *Estimate { return est(r.HandoffsPerTicket) }, "customers are handed off less"},
		{"swarms", "swarms per ticket", UnitNumber, Neutral, 0, 0.05, func(r Result) *Estimate { return est(r.SwarmsPerTicket) }, ""},
		{"abandonment", "abandoned before contact", UnitShare, Lower, 2, 0.005, func(r Result) *Estimate { return est(r.Abandonment) }, "fewer customers give up"},
		{"sla_first_response", "SLA met: first response", UnitShare, Higher, 2, 0.01, func(r Result) *Estimate { return r.SLAFirstResponse }, "more tickets meet the first-response SLA"},
		{"sla_resolution", "SLA met: resolution", UnitShare, Higher, 2, 0.01, func(r Result) *Estimate { return r.SLAResolution }, "more tickets meet the resolution SLA"},
		{"cost_per_ticket", "staffing cost per ticket", UnitMoney, Lower, 2, 0.03, func(r Result) *Estimate { return est(r.CostPerTicket) }, "each ticket costs less in paid staff time"},
		{"work_cost_per_ticket", "work cost per ticket", UnitMoney, Lower, 1, 0.03, func(r Result) *Estimate { return est(r.WorkCostPerTicket) }, "each ticket takes less agent effort"},
		{"unfinished", "still open at the end", UnitShare, Lower, 0, 0.01, func(r Result) *Estimate { return est(r.Unfinished) }, ""},
	}
}

// ComparisonRow is one line of a comparison: a metric for scenario A and
// B and the difference B − A (with its confidence interval).
type ComparisonRow struct {
	Key    string    `json:"key"`
	Label  string    `json:"label"`
	Unit   Unit      `json:"unit"`
	Better Better    `json:"better,omitempty"`
	A      *Estimate `json:"a,omitempty"`
	B      *Estimate `json:"b,omitempty"`
	Diff   *Estimate `json:"diff,omitempty"`
	// Significant is true when the difference's confidence interval
	// excludes zero.
	Significant bool `json:"significant"`
}

// Compare lists the metrics of a (and b, when b is not nil) side by side,
// per-tier metrics included.
func Compare(a Result, b *Result) []ComparisonRow {
	var rows []ComparisonRow
	for _, d := range metricDefs() {
		row := ComparisonRow{Key: d.key, Label: d.label, Unit: d.unit, Better: d.better, A: d.get(a)}
		if b != nil {
			row.B = d.get(*b)
		}
		if row.A == nil && row.B == nil {
			continue
		}
		if d.unit == UnitMoney && row.A.Mean == 0 && (row.B == nil || row.B.Mean == 0) {
			continue // no hourly costs in the scenarios
		}
		fillDiff(&row)
		rows = append(rows, row)
	}
	return append(rows, tierRows(a, b)...)
}

func tierRows(a Result, b *Result) []ComparisonRow {
	var names []string
	seen := map[string]bool{}
	add := func(r Result) {
		for _, t := range r.Tiers {
			if !seen[t.Tier] {
				seen[t.Tier] = true
				names = append(names, t.Tier)
			}
		}
	}
	add(a)
	if b != nil {
		add(*b)
	}
	sort.Strings(names)
	find := func(r *Result, name string) *TierResult {
		if r == nil {
			return nil
		}
		for i := range r.Tiers {
			if r.Tiers[i].Tier == name {
				return &r.Tiers[i]
			}
		}
		return nil
	}
	var rows []ComparisonRow
	for _, name := range names {
		ta, tb := find(&a, name), find(b, name)
		for _, k := range []struct {
			key, label string
			unit       Unit
			get        func(*TierResult) Estimate
		}{
			{"agents", "agents on duty (mean)", UnitNumber, func(t *TierResult) Estimate { return Estimate{Mean: t.Agents, Low: t.Agents, High: t.Agents} }},
			{"resolved_share", "share resolved", UnitShare, func(t *TierResult) Estimate { return t.ResolvedShare }},
			{"utilisation", "utilisation", UnitShare, func(t *TierResult) Estimate { return t.Utilisation }},
		} {
			row := ComparisonRow{Key: name + "." + k.key, Label: name + " " + k.label, Unit: k.unit}
			if ta != nil {
				row.A = est(k.get(ta))
			}
			if tb != nil {
				row.B = est(k.get(tb))
			}
			fillDiff(&row)
			rows = append(rows, row)
		}
	}
	return rows
}

func fillDiff(row *ComparisonRow) {
	if row.A == nil || row.B == nil {
		return
	}
	d := Difference(*row.A, *row.B)
	row.Diff = &d
	// Staffing is an input, not a measurement: no significance to claim.
	// Paired differences can be "significant" yet negligible (edge
	// effects of the window): below 0.1% (0.05 points for shares) they
	// are not worth a mark.
	negligible := math.Abs(d.Mean) < 1e-3*math.Max(math.Abs(row.A.Mean), math.Abs(row.B.Mean))
	if row.Unit == UnitShare {
		negligible = math.Abs(d.Mean) < 5e-4
	}
	row.Significant = (d.Low > 0 || d.High < 0) && !negligible && !strings.HasSuffix(row.Key, ".agents")
}

// Difference estimates b − a. When both come from runs with the same seed
// and number of replications, replication i of each saw the same customers,
// so the interval comes from the paired differences; otherwise from the two
// standard errors (Welch).
func Difference(a, b Estimate) Estimate {
	if len(a.reps) == len(b.reps) && len(a.reps) > 1 {
		d := make([]float64, len(a.reps))
		for i := range d {
			d[i] = b.reps[i] - a.reps[i]
		}
		return estimate(d)
	}
	mean := b.Mean - a.Mean
	se := math.Hypot(a.StdErr, b.StdErr)
	hw := 1.959964 * se
	if se == 0 {
		hw = 0
	}
	return Estimate{Mean: mean, Low: mean - hw, High: mean + hw, StdErr: se}
}

// Recommendation is a plain-language verdict on two scenarios.
type Recommendation struct {
	// Choice is "A", "B", or "" when neither is clearly better.
	Choice  string   `json:"choice"`
	Summary string   `json:"summary"`
	Reasons []string `json:"reasons"`
}

type finding struct {
	weight  float64 // signed: > 0 favours B
	text    string
	phrase  string
	short   string // e.g. "staffing cost per ticket +29%"
	forB    bool
	relSize float64
}

// Recommend weighs the differences between a and b that are both
// statistically significant and large enough to matter, and explains the
// verdict. A scenario that cannot keep up with demand always loses to one
// that can.
func Recommend(a, b Result) Recommendation {
	nameA, nameB := label("A", a), label("B", b)
	// Reasons repeat the names often: the letters are enough there.
	shortA, shortB := "A", "B"
	ua, ub := a.Unfinished.Mean > 0.02, b.Unfinished.Mean > 0.02
	if ua != ub {
		bad, good, choice := nameA, nameB, "B"
		badR := a
		if ub {
			bad, good, choice = nameB, nameA, "A"
			badR = b
		}
		return Recommendation{
			Choice: choice,
			Summary: fmt.Sprintf("Choose %s: %s cannot keep up with demand (%.0f%% of tickets still open at the end of the run, queues grow without limit).",
				good, bad, 100*badR.Unfinished.Mean),
			Reasons: append([]string{fmt.Sprintf("%s leaves %.0f%% of tickets unfinished; %s keeps up.", bad, 100*badR.Unfinished.Mean, good)},
				capacityNotes(a, b, nameA, nameB)...),
		}
	}
	var fs []finding
	for _, d := range metricDefs() {
		if d.weight == 0 || d.better == Neutral {
			continue
		}
		ea, eb := d.get(a), d.get(b)
		if ea == nil || eb == nil {
			continue
		}
		diff := Difference(*ea, *eb)
		if !(diff.Low > 0 || diff.High < 0) {
			continue
		}
		size := math.Abs(diff.Mean)
		if d.unit != UnitShare {
			size = math.Abs(diff.Mean) / math.Max(math.Abs(ea.Mean), 1e-9)
		}
		if size < d.material {
			continue
		}
		bBetter := (diff.Mean < 0) == (d.better == Lower)
		w := d.weight
		if !bBetter {
			w = -w
		}
		fs = append(fs, finding{weight: w, forB: bBetter, phrase: d.phrase, relSize: size,
			text: describe(d, *ea, *eb, shortA, shortB), short: d.label + " " + change(d, *ea, *eb)})
	}
	sort.SliceStable(fs, func(i, j int) bool { return math.Abs(fs[i].weight) > math.Abs(fs[j].weight) })
	score := 0.0
	for _, f := range fs {
		score += f.weight
	}
	rec := Recommendation{}
	for _, f := range fs {
		rec.Reasons = append(rec.Reasons, f.text)
	}
	rec.Reasons = append(rec.Reasons, capacityNotes(a, b, shortA, shortB)...)
	switch {
	case len(fs) == 0:
		rec.Summary = fmt.Sprintf("No clear difference: %s and %s perform the same within the simulation's precision; choose on other grounds (or run more replications).", nameA, nameB)
	case math.Abs(score) < 1:
		rec.Summary = fmt.Sprintf("A trade-off, no clear winner: %s.", tradeOff(fs, nameA, nameB))
	default:
		winner, choice := nameA, "A"
		if score > 0 {
			winner, choice = nameB, "B"
		}
		rec.Choice = choice
		rec.Summary = fmt.Sprintf("Choose %s: %s.", winner, gains(fs, score > 0))
	}
	return rec
}

func label(letter string, r Result) string {
	if r.Scenario == "" {
		return letter
	}
	return fmt.Sprintf("%s (%s)", letter, r.Scenario)
}

// gains summarises the winner's two main advantages and its main cost.
func gains(fs []finding, forB bool) string {
	var pro []string
	con := ""
	for _, f := range fs {
		if f.forB == forB && len(pro) < 2 {
			pro = append(pro, f.phrase)
		}
		if f.forB != forB && con == "" {
			con = f.short
		}
	}
	s := strings.Join(pro, " and ")
	if con != "" {
		s += "; the price: " + con
	}
	return s
}

func tradeOff(fs []finding, nameA, nameB string) string {
	var forA, forB []string
	for _, f := range fs {
		if f.forB {
			forB = append(forB, f.phrase)
		} else {
			forA = append(forA, f.phrase)
		}
	}
	parts := []string{}
	if len(forA) > 0 {
		parts = append(parts, "with "+nameA+" "+strings.Join(forA, ", "))
	}
	if len(forB) > 0 {
		parts = append(parts, "with "+nameB+" "+strings.Join(forB, ", "))
	}
	return strings.Join(parts, "; ")
}

func describe(d metricDef, a, b Estimate, nameA, nameB string) string {
	va, vb := FormatValue(d.unit, a.Mean), FormatValue(d.unit, b.Mean)
	return fmt.Sprintf("%s: %s with %s, %s with %s (%s).", capitalise(d.label), va, nameA, vb, nameB, change(d, a, b))
}

// change is b relative to a: points for shares, percent otherwise.
func change(d metricDef, a, b Estimate) string {
	if d.unit == UnitShare {
		return fmt.Sprintf("%+.1f points", 100*(b.Mean-a.Mean))
	}
	if a.Mean == 0 {
		return fmt.Sprintf("%+.2f", b.Mean-a.Mean)
	}
	return fmt.Sprintf("%+.0f%%", 100*(b.Mean-a.Mean)/math.Abs(a.Mean))
}

// capacityNotes warns about tiers close to saturation in either scenario.
func capacityNotes(a, b Result, nameA, nameB string) []string {
	var out []string
	for _, x := range []struct {
		r    Result
		name string
	}{{a, nameA}, {b, nameB}} {
		for _, t := range x.r.Tiers {
			if t.Utilisation.Mean > 0.9 {
				out = append(out, fmt.Sprintf("With %s, %s is busy %.0f%% of its time on duty: little slack for a busy day.", x.name, t.Tier, 100*t.Utilisation.Mean))
			}
		}
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// FormatValue renders a metric value for people: durations as "42 s",
// "12.5 min", "3.2 h" or "2.1 d", shares as percentages.
func FormatValue(u Unit, v float64) string {
	switch u {
	case UnitDuration:
		return FormatSeconds(v)
	case UnitShare:
		return fmt.Sprintf("%.1f%%", 100*v)
	case UnitMoney:
		return fmt.Sprintf("%.2f", v)
	default:
		if math.Abs(v) >= 100 {
			return fmt.Sprintf("%.0f", v)
		}
		return fmt.Sprintf("%.2f", v)
	}
}

// FormatSeconds renders a duration in seconds in the most readable unit.
func FormatSeconds(s float64) string {
	a := math.Abs(s)
	switch {
	case a < 60:
		return fmt.Sprintf("%.0f s", s)
	case a < 3600:
		return fmt.Sprintf("%.1f min", s/60)
	case a < 48*3600:
		return fmt.Sprintf("%.1f h", s/3600)
	default:
		return fmt.Sprintf("%.1f d", s/86400)
	}
}
