package store_test

import (
	"database/sql"
	"os"
	"strconv"
	"strings"
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
