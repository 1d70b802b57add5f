package store_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Storage benchmarks run on a workspace pre-loaded with BulkLoad:
//
//	go test ./internal/store -run '^$' -bench . -timeout 0
//	PALIER_BENCH_TICKETS=1000000 go test ./internal/store -run '^$' -bench . -timeout 0
//
// The data set is loaded once per database and kept for every benchmark of
// the process (see bench/README.md for figures).

// envBenchTickets sizes the benchmark data set.
const envBenchTickets = "PALIER_BENCH_TICKETS"

const defaultBenchTickets = 20000

func benchTickets(b *testing.B) int {
	v := os.Getenv(envBenchTickets)
	if v == "" {
		return defaultBenchTickets
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("%s=%q: want a number of tickets", envBenchTickets, v)
	}
	return n
}

// benchDB is a loaded database shared by every benchmark of the process.
type benchDB struct {
	s *store.Store
	f storetest.Fixture
}

var (
	benchMu       sync.Mutex
	benchDBs      = map[store.Dialect]*benchDB{}
	benchReleases []func()
)

// keptTB gives storetest a TB whose cleanups wait for the end of the test
// binary: a benchmark function runs several times (once per b.N tried) and
// a million tickets must not be loaded for each.
type keptTB struct {
	testing.TB
	dir string
}

func (k keptTB) Cleanup(f func()) { benchReleases = append(benchReleases, f) }
func (k keptTB) TempDir() string  { return k.dir }

// releaseBenchStores closes the kept stores and removes their files, last
// kept first.
func releaseBenchStores() {
	benchMu.Lock()
	defer benchMu.Unlock()
	for i := len(benchReleases) - 1; i >= 0; i-- {
		benchReleases[i]()
	}
	benchReleases = nil
}

// loadedStore returns the database of dialect d holding the Fixture plus
// PALIER_BENCH_TICKETS generated tickets in f.WS, loading it on first use.
func loadedStore(b *testing.B, d store.Dialect) *benchDB {
	benchMu.Lock()
	defer benchMu.Unlock()
	if db := benchDBs[d]; db != nil {
		return db
	}
	dir, err := os.MkdirTemp("", "palier-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchReleases = append(benchReleases, func() { os.RemoveAll(dir) })
	tb := keptTB{TB: b, dir: dir}
	keep := os.Getenv(envBenchSQLiteFile)
	if d == store.SQLite && keep != "" {
		if _, err := os.Stat(keep); err == nil {
			return reusedStore(b, tb, keep)
		}
	}
	var s *store.Store
	if pgKeep := os.Getenv(envBenchPostgresURL); d == store.Postgres && pgKeep != "" {
		s = openKept(b, pgKeep)
		if db := keptPostgres(b, tb, s, pgKeep); db != nil {
			return db
		}
	} else {
		s = storetest.Open(tb, d)
	}
	f := storetest.Seed(tb, s)
	n := benchTickets(b)
	// Maintaining some forty secondary indexes row by row made loading a
	// kept PostgreSQL database crawl on the shared machine: they are
	// dropped for the load and built again after it, as a restore would.
	var dropped []string
	if d == store.Postgres && os.Getenv(envBenchPostgresURL) != "" {
		dropped = dropSecondaryIndexes(b, s)
	}
	last := time.Now()
	st, err := s.BulkLoad(context.Background(), f.WS.ID, store.BulkSpec{Tickets: n, Seed: 1,
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
	if dropped != nil {
		rebuildIndexes(b, s, dropped)
	}
	secs := st.Elapsed.Seconds()
	rows := st.Tickets + st.Events + st.Customers + st.Collaborators
	fmt.Fprintf(os.Stderr, "%s: loaded %d tickets, %d events, %d customers in %s (%.0f tickets/s, %.0f rows/s)\n",
		d, st.Tickets, st.Events, st.Customers, st.Elapsed.Round(time.Millisecond), float64(st.Tickets)/secs, float64(rows)/secs)
	if d == store.SQLite && keep != "" {
		if _, err := s.DB().ExecContext(context.Background(), "VACUUM INTO $1", keep); err != nil {
			b.Fatalf("keep the loaded database in %s: %v", keep, err)
		}
	}
	db := &benchDB{s: s, f: f}
	benchDBs[d] = db
	return db
}

// envBenchSQLiteFile names a file that keeps a loaded SQLite benchmark
// database between runs: written after the load when missing, opened
// instead of loading when present (a million tickets take minutes to load).
// It must have been written with the same PALIER_BENCH_TICKETS.
const envBenchSQLiteFile = "PALIER_BENCH_SQLITE_FILE"

// envBenchPostgresURL names a PostgreSQL database that keeps a loaded
// benchmark data set between runs, as envBenchSQLiteFile does for SQLite:
// an empty database is seeded and loaded, a loaded one is reused.
const envBenchPostgresURL = "PALIER_BENCH_POSTGRES_URL"

// openKept opens and migrates the kept database at url (kept open until the
// end of the test binary).
func openKept(b *testing.B, url string) *store.Store {
	s, err := store.Open(context.Background(), url, "")
	if err != nil {
		b.Fatalf("open %s: %v", url, err)
	}
	benchReleases = append(benchReleases, func() { _ = s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatalf("migrate %s: %v", url, err)
	}
	return s
}

// keptPostgres reuses the kept PostgreSQL database at url when a previous
// run loaded it (nil when it holds no generated tickets yet). The fixture's
// ids are those a fresh seed gives; the members are checked against the
// database, so a database seeded differently is refused rather than
// measured with the wrong viewers.
func keptPostgres(b *testing.B, tb keptTB, s *store.Store, url string) *benchDB {
	var n int
	if err := s.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM (SELECT 1 FROM tickets LIMIT 1000) t").Scan(&n); err != nil {
		b.Fatalf("count the kept tickets: %v", err)
	}
	if n < 1000 {
		return nil
	}
	f := storetest.Seed(tb, storetest.Open(tb, store.SQLite))
	for _, m := range []workspace.Member{f.Admin, f.AgentL1, f.AgentL2} {
		var email string
		if err := s.DB().QueryRowContext(context.Background(), "SELECT email FROM agents WHERE id = $1", m.ID).Scan(&email); err != nil || email != m.Email {
			b.Fatalf("kept database %s: member %d is %q (%v), want %q", url, m.ID, email, err, m.Email)
		}
	}
	fmt.Fprintf(os.Stderr, "postgres: reusing the loaded database %s\n", url)
	db := &benchDB{s: s, f: f}
	benchDBs[store.Postgres] = db
	return db
}

// reusedStore opens a kept benchmark database. The fixture's ids are those
// a fresh seed gives (seeding is deterministic and came first), so they
// are read from a throwaway seeded database.
func reusedStore(b *testing.B, tb keptTB, path string) *benchDB {
	f := storetest.Seed(tb, storetest.Open(tb, store.SQLite))
	s, err := store.Open(context.Background(), "sqlite:"+path, "")
	if err != nil {
		b.Fatalf("open %s: %v", path, err)
	}
	benchReleases = append(benchReleases, func() { _ = s.Close() })
	// Migrations written since the file was kept (new indexes) apply.
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatalf("migrate %s: %v", path, err)
	}
	fmt.Fprintf(os.Stderr, "sqlite: reusing the loaded database %s\n", path)
	db := &benchDB{s: s, f: f}
	benchDBs[store.SQLite] = db
	return db
}

// latencies records each operation's duration to report percentiles, which
// say more about an inbox than the mean.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(p float64) float64 { return float64(l[int(p*float64(len(l)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// p50 and p95 are percentiles of sorted latencies, as the matrix
// benchmarks print them.
func (l latencies) p50() time.Duration { return l[len(l)/2] }
func (l latencies) p95() time.Duration { return l[int(0.95*float64(len(l)-1))] }

// timed runs call once and keeps its duration; it says false (the error
// reported) when the call failed, and the client stops.
func (l *latencies) timed(b *testing.B, call func() error) bool {
	start := time.Now()
	if err := call(); err != nil {
		b.Error(err)
		return false
	}
	*l = append(*l, time.Since(start))
	return true
}

// gathered holds the latencies of clients running at once.
type gathered struct {
	mu  sync.Mutex
	all latencies
}

func (g *gathered) add(mine latencies) {
	g.mu.Lock()
	g.all = append(g.all, mine...)
	g.mu.Unlock()
}

// atOnce runs call runs times from each of benchClients clients at once and
// returns every call's duration, sorted: the one load harness of the
// matrix benchmarks.
func atOnce(b *testing.B, runs int, call func() error) latencies {
	var g gathered
	var wg sync.WaitGroup
	for range benchClients {
		wg.Go(func() {
			mine := make(latencies, 0, runs)
			for range runs {
				if !mine.timed(b, call) {
					return
				}
			}
			g.add(mine)
		})
	}
	wg.Wait()
	slices.Sort(g.all)
	return g.all
}

// eachLoaded runs bench on each database, loaded by loadedStore.
func eachLoaded(b *testing.B, bench func(b *testing.B, db *benchDB)) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) { bench(b, loadedStore(b, d)) })
	}
}

// BenchmarkCreateTicket measures concurrent ticket creation (the intake
// path: number, row, first message and routing event in one transaction)
// with 8 writers, into the second tenant of the loaded database so the
// inbox benchmarks' workspace stays as loaded.
func BenchmarkCreateTicket(b *testing.B) {
	eachLoaded(b, func(b *testing.B, db *benchDB) {
		o := db.f.Other
		create := func() error {
			_, err := db.s.CreateTicket(context.Background(), o.WS.ID, store.NewTicket{
				Ticket: ticket.Ticket{Subject: "Where is my parcel?", Channel: "email", TierID: o.Tier.ID,
					CustomerID: o.Customer.ID, Language: "en", Priority: ticket.Normal},
				Body:            "Hello, my order has not arrived yet. Could you check? Thanks.",
				FirstIsCustomer: true,
				Events:          []ticket.Event{{Kind: ticket.Routed, Data: event.Routed{Rule: "default"}}},
			})
			return err
		}
		var g gathered
		b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var mine latencies
			for pb.Next() {
				if !mine.timed(b, create) {
					return
				}
			}
			g.add(mine)
		})
		b.StopTimer()
		g.all.report(b)
	})
}

// inboxQuery is one inbox view as an agent opens it.
type inboxQuery struct {
	name   string
	viewer func(f storetest.Fixture) workspace.Member
	filter func(a auth.Actor, f storetest.Fixture) store.Filter
}

var inboxQueries = []inboxQuery{
	// The front line's queue: active tickets of tier L1, newest first.
	{"tier-L1-active/agentL1",
		func(f storetest.Fixture) workspace.Member { return f.AgentL1 },
		func(a auth.Actor, f storetest.Fixture) store.Filter {
			return store.Filter{Viewer: &a, TierIDs: []int64{f.Tier["L1"].ID}, ActiveOnly: true}
		}},
	// The same queue most urgent first, and most recently updated first:
	// the other list orders an agent picks (store.Sorts).
	{"tier-L1-active-priority/agentL1",
		func(f storetest.Fixture) workspace.Member { return f.AgentL1 },
		func(a auth.Actor, f storetest.Fixture) store.Filter {
			return store.Filter{Viewer: &a, TierIDs: []int64{f.Tier["L1"].ID}, ActiveOnly: true, Sort: "priority"}
		}},
	{"tier-L1-active-updated/agentL1",
		func(f storetest.Fixture) workspace.Member { return f.AgentL1 },
		func(a auth.Actor, f storetest.Fixture) store.Filter {
			return store.Filter{Viewer: &a, TierIDs: []int64{f.Tier["L1"].ID}, ActiveOnly: true, Sort: "updated"}
		}},
	// Tickets nobody has picked up yet in the viewer's tiers: one tier for
	// an agent, two for the lead (L1+L2).
	{"unassigned-my-tiers/agentL1",
		func(f storetest.Fixture) workspace.Member { return f.AgentL1 },
		unassignedInMyTiers},
	{"unassigned-my-tiers/lead",
		func(f storetest.Fixture) workspace.Member { return f.Lead },
		unassignedInMyTiers},
}

func unassignedInMyTiers(a auth.Actor, f storetest.Fixture) store.Filter {
	return store.Filter{Viewer: &a, TierIDs: a.TierIDs, Unassigned: true, ActiveOnly: true}
}

// deepPages is how many pages the "deep" case scrolls down before timing.
const deepPages = 100

// BenchmarkInboxPage measures one page (50 tickets) of an agent's inbox,
// newest first, with the viewer's access filter: the first page, and a page
// reached through the cursor after scrolling deepPages pages (or the last
// page when the view is shorter).
func BenchmarkInboxPage(b *testing.B) {
	eachLoaded(b, func(b *testing.B, db *benchDB) {
		for _, q := range inboxQueries {
			a := storetest.Actor(b, db.s, q.viewer(db.f))
			f := q.filter(a, db.f)
			b.Run(q.name+"/first", func(b *testing.B) { benchPage(b, db.s, db.f.WS.ID, f, "", 0) })
			cursor, depth := deepCursor(b, db.s, db.f.WS.ID, f)
			b.Run(q.name+"/deep", func(b *testing.B) { benchPage(b, db.s, db.f.WS.ID, f, cursor, depth) })
		}
	})
}

// benchPage times one page read through cursor; skipped is how many
// tickets come before it, reported so deep pages say how deep they are.
func benchPage(b *testing.B, s *store.Store, wsID int64, f store.Filter, cursor string, skipped int) {
	ctx := context.Background()
	var lat latencies
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		list, _, err := s.Tickets(ctx, wsID, f, cursor, 50)
		if err != nil {
			b.Fatal(err)
		}
		if len(list) == 0 {
			b.Fatal("empty page: the benchmark data set is too small")
		}
		lat = append(lat, time.Since(start))
	}
	lat.report(b)
	if skipped > 0 {
		b.ReportMetric(float64(skipped), "rows-skipped")
	}
}

// deepCursor scrolls down the view and returns the cursor of the deepest
// page that still has tickets, with how many tickets come before it.
func deepCursor(b *testing.B, s *store.Store, wsID int64, f store.Filter) (string, int) {
	ctx := context.Background()
	cursor, depth := "", 0
	for range deepPages {
		list, next, err := s.Tickets(ctx, wsID, f, cursor, 50)
		if err != nil {
			b.Fatal(err)
		}
		if next == "" {
			break
		}
		cursor, depth = next, depth+len(list)
	}
	return cursor, depth
}
