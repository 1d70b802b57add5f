package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

const simulateUsage = `Usage: palier simulate [flags]

Simulate a support organisation and compare two set-ups.

  palier simulate --scenario examples/b2c-shop.yaml
  palier simulate --scenario a.yaml --compare b.yaml --replications 20
  palier simulate --scenario a.yaml --agents L1=8,L2=3 --model swarming
  palier simulate --from-workspace --staff L1=10,L2=3 --agents L2=4
  palier simulate --scenario a.yaml --model swarming --lang fr

Flags:
`

// simulate runs the model chooser; --from-workspace calibrates it on the
// stored history of the database named by PALIER_DATABASE_URL / PALIER_DATA.
func simulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	db := dbFlags{dataDir: envOr("PALIER_DATA", "data"), databaseURL: os.Getenv("PALIER_DATABASE_URL")}
	var s *store.Store
	defer func() {
		if s != nil {
			s.Close()
		}
	}()
	load := func(ctx context.Context) ([]sim.HistoryTicket, error) {
		var err error
		if s, err = db.open(ctx); err != nil {
			return nil, err
		}
		ws, err := s.FirstWorkspace(ctx)
		if err != nil {
			return nil, err
		}
		// The operator running the CLI reads the history as an admin would.
		system := auth.Actor{WorkspaceID: ws.ID, Role: workspace.Admin}
		return desk.New(s, nil).History(ctx, system, desk.MaxHistory)
	}
	return runSimulate(ctx, args, stdout, stderr, load)
}

// runSimulate parses the flags of `palier simulate` and runs it with
// loadHistory as the source of --from-workspace (nil: unavailable).
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer, loadHistory func(context.Context) ([]sim.HistoryTicket, error)) error {
	c, err := parseSimulateFlags(args, stderr)
	if err != nil {
		return err
	}
	return c.Run(ctx, stdout, stderr, loadHistory)
}

// parseSimulateFlags reads the flags into a sim.Command, which checks
// their combinations itself.
func parseSimulateFlags(args []string, stderr io.Writer) (sim.Command, error) {
	var c sim.Command
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), simulateUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.Scenario, "scenario", "", "scenario file (YAML or JSON)")
	fs.StringVar(&c.Compare, "compare", "", "second scenario file to compare with")
	fs.BoolVar(&c.FromWorkspace, "from-workspace", false, "estimate the scenario from the workspace's ticket history")
	fs.IntVar(&c.Replications, "replications", sim.DefaultReplications, "independent replications (confidence intervals need 2 or more)")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed: the same seed gives the same results")
	fs.BoolVar(&c.JSON, "json", false, "print machine-readable JSON")
	fs.StringVar(&c.Agents, "agents", "", "compare with changed staffing, e.g. L1=8,L2=3")
	fs.StringVar(&c.Model, "model", "", "compare with another model: tiered or swarming")
	fs.StringVar(&c.Collaboration, "collaboration", "", "mean expert time per swarm when --model swarming needs one (default 15m)")
	fs.StringVar(&c.Hours, "hours", "", "business hours of every tier for --from-workspace, e.g. \"mon-fri 09:00-18:00\"")
	fs.BoolVar(&c.Replay, "replay", false, "with --from-workspace: replay the recorded arrivals instead of a Poisson profile")
	fs.StringVar(&c.Staff, "staff", "", "with --from-workspace: the real staffing, e.g. L1=10,L2=4 (otherwise estimated from workload)")
	fs.StringVar(&c.Save, "save", "", "write the base scenario (e.g. the calibrated one) to this YAML file")
	fs.StringVar(&c.Lang, "lang", envLanguage(), "language of the report: en or fr (default from LC_ALL, LC_MESSAGES or LANG)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("simulate: unexpected argument %q (flags start with --)", fs.Arg(0))
	}
	return c, nil
}

// envLanguage is the report's default language: the locale's (LC_ALL,
// else LC_MESSAGES, else LANG, as POSIX orders them) when Palier speaks
// it, else English.
func envLanguage() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return i18n.Lang(v)
		}
	}
	return i18n.English
}
