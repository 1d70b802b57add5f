package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// BenchmarkTicketListMatrix times every combination of the list's
// combination table (listMatrix: each filter of api.TicketListFilters alone
// and with every other, each value of each, under each sort, on the first
// page and through a cursor in the middle of the table, as an admin and as
// an L1 agent whose visibility filter applies) with 8 clients asking it at
// once, on both databases. It prints the slowest combinations first and
// reports the worst p95; a combination the list refuses (400 list_too_broad)
// is counted apart.
//
//	PALIER_BENCH_TICKETS=200000 go test ./internal/store -run '^$' -bench TicketListMatrix -benchtime 1x -timeout 0
//
// PALIER_BENCH_RUNS sets how many times each client asks each combination
// (default 3: 24 timings per combination); PALIER_BENCH_MATCH, a regular
// expression, keeps the combinations whose name it matches;
// PALIER_BENCH_SERVER_PID names a PostgreSQL postmaster on this machine
// whose CPU (its backends') is added to the CPU per call: on a shared
// machine the server's CPU per query says more than its wall time;
// PALIER_BENCH_EXPLAIN=1 prints the query plans of the kept combinations
// instead of timing them (EXPLAIN ANALYZE on PostgreSQL), and
// PALIER_BENCH_EXPLAIN=generic the generic plan of each seek PostgreSQL
// plans without its values (explainSeeks), and PALIER_BENCH_EXPLAIN=
// buffers runs each seek as a page does and prints the buffers it read,
// the combinations reading most first (seekBuffers);
// PALIER_BENCH_WARM=1 asks each combination once from each client,
// untimed, before timing it (warmCombos);
// PALIER_BENCH_FULL=1 takes every pair of values of two filters rather
// than enough pairs for each value to appear; PALIER_BENCH_SHOW sets how
// many of the slowest are printed (default 30); PALIER_BENCH_STMT_MEMORY=1
// (SQLite, with PALIER_BENCH_SQLITE_FILE) prepares each distinct query text
// once on a connection of its own and prints the memory they hold, instead
// of timing them. PALIER_BENCH_SERVED=1 times each call as a server makes
// it (asServed: asked over HTTP on the loopback, made by a net/http
// handler) instead of by clients calling back to back, which never block
// and are preempted mid-call by Go's scheduler (bench/README.md, custsq);
// the CPU per call then includes the loopback HTTP's.
func BenchmarkTicketListMatrix(b *testing.B) {
	eachLoaded(b, func(b *testing.B, db *benchDB) {
		combos := benchCombos(b, db)
		if os.Getenv("PALIER_BENCH_EXPLAIN") == "buffers" {
			seekBuffers(b, db, combos)
			return
		}
		if e := os.Getenv("PALIER_BENCH_EXPLAIN"); e == "1" || e == "generic" {
			for _, c := range combos {
				explainCombo(b, db, c)
			}
			return
		}
		runs := envInt("PALIER_BENCH_RUNS", 3)
		show := envInt("PALIER_BENCH_SHOW", 30)
		texts := listTexts(os.Stderr, db, combos)
		if f := os.Getenv("PALIER_BENCH_SQLITE_FILE"); f != "" && os.Getenv("PALIER_BENCH_STMT_MEMORY") == "1" && db.s.Dialect() == store.SQLite {
			if err := statementMemory(os.Stderr, f, texts); err != nil {
				b.Fatal(err)
			}
			return
		}
		memoryReport(os.Stderr, db.s, "before the matrix")
		if len(combos) > 0 {
			// The pool's connections are opened untimed, as a server's
			// are long before its calls: the first combination was timed
			// on new connections (PostgreSQL: 160–250 ms p95 for a 5 ms
			// p50, the session's start and catalogue reads; bench/
			// README.md, fourteenth session).
			combos[0].time(b, db, 1)
		}
		b.ResetTimer()
		var results []comboResult
		for range b.N {
			results = results[:0]
			for _, c := range combos {
				results = append(results, c.time(b, db, runs))
			}
		}
		b.StopTimer()
		memoryReport(os.Stderr, db.s, "after the matrix")
		slices.SortFunc(results, func(x, y comboResult) int { return int(y.p95 - x.p95) })
		var out strings.Builder
		refused := 0
		for _, r := range results {
			if r.refused {
				refused++
			}
		}
		how := "back to back"
		if servedCalls() {
			how = "served"
		}
		fmt.Fprintf(&out, "%s: %d combinations (%d refused with 400) × %d clients × %d runs, %s; slowest first (p95, p50, CPU per call):\n",
			db.s.Dialect(), len(results), refused, benchClients, runs, how)
		over := 0
		for i, r := range results {
			if r.p95 >= 20*time.Millisecond {
				over++
			}
			if i < show {
				mark := ""
				if r.refused {
					mark = "  (refused)"
				}
				fmt.Fprintf(&out, "  %8.2f ms %8.2f ms %7.2f ms  %s%s\n", ms(r.p95), ms(r.p50), ms(r.cpu), r.name, mark)
			}
		}
		fmt.Fprintf(&out, "  %d combinations at or over 20 ms p95\n", over)
		fmt.Fprint(os.Stderr, out.String())
		if len(results) > 0 {
			b.ReportMetric(ms(results[0].p95), "worst-p95-ms")
		}
		b.ReportMetric(float64(over), "over-20ms")
		b.ReportMetric(float64(refused), "refused")
	})
}

// benchClients is how many clients ask each combination at once: 8, or
// PALIER_BENCH_CLIENTS (1 times each call alone, as one agent searching
// at a time would see it).
var benchClients = envInt("PALIER_BENCH_CLIENTS", 8)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type comboResult struct {
	name     string
	p50, p95 time.Duration
	cpu      time.Duration // CPU of this process per call (on SQLite, the database's work too), and of PALIER_BENCH_SERVER_PID's tree
	refused  bool
}

// time asks the combination runs times from each of benchClients clients
// at once and returns the percentiles of every call.
func (c listCombo) time(b *testing.B, db *benchDB, runs int) comboResult {
	ctx := context.Background()
	var refused atomic.Bool
	call := func() error {
		_, _, err := db.s.Tickets(ctx, db.f.WS.ID, c.filter, c.cursor, 50)
		if isTooBroad(err) {
			refused.Store(true)
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		return nil
	}
	if warmCombos {
		atOnce(b, 1, call)
	}
	cpu := processCPU() + serverCPU()
	l, _ := matrixCalls(b, runs, call)
	cpu = processCPU() + serverCPU() - cpu
	if len(l) == 0 {
		b.FailNow()
	}
	return comboResult{name: c.name, p50: l.p50(), p95: l.p95(), cpu: cpu / time.Duration(len(l)), refused: refused.Load()}
}

// warmCombos (PALIER_BENCH_WARM=1) has each client ask a combination
// once, untimed, before its timed runs: the steady state of a view asked
// again and again (an integration polling it), where each PostgreSQL
// connection has planned the page's seeks already. Without it, most of a
// combination's 24 calls are its first on their connection and plan them.
var warmCombos = os.Getenv("PALIER_BENCH_WARM") == "1"

// servedCalls tells whether the matrix benchmarks (lists, ticket search)
// time calls as a server makes them (PALIER_BENCH_SERVED=1).
func servedCalls() bool { return os.Getenv("PALIER_BENCH_SERVED") == "1" }

// matrixCalls times call runs times from each of benchClients clients at
// once with the matrix benchmarks' harness: back to back (atOnce), or as a
// server makes them (asServed) with PALIER_BENCH_SERVED=1, which also says
// what its slowest calls did (zero back to back).
func matrixCalls(b *testing.B, runs int, call func() error) (latencies, servedTail) {
	if servedCalls() {
		return asServed(b, runs, call)
	}
	return atOnce(b, runs, call), servedTail{}
}

// benchCombos is the list's combinations (listMatrix; every pair of two
// filters' values with PALIER_BENCH_FULL=1), those whose names match
// PALIER_BENCH_MATCH when it is set.
func benchCombos(b *testing.B, db *benchDB) []listCombo {
	combos := listMatrix(b, db.s, db.f, os.Getenv("PALIER_BENCH_FULL") == "1")
	if m := os.Getenv("PALIER_BENCH_MATCH"); m != "" {
		re := regexp.MustCompile(m)
		combos = slices.DeleteFunc(combos, func(c listCombo) bool { return !re.MatchString(c.name) })
	}
	return combos
}

// isTooBroad accepts the list's refusal of a combination it does not serve.
func isTooBroad(err error) bool {
	var p *problem.Error
	return errors.As(err, &p) && p.Code == store.CodeListTooBroad
}

// explainCombo prints a combination's query and its plan: EXPLAIN QUERY
// PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL.
func explainCombo(b *testing.B, db *benchDB, c listCombo) {
	ctx := context.Background()
	if os.Getenv("PALIER_BENCH_EXPLAIN") == "generic" {
		explainSeeks(b, db, c)
		return
	}
	query, args, err := c.filter.ListQuery(db.s.Dialect(), db.f.WS.ID, c.cursor, 50)
	if err != nil {
		fmt.Fprintf(os.Stderr, "== %s: %v\n", c.name, err)
		return
	}
	explain := "EXPLAIN QUERY PLAN "
	if db.s.Dialect() == store.Postgres {
		explain = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	rows, err := db.s.DB().QueryContext(ctx, explain+query, args...)
	if err != nil {
		b.Fatalf("%s: %v", c.name, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out strings.Builder
	fmt.Fprintf(&out, "== %s\n%s\n%v\n", c.name, query, args)
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintln(&out, vals...)
	}
	fmt.Fprint(os.Stderr, out.String())
}

// serverCPU is the CPU PALIER_BENCH_SERVER_PID and its children (a
// postmaster's backends: living ones from their stat, ended ones from the
// postmaster's cutime and cstime) have used; 0 when unset. /proc counts in
// clock ticks (10 ms): a combination's 24 calls share that resolution.
//
// PALIER_BENCH_SERVER_DB, on a cluster other work shares, counts only the
// living backends connected to that database (their title names it), so
// that the others' queries stay out of the benchmark's CPU per call.
func serverCPU() time.Duration {
	pid := os.Getenv("PALIER_BENCH_SERVER_PID")
	if pid == "" {
		return 0
	}
	db := os.Getenv("PALIER_BENCH_SERVER_DB")
	if db == "" {
		return treeCPU(pid)
	}
	var total time.Duration
	kids, _ := os.ReadFile("/proc/" + pid + "/task/" + pid + "/children")
	for _, k := range strings.Fields(string(kids)) {
		title, _ := os.ReadFile("/proc/" + k + "/cmdline")
		if f := strings.Fields(string(title)); len(f) >= 3 && f[0] == "postgres:" && f[2] == db {
			own, _ := procTimes(k)
			total += own
		}
	}
	return total
}

// treeCPU is the CPU a process has used with its children, living (their
// own time) and ended (its reaped-children time): a PostgreSQL
// postmaster's is the whole cluster's.
func treeCPU(pid string) time.Duration {
	own, ended := procTimes(pid)
	total := own + ended
	kids, _ := os.ReadFile("/proc/" + pid + "/task/" + pid + "/children")
	for _, k := range strings.Fields(string(kids)) {
		o, _ := procTimes(k)
		total += o
	}
	return total
}

// procTimes reads utime+stime and cutime+cstime from /proc/pid/stat.
func procTimes(pid string) (own, children time.Duration) {
	_, own, children = procStat(pid)
	return own, children
}

// procStat reads a process's parent and its CPU times (utime+stime, and
// cutime+cstime: its reaped children's) from /proc/pid/stat; "" and zeros
// when it is gone. The one parser of /proc/pid/stat of the benchmarks.
func procStat(pid string) (ppid string, own, children time.Duration) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "", 0, 0
	}
	line := string(b)
	f := strings.Fields(line[strings.LastIndexByte(line, ')')+1:]) // f[0] is field 3
	if len(f) < 15 {
		return "", 0, 0
	}
	var t [4]int64
	for k := range t {
		t[k], _ = strconv.ParseInt(f[11+k], 10, 64)
	}
	const tick = 10 * time.Millisecond
	return f[1], time.Duration(t[0]+t[1]) * tick, time.Duration(t[2]+t[3]) * tick
}

// BenchmarkTicketWriteListKeys measures what keeping the tickets' sort
// keys on their swarm and hand-off rows (migration 0053's trigger) adds to
// a ticket write: an internal note, which moves the ticket's updated_at,
// on tickets half of which have a swarm row and a hand-off row. It
// reports the CPU per write, of this process (on SQLite the database's
// work too) and of PALIER_BENCH_SERVER_PID's tree (a PostgreSQL
// postmaster's). PALIER_BENCH_NO_LIST_KEYS=1 drops the trigger first: the
// same writes without the work it adds.
//
//	go test ./internal/store -run '^$' -bench TicketWriteListKeys -benchtime 2000x
//
// PALIER_BENCH_WRITE_URL names an empty PostgreSQL database to write in
// (on the server PALIER_BENCH_SERVER_PID runs) instead of the test
// harness's.
func BenchmarkTicketWriteListKeys(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := b.Context()
			w := writeBenchStore(b, d)
			s, f, list := w.s, w.f, w.list
			b.ResetTimer()
			cpu := processCPU() + serverCPU()
			for i := range b.N {
				if _, _, err := s.AddMessage(ctx, f.WS.ID, list[i%len(list)].ID, nil,
					ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.AgentL3.ID, Body: "checked"}, ""); err != nil {
					b.Fatal(err)
				}
			}
			cpu = processCPU() + serverCPU() - cpu
			b.StopTimer()
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/write")
		})
	}
}

// writeBench is BenchmarkTicketWriteListKeys' database, made once per
// dialect and process (a benchmark function runs once per b.N tried).
type writeBench struct {
	s    *store.Store
	f    storetest.Fixture
	list []ticket.Ticket
}

var writeBenches = map[store.Dialect]*writeBench{}

func writeBenchStore(b *testing.B, d store.Dialect) *writeBench {
	benchMu.Lock()
	defer benchMu.Unlock()
	if w := writeBenches[d]; w != nil {
		return w
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "palier-bench-write-")
	if err != nil {
		b.Fatal(err)
	}
	benchReleases = append(benchReleases, func() { os.RemoveAll(dir) })
	tb := keptTB{TB: b, dir: dir}
	var s *store.Store
	if u := os.Getenv("PALIER_BENCH_WRITE_URL"); u != "" && d == store.Postgres {
		s = storetest.OpenURL(tb, u)
	} else {
		s = storetest.Open(tb, d)
	}
	f := storetest.Seed(tb, s)
	var list []ticket.Ticket
	for i := range 100 {
		n := newTicket(f, fmt.Sprintf("write %d", i))
		n.Ticket.TierID, n.Ticket.TeamID = f.Tier["L3"].ID, f.Team["L3"].ID
		if i%2 == 0 {
			n.ActorAgentID, n.HandedOff = f.AgentL1.ID, true
		}
		tk := must(s.CreateTicket(ctx, f.WS.ID, n))(b)
		if i%2 == 0 {
			if err := s.AddCollaborator(ctx, f.WS.ID, tk.ID, f.AgentL2.ID, f.AgentL3.ID, nil); err != nil {
				b.Fatal(err)
			}
		}
		list = append(list, tk)
	}
	if os.Getenv("PALIER_BENCH_NO_LIST_KEYS") == "1" {
		drop := "DROP TRIGGER ticket_list_keys"
		if d == store.Postgres {
			drop += " ON tickets"
		}
		if _, err := s.DB().ExecContext(ctx, drop); err != nil {
			b.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { at = at.Add(time.Second); return at }) // every write moves updated_at
	w := &writeBench{s: s, f: f, list: list}
	writeBenches[d] = w
	return w
}
