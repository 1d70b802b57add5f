//go:build unix

package api

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user + system). The
// benchmark reports it per ticket: unlike wall time it does not depend on
// what else the machine is running, and on SQLite, where the database runs
// in-process, cores ÷ CPU per ticket bounds the throughput.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
