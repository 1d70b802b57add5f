package main

import (
	"context"
	"fmt"
	"io"

	"github.com/palier/palier/internal/store"
)

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
