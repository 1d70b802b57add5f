package sim

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"
)

// cliConfig holds the parsed flags of `palier simulate`.
type cliConfig struct {
	scenario, compare string
	fromWorkspace     bool
	replications      int
	seed              uint64
	jsonOut           bool
	agents            string
	model             string
	collaboration     string
	hours             string
	replay            bool
	save              string
	staff             string
}

const usageText = `Usage: palier simulate [flags]

Simulate a support organisation and compare two set-ups.

  palier simulate --scenario examples/b2c-shop.yaml
  palier simulate --scenario a.yaml --compare b.yaml --replications 20
  palier simulate --scenario a.yaml --agents L1=8,L2=3 --model swarming
  palier simulate --from-workspace --staff L1=10,L2=3 --agents L2=4

Flags:
`

// Main runs `palier simulate`. loadHistory reads the workspace's stored
// tickets for --from-workspace (nil: that flag is unavailable).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, loadHistory func(context.Context) ([]HistoryTicket, error)) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	base, fit, err := baseScenario(ctx, cfg, loadHistory)
	if err != nil {
		return err
	}
	other, notes, err := otherScenario(cfg, base)
	if err != nil {
		return err
	}
	if cfg.save != "" {
		if err := saveScenario(cfg.save, base); err != nil {
			return err
		}
	}
	scenarios := []Scenario{base}
	if other != nil {
		scenarios = append(scenarios, *other)
	}
	results, err := runAll(ctx, scenarios, cfg, stderr)
	if err != nil {
		return err
	}
	out := report{Fit: fit, Results: results, Notes: notes}
	var b *Result
	if len(results) > 1 {
		b = &results[1]
		rec := Recommend(results[0], results[1])
		out.Recommendation = &rec
	}
	out.Comparison = Compare(results[0], b)
	if cfg.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("simulate: write JSON: %w", err)
		}
		return nil
	}
	return writeText(stdout, out)
}

func parseFlags(args []string, stderr io.Writer) (cliConfig, error) {
	var cfg cliConfig
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.scenario, "scenario", "", "scenario file (YAML or JSON)")
	fs.StringVar(&cfg.compare, "compare", "", "second scenario file to compare with")
	fs.BoolVar(&cfg.fromWorkspace, "from-workspace", false, "estimate the scenario from the workspace's ticket history")
	fs.IntVar(&cfg.replications, "replications", DefaultReplications, "independent replications (confidence intervals need 2 or more)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed: the same seed gives the same results")
	fs.BoolVar(&cfg.jsonOut, "json", false, "print machine-readable JSON")
	fs.StringVar(&cfg.agents, "agents", "", "compare with changed staffing, e.g. L1=8,L2=3")
	fs.StringVar(&cfg.model, "model", "", "compare with another model: tiered or swarming")
	fs.StringVar(&cfg.collaboration, "collaboration", "", "mean expert time per swarm when --model swarming needs one (default 15m)")
	fs.StringVar(&cfg.hours, "hours", "", "business hours of every tier for --from-workspace, e.g. \"mon-fri 09:00-18:00\"")
	fs.BoolVar(&cfg.replay, "replay", false, "with --from-workspace: replay the recorded arrivals instead of a Poisson profile")
	fs.StringVar(&cfg.staff, "staff", "", "with --from-workspace: the real staffing, e.g. L1=10,L2=4 (otherwise estimated from workload)")
	fs.StringVar(&cfg.save, "save", "", "write the base scenario (e.g. the calibrated one) to this YAML file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("simulate: unexpected argument %q (flags start with --)", fs.Arg(0))
	}
	switch {
	case cfg.scenario == "" && !cfg.fromWorkspace:
		return cfg, errors.New("simulate: give --scenario FILE or --from-workspace")
	case cfg.scenario != "" && cfg.fromWorkspace:
		return cfg, errors.New("simulate: give --scenario or --from-workspace, not both (use --compare for a second file)")
	case cfg.compare != "" && (cfg.agents != "" || cfg.model != ""):
		return cfg, errors.New("simulate: --compare compares two files; --agents and --model compare the base with a changed copy: use one or the other")
	case cfg.replications < 1:
		return cfg, fmt.Errorf("simulate: --replications must be >= 1 (got %d)", cfg.replications)
	case (cfg.hours != "" || cfg.replay || cfg.staff != "") && !cfg.fromWorkspace:
		return cfg, errors.New("simulate: --hours, --staff and --replay only apply with --from-workspace")
	}
	return cfg, nil
}

func baseScenario(ctx context.Context, cfg cliConfig, loadHistory func(context.Context) ([]HistoryTicket, error)) (Scenario, *FitReport, error) {
	if !cfg.fromWorkspace {
		sc, err := LoadScenarioFile(cfg.scenario)
		return sc, nil, err
	}
	if loadHistory == nil {
		return Scenario{}, nil, errors.New("simulate: --from-workspace needs a workspace database, which this command was not given")
	}
	history, err := loadHistory(ctx)
	if err != nil {
		return Scenario{}, nil, fmt.Errorf("simulate: load history: %w", err)
	}
	opts := CalibrateOptions{Name: "workspace (calibrated)", Hours: cfg.hours, Replay: cfg.replay,
		Seed: cfg.seed, Replications: min(cfg.replications, 5)}
	if cfg.staff != "" {
		if opts.Agents, err = parseAgents("staff", cfg.staff); err != nil {
			return Scenario{}, nil, err
		}
	}
	sc, fit, err := Calibrate(history, opts)
	if err != nil {
		return Scenario{}, nil, fmt.Errorf("simulate: %w", err)
	}
	return sc, &fit, nil
}

// otherScenario builds scenario B: a second file, or the base with the
// --agents/--model changes. It returns nil when there is nothing to compare.
func otherScenario(cfg cliConfig, base Scenario) (*Scenario, []string, error) {
	if cfg.compare != "" {
		sc, err := LoadScenarioFile(cfg.compare)
		if err != nil {
			return nil, nil, err
		}
		return &sc, nil, nil
	}
	if cfg.model == "" && cfg.agents == "" {
		return nil, nil, nil
	}
	sc := cloneScenario(base)
	var changes, notes []string
	if cfg.agents != "" {
		agents, err := parseAgents("agents", cfg.agents)
		if err != nil {
			return nil, nil, err
		}
		if err := applyAgents(&sc, agents); err != nil {
			return nil, nil, err
		}
		changes = append(changes, cfg.agents)
	}
	if cfg.model != "" {
		note, err := applyModel(&sc, Model(cfg.model), cfg.collaboration)
		if err != nil {
			return nil, nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
		changes = append(changes, cfg.model)
	}
	sc.Name = fmt.Sprintf("%s, %s", base.Name, strings.Join(changes, ", "))
	if err := sc.Validate(); err != nil {
		return nil, nil, fmt.Errorf("simulate: the changed scenario is invalid: %w", err)
	}
	return &sc, notes, nil
}

// cloneScenario copies the parts overrides modify.
func cloneScenario(sc Scenario) Scenario {
	out := sc
	out.Tiers = make([]Tier, len(sc.Tiers))
	for i, t := range sc.Tiers {
		t.Shifts = append([]Shift(nil), t.Shifts...)
		out.Tiers[i] = t
	}
	out.RequestTypes = append([]RequestType(nil), sc.RequestTypes...)
	return out
}

// parseAgents reads "L1=8,L2=3".
func parseAgents(flagName, s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(val))
		name = strings.ToUpper(strings.TrimSpace(name))
		if !ok || err != nil {
			return nil, fmt.Errorf("simulate: --%s %q: write TIER=NUMBER pairs such as L1=8,L2=3", flagName, s)
		}
		if tierLevel(name) == 0 {
			return nil, fmt.Errorf("simulate: --%s: %q is not a tier (L1..L4)", flagName, name)
		}
		if n < 0 {
			return nil, fmt.Errorf("simulate: --%s %s=%d: must be >= 0", flagName, name, n)
		}
		out[name] = n
	}
	return out, nil
}

// applyAgents sets head counts; a tier staffed by shifts keeps its shift
// proportions (largest remainder rounding keeps the total exact).
func applyAgents(sc *Scenario, agents map[string]int) error {
	for _, name := range sortedKeys(agents) {
		n := agents[name]
		i := -1
		for j := range sc.Tiers {
			if sc.Tiers[j].Name == name {
				i = j
			}
		}
		if i < 0 {
			var have []string
			for _, t := range sc.Tiers {
				have = append(have, t.Name)
			}
			return fmt.Errorf("simulate: --agents %s: the scenario has no tier %s (it has %s)", name, name, strings.Join(have, ", "))
		}
		t := &sc.Tiers[i]
		if len(t.Shifts) == 0 {
			t.Agents = n
			continue
		}
		scaleShifts(t.Shifts, n)
	}
	return nil
}

func scaleShifts(shifts []Shift, n int) {
	total := 0
	for _, s := range shifts {
		total += s.Agents
	}
	if total == 0 {
		for i := range shifts {
			shifts[i].Agents = n / len(shifts)
		}
		for i := 0; i < n%len(shifts); i++ {
			shifts[i].Agents++
		}
		return
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(shifts))
	given := 0
	for i, s := range shifts {
		exact := float64(s.Agents) * float64(n) / float64(total)
		shifts[i].Agents = int(math.Floor(exact))
		given += shifts[i].Agents
		rems[i] = rem{i, exact - math.Floor(exact)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < n; k++ {
		shifts[rems[k%len(rems)].i].Agents++
		given++
	}
}

// applyModel switches the scenario's model. Swarming needs a collaboration
// time; when the scenario has none, a documented default is assumed.
func applyModel(sc *Scenario, m Model, collab string) (string, error) {
	switch m {
	case Tiered, Swarming:
	case Hybrid:
		return "", errors.New("simulate: --model hybrid needs a model per request type: write it in a scenario file and use --compare")
	default:
		return "", fmt.Errorf("simulate: --model %q: use tiered or swarming", m)
	}
	sc.Model = m
	for i := range sc.RequestTypes {
		sc.RequestTypes[i].Model = ""
	}
	note := ""
	if collab != "" || (m == Swarming && sc.Swarming.Collaboration == nil) {
		mean := Duration(15 * time.Minute)
		if collab != "" {
			d, err := ParseDuration(collab)
			if err != nil || d <= 0 {
				return "", fmt.Errorf("simulate: --collaboration %q: give a positive duration such as 15m", collab)
			}
			mean = d
		} else {
			note = "The scenario sets no swarming.collaboration: each swarm is assumed to take an expert 15 min on average (lognormal); set it with --collaboration or in the file."
		}
		sc.Swarming.Collaboration = &Distribution{Dist: DistLognormal, Mean: mean, SD: mean * 2 / 3}
	}
	return note, nil
}

func saveScenario(path string, sc Scenario) error {
	data, err := yaml.Marshal(sc)
	if err != nil {
		return fmt.Errorf("simulate: encode scenario: %w", err)
	}
	header := "# Palier simulation scenario. See examples/README.md for the fields.\n"
	if err := os.WriteFile(path, append([]byte(header), data...), 0o644); err != nil {
		return fmt.Errorf("simulate: save scenario: %w", err)
	}
	return nil
}

// runAll runs the scenarios with the same seed (so they share customers)
// and one progress bar.
func runAll(ctx context.Context, scs []Scenario, cfg cliConfig, stderr io.Writer) ([]Result, error) {
	bar := newProgressBar(stderr, len(scs))
	defer bar.finish()
	results := make([]Result, len(scs))
	for i, sc := range scs {
		r, err := Run(ctx, sc, RunOptions{Seed: cfg.seed, Replications: cfg.replications,
			Progress: func(done, total int) { bar.update(i, done, total) }})
		if err != nil {
			return nil, fmt.Errorf("simulate: %w", err)
		}
		results[i] = r
	}
	return results, nil
}

// report is what Main prints, as text or JSON.
type report struct {
	Fit            *FitReport      `json:"fit,omitempty"`
	Results        []Result        `json:"results"`
	Comparison     []ComparisonRow `json:"comparison"`
	Recommendation *Recommendation `json:"recommendation,omitempty"`
	Notes          []string        `json:"notes,omitempty"`
}

func writeText(w io.Writer, out report) error {
	var b strings.Builder
	if out.Fit != nil {
		writeFit(&b, out.Fit)
	}
	letters := []string{"A", "B"}
	for i, r := range out.Results {
		fmt.Fprintf(&b, "%s: %s (%s), %d replications of %s, seed %d\n", letters[i], r.Scenario, r.Model, r.Replications, r.Window, r.Seed)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if len(out.Results) > 1 {
		fmt.Fprintln(tw, "metric\tA\tB\tdifference (B − A)\t")
	} else {
		fmt.Fprintln(tw, "metric\tA\t")
	}
	for _, row := range out.Comparison {
		fmt.Fprintf(tw, "%s\t%s\t", row.Label, formatEstimate(row.Unit, row.A))
		if len(out.Results) > 1 {
			fmt.Fprintf(tw, "%s\t%s\t", formatEstimate(row.Unit, row.B), formatDiff(row))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\n± is the 95% confidence interval over replications; * marks differences beyond it.\n")
	if rec := out.Recommendation; rec != nil {
		fmt.Fprintf(&b, "\nRecommendation: %s\n", rec.Summary)
		for _, r := range rec.Reasons {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
	}
	var warns []string
	for i, r := range out.Results {
		for _, wr := range r.Warnings {
			warns = append(warns, letters[i]+": "+wr)
		}
	}
	warns = append(warns, out.Notes...)
	if len(warns) > 0 {
		b.WriteString("\nNotes:\n")
		for _, wr := range warns {
			fmt.Fprintf(&b, "  - %s\n", wr)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFit(b *strings.Builder, f *FitReport) {
	fmt.Fprintf(b, "Calibrated from %d tickets, %s to %s.\n%s\n", f.Tickets, f.From.Format("2006-01-02"), f.To.Format("2006-01-02"), f.Summary)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  check\tobserved\tsimulated\tfit\t")
	fmt.Fprintf(tw, "  tickets per hour (mean over the week)\t%.2f\t%.2f\t%s\t\n", meanArr(f.ObservedPerHour[:]), meanArr(f.SimulatedPerHour[:]), f.ArrivalVerdict)
	for _, rows := range [][]FitRow{f.Handling, f.Escalation} {
		for _, r := range rows {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", r.Name, FormatValue(r.Unit, r.Observed), FormatValue(r.Unit, r.Simulated), r.Verdict)
		}
	}
	for _, r := range f.Shape {
		fmt.Fprintf(tw, "  %s\t%.3f\t\t%s\t\n", r.Name, r.Observed, r.Verdict)
	}
	_ = tw.Flush()
	for _, n := range f.Notes {
		fmt.Fprintf(b, "  - %s\n", n)
	}
	b.WriteString("\n")
}

func meanArr(xs []float64) float64 { return mean(xs) }

// formatEstimate renders "12.3 ± 0.4 min" with one scale for both numbers.
func formatEstimate(u Unit, e *Estimate) string {
	if e == nil {
		return "—"
	}
	hw := e.HalfWidth()
	switch u {
	case UnitDuration:
		scale, name := durationScale(e.Mean)
		return fmt.Sprintf("%.1f ± %.1f %s", e.Mean/scale, hw/scale, name)
	case UnitShare:
		return fmt.Sprintf("%.1f ± %.1f%%", 100*e.Mean, 100*hw)
	case UnitMoney:
		return fmt.Sprintf("%.2f ± %.2f", e.Mean, hw)
	}
	if math.Abs(e.Mean) >= 100 {
		return fmt.Sprintf("%.0f ± %.0f", e.Mean, hw)
	}
	return fmt.Sprintf("%.2f ± %.2f", e.Mean, hw)
}

func durationScale(v float64) (float64, string) {
	a := math.Abs(v)
	switch {
	case a < 60:
		return 1, "s"
	case a < 3600:
		return 60, "min"
	case a < 48*3600:
		return 3600, "h"
	}
	return 86400, "d"
}

func formatDiff(row ComparisonRow) string {
	if row.Diff == nil {
		return "—"
	}
	d := row.Diff.Mean
	var s string
	switch row.Unit {
	case UnitDuration:
		scale, name := durationScale(d)
		s = fmt.Sprintf("%+.1f %s", d/scale, name)
	case UnitShare:
		s = fmt.Sprintf("%+.1f pts", 100*d)
	case UnitMoney:
		s = fmt.Sprintf("%+.2f", d)
	default:
		s = fmt.Sprintf("%+.2f", d)
	}
	if row.Unit != UnitShare && row.A != nil && row.A.Mean != 0 {
		s += fmt.Sprintf(" (%+.0f%%)", 100*d/math.Abs(row.A.Mean))
	}
	if row.Significant {
		s += " *"
	}
	return s
}

// progressBar draws on stderr when it is a terminal; elsewhere (pipes,
// files, tests) it stays silent so output remains clean.
type progressBar struct {
	w       io.Writer
	enabled bool
	runs    int
	start   time.Time
	last    time.Time
	drawn   bool
}

// forceProgress lets tests see the bar without a terminal.
var forceProgress = false

func newProgressBar(w io.Writer, runs int) *progressBar {
	enabled := forceProgress
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			enabled = true
		}
	}
	return &progressBar{w: w, enabled: enabled, runs: runs, start: time.Now()}
}

func (p *progressBar) update(run, done, total int) {
	if !p.enabled || total == 0 {
		return
	}
	now := time.Now()
	// Short runs finish before the bar would help; redraw at most 10×/s.
	if !forceProgress && (now.Sub(p.start) < 700*time.Millisecond || now.Sub(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = now
	frac := (float64(run) + float64(done)/float64(total)) / float64(p.runs)
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\rsimulating [%s%s] %3.0f%% %s", strings.Repeat("#", n), strings.Repeat(".", width-n), 100*frac, now.Sub(p.start).Round(100*time.Millisecond))
	p.drawn = true
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 60))
	}
}
