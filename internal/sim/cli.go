package sim

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/palier/palier/internal/i18n"
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
	lang              string
}

const usageText = `Usage: palier simulate [flags]

Simulate a support organisation and compare two set-ups.

  palier simulate --scenario examples/b2c-shop.yaml
  palier simulate --scenario a.yaml --compare b.yaml --replications 20
  palier simulate --scenario a.yaml --agents L1=8,L2=3 --model swarming
  palier simulate --from-workspace --staff L1=10,L2=3 --agents L2=4
  palier simulate --scenario a.yaml --model swarming --lang fr

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
	out := newReport(cfg.lang, fit, results, notes)
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
	fs.StringVar(&cfg.lang, "lang", envLanguage(), "language of the report: en or fr (default from LC_ALL, LC_MESSAGES or LANG)")
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
	case cfg.lang != English && cfg.lang != French:
		return cfg, fmt.Errorf("simulate: --lang %q: use en or fr", cfg.lang)
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
	opts := CalibrateOptions{Name: text("cli.calibrated_name").In(cfg.lang), Hours: cfg.hours, Replay: cfg.replay,
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

// envLanguage is the report's default language: French when the locale
// (LC_ALL, else LC_MESSAGES, else LANG, as POSIX orders them) is French.
func envLanguage() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return i18n.Lang(v)
		}
	}
	return English
}

// otherScenario builds scenario B: a second file, or the base with the
// --agents/--model changes. It returns nil when there is nothing to compare.
func otherScenario(cfg cliConfig, base Scenario) (*Scenario, []Text, error) {
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
	for _, c := range []string{cfg.agents, cfg.model} {
		if c != "" {
			changes = append(changes, c)
		}
	}
	sc.Name = fmt.Sprintf("%s, %s", base.Name, strings.Join(changes, ", "))
	return &sc, notes, nil
}

// cliChanges reads the --agents, --model and --collaboration flags.
func cliChanges(cfg cliConfig) (Changes, error) {
	var ch Changes
	if cfg.agents != "" {
		agents, err := parseAgents("agents", cfg.agents)
		if err != nil {
			return ch, err
		}
		ch.Agents = agents
	}
	switch m := Model(cfg.model); m {
	case "", Tiered, Swarming:
		ch.Model = m
	case Hybrid:
		return ch, errors.New("simulate: --model hybrid needs a model per request type: write it in a scenario file and use --compare")
	default:
		return ch, fmt.Errorf("simulate: --model %q: use tiered or swarming", m)
	}
	if cfg.collaboration != "" {
		d, err := ParseDuration(cfg.collaboration)
		if err != nil || d <= 0 {
			return ch, fmt.Errorf("simulate: --collaboration %q: give a positive duration such as 15m", cfg.collaboration)
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

// report is what Main prints, as text or JSON, in one language.
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
