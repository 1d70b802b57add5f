package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// envBenchPostgresURL names a PostgreSQL database that keeps the loaded
// search benchmark data set between runs, as PALIER_BENCH_SQLITE_FILE does
// for SQLite: loaded (fixture, then PALIER_BENCH_TICKETS tickets) when it
// is empty, reused when it holds them. A million tickets take a long time
// to load on PostgreSQL, and before/after comparisons need the same data.
const envBenchPostgresURL = "PALIER_BENCH_POSTGRES_URL"

// searchStore is loadedStore, with a kept PostgreSQL database when
// PALIER_BENCH_POSTGRES_URL is set.
func searchStore(b *testing.B, d store.Dialect) *benchDB {
	u := os.Getenv(envBenchPostgresURL)
	if d != store.Postgres || u == "" {
		return loadedStore(b, d)
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	if db := benchDBs[d]; db != nil {
		return db
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "palier-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchReleases = append(benchReleases, func() { os.RemoveAll(dir) })
	tb := keptTB{TB: b, dir: dir}
	s, err := store.Open(ctx, u, "")
	if err != nil {
		b.Fatalf("open %s: %v", u, err)
	}
	benchReleases = append(benchReleases, func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		b.Fatalf("migrate %s: %v", u, err)
	}
	n := benchTickets(b)
	var have int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM tickets`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have >= n && have > 0 {
		// Seeding is deterministic: a throwaway database seeded the same
		// way gives the fixture's ids.
		f := storetest.Seed(tb, storetest.Open(tb, store.Postgres))
		fmt.Fprintf(os.Stderr, "postgres: reusing the loaded database (%d tickets)\n", have)
		db := &benchDB{s: s, f: f}
		benchDBs[d] = db
		return db
	}
	if have > 0 {
		b.Fatalf("%s holds %d tickets, not %d: drop and recreate it", u, have, n)
	}
	f := storetest.Seed(tb, s)
	// Maintaining some forty secondary indexes row by row made the first
	// 20,000 tickets take over five minutes on the shared machine: they are
	// dropped for the load and built again after it, as a restore would.
	indexes := dropSecondaryIndexes(b, s)
	last := time.Now()
	st, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Tickets: n, Seed: 1,
		End: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Span: 2 * 365 * 24 * time.Hour,
		Progress: func(st store.BulkStats) {
			if time.Since(last) > 10*time.Second {
				last = time.Now()
				fmt.Fprintf(os.Stderr, "  %s: %d/%d tickets loaded (%s)\n", d, st.Tickets, n, st.Elapsed.Round(time.Second))
			}
		}})
	if err != nil {
		b.Fatalf("load %d tickets on %s: %v", n, d, err)
	}
	fmt.Fprintf(os.Stderr, "%s: loaded %d tickets, %d events, %d customers in %s\n", d, st.Tickets, st.Events, st.Customers, st.Elapsed.Round(time.Millisecond))
	started := time.Now()
	for _, def := range indexes {
		if _, err := s.DB().ExecContext(ctx, def); err != nil {
			b.Fatalf("%s: %v", def, err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d indexes built and analysed in %s\n", d, len(indexes), time.Since(started).Round(time.Millisecond))
	db := &benchDB{s: s, f: f}
	benchDBs[d] = db
	return db
}

// dropSecondaryIndexes drops the indexes of the tables BulkLoad fills
// that no constraint needs, and returns their definitions.
func dropSecondaryIndexes(b *testing.B, s *store.Store) []string {
	ctx := context.Background()
	rows, err := s.DB().QueryContext(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename IN ('tickets', 'events', 'ticket_search', 'ticket_collaborators', 'customers', 'customer_terms')
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`)
	if err != nil {
		b.Fatal(err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			b.Fatal(err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Close(); err != nil {
		b.Fatal(err)
	}
	for _, n := range names {
		if _, err := s.DB().ExecContext(ctx, `DROP INDEX `+n); err != nil {
			b.Fatal(err)
		}
	}
	return defs
}
