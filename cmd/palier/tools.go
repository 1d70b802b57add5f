package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

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
	return sim.Main(ctx, args, stdout, stderr, load)
}

// benchData fills the first workspace with generated tickets so that
// benchmarks and load tests run on realistic volumes.
func benchData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench-data", stderr)
	var db dbFlags
	db.register(fs)
	n := fs.Int("tickets", 100_000, "how many tickets to generate")
	seed := fs.Uint64("seed", 1, "seed of the generator (same seed, same data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 {
		return fmt.Errorf("--tickets must be positive")
	}
	s, ws, err := db.openWorkspace(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	stats, err := s.BulkLoad(ctx, ws.ID, store.BulkSpec{Tickets: *n, Seed: *seed, Progress: func(st store.BulkStats) {
		fmt.Fprintf(stderr, "\r%d/%d tickets, %d events", st.Tickets, *n, st.Events)
	}})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d tickets and %d events into workspace %d (%s) in %s\n", stats.Tickets, stats.Events, ws.ID, s.Dialect(), stats.Elapsed.Round(1e6))
	return nil
}
