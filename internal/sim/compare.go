package sim

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
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

// metricDef describes one comparable metric. Its label ("metric.<key>")
// and the phrase telling what its improvement means for people
// ("phrase.<key>", for metrics that weigh in the recommendation) are in
// the text catalog.
type metricDef struct {
	key    string
	unit   Unit
	better Better
	weight float64 // importance in the recommendation (0: informative)
	// material is the smallest difference worth a sentence: relative for
	// durations, money and numbers, absolute (points) for shares.
	material float64
	get      func(Result) *Estimate
}

func (d metricDef) label() Text  { return text("metric." + d.key) }
func (d metricDef) phrase() Text { return text("phrase." + d.key) }

func est(e Estimate) *Estimate { return &e }

func metricDefs() []metricDef {
	return []metricDef{
		{"tickets_per_day", UnitNumber, Neutral, 0, 0.02, func(r Result) *Estimate { return est(r.TicketsPerDay) }},
		{"deflection", UnitShare, Higher, 0, 0.01, func(r Result) *Estimate { return est(r.Deflection) }},
		{"wait_mean", UnitDuration, Lower, 2, 0.05, func(r Result) *Estimate { return est(r.Wait.Mean) }},
		{"wait_p50", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Wait.P50) }},
		{"wait_p90", UnitDuration, Lower, 1, 0.05, func(r Result) *Estimate { return est(r.Wait.P90) }},
		{"wait_p99", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Wait.P99) }},
		{"prob_wait", UnitShare, Lower, 0, 0.01, func(r Result) *Estimate { return est(r.ProbWait) }},
		{"resolution_mean", UnitDuration, Lower, 2, 0.05, func(r Result) *Estimate { return est(r.Resolution.Mean) }},
		{"resolution_p50", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Resolution.P50) }},
		{"resolution_p90", UnitDuration, Lower, 1, 0.05, func(r Result) *Estimate { return est(r.Resolution.P90) }},
		{"resolution_p99", UnitDuration, Lower, 0, 0.05, func(r Result) *Estimate { return est(r.Resolution.P99) }},
		{"first_contact", UnitShare, Higher, 1, 0.02, func(r Result) *Estimate { return est(r.FirstContact) }},
		{"handoffs", UnitNumber, Lower, 0.5, 0.05, func(r Result) *Estimate { return est(r.HandoffsPerTicket) }},
		{"swarms", UnitNumber, Neutral, 0, 0.05, func(r Result) *Estimate { return est(r.SwarmsPerTicket) }},
		{"abandonment", UnitShare, Lower, 2, 0.005, func(r Result) *Estimate { return est(r.Abandonment) }},
		{"sla_first_response", UnitShare, Higher, 2, 0.01, func(r Result) *Estimate { return r.SLAFirstResponse }},
		{"sla_resolution", UnitShare, Higher, 2, 0.01, func(r Result) *Estimate { return r.SLAResolution }},
		{"cost_per_ticket", UnitMoney, Lower, 2, 0.03, func(r Result) *Estimate { return est(r.CostPerTicket) }},
		{"work_cost_per_ticket", UnitMoney, Lower, 1, 0.03, func(r Result) *Estimate { return est(r.WorkCostPerTicket) }},
		{"unfinished", UnitShare, Lower, 0, 0.01, func(r Result) *Estimate { return est(r.Unfinished) }},
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
// per-tier metrics included, with English labels.
func Compare(a Result, b *Result) []ComparisonRow { return CompareIn(English, a, b) }

// CompareIn is Compare with the labels in a language.
func CompareIn(lang string, a Result, b *Result) []ComparisonRow {
	var rows []ComparisonRow
	for _, d := range metricDefs() {
		row := ComparisonRow{Key: d.key, Label: d.label().In(lang), Unit: d.unit, Better: d.better, A: d.get(a)}
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
	return append(rows, tierRows(lang, a, b)...)
}

// tierNames lists the tiers of a and b, sorted.
func tierNames(a Result, b *Result) []string {
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
	return names
}

// FindTier returns the result of the named tier, or nil.
func (r *Result) FindTier(name string) *TierResult {
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

func tierRows(lang string, a Result, b *Result) []ComparisonRow {
	var rows []ComparisonRow
	for _, name := range tierNames(a, b) {
		ta, tb := a.FindTier(name), b.FindTier(name)
		for _, k := range []struct {
			key  string
			unit Unit
			get  func(*TierResult) Estimate
		}{
			{"agents", UnitNumber, func(t *TierResult) Estimate { return Estimate{Mean: t.Agents, Low: t.Agents, High: t.Agents} }},
			{"resolved_share", UnitShare, func(t *TierResult) Estimate { return t.ResolvedShare }},
			{"utilisation", UnitShare, func(t *TierResult) Estimate { return t.Utilisation }},
		} {
			row := ComparisonRow{Key: name + "." + k.key, Label: text("tier."+k.key, name).In(lang), Unit: k.unit}
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

// finding is one significant, material difference between the scenarios.
type finding struct {
	weight float64 // signed: > 0 favours B
	text   Text
	phrase Text
	short  Text // e.g. "staffing cost per ticket +29%"
	forB   bool
}

// Recommend weighs the differences between a and b that are both
// statistically significant and large enough to matter, and explains the
// verdict in English. A scenario that cannot keep up with demand always
// loses to one that can.
func Recommend(a, b Result) Recommendation { return RecommendIn(English, a, b) }

// RecommendIn is Recommend in a language ("fr" or "en").
func RecommendIn(lang string, a, b Result) Recommendation {
	nameA, nameB := label("A", a), label("B", b)
	// Reasons repeat the names often: the letters are enough there.
	shortA, shortB := "A", "B"
	if rec, ok := keepUp(lang, a, b, nameA, nameB); ok {
		return rec
	}
	fs := findings(a, b, shortA, shortB)
	score := 0.0
	for _, f := range fs {
		score += f.weight
	}
	rec := Recommendation{}
	for _, f := range fs {
		rec.Reasons = append(rec.Reasons, f.text.In(lang))
	}
	rec.Reasons = append(rec.Reasons, textsIn(lang, capacityNotes(a, b, shortA, shortB))...)
	switch {
	case len(fs) == 0:
		rec.Summary = text("rec.none", nameA, nameB).In(lang)
	case math.Abs(score) < 1:
		rec.Summary = text("rec.tradeoff", tradeOff(fs, nameA, nameB)).In(lang)
	default:
		winner, choice := nameA, "A"
		if score > 0 {
			winner, choice = nameB, "B"
		}
		rec.Choice = choice
		rec.Summary = text("rec.choose", winner, gains(fs, score > 0)).In(lang)
	}
	return rec
}

// keepUp decides when one scenario leaves a sizeable share of its tickets
// unfinished and the other does not, or leaves clearly more of them when
// both fall behind: nothing else matters then, and the times of a scenario
// that finishes few tickets describe only the few it finished.
func keepUp(lang string, a, b Result, nameA, nameB any) (Recommendation, bool) {
	ua, ub := a.Unfinished.Mean > 0.02, b.Unfinished.Mean > 0.02
	if ua && ub { // both behind: the one that leaves clearly fewer open wins
		gap := a.Unfinished.Mean - b.Unfinished.Mean
		if gap > -0.05 && gap < 0.05 {
			return Recommendation{}, false
		}
		ua, ub = gap > 0, gap < 0
	}
	if ua == ub {
		return Recommendation{}, false
	}
	bad, good, choice, badR := nameA, nameB, "B", a
	if ub {
		bad, good, choice, badR = nameB, nameA, "A", b
	}
	share := pct{badR.Unfinished.Mean, 0}
	return Recommendation{
		Choice:  choice,
		Summary: text("rec.unfinished", good, bad, share).In(lang),
		Reasons: append([]string{text("rec.unfinished_reason", bad, share, good).In(lang)},
			textsIn(lang, capacityNotes(a, b, nameA, nameB))...),
	}, true
}

// findings lists the significant, material differences, the weightiest
// first.
func findings(a, b Result, nameA, nameB string) []finding {
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
		fs = append(fs, finding{weight: w, forB: bBetter, phrase: d.phrase(),
			text: describe(d, *ea, *eb, nameA, nameB), short: short(d, *ea, *eb)})
	}
	sort.SliceStable(fs, func(i, j int) bool { return math.Abs(fs[i].weight) > math.Abs(fs[j].weight) })
	return fs
}

// label names a scenario for the recommendation: its letter, and its name
// when it has one.
func label(letter string, r Result) any {
	if r.Scenario == "" {
		return letter
	}
	return text("rec.named", letter, r.Scenario)
}

// gains summarises the winner's two main advantages and its main cost.
func gains(fs []finding, forB bool) any {
	var pro andList
	var con *Text
	for _, f := range fs {
		if f.forB == forB && len(pro) < 2 {
			pro = append(pro, f.phrase)
		}
		if f.forB != forB && con == nil {
			con = &f.short
		}
	}
	if con != nil {
		return text("rec.price", pro, *con)
	}
	return pro
}

func tradeOff(fs []finding, nameA, nameB any) commaList {
	var forA, forB commaList
	for _, f := range fs {
		if f.forB {
			forB = append(forB, f.phrase)
		} else {
			forA = append(forA, f.phrase)
		}
	}
	parts := commaList{}
	if len(forA) > 0 {
		parts = append(parts, text("rec.with", nameA, forA))
	}
	if len(forB) > 0 {
		parts = append(parts, text("rec.with", nameB, forB))
	}
	return parts
}

// describe says how a metric differs: "Customer wait, mean: 4.2 min with
// A, 1.1 min with B (-74%)." The relative change is left out when A's
// value shows as zero.
func describe(d metricDef, a, b Estimate, nameA, nameB string) Text {
	va, vb := quantity{d.unit, a.Mean}, quantity{d.unit, b.Mean}
	if c, ok := change(d, a, b); ok {
		return text("rec.describe", capitalised{d.label()}, va, nameA, vb, nameB, c)
	}
	return text("rec.describe_plain", capitalised{d.label()}, va, nameA, vb, nameB)
}

// short names a metric's change in a few words, as the price of a choice.
func short(d metricDef, a, b Estimate) Text {
	if c, ok := change(d, a, b); ok {
		return text("rec.short", d.label(), c)
	}
	return text("rec.short_values", d.label(), quantity{d.unit, a.Mean}, quantity{d.unit, b.Mean})
}

// change is b relative to a: points for shares, percent otherwise; false
// when a shows as zero, where a percentage would mean nothing.
func change(d metricDef, a, b Estimate) (any, bool) {
	if d.unit == UnitShare {
		return text("rec.change_points", signed{100 * (b.Mean - a.Mean), 1}), true
	}
	if roundsToZero(d.unit, a.Mean) {
		return nil, false
	}
	return signedPct{(b.Mean - a.Mean) / math.Abs(a.Mean)}, true
}

// capacityNotes warns about tiers close to saturation in either scenario.
func capacityNotes(a, b Result, nameA, nameB any) []Text {
	var out []Text
	for _, x := range []struct {
		r    Result
		name any
	}{{a, nameA}, {b, nameB}} {
		for _, t := range x.r.Tiers {
			if t.Utilisation.Mean > 0.9 {
				out = append(out, text("rec.busy", x.name, t.Tier, pct{t.Utilisation.Mean, 0}))
			}
		}
	}
	return out
}

// capitalise upper-cases the first letter ("écart" → "Écart").
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// FormatValue renders a metric value for people in English: durations as
// "42 s", "12.5 min", "3.2 h" or "2.1 d", shares as percentages.
func FormatValue(u Unit, v float64) string { return FormatValueIn(English, u, v) }

// FormatSeconds renders a duration in seconds in the most readable unit,
// in English.
func FormatSeconds(s float64) string { return FormatSecondsIn(English, s) }
