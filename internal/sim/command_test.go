package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// runCommand runs a command as cmd/palier would after parsing its flags.
func runCommand(t *testing.T, c Command, history func(context.Context) ([]HistoryTicket, error)) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := c.Run(context.Background(), &out, &errb, history)
	return out.String(), errb.String(), err
}

const (
	shopFile   = "../../examples/b2c-shop.yaml"
	saasFile   = "../../examples/b2b-saas.yaml"
	outageFile = "../../examples/outage-spike.yaml"
)

func TestCommandExamples(t *testing.T) {
	tests := []struct {
		name string
		c    Command
		want []string
	}{
		{"one scenario", Command{Scenario: shopFile, Replications: 3, Seed: 1},
			[]string{"A: B2C shop (tiered), 3 replications of 28d, seed 1", "customer wait, mean", "L2 utilisation", "± is the 95% confidence interval"}},
		{"two files", Command{Scenario: shopFile, Compare: outageFile, Replications: 3, Seed: 1},
			[]string{"B: Outage spike (tiered)", "difference (B − A)", "Recommendation:"}},
		{"staffing change", Command{Scenario: shopFile, Agents: "L1=12", Replications: 3, Seed: 5},
			[]string{"B: B2C shop, L1=12 (tiered)", "seed 5", "Recommendation: Choose B"}},
		{"model change", Command{Scenario: saasFile, Model: "tiered", Replications: 3, Seed: 1},
			[]string{"B: B2B SaaS, tiered (tiered)", "hand-offs per ticket"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runCommand(t, tc.c, nil)
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

func TestCommandTableIsAligned(t *testing.T) {
	out, _, err := runCommand(t, Command{Scenario: shopFile, Agents: "L2=4", Replications: 2, Seed: 1}, nil)
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

func TestCommandJSON(t *testing.T) {
	out, _, err := runCommand(t, Command{Scenario: shopFile, Model: "swarming", Replications: 2, Seed: 1, JSON: true}, nil)
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

func TestCommandFromWorkspace(t *testing.T) {
	history := func(context.Context) ([]HistoryTicket, error) { return syntheticHistory(4, 3), nil }
	save := filepath.Join(t.TempDir(), "calibrated.yaml")
	out, _, err := runCommand(t, Command{FromWorkspace: true, Staff: "L1=4,L2=3,L3=2", Agents: "L2=2",
		Replications: 3, Seed: 1, Save: save}, history)
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

func TestCommandErrors(t *testing.T) {
	boom := func(context.Context) ([]HistoryTicket, error) { return nil, errors.New("database locked") }
	tests := []struct {
		name    string
		c       Command
		history func(context.Context) ([]HistoryTicket, error)
		want    string
	}{
		{"no source", Command{Replications: 1}, nil, "give --scenario FILE or --from-workspace"},
		{"two sources", Command{Scenario: "a.yaml", FromWorkspace: true, Replications: 1}, nil, "not both"},
		{"no workspace", Command{FromWorkspace: true, Replications: 1}, nil, "needs a workspace database"},
		{"history fails", Command{FromWorkspace: true, Replications: 1}, boom, "load history: database locked"},
		{"missing file", Command{Scenario: "nope.yaml", Replications: 1}, nil, "open scenario"},
		{"bad agents", Command{Scenario: shopFile, Agents: "L1:8", Replications: 1}, nil, "TIER=NUMBER"},
		{"unknown tier", Command{Scenario: shopFile, Agents: "L4=2", Replications: 1}, nil, "the scenario has no tier L4"},
		{"hybrid override", Command{Scenario: shopFile, Model: "hybrid", Replications: 1}, nil, "needs a model per request type"},
		{"bad model", Command{Scenario: shopFile, Model: "chaos", Replications: 1}, nil, "use tiered or swarming"},
		{"compare and override", Command{Scenario: "a.yaml", Compare: "b.yaml", Model: "swarming", Replications: 1}, nil, "one or the other"},
		{"zero replications", Command{Scenario: "a.yaml"}, nil, "--replications must be >= 1"},
		{"staff without workspace", Command{Scenario: "a.yaml", Staff: "L1=2", Replications: 1}, nil, "only apply with --from-workspace"},
		{"unknown language", Command{Scenario: "a.yaml", Replications: 1, Lang: "de"}, nil, `--lang "de": use en or fr`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCommand(t, tc.c, tc.history)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestSwarmingOverrideAssumesCollaboration(t *testing.T) {
	history := func(context.Context) ([]HistoryTicket, error) { return syntheticHistory(3, 4), nil }
	out, _, err := runCommand(t, Command{FromWorkspace: true, Staff: "L1=4,L2=3,L3=2", Model: "swarming", Replications: 2, Seed: 1}, history)
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
