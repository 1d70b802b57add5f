package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"
)

// Command is one run of the command line's simulator (`palier simulate`,
// whose flags cmd/palier parses into it): where the base scenario comes
// from, what scenario B changes, how to run and how to report. Values are
// as the operator typed them, and errors name the flags they came from.
type Command struct {
	Scenario      string // base scenario file (YAML or JSON)
	Compare       string // second scenario file to compare with
	FromWorkspace bool   // estimate the base scenario from the ticket history
	Replications  int
	Seed          uint64
	JSON          bool   // print machine-readable JSON
	Agents        string // B's staffing, e.g. "L1=8,L2=3"
	Model         string // B's model: tiered or swarming
	Collaboration string // mean expert time per swarm, e.g. "15m"
	Hours         string // business hours of every tier, with FromWorkspace
	Replay        bool   // replay the recorded arrivals, with FromWorkspace
	Save          string // write the base scenario to this YAML file
	Staff         string // the real staffing, with FromWorkspace
	Lang          string // language of the report: en or fr
}

// Run checks the command, simulates and writes the report to stdout (a
// progress bar to stderr when it is a terminal). loadHistory reads the
// workspace's stored tickets for FromWorkspace (nil: unavailable).
func (c Command) Run(ctx context.Context, stdout, stderr io.Writer, loadHistory func(context.Context) ([]HistoryTicket, error)) error {
	if c.Lang == "" {
		c.Lang = English
	}
	if err := c.check(); err != nil {
		return err
	}
	base, fit, err := baseScenario(ctx, c, loadHistory)
	if err != nil {
		return err
	}
	other, notes, err := otherScenario(c, base)
	if err != nil {
		return err
	}
	if c.Save != "" {
		if err := saveScenario(c.Save, base); err != nil {
			return err
		}
	}
	scenarios := []Scenario{base}
	if other != nil {
		scenarios = append(scenarios, *other)
	}
	results, err := runAll(ctx, scenarios, c, stderr)
	if err != nil {
		return err
	}
	out := newReport(c.Lang, fit, results, notes)
	if c.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("simulate: write JSON: %w", err)
		}
		return nil
	}
	return writeText(stdout, out)
}

// check refuses combinations that make no sense, before any work.
func (c Command) check() error {
	switch {
	case c.Scenario == "" && !c.FromWorkspace:
		return errors.New("simulate: give --scenario FILE or --from-workspace")
	case c.Scenario != "" && c.FromWorkspace:
		return errors.New("simulate: give --scenario or --from-workspace, not both (use --compare for a second file)")
	case c.Compare != "" && (c.Agents != "" || c.Model != ""):
		return errors.New("simulate: --compare compares two files; --agents and --model compare the base with a changed copy: use one or the other")
	case c.Replications < 1:
		return fmt.Errorf("simulate: --replications must be >= 1 (got %d)", c.Replications)
	case (c.Hours != "" || c.Replay || c.Staff != "") && !c.FromWorkspace:
		return errors.New("simulate: --hours, --staff and --replay only apply with --from-workspace")
	case c.Lang != English && c.Lang != French:
		return fmt.Errorf("simulate: --lang %q: use en or fr", c.Lang)
	}
	return nil
}

func baseScenario(ctx context.Context, cfg Command, loadHistory func(context.Context) ([]HistoryTicket, error)) (Scenario, *FitReport, error) {
	if !cfg.FromWorkspace {
		sc, err := LoadScenarioFile(cfg.Scenario)
		return sc, nil, err
	}
	if loadHistory == nil {
		return Scenario{}, nil, errors.New("simulate: --from-workspace needs a workspace database, which this command was not given")
	}
	history, err := loadHistory(ctx)
	if err != nil {
		return Scenario{}, nil, fmt.Errorf("simulate: load history: %w", err)
	}
	opts := CalibrateOptions{Name: text("cli.calibrated_name").In(cfg.Lang), Hours: cfg.Hours, Replay: cfg.Replay,
		Seed: cfg.Seed, Replications: min(cfg.Replications, 5)}
	if cfg.Staff != "" {
		if opts.Agents, err = parseAgents("staff", cfg.Staff); err != nil {
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
func otherScenario(cfg Command, base Scenario) (*Scenario, []Text, error) {
	if cfg.Compare != "" {
		sc, err := LoadScenarioFile(cfg.Compare)
		if err != nil {
			return nil, nil, err
		}
		return &sc, nil, nil
	}
	if cfg.Model == "" && cfg.Agents == "" {
		return nil, nil, nil
	}
	ch, err := cliChanges(cfg)
	if err != nil {
		return nil, nil, err
	}
	sc, notes, err := Apply(base, ch)
	var se *ScenarioError
	switch {
	case errors.As(err, &se):
		return nil, nil, fmt.Errorf("simulate: the changed scenario is invalid: %w", err)
	case err != nil:
		// The model and collaboration were checked above: what is left
		// is about staffing.
		return nil, nil, fmt.Errorf("simulate: --agents %w", err)
	}
	if ch.Collaboration == 0 && len(notes) > 0 {
		notes = append(notes, text("cli.collab_hint"))
	}
	var changes []string
	for _, c := range []string{cfg.Agents, cfg.Model} {
		if c != "" {
			changes = append(changes, c)
		}
	}
	sc.Name = fmt.Sprintf("%s, %s", base.Name, strings.Join(changes, ", "))
	return &sc, notes, nil
}

// cliChanges reads the --agents, --model and --collaboration flags.
func cliChanges(cfg Command) (Changes, error) {
	var ch Changes
	if cfg.Agents != "" {
		agents, err := parseAgents("agents", cfg.Agents)
		if err != nil {
			return ch, err
		}
		ch.Agents = agents
	}
	switch m := Model(cfg.Model); m {
	case "", Tiered, Swarming:
		ch.Model = m
	case Hybrid:
		return ch, errors.New("simulate: --model hybrid needs a model per request type: write it in a scenario file and use --compare")
	default:
		return ch, fmt.Errorf("simulate: --model %q: use tiered or swarming", m)
	}
	if cfg.Collaboration != "" {
		d, err := ParseDuration(cfg.Collaboration)
		if err != nil || d <= 0 {
			return ch, fmt.Errorf("simulate: --collaboration %q: give a positive duration such as 15m", cfg.Collaboration)
		}
		ch.Collaboration = d
	}
	return ch, nil
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
func runAll(ctx context.Context, scs []Scenario, cfg Command, stderr io.Writer) ([]Result, error) {
	bar := newProgressBar(stderr, len(scs))
	defer bar.finish()
	results := make([]Result, len(scs))
	for i, sc := range scs {
		r, err := Run(ctx, sc, RunOptions{Seed: cfg.Seed, Replications: cfg.Replications,
			Progress: func(done, total int) { bar.update(i, done, total) }})
		if err != nil {
			return nil, fmt.Errorf("simulate: %w", err)
		}
		results[i] = r
	}
	return results, nil
}

// report is what Command.Run prints, as text or JSON, in one language.
type report struct {
	lang           string
	Fit            *FitReport      `json:"fit,omitempty"`
	Results        []Result        `json:"results"`
	Comparison     []ComparisonRow `json:"comparison"`
	Recommendation *Recommendation `json:"recommendation,omitempty"`
	Notes          []string        `json:"notes,omitempty"`
}

// newReport compares the results and tells everything in lang.
func newReport(lang string, fit *FitReport, results []Result, notes []Text) report {
	out := report{lang: lang, Fit: fit, Results: results, Notes: textsIn(lang, notes)}
	if fit != nil {
		f := *fit
		f.Summary, f.Notes = f.SummaryIn(lang), f.NotesIn(lang)
		if len(f.Estimated) > 0 {
			f.Notes = append(f.Notes, text("cli.staff_hint", staffHint(f.Estimated)).In(lang))
		}
		out.Fit = &f
	}
	for i := range results {
		results[i].Warnings = results[i].WarningsIn(lang)
	}
	var b *Result
	if len(results) > 1 {
		b = &results[1]
		rec := RecommendIn(lang, results[0], results[1])
		out.Recommendation = &rec
	}
	out.Comparison = CompareIn(lang, results[0], b)
	return out
}

// staffHint is the --staff value to fill in: "L1=N,L2=N".
func staffHint(tiers []string) string {
	parts := make([]string, len(tiers))
	for i, t := range tiers {
		parts[i] = t + "=N"
	}
	return strings.Join(parts, ",")
}

func writeText(w io.Writer, out report) error {
	var b strings.Builder
	l := out.lang
	if out.Fit != nil {
		writeFit(&b, l, out.Fit)
	}
	letters := []string{"A", "B"}
	for i, r := range out.Results {
		b.WriteString(text("cli.scenario", letters[i], r.Scenario, ModelIn(l, r.Model), r.Replications, r.Window.String(), strconv.FormatUint(r.Seed, 10)).In(l))
		b.WriteString("\n")
	}
	b.WriteString("\n")
	writeTable(&b, out)
	b.WriteString("\n" + text("cli.legend").In(l) + "\n")
	if rec := out.Recommendation; rec != nil {
		b.WriteString("\n" + text("cli.recommendation", rec.Summary).In(l) + "\n")
		for _, r := range rec.Reasons {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
	}
	var warns []string
	for i, r := range out.Results {
		for _, wr := range r.Warnings {
			warns = append(warns, text("cli.for", letters[i], wr).In(l))
		}
	}
	warns = append(warns, out.Notes...)
	if len(warns) > 0 {
		b.WriteString("\n" + text("cli.notes").In(l) + "\n")
		for _, wr := range warns {
			fmt.Fprintf(&b, "  - %s\n", wr)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable writes the comparison as aligned columns.
func writeTable(b *strings.Builder, out report) {
	l := out.lang
	two := len(out.Results) > 1
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	if two {
		fmt.Fprintf(tw, "%s\tA\tB\t%s\t\n", text("cli.metric").In(l), text("cli.difference").In(l))
	} else {
		fmt.Fprintf(tw, "%s\tA\t\n", text("cli.metric").In(l))
	}
	for _, row := range out.Comparison {
		fmt.Fprintf(tw, "%s\t%s\t", row.Label, FormatEstimateIn(l, row.Unit, row.A))
		if two {
			d := FormatDiffIn(l, row)
			if row.Significant {
				d += " *"
			}
			fmt.Fprintf(tw, "%s\t%s\t", FormatEstimateIn(l, row.Unit, row.B), d)
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush() // a strings.Builder does not fail
}

func writeFit(b *strings.Builder, l string, f *FitReport) {
	b.WriteString(text("cli.calibrated", f.Tickets, f.From.Format("2006-01-02"), f.To.Format("2006-01-02")).In(l))
	b.WriteString("\n" + f.Summary + "\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", text("cli.check").In(l), text("cli.observed").In(l), text("cli.simulated").In(l), text("cli.fit").In(l))
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", text("fit.row.arrivals").In(l), formatDecimal(l, meanArr(f.ObservedPerHour[:]), 2),
		formatDecimal(l, meanArr(f.SimulatedPerHour[:]), 2), VerdictIn(l, f.ArrivalVerdict))
	for _, rows := range [][]FitRow{f.Handling, f.Escalation} {
		for _, r := range rows {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", r.LabelIn(l), FormatValueIn(l, r.Unit, r.Observed), FormatValueIn(l, r.Unit, r.Simulated), VerdictIn(l, r.Verdict))
		}
	}
	for _, r := range f.Shape {
		fmt.Fprintf(tw, "  %s\t%s\t\t%s\t\n", r.LabelIn(l), formatDecimal(l, r.Observed, 3), VerdictIn(l, r.Verdict))
	}
	_ = tw.Flush()
	for _, n := range f.Notes {
		fmt.Fprintf(b, "  - %s\n", n)
	}
	b.WriteString("\n")
}

func meanArr(xs []float64) float64 { return mean(xs) }

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
