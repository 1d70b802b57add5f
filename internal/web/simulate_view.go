package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/simjob"
)

// What the simulator page shows: the calibration's fit, a run's
// progress and the comparison of its result, in the reader's language.

// simFitView is the calibration's summary for the page.
type simFitView struct {
	Intro, Quality, QualityLabel, Summary string
	Rows                                  []simFitRow
	Notes                                 []string
	Estimated                             bool
}

type simFitRow struct {
	Label, Observed, Simulated, Verdict, VerdictKey string
}

func fitView(rq *request, c simCalibration) *simFitView {
	l, f := rq.loc, c.fit
	v := &simFitView{Quality: f.Quality, QualityLabel: sim.VerdictIn(l.Lang, f.Quality), Summary: f.SummaryIn(l.Lang),
		Notes: f.NotesIn(l.Lang), Estimated: len(f.Estimated) > 0,
		Intro: l.T("simulate.fit.from", "n", l.Num(f.Tickets), "from", l.Date(f.From), "to", l.Date(f.To))}
	v.Rows = append(v.Rows, simFitRow{Label: l.T("simulate.fit.arrivals"),
		Observed:  sim.FormatValueIn(l.Lang, sim.UnitNumber, meanOf(f.ObservedPerHour[:])),
		Simulated: sim.FormatValueIn(l.Lang, sim.UnitNumber, meanOf(f.SimulatedPerHour[:])),
		Verdict:   sim.VerdictIn(l.Lang, f.ArrivalVerdict), VerdictKey: f.ArrivalVerdict})
	for _, rows := range [][]sim.FitRow{f.Handling, f.Escalation} {
		for _, r := range rows {
			v.Rows = append(v.Rows, simFitRow{Label: r.LabelIn(l.Lang), Observed: sim.FormatValueIn(l.Lang, r.Unit, r.Observed),
				Simulated: sim.FormatValueIn(l.Lang, r.Unit, r.Simulated), Verdict: sim.VerdictIn(l.Lang, r.Verdict), VerdictKey: r.Verdict})
		}
	}
	return v
}

func meanOf(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(max(len(xs), 1))
}

// simRunView is a run as the page shows it.
type simRunView struct {
	ID           string
	Done, Failed bool
	Percent      int
	PercentLabel string
	Result       *simResultView
	// Polled is set for the polling fragment, which also updates the
	// page's status line for screen readers.
	Polled bool
}

func runView(rq *request, job simjob.Status) *simRunView {
	pct := int(math.Floor(100 * job.Progress))
	v := &simRunView{ID: job.ID, Done: job.Done, Failed: job.Failed, Percent: pct,
		PercentLabel: rq.loc.T("simulate.percent", "n", strconv.Itoa(pct))}
	if job.Done && !job.Failed {
		v.Result = resultView(rq, started(job), job.A, job.B)
	}
	return v
}

// simResultView is the comparison of a finished run, in the reader's
// language.
type simResultView struct {
	Setup, LegendA, LegendB string
	Rec                     sim.Recommendation
	ChoiceLabel, Choice     string
	Rows                    []simRow
	Charts                  []svgChart
	Notes                   []string
}

// simRow is a line of the comparison table; Mark is "better" or "worse"
// for a significant difference, "changed" when neither applies.
type simRow struct {
	Label, A, B, Diff, Mark string
	Tier                    bool
}

func resultView(rq *request, job simStarted, a, b sim.Result) *simResultView {
	l := rq.loc
	// The scenarios' names are the letters already: the recommendation
	// names them "A" and "B".
	a.Scenario, b.Scenario = "", ""
	rec := sim.RecommendIn(l.Lang, a, b)
	v := &simResultView{Rec: rec, Choice: strings.ToLower(rec.Choice), LegendA: l.T("simulate.result.a"), LegendB: legendB(rq, job.form),
		Setup: l.T("simulate.result.setup", "reps", l.Num(a.Replications), "days", job.form.Horizon)}
	switch rec.Choice {
	case "A":
		v.ChoiceLabel = l.T("simulate.rec.choice_a")
	case "B":
		v.ChoiceLabel = l.T("simulate.rec.choice_b")
	default:
		v.Choice, v.ChoiceLabel = "none", l.T("simulate.rec.choice_none")
	}
	behind := behindDemand(a, b)
	for _, row := range sim.CompareIn(l.Lang, a, &b) {
		v.Rows = append(v.Rows, tableRow(l.Lang, row, behind != "" && row.Key != "unfinished"))
	}
	v.Charts = resultCharts(rq, a, b)
	v.Notes = runNotes(rq, job, a, b)
	switch behind {
	case "":
	case "AB":
		v.Notes = append(v.Notes, l.T("simulate.note_behind_both"))
	default:
		v.Notes = append(v.Notes, l.T("simulate.note_behind", "letter", behind))
	}
	return v
}

// behindDemand names the scenario that leaves a sizeable share of its
// tickets unfinished ("A", "B", or "AB" for both), or "" when both keep up. Such a
// scenario's times only count the tickets it finished: shorter is not
// better there.
func behindDemand(a, b sim.Result) string {
	var out []string
	for _, x := range []struct {
		letter string
		r      sim.Result
	}{{"A", a}, {"B", b}} {
		if x.r.Unfinished.Mean > 0.02 {
			out = append(out, x.letter)
		}
	}
	return strings.Join(out, "")
}

// tableRow formats a comparison row; biased rows (measured on a scenario
// that cannot keep up) are marked as changed, never as better or worse.
func tableRow(lang string, row sim.ComparisonRow, biased bool) simRow {
	r := simRow{Label: row.Label, A: sim.FormatEstimateIn(lang, row.Unit, row.A), B: sim.FormatEstimateIn(lang, row.Unit, row.B),
		Diff: sim.FormatDiffIn(lang, row), Tier: strings.Contains(row.Key, ".")}
	if row.Significant && row.Diff != nil {
		switch {
		case row.Better == sim.Neutral || biased:
			r.Mark = "changed"
		case (row.Diff.Mean < 0) == (row.Better == sim.Lower):
			r.Mark = "better"
		default:
			r.Mark = "worse"
		}
	}
	return r
}

// legendB says what B changes: head counts, the model, each type's model
// under hybrid.
func legendB(rq *request, f simForm) string {
	l := rq.loc
	var parts []string
	for _, t := range f.Tiers {
		if t.Value != strconv.Itoa(t.Base) {
			parts = append(parts, l.T("simulate.change.agents", "tier", t.Code, "from", l.Num(t.Base), "to", t.Value))
		}
	}
	if f.Model != string(sim.Tiered) {
		parts = append(parts, l.T("simulate.change.model", "model", sim.ModelIn(l.Lang, sim.Model(f.Model))))
	}
	if f.Model == string(sim.Hybrid) {
		// The calibrated model is tiered: the swarmed types are the
		// change.
		var swarmed []string
		for _, t := range f.Types {
			if t.Value == string(sim.Swarming) {
				swarmed = append(swarmed, t.Name)
			}
		}
		if len(swarmed) > 0 {
			parts = append(parts, l.T("simulate.change.swarmed", "types", strings.Join(swarmed, ", ")))
		}
	}
	if len(parts) == 0 {
		return l.T("simulate.result.b_same")
	}
	return l.T("simulate.result.b", "changes", strings.Join(parts, " · "))
}

// runNotes are the warnings of both runs and the assumptions B made.
func runNotes(rq *request, job simStarted, a, b sim.Result) []string {
	l := rq.loc
	var out []string
	for _, x := range []struct {
		letter string
		r      sim.Result
	}{{"A", a}, {"B", b}} {
		for _, w := range x.r.WarningsIn(l.Lang) {
			out = append(out, l.T("simulate.note_for", "letter", x.letter, "note", w))
		}
	}
	for _, n := range job.notes {
		out = append(out, l.T("simulate.note_for", "letter", "B", "note", n.In(l.Lang)))
	}
	return out
}
