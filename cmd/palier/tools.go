package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// benchData fills the first workspace with generated tickets so that
// benchmarks and load tests run on realistic volumes, and optionally adds
// agent accounts so that the generated database can be signed into.
func benchData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := dbFlagSet("bench-data", stderr)
	n := fs.Int("tickets", 100_000, "how many tickets to generate")
	seed := fs.Uint64("seed", 1, "seed of the generator (same seed, same data)")
	customers := fs.Int("customers", 0, "how many customers to generate first (0: one per 20 tickets); with --tickets 0, customers only")
	orgs := fs.Int("organisations", 0, "how many organisations to generate before the customers (one customer in four joins one); with --tickets 0 and --customers 0, organisations only")
	agents := fs.Int("agents", 0, "also create this many agents (agent1@bench.example …), spread over tiers L1–L3, with one printed password")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 0 || *agents < 0 || *customers < 0 || *orgs < 0 || (*n == 0 && *agents == 0 && *customers == 0 && *orgs == 0) {
		return fmt.Errorf("--tickets, --customers, --organisations and --agents must not be negative, and one of them positive")
	}
	s, ws, err := db.openWorkspace(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if *agents > 0 {
		if err := benchAgents(ctx, s, ws.ID, *agents, stdout); err != nil {
			return err
		}
	}
	if *n == 0 && *customers == 0 && *orgs == 0 {
		return nil
	}
	progress := newProgress(stderr, 5*time.Second)
	line := func(st store.BulkStats) string { return bulkProgress(st, *orgs, *customers, *n) }
	stats, err := s.BulkLoad(ctx, ws.ID, store.BulkSpec{Tickets: *n, Customers: *customers, Organisations: *orgs, Seed: *seed, Progress: func(st store.BulkStats) {
		progress.report(line(st), false)
	}})
	if err == nil {
		progress.report(line(stats), true)
	}
	progress.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d tickets, %d events, %d customers and %d organisations into workspace %d (%s) in %s\n",
		stats.Tickets, stats.Events, stats.Customers, stats.Organisations, ws.ID, s.Dialect(), stats.Elapsed.Round(1e6))
	return nil
}

// bulkProgress is the progress line of a load of orgs organisations,
// customers customers (0: as many as the load makes for its tickets) and
// tickets tickets, each phase's count so far against what was asked.
func bulkProgress(st store.BulkStats, orgs, customers, tickets int) string {
	var parts []string
	if orgs > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d organisations", st.Organisations, orgs))
	}
	switch {
	case customers > 0:
		parts = append(parts, fmt.Sprintf("%d/%d customers", st.Customers, customers))
	case tickets > 0:
		parts = append(parts, fmt.Sprintf("%d customers", st.Customers))
	}
	if tickets > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d tickets, %d events", st.Tickets, tickets, st.Events))
	}
	return strings.Join(parts, ", ")
}

// benchAgents creates agents agent1@bench.example … agentN@bench.example in
// tiers L1, L2 and L3 by turns (existing ones are kept), all with one
// generated password, printed once.
func benchAgents(ctx context.Context, s *store.Store, wsID int64, count int, stdout io.Writer) error {
	tiers, err := s.Tiers(ctx, wsID)
	if err != nil {
		return err
	}
	var working []workspace.Tier
	for _, t := range tiers {
		if t.Code == "L1" || t.Code == "L2" || t.Code == "L3" {
			working = append(working, t)
		}
	}
	if len(working) == 0 {
		return fmt.Errorf("the workspace has no tier L1, L2 or L3 to put agents in")
	}
	password, err := auth.GeneratePassword()
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	created := 0
	for i := 1; i <= count; i++ {
		tier := working[(i-1)%len(working)]
		m := workspace.Member{Email: fmt.Sprintf("agent%d@bench.example", i), Name: fmt.Sprintf("Bench Agent %d", i),
			Role: workspace.Agent, Active: true, TierIDs: []int64{tier.ID}}
		_, err := s.CreateMember(ctx, wsID, 0, m, hash)
		if p, ok := problem.As(err); ok && p.Fields["email"].Code == "taken" { // from an earlier run
			continue
		}
		if err != nil {
			return fmt.Errorf("agent %s: %w", m.Email, err)
		}
		created++
	}
	fmt.Fprintf(stdout, "agents agent1…agent%d@bench.example (tiers L1–L3 by turns): %d new, password of the new ones: %s\n", count, created, password)
	return nil
}

// progress prints a long job's progress: on a terminal, one line rewritten
// in place; otherwise (a log file, CI) a line every interval, so a log is
// neither flooded nor silent.
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration
	last     time.Time
	wrote    bool
	printed  string // the last line printed off a terminal
}

func newProgress(w io.Writer, every time.Duration) *progress {
	p := &progress{w: w, every: every}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) report(line string, final bool) {
	switch {
	case p.terminal:
		fmt.Fprintf(p.w, "\r%s", line)
		p.wrote = true
	case final && line == p.printed: // already the last line
	case final || time.Since(p.last) >= p.every:
		fmt.Fprintln(p.w, line)
		p.last, p.printed = time.Now(), line
	}
}

func (p *progress) done() {
	if p.terminal && p.wrote {
		fmt.Fprintln(p.w)
	}
}
