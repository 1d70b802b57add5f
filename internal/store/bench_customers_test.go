package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// BenchmarkCustomerSearch times GET /api/v1/customers?q= at the store: one
// page of 50 customers for each kind of query a person types — a whole
// name, a surname, its first letters, a name without its accents, an email
// or its start, a company domain, one letter — first page and the next, from
// 8 clients at once, over PALIER_BENCH_CUSTOMERS generated customers
// (default 100,000):
//
//	PALIER_BENCH_CUSTOMERS=1000000 go test ./internal/store -run '^$' -bench CustomerSearch -benchtime 1x -timeout 0
//
// It prints each query's p50 and p95, slowest first, and reports the worst p95.
// PALIER_BENCH_NO_PAIRS=1 measures the plan the pairs of word heads
// replaced (one word's head bucket walked), on the same database.
// PALIER_BENCH_SERVER_PID (see BenchmarkTicketListMatrix) adds a local
// PostgreSQL server's CPU to the CPU per query.
// PALIER_BENCH_CUSTOMERS_SQLITE=path (or _POSTGRES=url) reuses a database
// such a run loaded (its first workspace) instead of loading one.
// PALIER_BENCH_WARM=1 has the 8 clients run each query once, untimed,
// before the timed runs (see BenchmarkTicketSearch: a PostgreSQL backend's
// first reads of pages it never read cost page faults).
func BenchmarkCustomerSearch(b *testing.B) {
	n := envInt("PALIER_BENCH_CUSTOMERS", 100000)
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, f := customerStore(b, d, n)
			if os.Getenv("PALIER_BENCH_NO_PAIRS") == "1" {
				defer store.SetSearchPairs(false)()
			}
			queries := []string{
				"Zoé Lefèvre", "zoe lefevre", "Lefèvre", "lef", "le", "m", "Björn Øberg", "bjorn oberg",
				"zoe.lefevre", "zoe.lefevre4999", "lefevre4999@", "4999", "societe042", "societe042.example",
				"gmail", "Thériault Joëlle", "nobody-by-this-name", "alice@globex.example",
				// Two common words that seldom or never go together (two
				// first names; a first name that is also a surname).
				"Zoé Léa", "thomas julie", "zoe martin",
			}
			runs := envInt("PALIER_BENCH_RUNS", 20)
			warm := os.Getenv("PALIER_BENCH_WARM") == "1"
			type result struct {
				name       string
				p50, p95   time.Duration
				sp50, sp95 time.Duration // served: each call in its own goroutine (asServed)
				found      int
				cpu        time.Duration // of this process per query, one client alone
			}
			var results []result
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				results = results[:0]
				for _, q := range queries {
					first, err := s.Customers(ctx, f.WS.ID, q, 0, 0, 51)
					if err != nil {
						b.Fatal(err)
					}
					cursors := map[string]int64{"first": 0}
					if len(first) == 51 {
						cursors["next"] = first[49].ID
					}
					for page, before := range cursors {
						cpu0 := processCPU() + serverCPU()
						for range runs {
							if _, err := s.Customers(ctx, f.WS.ID, q, 0, before, 51); err != nil {
								b.Fatal(err)
							}
						}
						cpu := (processCPU() + serverCPU() - cpu0) / time.Duration(runs)
						call := func() error {
							_, err := s.Customers(ctx, f.WS.ID, q, 0, before, 51)
							return err
						}
						if warm {
							atOnce(b, 1, call)
						}
						all := atOnce(b, runs, call)
						served := asServed(b, runs, call)
						results = append(results, result{fmt.Sprintf("%q %s", q, page), all.p50(), all.p95(), served.p50(), served.p95(), len(first), cpu})
					}
				}
			}
			b.StopTimer()
			slices.SortFunc(results, func(x, y result) int { return int(y.p95 - x.p95) })
			var out strings.Builder
			fmt.Fprintf(&out, "%s: customer search, 8 clients × %d runs; slowest first (p95, p50 at 8 clients; CPU of one query alone (Go and SQLite; PostgreSQL's when PALIER_BENCH_SERVER_PID names its postmaster); matches on page 1):\n", d, runs)
			for _, r := range results {
				fmt.Fprintf(&out, "  %7.2f ms %7.2f ms | served %7.2f ms %7.2f ms | %7.2f ms %3d  %s\n", ms(r.p95), ms(r.p50), ms(r.sp95), ms(r.sp50), ms(r.cpu), r.found, r.name)
			}
			fmt.Fprint(os.Stderr, out.String())
			b.ReportMetric(ms(results[0].p95), "worst-p95-ms")
		})
	}
}

// asServed is atOnce as a server runs the calls: each client waits while
// its call runs in a goroutine of its own.
func asServed(b *testing.B, runs int, call func() error) latencies {
	return atOnce(b, runs, func() error {
		done := make(chan error, 1)
		go func() { done <- call() }()
		return <-done
	})
}

var customerDBs = map[store.Dialect]*benchDB{}

// processCPU is the CPU time this process has used: on a machine shared
// with other work, wall times say more about the neighbours than about
// the query.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// customerStore returns a database of dialect d whose main workspace holds
// the fixture and n generated customers, loaded once per process.
func customerStore(b *testing.B, d store.Dialect, n int) (*store.Store, storetest.Fixture) {
	benchMu.Lock()
	defer benchMu.Unlock()
	if db := customerDBs[d]; db != nil {
		return db.s, db.f
	}
	if u := os.Getenv("PALIER_BENCH_CUSTOMERS_" + strings.ToUpper(string(d))); u != "" {
		if d == store.SQLite {
			u = "sqlite:" + u
		}
		s, err := store.Open(context.Background(), u, "")
		if err != nil {
			b.Fatal(err)
		}
		// Migrations written since the database was loaded (new search
		// indexes) apply, filled from the loaded words.
		start := time.Now()
		if err := s.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%s: migrated %s in %s\n", d, u, time.Since(start).Round(time.Millisecond))
		ws, err := s.FirstWorkspace(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		f := storetest.Fixture{WS: ws}
		customerDBs[d] = &benchDB{s: s, f: f}
		benchReleases = append(benchReleases, func() { s.Close() })
		return s, f
	}
	dir, err := os.MkdirTemp("", "palier-bench-customers-")
	if err != nil {
		b.Fatal(err)
	}
	benchReleases = append(benchReleases, func() { os.RemoveAll(dir) })
	tb := keptTB{TB: b, dir: dir}
	s := storetest.Open(tb, d)
	f := storetest.Seed(tb, s)
	st, err := s.BulkLoad(context.Background(), f.WS.ID, store.BulkSpec{Customers: n, Seed: 1})
	if err != nil {
		b.Fatalf("load %d customers on %s: %v", n, d, err)
	}
	fmt.Fprintf(os.Stderr, "%s: loaded %d customers in %s\n", d, st.Customers, st.Elapsed.Round(time.Millisecond))
	customerDBs[d] = &benchDB{s: s, f: f}
	return s, f
}
