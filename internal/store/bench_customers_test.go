package store_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
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
//
// Each query is timed three ways, all printed: "first", the slowest of the
// 8 clients' first call of it (on PostgreSQL the run's first query is on
// newly opened backends, whose first reads of shared memory fault page by
// page: a cold connection, which a running server sees once per
// connection); then, warm, the p95 and p50 of the clients calling back to
// back, and "served", of each call asked over HTTP on the loopback and made by
// a net/http handler, as Palier's server runs a request (asServed). The last columns say what
// the served calls at or above the p95 did: median wall time, and with
// PALIER_BENCH_SCHEDSTAT=1 the time their thread ran and the time it waited
// for a core (servedTail).
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
			searchBench(b, d, "customer search", queries, func(ctx context.Context, q string, before int64) ([]int64, error) {
				list, err := s.Customers(ctx, f.WS.ID, q, 0, before, 51)
				ids := make([]int64, len(list))
				for i, c := range list {
					ids[i] = c.ID
				}
				return ids, err
			})
		})
	}
}

// searchBench times one page of 50 of a search for each query, first page
// and the next (search returns up to 51 ids, newest first, before the id
// given, 0 for the first page), from 8 clients at once, and prints each
// query's timings slowest first (see BenchmarkCustomerSearch), what
// naming the search. BenchmarkCustomerSearch and
// BenchmarkOrganisationSearch share it. PALIER_BENCH_MATCH, a regular
// expression, keeps the queries it matches; PALIER_BENCH_COUNTS_KEPT=0
// makes every call count its words as if it were the first.
func searchBench(b *testing.B, d store.Dialect, what string, queries []string, search func(ctx context.Context, q string, before int64) ([]int64, error)) {
	runs := envInt("PALIER_BENCH_RUNS", 20)
	if os.Getenv("PALIER_BENCH_COUNTS_KEPT") == "0" {
		// Every call counts its words and pairs, as the first search of
		// a word does (customers_search_counts.go).
		defer store.SetSearchCountsKept(false)()
	}
	if m := os.Getenv("PALIER_BENCH_MATCH"); m != "" {
		re := regexp.MustCompile(m)
		queries = slices.DeleteFunc(slices.Clone(queries), func(q string) bool { return !re.MatchString(q) })
	}
	type result struct {
		name       string
		p50, p95   time.Duration
		sp50, sp95 time.Duration // served: each call in its own goroutine (asServed)
		first      time.Duration // the slowest of the clients' first calls
		slow       servedTail
		found      int
		cpu        time.Duration // of this process per query, one client alone
	}
	var results []result
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		results = results[:0]
		for _, q := range queries {
			first, err := search(ctx, q, 0)
			if err != nil {
				b.Fatal(err)
			}
			// The first page, then the next, in that order, so that a
			// run's first query is always the same call.
			type cursor struct {
				page   string
				before int64
			}
			cursors := []cursor{{"first", 0}}
			if len(first) == 51 {
				cursors = append(cursors, cursor{"next", first[49]})
			}
			for _, c := range cursors {
				page, before := c.page, c.before
				cpu0 := processCPU() + serverCPU()
				for range runs {
					if _, err := search(ctx, q, before); err != nil {
						b.Fatal(err)
					}
				}
				cpu := (processCPU() + serverCPU() - cpu0) / time.Duration(runs)
				call := admitted(func() error {
					_, err := search(ctx, q, before)
					return err
				})
				cold := atOnce(b, 1, call)
				all := atOnce(b, runs, call)
				served, slow := asServed(b, runs, call)
				results = append(results, result{name: fmt.Sprintf("%q %s", q, page), p50: all.p50(), p95: all.p95(),
					sp50: served.p50(), sp95: served.p95(), first: cold[len(cold)-1], slow: slow, found: len(first), cpu: cpu})
			}
		}
	}
	b.StopTimer()
	slices.SortFunc(results, func(x, y result) int { return int(y.p95 - x.p95) })
	var out strings.Builder
	fmt.Fprintf(&out, "%s: %s, 8 clients × %d runs; slowest first (first: the slowest first call; p95, p50 at 8 clients back to back, then served;\n"+
		"  the served calls at or above p95: median wall, time their thread ran, time it waited for a core (\"-\": without PALIER_BENCH_SCHEDSTAT=1); CPU of one query alone (Go and SQLite; PostgreSQL's when PALIER_BENCH_SERVER_PID names its postmaster); matches on page 1):\n", d, what, runs)
	fmt.Fprintf(&out, "  %9s | %9s %9s | %9s %9s | %9s %9s %9s | %9s %3s\n", "first", "p95", "p50", "served95", "served50", "slow wall", "ran", "no core", "CPU alone", "n")
	for _, r := range results {
		fmt.Fprintf(&out, "  %9.2f | %9.2f %9.2f | %9.2f %9.2f | %s | %9.2f %3d  %s\n", ms(r.first), ms(r.p95), ms(r.p50), ms(r.sp95), ms(r.sp50),
			r.slow.columns(9), ms(r.cpu), r.found, r.name)
	}
	fmt.Fprint(os.Stderr, out.String())
	b.ReportMetric(ms(results[0].p95), "worst-p95-ms")
	worst := func(of func(result) time.Duration) float64 {
		return ms(of(slices.MaxFunc(results, func(x, y result) int { return int(of(x) - of(y)) })))
	}
	b.ReportMetric(worst(func(r result) time.Duration { return r.sp95 }), "worst-served-p95-ms")
	b.ReportMetric(worst(func(r result) time.Duration { return r.first }), "worst-first-ms")
}

// servedTail is what the slowest served calls did: the median wall time of
// the calls at or above the p95, the median time their thread ran
// meanwhile, and the median time it waited for a core, runnable, in the
// kernel's queue. The rest of a slow call is its goroutine parked in Go
// (waiting for a P behind other goroutines, or for a lock or connection).
type servedTail struct{ wall, cpu, osWait time.Duration }

// schedStat tells whether the served calls' thread times are measured
// (PALIER_BENCH_SCHEDSTAT=1, see asServed).
func schedStat() bool { return os.Getenv("PALIER_BENCH_SCHEDSTAT") == "1" }

// columns formats the tail as its wall, ran and waited columns, each w
// wide; the thread times read "-" when they were not measured.
func (t servedTail) columns(w int) string {
	thread := func(d time.Duration) string {
		if !schedStat() {
			return fmt.Sprintf("%*s", w, "-")
		}
		return fmt.Sprintf("%*.2f", w, ms(d))
	}
	return fmt.Sprintf("%*.2f %s %s", w, ms(t.wall), thread(t.cpu), thread(t.osWait))
}

// asServed is atOnce as a server runs the calls: each client asks over
// HTTP on the loopback and a net/http handler makes the call. The clients'
// goroutines then block on their sockets, and the handlers' are woken by
// the network poller, as in Palier's server; atOnce's clients never block,
// so the Go scheduler runs each for its 10 ms slice and preempts it
// mid-call, queued behind the others. The thread's times (servedTail's
// ran and waited) are measured only with PALIER_BENCH_SCHEDSTAT=1: the
// handler must then keep its thread while it calls, and a goroutine locked
// to its thread hands the thread off at every block and wake-up, which
// lengthens the very tail it measures (bench/README.md, sqserved).
func asServed(b *testing.B, runs int, call func() error) (latencies, servedTail) {
	var mu sync.Mutex
	var calls []servedTail
	perThread := schedStat()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		var ran0, waited0 time.Duration
		if perThread {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ran0, waited0 = threadSchedStat()
		}
		start := time.Now()
		err := call()
		c := servedTail{wall: time.Since(start)}
		if perThread {
			ran, waited := threadSchedStat()
			c.cpu, c.osWait = ran-ran0, waited-waited0
		}
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
	defer client.CloseIdleConnections()
	all := atOnce(b, runs, func() error {
		resp, err := client.Get(srv.URL)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("served call: %s", resp.Status)
		}
		return nil
	})
	slices.SortFunc(calls, func(x, y servedTail) int { return int(x.wall - y.wall) })
	tail := calls[int(0.95*float64(len(calls)-1)):]
	median := func(of func(servedTail) time.Duration) time.Duration {
		l := make(latencies, len(tail))
		for i, c := range tail {
			l[i] = of(c)
		}
		slices.Sort(l)
		return l.p50()
	}
	return all, servedTail{median(func(c servedTail) time.Duration { return c.wall }),
		median(func(c servedTail) time.Duration { return c.cpu }), median(func(c servedTail) time.Duration { return c.osWait })}
}

// threadSchedStat is how long the calling thread has run and has waited,
// runnable, for a core (Linux's /proc/thread-self/schedstat, nanoseconds).
func threadSchedStat() (ran, waited time.Duration) {
	raw, err := os.ReadFile("/proc/thread-self/schedstat")
	if err != nil {
		return 0, 0
	}
	var r, w int64
	if _, err := fmt.Sscan(string(raw), &r, &w); err != nil {
		return 0, 0
	}
	return time.Duration(r), time.Duration(w)
}

// admitted lets at most PALIER_BENCH_ADMIT calls run at once, the others
// waiting their turn in arrival order (a channel's senders queue first in,
// first out); unset or 0, every call runs at once. It measures whether
// admitting as many reads as there are cores shortens the tail that Go's
// scheduler gives 8 CPU-bound calls on 2 cores.
func admitted(call func() error) func() error {
	n := envInt("PALIER_BENCH_ADMIT", 0)
	if n <= 0 {
		return call
	}
	turns := make(chan struct{}, n)
	return func() error {
		turns <- struct{}{}
		defer func() { <-turns }()
		return call()
	}
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
