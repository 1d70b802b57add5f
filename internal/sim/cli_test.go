package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"
)

func runMain(t *testing.T, args []string, history func(context.Context) ([]HistoryTicket, error)) (string, string, error) {
	t.Helper()
	// The report's language defaults to the locale's: pin it, so the
	// tests read English wherever they run.
	t.Setenv("LC_ALL", "C.UTF-8")
	var out, errb bytes.Buffer
	err := Main(context.Background(), args, &out, &errb, history)
	return out.String(), errb.String(), err
}

func TestMainExamples(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"one scenario", []string{"--scenario", "../../examples/b2c-shop.yaml", "--replications", "3"},
			[]string{"A: B2C shop (tiered), 3 replications of 28d, seed 1", "customer wait, mean", "L2 utilisation", "± is the 95% confidence interval"}},
		{"two files", []string{"--scenario", "../../examples/b2c-shop.yaml", "--compare", "../../examples/outage-spike.yaml", "--replications", "3"},
			[]string{"B: Outage spike (tiered)", "difference (B − A)", "Recommendation:"}},
		{"staffing change", []string{"--scenario", "../../examples/b2c-shop.yaml", "--agents", "L1=12", "--replications", "3", "--seed", "5"},
			[]string{"B: B2C shop, L1=12 (tiered)", "seed 5", "Recommendation: Choose B"}},
		{"model change", []string{"--scenario", "../../examples/b2b-saas.yaml", "--model", "tiered", "--replications", "3"},
			[]string{"B: B2B SaaS, tiered (tiered)", "hand-offs per ticket"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runMain(t, tc.args, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if stderr != "" {
				t.Errorf("stderr not empty without a terminal: %q", stderr)
			}
		})
	}
}

func TestMainTableIsAligned(t *testing.T) {
	out, _, err := runMain(t, []string{"--scenario", "../../examples/b2c-shop.yaml", "--agents", "L2=4", "--replications", "2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var col int
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "metric") {
			col = strings.Index(line, "A  ")
		}
		if col > 0 && (strings.HasPrefix(line, "customer wait, mean") || strings.HasPrefix(line, "L1 utilisation")) {
			if line[col-1] != ' ' || line[col] == ' ' {
				t.Errorf("column A does not start at %d in %q", col, line)
			}
		}
	}
	if col <= 0 {
		t.Fatalf("no header line:\n%s", out)
	}
}

func TestMainJSON(t *testing.T) {
	out, _, err := runMain(t, []string{"--scenario", "../../examples/b2c-shop.yaml", "--model", "swarming", "--replications", "2", "--json"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []struct {
			Scenario string `json:"scenario"`
			Wait     struct {
				Mean Estimate `json:"mean"`
			} `json:"wait_s"`
			Tiers []TierResult `json:"tiers"`
		} `json:"results"`
		Comparison     []ComparisonRow `json:"comparison"`
		Recommendation *Recommendation `json:"recommendation"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, out)
	}
	if len(got.Results) != 2 || got.Results[0].Wait.Mean.Mean <= 0 || len(got.Results[1].Tiers) != 3 {
		t.Errorf("unexpected results: %+v", got.Results)
	}
	if len(got.Comparison) == 0 || got.Recommendation == nil || got.Recommendation.Summary == "" {
		t.Errorf("missing comparison or recommendation")
	}
}

func TestMainFromWorkspace(t *testing.T) {
	history := func(context.Context) ([]HistoryTicket, error) { return syntheticHistory(4, 3), nil }
	save := filepath.Join(t.TempDir(), "calibrated.yaml")
	out, _, err := runMain(t, []string{"--from-workspace", "--staff", "L1=4,L2=3,L3=2", "--agents", "L2=2",
		"--replications", "3", "--save", save}, history)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Calibrated from", "fit:", "L1 mean handling", "L1 escalation rate", "B: workspace (calibrated), L2=2"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// The saved scenario is a valid scenario file a lead can edit.
	sc, err := LoadScenarioFile(save)
	if err != nil {
		t.Fatalf("saved scenario does not load: %v", err)
	}
	if sc.Tiers[0].Agents != 4 || len(sc.Arrivals.HourOfWeek) != 168 {
		t.Errorf("saved scenario lost data: %+v", sc.Tiers)
	}
}

func TestMainErrors(t *testing.T) {
	boom := func(context.Context) ([]HistoryTicket, error) { return nil, errors.New("database locked") }
	tests := []struct {
		name    string
		args    []string
		history func(context.Context) ([]HistoryTicket, error)
		want    string
	}{
		{"no source", nil, nil, "give --scenario FILE or --from-workspace"},
		{"two sources", []string{"--scenario", "a.yaml", "--from-workspace"}, nil, "not both"},
		{"no workspace", []string{"--from-workspace"}, nil, "needs a workspace database"},
		{"history fails", []string{"--from-workspace"}, boom, "load history: database locked"},
		{"missing file", []string{"--scenario", "nope.yaml"}, nil, "open scenario"},
		{"bad agents", []string{"--scenario", "../../examples/b2c-shop.yaml", "--agents", "L1:8"}, nil, "TIER=NUMBER"},
		{"unknown tier", []string{"--scenario", "../../examples/b2c-shop.yaml", "--agents", "L4=2"}, nil, "the scenario has no tier L4"},
		{"hybrid override", []string{"--scenario", "../../examples/b2c-shop.yaml", "--model", "hybrid"}, nil, "needs a model per request type"},
		{"bad model", []string{"--scenario", "../../examples/b2c-shop.yaml", "--model", "chaos"}, nil, "use tiered or swarming"},
		{"compare and override", []string{"--scenario", "a.yaml", "--compare", "b.yaml", "--model", "swarming"}, nil, "one or the other"},
		{"zero replications", []string{"--scenario", "a.yaml", "--replications", "0"}, nil, "--replications must be >= 1"},
		{"stray argument", []string{"--scenario", "a.yaml", "extra"}, nil, "unexpected argument"},
		{"staff without workspace", []string{"--scenario", "a.yaml", "--staff", "L1=2"}, nil, "only apply with --from-workspace"},
		{"unknown flag", []string{"--scenaro", "a.yaml"}, nil, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runMain(t, tc.args, tc.history)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want error containing %q", err, tc.want)
			}
		})
	}
	if _, _, err := runMain(t, []string{"-h"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: got %v, want flag.ErrHelp", err)
	}
}

func TestSwarmingOverrideAssumesCollaboration(t *testing.T) {
	history := func(context.Context) ([]HistoryTicket, error) { return syntheticHistory(3, 4), nil }
	out, _, err := runMain(t, []string{"--from-workspace", "--staff", "L1=4,L2=3,L3=2", "--model", "swarming", "--replications", "2"}, history)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "assumed to take an expert 15 min") {
		t.Errorf("no note about the assumed collaboration time:\n%s", out)
	}
}

func TestScaleShifts(t *testing.T) {
	shifts := []Shift{{Agents: 4}, {Agents: 4}, {Agents: 2}}
	scaleShifts(shifts, 7)
	total := 0
	for _, s := range shifts {
		total += s.Agents
	}
	if total != 7 || shifts[2].Agents < 1 {
		t.Errorf("scaled shifts %+v, want 7 agents in the same proportions", shifts)
	}
}

func TestProgressBarDraws(t *testing.T) {
	forceProgress = true
	defer func() { forceProgress = false }()
	var buf bytes.Buffer
	bar := newProgressBar(&buf, 2)
	bar.update(1, 25, 50)
	bar.finish()
	if !strings.Contains(buf.String(), "75%") || !strings.Contains(buf.String(), "[######################") {
		t.Errorf("bar output %q", buf.String())
	}
}

func TestRecommendPrefersTheOneThatKeepsUp(t *testing.T) {
	sc := chain(Tiered)
	under := sc
	under.Tiers = []Tier{sc.Tiers[0], sc.Tiers[1]}
	under.Tiers[1].Agents = 1
	under.RequestTypes = []RequestType{sc.RequestTypes[0]}
	under.RequestTypes[0].Handling = map[string]Distribution{"L1": constant(5), "L2": constant(80)}
	a := mustRun(t, sc, RunOptions{Seed: 1, Replications: 3})
	b := mustRun(t, under, RunOptions{Seed: 1, Replications: 3})
	rec := Recommend(a, b)
	if rec.Choice != "A" || !strings.Contains(rec.Summary, "cannot keep up") {
		t.Errorf("recommendation %+v", rec)
	}
	if rec := Recommend(a, a); rec.Choice != "" || !strings.Contains(rec.Summary, "No clear difference") {
		t.Errorf("identical scenarios: %+v", rec)
	}
}
