package store_test

import (
	"database/sql"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pgServerCPU returns a function reading the CPU time the PostgreSQL
// cluster behind db has used so far (user + system, from /proc): its
// postmaster, the live children (backends, background workers) and the
// children that already exited (the postmaster's reaped-children times).
// The benchmark reports it per keystroke beside the client's own CPU, so
// the server's share of a search is measured rather than guessed from
// wall time on a shared machine. It returns nil where /proc is missing.
func pgServerCPU(db *sql.DB) func() time.Duration {
	var backend int
	if err := db.QueryRow(`SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return nil
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(backend) + "/status")
	if err != nil {
		return nil
	}
	postmaster := ""
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "PPid:"); ok {
			postmaster = strings.TrimSpace(v)
		}
	}
	if postmaster == "" {
		return nil
	}
	// Clock ticks per second: 100 on every Linux this runs on
	// (sysconf(_SC_CLK_TCK) is not reachable without cgo).
	const tick = 10 * time.Millisecond
	return func() time.Duration {
		var total int64
		procs, _ := os.ReadDir("/proc")
		for _, p := range procs {
			if _, err := strconv.Atoi(p.Name()); err != nil {
				continue
			}
			b, err := os.ReadFile("/proc/" + p.Name() + "/stat")
			if err != nil {
				continue
			}
			// The fields after the command (which may hold spaces):
			// state ppid ... utime(14) stime(15) cutime(16) cstime(17).
			s := string(b)
			f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
			if len(f) < 15 {
				continue
			}
			n := func(i int) int64 { v, _ := strconv.ParseInt(f[i-3], 10, 64); return v }
			switch {
			case p.Name() == postmaster:
				total += n(14) + n(15) + n(16) + n(17)
			case f[1] == postmaster:
				total += n(14) + n(15)
			}
		}
		return time.Duration(total) * tick
	}
}

// pgBackendsCPU returns a function reading, in nanoseconds, the time the
// PostgreSQL cluster's processes behind db have run on a CPU so far
// (/proc/PID/schedstat, exact unlike the clock ticks of /proc/PID/stat):
// read before and after one keystroke of a single customer, it is the
// server's CPU time for that search. The list of processes is read again
// every few hundred calls (the store's pool keeps its connections).
func pgBackendsCPU(db *sql.DB) func() time.Duration {
	var backend int
	if err := db.QueryRow(`SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return nil
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(backend) + "/status")
	if err != nil {
		return nil
	}
	postmaster := ""
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "PPid:"); ok {
			postmaster = strings.TrimSpace(v)
		}
	}
	var pids []string
	calls := 0
	scan := func() {
		pids = pids[:0]
		procs, _ := os.ReadDir("/proc")
		for _, p := range procs {
			if _, err := strconv.Atoi(p.Name()); err != nil {
				continue
			}
			b, err := os.ReadFile("/proc/" + p.Name() + "/stat")
			if err != nil {
				continue
			}
			s := string(b)
			if f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]); len(f) > 1 && f[1] == postmaster {
				pids = append(pids, p.Name())
			}
		}
	}
	return func() time.Duration {
		if calls%500 == 0 {
			scan()
		}
		calls++
		var total int64
		for _, pid := range pids {
			b, err := os.ReadFile("/proc/" + pid + "/schedstat")
			if err != nil {
				continue
			}
			ns, _, _ := strings.Cut(string(b), " ")
			v, _ := strconv.ParseInt(ns, 10, 64)
			total += v
		}
		return time.Duration(total)
	}
}

// threadCPU is the CPU time the calling OS thread has used (the caller
// locks its goroutine to the thread).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rusageThread is Linux's RUSAGE_THREAD.
const rusageThread = 1
