package sim

import (
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/i18n"
)

func TestEveryTextInBothLanguages(t *testing.T) {
	for _, p := range i18n.Check() {
		if strings.HasPrefix(p, textPrefix) {
			t.Error(p)
		}
	}
	for _, d := range metricDefs() {
		if !i18n.Has(textPrefix + "metric." + d.key) {
			t.Errorf("metric %s has no label", d.key)
		}
		if d.weight > 0 && !i18n.Has(textPrefix+"phrase."+d.key) {
			t.Errorf("metric %s weighs in the recommendation but has no phrase", d.key)
		}
	}
}

func TestFormatInFrench(t *testing.T) {
	tests := []struct {
		unit     Unit
		v        float64
		en, fr   string
		estimate string // FormatEstimateIn in French, ± 10% of v
	}{
		{UnitDuration, 42, "42 s", "42 s", "42,0 ± 4,2 s"},
		{UnitDuration, 750, "12.5 min", "12,5 min", "12,5 ± 1,3 min"},
		{UnitDuration, 900, "15 min", "15 min", "15,0 ± 1,5 min"},
		{UnitDuration, 3 * 86400, "3 d", "3 j", "3,0 ± 0,3 j"},
		{UnitShare, 0.125, "12.5%", "12,5\u00a0%", "12,5 ± 1,3\u00a0%"},
		{UnitNumber, 1.5, "1.50", "1,50", "1,50 ± 0,15"},
		{UnitNumber, 1234, "1234", "1234", "1234 ± 123"},
	}
	for _, tc := range tests {
		if got := FormatValueIn(English, tc.unit, tc.v); got != tc.en {
			t.Errorf("English %s %v = %q, want %q", tc.unit, tc.v, got, tc.en)
		}
		if got := FormatValueIn("fr_FR.UTF-8", tc.unit, tc.v); got != tc.fr {
			t.Errorf("French %s %v = %q, want %q", tc.unit, tc.v, got, tc.fr)
		}
		e := &Estimate{Mean: tc.v, Low: 0.9 * tc.v, High: 1.1 * tc.v}
		if got := FormatEstimateIn(French, tc.unit, e); got != tc.estimate {
			t.Errorf("French estimate %s %v = %q, want %q", tc.unit, tc.v, got, tc.estimate)
		}
	}
	if got := text("warn.few", 12345).In(French); !strings.Contains(got, "12\u202f345 tickets") {
		t.Errorf("French count: %q", got)
	}
}

// zeroBase is A with no wait at all, B with customers waiting days and
// fewer of them giving up: the change in waits has no sensible percentage.
func zeroBase() (Result, Result) {
	var a, b Result
	a.Wait.Mean = Estimate{}
	b.Wait.Mean = Estimate{Mean: 23.7 * 86400, Low: 23 * 86400, High: 24.4 * 86400, StdErr: 0.3 * 86400}
	a.Abandonment = Estimate{Mean: 0.2, Low: 0.2, High: 0.2}
	b.Abandonment = Estimate{Mean: 0.05, Low: 0.05, High: 0.05}
	a.FirstContact = Estimate{Mean: 0.5, Low: 0.5, High: 0.5}
	b.FirstContact = Estimate{Mean: 0.8, Low: 0.8, High: 0.8}
	return a, b
}

func TestNoPercentageFromZero(t *testing.T) {
	a, b := zeroBase()
	rec := Recommend(a, b)
	if !slices.Contains(rec.Reasons, "Customer wait, mean: 0 s with A, 23.7 d with B.") {
		t.Errorf("reasons %q lack the plain wait sentence", rec.Reasons)
	}
	// B wins (fewer abandon, more first-contact resolutions) at the price
	// of the waits, told as values rather than a percentage.
	if rec.Choice != "B" || !strings.HasSuffix(rec.Summary, "the price: customer wait, mean 0 s → 23.7 d.") {
		t.Errorf("summary %q (choice %q)", rec.Summary, rec.Choice)
	}
	for _, row := range Compare(a, &b) {
		if row.Key == "wait_mean" && FormatDiffIn(English, row) != "+23.7 d" {
			t.Errorf("wait difference %q, want no percentage", FormatDiffIn(English, row))
		}
	}
}

func TestRecommendInFrench(t *testing.T) {
	a, b := zeroBase()
	rec := RecommendIn(French, a, b)
	want := "Choisissez B : moins de clients abandonnent et plus de tickets sont résolus au premier contact ; en contrepartie : attente client, moyenne 0 s → 23,7 j."
	if rec.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", rec.Summary, want)
	}
	for _, r := range []string{
		"Attente client, moyenne : 0 s avec A, 23,7 j avec B.",
		"Abandons avant contact : 20,0\u00a0% avec A, 5,0\u00a0% avec B (-15,0 points).",
	} {
		if !slices.Contains(rec.Reasons, r) {
			t.Errorf("reasons %q lack %q", rec.Reasons, r)
		}
	}
	rows := CompareIn(French, a, &b)
	if rows[0].Label != "tickets par jour" {
		t.Errorf("first row %q", rows[0].Label)
	}
	if rec := RecommendIn(French, a, a); !strings.HasPrefix(rec.Summary, "Pas de différence nette : A et B") {
		t.Errorf("identical scenarios: %q", rec.Summary)
	}
}

func TestRecommendCapacityInFrench(t *testing.T) {
	sc := chain(Tiered)
	under := cloneScenario(sc)
	under.Tiers[1].Agents = 1
	under.RequestTypes[0].Handling = map[string]Distribution{"L1": constant(5), "L2": constant(80)}
	a := mustRun(t, sc, RunOptions{Seed: 1, Replications: 3})
	b := mustRun(t, under, RunOptions{Seed: 1, Replications: 3})
	rec := RecommendIn(French, a, b)
	if rec.Choice != "A" || !strings.Contains(rec.Summary, "ne suit pas la demande") {
		t.Errorf("recommendation %+v", rec)
	}
	warns := strings.Join(b.WarningsIn(French), "\n")
	if !strings.Contains(warns, "encore ouverts à la fin de la simulation") || !strings.Contains(warns, "L2 est occupé") {
		t.Errorf("French warnings: %s", warns)
	}
	if strings.Join(b.Warnings, "\n") != strings.Join(b.WarningsIn(English), "\n") {
		t.Errorf("Warnings should be the English warnings")
	}
}

func TestCommandInFrench(t *testing.T) {
	out, _, err := runCommand(t, Command{Scenario: shopFile, Agents: "L1=12", Replications: 3, Seed: 5, Lang: French}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"A : B2C shop (par niveaux), 3 réplications", "indicateur", "différence (B − A)", "attente client, moyenne",
		"L1 taux d'occupation", "Recommandation : Choisissez B", "± est l'intervalle de confiance"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "Recommendation") || strings.Contains(out, "customer wait") {
		t.Errorf("English left in the French report:\n%s", out)
	}
}

func TestCalibrationInFrench(t *testing.T) {
	_, fit, err := Calibrate(syntheticHistory(3, 2), CalibrateOptions{Agents: map[string]int{"L1": 4}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fit.Estimated, []string{"L2", "L3"}) {
		t.Errorf("estimated staffing %v, want L2 and L3", fit.Estimated)
	}
	if fit.Summary != fit.SummaryIn(English) || !strings.Contains(fit.SummaryIn(French), "ajustement") && !strings.HasPrefix(fit.SummaryIn(French), "Ajustement") {
		t.Errorf("summaries: %q / %q", fit.Summary, fit.SummaryIn(French))
	}
	notes := strings.Join(fit.NotesIn(French), "\n")
	if !strings.Contains(notes, "L2 a été fixé à") || !strings.Contains(notes, "Attente médiane observée") {
		t.Errorf("French notes:\n%s", notes)
	}
	if got := fit.Handling[0].LabelIn(French); got != "L1 traitement moyen" {
		t.Errorf("fit row label %q", got)
	}
	if got := VerdictIn(French, fit.Escalation[0].Verdict); got == fit.Escalation[0].Verdict {
		t.Errorf("verdict %q not translated", got)
	}
}

func TestApplyChanges(t *testing.T) {
	base := chain(Tiered)
	base.Swarming.Collaboration = nil
	base.RequestTypes = append(base.RequestTypes, RequestType{Name: "y", Share: 0,
		Handling: map[string]Distribution{"L1": constant(5), "L2": constant(20)}})
	base.RequestTypes[0].Share = 1
	sc, notes, err := Apply(base, Changes{Agents: map[string]int{"L1": 3}, Model: Hybrid,
		TypeModels: map[string]Model{"x": Swarming, "y": Tiered}, Horizon: Duration(7 * 24 * 3600 * 1e9)})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Tiers[0].Agents != 3 || base.Tiers[0].Agents != 2 {
		t.Errorf("agents: changed %d, base %d (the base must not change)", sc.Tiers[0].Agents, base.Tiers[0].Agents)
	}
	if sc.Model != Hybrid || sc.RequestTypes[0].Model != Swarming || sc.RequestTypes[1].Model != Tiered || base.RequestTypes[0].Model != "" {
		t.Errorf("models: %s %+v", sc.Model, sc.RequestTypes)
	}
	if sc.Horizon.String() != "7d" || sc.Swarming.Collaboration == nil || len(notes) != 1 ||
		notes[0].In(French) != "Aucun temps de collaboration n'est défini : chaque essaim est supposé prendre 15 min en moyenne à un expert (loi log-normale)." {
		t.Errorf("horizon %s, collaboration %v, notes %v", sc.Horizon, sc.Swarming.Collaboration, notes)
	}
	for _, tc := range []struct {
		ch   Changes
		want string
	}{
		{Changes{Agents: map[string]int{"L1": -1}}, "must be >= 0"},
		{Changes{Agents: map[string]int{"L3": 1}}, "no tier L3"},
		{Changes{Model: Hybrid, TypeModels: map[string]Model{"x": Swarming}}, `request type "y" needs tiered or swarming`},
		{Changes{Model: "chaos"}, "use tiered, swarming or hybrid"},
		{Changes{Agents: map[string]int{"L2": 0}}, "tiers[1].agents"},
	} {
		if _, _, err := Apply(base, tc.ch); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.ch, err, tc.want)
		}
	}
}
