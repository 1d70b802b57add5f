package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// BenchmarkReadScaling asks why a read at 8 clients takes more than its
// share of the cores: for a few searches and lists of the matrices, it
// runs each read alone, then from 8 clients at once, and prints per read
// in each phase the process's CPU (user and system), the read syscalls
// and page faults, the context switches, the Go allocations and GC
// cycles, and the time goroutines waited on Go mutexes. If the CPU per
// read grows with clients, work is multiplied (pages read again, GC); if
// it stays and the wall time grows beyond clients ÷ cores, something
// waits. At the end it prints the process's resident size, anonymous
// and file-backed.
//
//	PALIER_BENCH_TICKETS=1000000 PALIER_BENCH_SQLITE_FILE=/tmp/1m.sqlite \
//	go test ./internal/store -run '^$' -bench 'ReadScaling/sqlite' -benchtime 1x -timeout 0
//
// PALIER_BENCH_RUNS sets the reads per client (default 10; alone, as
// many as the 8 clients' together ÷ 4); PALIER_BENCH_MATCH, a regular
// expression, keeps the reads whose name it matches;
// PALIER_BENCH_PROFILE names a directory where each read leaves CPU
// profiles of its phase alone and of its 8-client phase (NAME_alone.cpu,
// NAME.cpu) and, from the process's start to the end of that phase, mutex
// and block profiles (NAME.mutex, NAME.block).
func BenchmarkReadScaling(b *testing.B) {
	eachLoaded(b, func(b *testing.B, db *benchDB) {
		reads := scalingReads(b, db)
		if m := os.Getenv("PALIER_BENCH_MATCH"); m != "" {
			re := regexp.MustCompile(m)
			reads = slices.DeleteFunc(reads, func(r scalingRead) bool { return !re.MatchString(r.name) })
		}
		runs := envInt("PALIER_BENCH_RUNS", 10)
		profiles := os.Getenv("PALIER_BENCH_PROFILE")
		if profiles != "" {
			runtime.SetMutexProfileFraction(1)
			runtime.SetBlockProfileRate(int(10 * time.Microsecond))
			defer runtime.SetMutexProfileFraction(0)
			defer runtime.SetBlockProfileRate(0)
		}
		b.ResetTimer()
		var out strings.Builder
		fmt.Fprintf(&out, "%s: per read, alone (%d reads) | at %d clients (%d reads each); GOMAXPROCS %d\n",
			db.s.Dialect(), max(1, benchClients*runs/4), benchClients, runs, runtime.GOMAXPROCS(0))
		for range b.N {
			for _, r := range reads {
				if err := r.call(); err != nil { // warm: the first read of a text prepares it
					b.Fatalf("%s: %v", r.name, err)
				}
				aloneN := max(1, benchClients*runs/4)
				stop := startCPUProfile(b, profiles, r.name+" alone")
				before := sampleProcess()
				var alone latencies
				for range aloneN {
					if !alone.timed(b, r.call) {
						b.FailNow()
					}
				}
				slices.Sort(alone)
				soloCost := sampleProcess().since(before, aloneN)
				stop()
				stop = startCPUProfile(b, profiles, r.name)
				before = sampleProcess()
				together := atOnce(b, runs, r.call)
				manyCost := sampleProcess().since(before, len(together))
				stop()
				writeProfiles(b, profiles, r.name)
				fmt.Fprintf(&out, "  %s\n    alone: p50 %6.1f ms  %s\n    8 at once: p50 %6.1f ms p95 %6.1f ms  %s\n",
					r.name, ms(alone.p50()), soloCost, ms(together.p50()), ms(together.p95()), manyCost)
			}
		}
		b.StopTimer()
		fmt.Fprintf(&out, "  resident at the end: %s\n", residentSize())
		fmt.Fprint(os.Stderr, out.String())
	})
}

// residentSize spells the process's resident size from /proc/self/status,
// split into anonymous memory (the heaps: Go's and the C library's) and
// file pages (the mapped database among them, which are the kernel's page
// cache).
func residentSize() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	var parts []string
	for line := range strings.Lines(string(status)) {
		k, v, _ := strings.Cut(line, ":")
		if k == "VmRSS" || k == "RssAnon" || k == "RssFile" {
			parts = append(parts, k+" "+strings.Join(strings.Fields(v), " "))
		}
	}
	return strings.Join(parts, ", ")
}

// scalingRead is one read the benchmark repeats.
type scalingRead struct {
	name string
	call func() error
}

// scalingReads are the searches and lists whose 8-client times were the
// furthest from their CPU alone: the common pair under status=open (18.5
// ms alone, 155 ms p50 at 8 clients at 1M tickets) and the L1 agent's
// slowest lists.
func scalingReads(b *testing.B, db *benchDB) []scalingRead {
	ctx := context.Background()
	f := db.f
	l1 := storetest.Actor(b, db.s, f.AgentL1)
	admin := storetest.Actor(b, db.s, f.Admin)
	search := func(who string) scalingRead {
		a := &l1
		if who == "admin" {
			a = &admin
		}
		q := store.TicketSearch{Matches: store.TicketQueryMatches("facture paiement"), Limit: 25}
		q.Filter.Statuses = []ticket.Status{ticket.Open}
		q.Filter.Viewer = a
		return scalingRead{who + ` search "facture paiement" status=open`, func() error {
			_, _, err := db.s.SearchTickets(ctx, f.WS.ID, q)
			return err
		}}
	}
	out := []scalingRead{search("agentL1"), search("admin")}
	lists := []string{
		"agentL1 status=open,solved&type=billing sort=priority deep",
		"agentL1 tier=L1,L2&owner=id sort=newest first",
		"agentL1 status=open sort=updated first",
	}
	for _, c := range listMatrix(b, db.s, f, false) {
		if slices.Contains(lists, c.name) {
			out = append(out, scalingRead{"list " + c.name, func() error {
				_, _, err := db.s.Tickets(ctx, f.WS.ID, c.filter, c.cursor, 50)
				if isTooBroad(err) {
					return nil
				}
				return err
			}})
		}
	}
	return out
}

// processSample is what the process has used so far: CPU, read syscalls
// and bytes (from /proc/self/io), page faults, context switches, Go's
// allocations and GC cycles, and the time goroutines waited on sync.Mutex
// and RWMutex.
type processSample struct {
	user, sys              time.Duration
	syscr, rchar           int64
	minflt, majflt         int64
	voluntary, involuntary int64
	allocBytes, gcCycles   uint64
	mutexWait, gcCPU       float64
}

// scalingMetrics are the runtime/metrics sampleProcess reads.
var scalingMetrics = []string{
	"/gc/heap/allocs:bytes",
	"/gc/cycles/total:gc-cycles",
	"/sync/mutex/wait/total:seconds",
	"/cpu/classes/gc/total:cpu-seconds",
}

func sampleProcess() processSample {
	var p processSample
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		p.user, p.sys = time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
		p.minflt, p.majflt = ru.Minflt, ru.Majflt
		p.voluntary, p.involuntary = ru.Nvcsw, ru.Nivcsw
	}
	if io, err := os.ReadFile("/proc/self/io"); err == nil {
		for line := range strings.Lines(string(io)) {
			k, v, _ := strings.Cut(strings.TrimSpace(line), ": ")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "syscr":
				p.syscr = n
			case "rchar":
				p.rchar = n
			}
		}
	}
	s := make([]metrics.Sample, len(scalingMetrics))
	for i, name := range scalingMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	p.allocBytes, p.gcCycles = s[0].Value.Uint64(), s[1].Value.Uint64()
	p.mutexWait, p.gcCPU = s[2].Value.Float64(), s[3].Value.Float64()
	return p
}

// since spells the use per read between an earlier sample and p, over n
// reads.
func (p processSample) since(e processSample, n int) string {
	per := func(x int64) float64 { return float64(x) / float64(n) }
	perMs := func(d float64) float64 { return d * 1000 / float64(n) }
	return fmt.Sprintf("CPU %.1f ms (user %.1f, sys %.1f; GC %.1f) | %.0f read syscalls, %.0f kB | %.0f faults (%.0f major) | "+
		"%.0f + %.0f switches | %.0f kB allocated, %.2f GC | mutex wait %.1f ms",
		ms((p.user+p.sys-e.user-e.sys)/time.Duration(n)), ms((p.user-e.user)/time.Duration(n)), ms((p.sys-e.sys)/time.Duration(n)),
		perMs(p.gcCPU-e.gcCPU), per(p.syscr-e.syscr), per(p.rchar-e.rchar)/1024, per(p.minflt-e.minflt), per(p.majflt-e.majflt),
		per(p.voluntary-e.voluntary), per(p.involuntary-e.involuntary), float64(p.allocBytes-e.allocBytes)/1024/float64(n),
		float64(p.gcCycles-e.gcCycles)/float64(n), perMs(p.mutexWait-e.mutexWait))
}

// startCPUProfile profiles the process into dir (nothing when dir is
// empty) until the returned function is called.
func startCPUProfile(b *testing.B, dir, name string) func() {
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, profileName(name)+".cpu"))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeProfiles writes the mutex and block profiles into dir (nothing
// when dir is empty).
func writeProfiles(b *testing.B, dir, name string) {
	if dir == "" {
		return
	}
	for _, kind := range []string{"mutex", "block"} {
		f, err := os.Create(filepath.Join(dir, profileName(name)+"."+kind))
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.Lookup(kind).WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

var profileNameRe = regexp.MustCompile(`[^A-Za-z0-9=,.-]+`)

func profileName(name string) string { return profileNameRe.ReplaceAllString(name, "_") }
