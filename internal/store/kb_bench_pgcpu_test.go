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
	postmaster := postmasterOf(db)
	if postmaster == "" {
		return nil
	}
	return func() time.Duration { return treeCPU(postmaster) }
}

// pgBackendsCPU returns a function reading, in nanoseconds, the time the
// PostgreSQL cluster's processes behind db have run on a CPU so far
// (/proc/PID/schedstat, exact unlike the clock ticks of /proc/PID/stat):
// read before and after one keystroke of a single customer, it is the
// server's CPU time for that search. The list of processes is read again
// every few hundred calls (the store's pool keeps its connections).
func pgBackendsCPU(db *sql.DB) func() time.Duration {
	postmaster := postmasterOf(db)
	if postmaster == "" {
		return nil
	}
	var pids []string
	calls := 0
	return func() time.Duration {
		if calls%500 == 0 {
			pids = childrenOf(postmaster)
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

// postmasterOf is the pid of the PostgreSQL postmaster serving db (the
// parent of one of its backends); "" where /proc cannot tell.
func postmasterOf(db *sql.DB) string {
	var backend int
	if err := db.QueryRow(`SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return ""
	}
	ppid, _, _ := procStat(strconv.Itoa(backend))
	return ppid
}

// childrenOf lists the live processes whose parent is pid.
func childrenOf(pid string) []string {
	var kids []string
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		if ppid, _, _ := procStat(p.Name()); ppid == pid {
			kids = append(kids, p.Name())
		}
	}
	return kids
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
