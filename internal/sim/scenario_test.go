package sim

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExamplesLoad(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v, %d files", err, len(files))
	}
	for _, f := range files {
		sc, err := LoadScenarioFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if sc.Name == "" || len(sc.Tiers) == 0 {
			t.Errorf("%s: loaded without name or tiers", f)
		}
	}
}

// base is a small valid scenario; bad cases change one thing in it.
const base = `
name: test
model: tiered
arrivals: {per_day: 100}
request_types:
  - name: billing
    share: 1
    handling:
      L1: {dist: lognormal, mean: 5m, sd: 3m}
      L2: 20m
    escalate: {L1: 0.2}
tiers:
  - {name: L1, agents: 3}
  - {name: L2, agents: 1}
`

func TestLoadScenarioValid(t *testing.T) {
	sc, err := LoadScenario(strings.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Horizon != DefaultHorizon || sc.Channels[0].Name != "web" || sc.Tiers[0].Queue != FIFO {
		t.Errorf("defaults not filled: horizon %v channels %v queue %q", sc.Horizon, sc.Channels, sc.Tiers[0].Queue)
	}
	if d := sc.RequestTypes[0].Handling["L2"]; d.Dist != DistConstant || time.Duration(d.Mean) != 20*time.Minute {
		t.Errorf("plain duration should be a constant distribution, got %+v", d)
	}
	// JSON is YAML too.
	js := `{"name":"j","arrivals":{"per_hour":2},"request_types":[{"name":"x","share":1,"handling":{"L1":"5m"}}],"tiers":[{"name":"L1","agents":1}]}`
	if _, err := LoadScenario(strings.NewReader(js)); err != nil {
		t.Errorf("JSON scenario: %v", err)
	}
}

func TestLoadScenarioRejects(t *testing.T) {
	tests := []struct {
		name string
		old  string // replaced in base...
		new  string // ...by this
		want string // expected in the error
	}{
		{"negative rate", "per_day: 100", "per_day: -5", "arrivals.per_day: must be > 0 (got -5)"},
		{"probability above 1", "escalate: {L1: 0.2}", "escalate: {L1: 1.5}", "request_types[0].escalate.L1: is a probability: must be between 0 and 1 (got 1.5)"},
		{"no agents for a reachable tier", "{name: L2, agents: 1}", "{name: L2, agents: 0}", `tiers[1].agents: must be > 0 because request type "billing" can escalate to L2`},
		{"no agents at the entry tier", "{name: L1, agents: 3}", "{name: L1, agents: 0}", `tiers[0].agents: must be > 0 because request type "billing" enters at L1`},
		{"unknown field", "{name: L2, agents: 1}", "{name: L2, agnets: 1}", "tiers[1].agnets: unknown field"},
		{"unknown field inside a distribution", "sd: 3m}", "sd: 3m, median: 4m}", "request_types[0].handling.L1.median: unknown field"},
		{"unknown top-level field", "model: tiered", "model: tiered\nstaff: 3", "staff: unknown field"},
		{"bad model", "model: tiered", "model: chaos", `model: must be tiered, swarming or hybrid (got "chaos")`},
		{"shares do not add up", "share: 1", "share: 0.8", "request_types[*].share: shares must add up to 1 (they add up to 0.8)"},
		{"missing handling at a reachable tier", "      L2: 20m\n", "", `request_types[0].handling.L2: is required because request type "billing" can escalate to L2`},
		{"escalation above the top tier", "escalate: {L1: 0.2}", "escalate: {L1: 0.2, L2: 0.1}", "request_types[0].escalate.L2: no tier above L2 is defined"},
		{"unknown tier name", "{name: L2, agents: 1}", "{name: L9, agents: 1}", `tiers[1].name: must be one of L1, L2, L3, L4 (got "L9")`},
		{"tier listed twice", "{name: L2, agents: 1}", "{name: L1, agents: 1}", "tiers[1].name: tier L1 is listed twice"},
		{"negative agents", "{name: L2, agents: 1}", "{name: L2, agents: -2}", "tiers[1].agents: must be >= 0"},
		{"bad hours", "{name: L1, agents: 3}", "{name: L1, agents: 3, hours: \"mon-fry 09:00-18:00\"}", `tiers[0].hours: "fry" is not a day`},
		{"bad clock", "{name: L1, agents: 3}", "{name: L1, agents: 3, hours: \"mon 25:00-26:00\"}", `tiers[0].hours: "25:00" is not a time of day`},
		{"bad duration", "mean: 5m", "mean: 5 minutes", `request_types[0].handling.L1.mean`},
		{"negative sd", "sd: 3m", "sd: -3m", "request_types[0].handling.L1.sd: must be >= 0"},
		{"unknown distribution", "dist: lognormal", "dist: weibull", `request_types[0].handling.L1.dist: must be lognormal, exponential, constant or empirical (got "weibull")`},
		{"deflection above 1", "model: tiered", "model: tiered\nself_service: {deflection: 1.2}", "self_service.deflection: must be between 0 and 1 (got 1.2)"},
		{"wrong type", "per_day: 100", "per_day: many", `arrivals.per_day: expected a number, got "many"`},
		{"hourly profile length", "per_day: 100", "per_day: 100, hourly: [1, 2]", "arrivals.hourly: needs 24 values (got 2)"},
		{"swarming without collaboration", "model: tiered", "model: swarming", `swarming.collaboration: is required because request type "billing" (request_types[0]) is swarmed and can need L2`},
		{"hybrid without type model", "model: tiered", "model: hybrid", `request_types[0].model: must be tiered or swarming when the scenario model is hybrid (got "")`},
		{"spike of unknown type", "per_day: 100", "per_day: 100, spikes: [{start: 1d, duration: 1h, multiplier: 3, type: nope}]", `arrivals.spikes[0].type: unknown request type "nope"`},
		{"typed spike below 1", "per_day: 100", "per_day: 100, spikes: [{start: 1d, duration: 1h, multiplier: 0.5, type: billing}]", "arrivals.spikes[0].multiplier: must be >= 1 when type is set"},
		{"unknown priority", "share: 1\n", "share: 1\n    priorities: {asap: 1}\n", "request_types[0].priorities.asap: unknown priority"},
		{"unknown queue", "{name: L2, agents: 1}", "{name: L2, agents: 1, queue: lifo}", `tiers[1].queue: must be fifo or priority (got "lifo")`},
		{"agents and shifts", "{name: L2, agents: 1}", "{name: L2, agents: 1, shifts: [{hours: daily, agents: 1}]}", "tiers[1]: give either agents (with hours) or shifts, not both"},
		{"shifts without agents", "{name: L2, agents: 1}", "{name: L2, shifts: [{hours: daily, agents: 0}]}", `tiers[1].shifts: must staff at least one agent because request type "billing" can escalate to L2`},
		{"empty file", base, "", "the file is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.old, tc.new, 1)
			if src == base {
				t.Fatalf("test case does not change the scenario (%q not found)", tc.old)
			}
			_, err := LoadScenario(strings.NewReader(src))
			if err == nil {
				t.Fatalf("accepted; want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

func TestScenarioErrorListsAllProblems(t *testing.T) {
	src := strings.NewReplacer("per_day: 100", "per_day: -1", "{L1: 0.2}", "{L1: 2}").Replace(base)
	_, err := LoadScenario(strings.NewReader(src))
	var se *ScenarioError
	if !errors.As(err, &se) {
		t.Fatalf("want *ScenarioError, got %T: %v", err, err)
	}
	if len(se.Problems) != 2 {
		t.Errorf("want 2 problems, got %d: %v", len(se.Problems), err)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90s", 90 * time.Second, true},
		{"1h30m", 90 * time.Minute, true},
		{"2d", 48 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"1w", 7 * 24 * time.Hour, true},
		{"0", 0, true},
		{"5", 0, false},
		{"soon", 0, false},
		{"-d", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || (tc.ok && time.Duration(got) != tc.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v (ok=%v)", tc.in, time.Duration(got), err, tc.want, tc.ok)
		}
	}
	for _, d := range []time.Duration{90 * time.Second, 8 * time.Minute, 36 * time.Hour, 48 * time.Hour} {
		back, err := ParseDuration(Duration(d).String())
		if err != nil || time.Duration(back) != d {
			t.Errorf("round trip of %v via %q gave %v, %v", d, Duration(d).String(), time.Duration(back), err)
		}
	}
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		in       string
		openWeek float64 // hours open per week
		openAt   []float64
		closedAt []float64
	}{
		{"24/7", 168, []float64{0, 100 * hourSec}, nil},
		{"mon-fri 09:00-18:00", 45, []float64{9 * hourSec, 4*daySec + 17.5*hourSec}, []float64{8 * hourSec, 5*daySec + 10*hourSec}},
		{"daily 22:00-06:00", 56, []float64{23 * hourSec, 2 * hourSec, 6*daySec + 23*hourSec}, []float64{12 * hourSec}},
		{"sat-sun", 48, []float64{5*daySec + 1}, []float64{0}},
		{"mon 09:00-12:00, mon 11:00-13:00", 4, []float64{12.5 * hourSec}, []float64{13.5 * hourSec}},
		{"sun-mon 10:00-11:00", 2, []float64{6*daySec + 10.5*hourSec, 10.5 * hourSec}, []float64{daySec + 10.5*hourSec}},
	}
	for _, tc := range tests {
		w, err := parseHours(tc.in)
		if err != nil {
			t.Errorf("parseHours(%q): %v", tc.in, err)
			continue
		}
		if got := w.openBetween(0, weekSec) / hourSec; got != tc.openWeek {
			t.Errorf("%q: open %g h a week, want %g", tc.in, got, tc.openWeek)
		}
		for _, at := range tc.openAt {
			if w.openBetween(at, at+1) != 1 {
				t.Errorf("%q: want open at %g s", tc.in, at)
			}
		}
		for _, at := range tc.closedAt {
			if w.openBetween(at, at+1) != 0 {
				t.Errorf("%q: want closed at %g s", tc.in, at)
			}
		}
		// Later weeks repeat the first.
		if got := w.openBetween(3*weekSec, 4*weekSec) / hourSec; got != tc.openWeek {
			t.Errorf("%q: week 4 open %g h, want %g", tc.in, got, tc.openWeek)
		}
	}
}

func TestStaffingPlan(t *testing.T) {
	early, _ := parseHours("mon-fri 08:00-16:00")
	late, _ := parseHours("mon-fri 12:00-20:00")
	p := newStaffingPlan([]*week{early, late}, []int{3, 2})
	checks := []struct {
		at   float64
		want int
	}{{7 * hourSec, 0}, {9 * hourSec, 3}, {13 * hourSec, 5}, {17 * hourSec, 2}, {21 * hourSec, 0}, {5*daySec + 13*hourSec, 0}, {weekSec + 13*hourSec, 5}}
	for _, c := range checks {
		if got, _ := p.at(c.at); got != c.want {
			t.Errorf("staffing at %g h = %d, want %d", c.at/hourSec, got, c.want)
		}
	}
	if p.maxAgents() != 5 {
		t.Errorf("peak = %d, want 5", p.maxAgents())
	}
	if got := p.weeklyAgentSeconds() / hourSec; got != 5*(8*3+8*2) {
		t.Errorf("weekly agent-hours = %g, want %d", got, 5*(8*3+8*2))
	}
	if _, next := p.at(9 * hourSec); next != 12*hourSec {
		t.Errorf("next change after 09:00 = %g h, want 12", next/hourSec)
	}
}
