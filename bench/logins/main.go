// Command logins fires a storm of concurrent sign-ins at a running Palier
// server and reports what it cost the server (peak resident memory, read
// from /proc) and whether a normal request still answered meanwhile (its
// latency). See bench/README.md for the figures and how they were taken.
//
//	go run ./bench/logins --url http://127.0.0.1:18080 --pid $(pgrep -n palier) --n 300
//
// Every sign-in uses its own unknown email and, with --spread, its own
// X-Forwarded-For address, so neither the per-account nor the per-address
// throttle refuses it: each one asks for a password hash, which is what
// the server must bound. (Run the server with --trusted-proxies
// 127.0.0.1/32 for the addresses to count; without it they are ignored.)
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the server")
	pid := flag.Int("pid", 0, "the server's process id, to sample its memory (Linux)")
	n := flag.Int("n", 300, "concurrent sign-ins")
	spread := flag.Bool("spread", true, "give each sign-in its own X-Forwarded-For address")
	probe := flag.String("probe", "/healthz", "the normal request timed during the storm")
	token := flag.String("token", "", "bearer token sent with the probe (for an authenticated GET such as /api/v1/me)")
	timeout := flag.Duration("timeout", 5*time.Minute, "how long a sign-in may take before the client gives up")
	flag.Parse()
	if err := run(*base, *pid, *n, *spread, *probe, *token, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "logins:", err)
		os.Exit(1)
	}
}

func run(base string, pid, n int, spread bool, probe, token string, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{MaxIdleConnsPerHost: n + 4, MaxConnsPerHost: 0},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	rssBefore, _ := rss(pid, "VmRSS")

	ctx, stop := context.WithCancel(context.Background())
	var peak int64
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for ctx.Err() == nil {
			if v, err := rss(pid, "VmRSS"); err == nil && v > peak {
				peak = v
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	var probes []time.Duration
	probeFailures := 0
	sampler.Go(func() {
		for ctx.Err() == nil {
			req, _ := http.NewRequest(http.MethodGet, base+probe, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			start := time.Now()
			res, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			if err != nil || res.StatusCode != http.StatusOK {
				probeFailures++
			} else {
				probes = append(probes, time.Since(start))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	var mu sync.Mutex
	statuses := map[int]int{}
	var latencies []time.Duration
	var wg sync.WaitGroup
	gate := make(chan struct{})
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			<-gate
			form := url.Values{"email": {fmt.Sprintf("storm%d@bench.example", i)}, "password": {"not the password"}}
			req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if spread {
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256+1))
			}
			t0 := time.Now()
			res, err := client.Do(req)
			status := -1
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				status = res.StatusCode
			}
			mu.Lock()
			statuses[status]++
			latencies = append(latencies, time.Since(t0))
			mu.Unlock()
		})
	}
	close(gate)
	wg.Wait()
	took := time.Since(start)
	stop()
	sampler.Wait()
	hwm, _ := rss(pid, "VmHWM")

	fmt.Printf("sign-ins: %d concurrent, all answered in %v\n", n, took.Round(time.Millisecond))
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Printf("  status %d: %d\n", c, statuses[c])
	}
	slices.Sort(latencies)
	fmt.Printf("  sign-in latency: p50 %v, p99 %v, max %v\n", pct(latencies, 50), pct(latencies, 99), pct(latencies, 100))
	slices.Sort(probes)
	fmt.Printf("probe GET %s during the storm: %d answered 200, %d failed; latency p50 %v, max %v\n",
		probe, len(probes), probeFailures, pct(probes, 50), pct(probes, 100))
	if pid != 0 {
		fmt.Printf("server memory: RSS before %s, peak sampled %s, high-water mark (VmHWM) %s\n", mib(rssBefore), mib(peak), mib(hwm))
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (len(d) - 1) * p / 100
	return d[i].Round(time.Millisecond)
}

func mib(kb int64) string { return fmt.Sprintf("%.0f MiB", float64(kb)/1024) }

// rss reads a memory line (in kB) of /proc/PID/status.
func rss(pid int, field string) (int64, error) {
	if pid == 0 {
		return 0, fmt.Errorf("no pid")
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not found", field)
}
