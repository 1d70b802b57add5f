package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// On a machine shared with other work, requests per second say more about
// the neighbours than about the server; the CPU the server spends per
// request does not. --cpu-pids names processes on this machine (Palier,
// PostgreSQL's postmaster) whose CPU is read from /proc before and after
// the run, each with its children: a postmaster's backends, living ones
// from their own stat and ended ones from the postmaster's cutime/cstime.

// clockTick is the unit of /proc/PID/stat times (USER_HZ: 100 on Linux).
const clockTick = 10 * time.Millisecond

// parsePIDs reads "123,456" (empty: none).
func parsePIDs(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("--cpu-pids: %q is not a process id", f)
		}
		out = append(out, pid)
	}
	return out, nil
}

// statTimes reads utime+stime and cutime+cstime of pid from its stat line
// (fields 14–17, counted after the command name, which may hold spaces).
func statTimes(proc string, pid int) (own, children time.Duration, err error) {
	b, err := os.ReadFile(filepath.Join(proc, strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, err
	}
	return parseStat(string(b))
}

func parseStat(line string) (own, children time.Duration, err error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("unreadable stat line")
	}
	f := strings.Fields(line[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return 0, 0, fmt.Errorf("short stat line")
	}
	var t [4]int64
	for k := range t {
		if t[k], err = strconv.ParseInt(f[11+k], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("stat field %d: %w", 14+k, err)
		}
	}
	return time.Duration(t[0]+t[1]) * clockTick, time.Duration(t[2]+t[3]) * clockTick, nil
}

// treeCPU is the CPU pid and its children have used: its own, its ended
// children's, and its living children's own.
func treeCPU(proc string, pid int) (time.Duration, error) {
	own, ended, err := statTimes(proc, pid)
	if err != nil {
		return 0, err
	}
	total := own + ended
	kids, _ := os.ReadFile(filepath.Join(proc, strconv.Itoa(pid), "task", strconv.Itoa(pid), "children"))
	for f := range strings.FieldsSeq(string(kids)) {
		if kid, err := strconv.Atoi(f); err == nil {
			if o, _, err := statTimes(proc, kid); err == nil {
				total += o
			}
		}
	}
	return total, nil
}

// cpuSnapshot reads treeCPU of each pid.
func cpuSnapshot(pids []int) ([]time.Duration, error) {
	out := make([]time.Duration, len(pids))
	for i, pid := range pids {
		t, err := treeCPU("/proc", pid)
		if err != nil {
			return nil, fmt.Errorf("CPU of process %d: %w", pid, err)
		}
		out[i] = t
	}
	return out, nil
}
