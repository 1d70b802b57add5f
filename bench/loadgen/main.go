// Command loadgen drives a running Palier over its JSON API with a mix of
// ticket intake, list and get requests from several concurrent clients, and
// prints requests per second and latency percentiles per operation, so that
// figures can be compared over time and across databases:
//
//	go run ./bench/loadgen --url http://127.0.0.1:8080 --token "$TOKEN" \
//	    --clients 8 --duration 20s --ops intake,list,get
//
// It is bounded in time and in requests, and by default refuses any target
// that is not on the loopback interface: a load test is aimed at a server
// you run, on purpose.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxDuration bounds a run even when asked for more.
const maxDuration = 10 * time.Minute

type config struct {
	base        *url.URL
	token       string
	clients     int
	duration    time.Duration
	maxRequests int64
	ops         []string
	listQuery   string
	allowRemote bool
	cpuPIDs     []int // processes whose CPU per request is reported (cpu.go)
	// warmup is run first and measured by nothing: see the flag.
	warmup time.Duration
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "base URL of the running Palier")
	token := fs.String("token", os.Getenv("PALIER_TOKEN"), "API bearer token (palier token create); default $PALIER_TOKEN")
	clients := fs.Int("clients", 8, "concurrent clients")
	duration := fs.Duration("duration", 20*time.Second, "how long to run (at most 10m)")
	maxReq := fs.Int64("requests", 1_000_000, "stop after this many requests in all")
	ops := fs.String("ops", "intake,list,get", "comma-separated mix, each client cycles through it: intake, list, get")
	listQuery := fs.String("list-query", "status=open&sort=updated", "query string of the list operation")
	allowRemote := fs.Bool("allow-remote", false, "allow a target that is not on loopback")
	warmup := fs.Duration("warmup", 0, "first run the same load this long, unmeasured (at most 10m): a server's first seconds plan each statement on each new connection, and a fresh database's tables are analysed as they grow")
	cpuPIDs := fs.String("cpu-pids", "", "comma-separated ids of local processes (palier serve, the PostgreSQL postmaster) whose CPU per request, children included, is reported")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	base, err := url.Parse(*rawURL)
	if err != nil || base.Host == "" {
		return config{}, fmt.Errorf("--url %q is not an absolute URL", *rawURL)
	}
	cfg := config{base: base, token: *token, clients: *clients, duration: min(*duration, maxDuration),
		maxRequests: *maxReq, listQuery: *listQuery, allowRemote: *allowRemote, warmup: min(*warmup, maxDuration)}
	if cfg.cpuPIDs, err = parsePIDs(*cpuPIDs); err != nil {
		return config{}, err
	}
	for op := range strings.SplitSeq(*ops, ",") {
		op = strings.TrimSpace(op)
		if !slices.Contains([]string{"intake", "list", "get"}, op) {
			return config{}, fmt.Errorf("unknown operation %q in --ops (intake, list, get)", op)
		}
		cfg.ops = append(cfg.ops, op)
	}
	switch {
	case cfg.token == "":
		return config{}, errors.New("--token is required (palier token create --email …)")
	case cfg.clients < 1 || cfg.clients > 1000:
		return config{}, errors.New("--clients must be between 1 and 1000")
	case cfg.duration <= 0:
		return config{}, errors.New("--duration must be positive")
	case cfg.warmup < 0:
		return config{}, errors.New("--warmup must not be negative")
	case !cfg.allowRemote && !isLoopback(base.Hostname()):
		return config{}, fmt.Errorf("%s is not a loopback address; pass --allow-remote to load a remote server on purpose", base.Hostname())
	}
	return cfg, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sample is one finished request.
type sample struct {
	op      string
	elapsed time.Duration
	err     error
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.clients}}
	l := &loader{cfg: cfg, client: client, run: time.Now().UnixMilli() % 1_000_000}
	if err := l.seed(ctx); err != nil {
		return err
	}
	if cfg.warmup > 0 {
		// Warm-up clients are numbered after the measured ones, so that
		// every customer of the measured run is still a new one.
		l.drive(ctx, cfg.warmup, cfg.clients)
		l.sent.Store(0)
	}
	cpu0, err := cpuSnapshot(cfg.cpuPIDs)
	if err != nil {
		return err
	}
	start := time.Now()
	byOp, failures, firstError := l.drive(ctx, cfg.duration, 0)
	report(out, cfg, time.Since(start), byOp, failures)
	if len(cfg.cpuPIDs) > 0 {
		cpu1, err := cpuSnapshot(cfg.cpuPIDs)
		if err != nil {
			return err
		}
		n := 0
		for _, d := range byOp {
			n += len(d)
		}
		for i, pid := range cfg.cpuPIDs {
			fmt.Fprintf(out, "process %d: %.3f CPU-ms per request (%d requests)\n", pid, ms(cpu1[i]-cpu0[i])/float64(max(n, 1)), n)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(firstError)) {
		fmt.Fprintf(out, "first %s error: %v\n", op, firstError[op])
	}
	return nil
}

// drive runs cfg.clients clients for d, numbered from firstClient, and
// gathers their answers: durations of the successes, and failures counted
// apart with the first error of each operation.
func (l *loader) drive(ctx context.Context, d time.Duration, firstClient int) (byOp map[string][]time.Duration, failures map[string]int, firstError map[string]error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	results := make(chan sample, 1024)
	var wg sync.WaitGroup
	for c := range l.cfg.clients {
		wg.Go(func() { l.work(ctx, firstClient+c, results) })
	}
	go func() { wg.Wait(); close(results) }()
	byOp, failures, firstError = map[string][]time.Duration{}, map[string]int{}, map[string]error{}
	for s := range results {
		if s.err != nil {
			failures[s.op]++
			if firstError[s.op] == nil {
				firstError[s.op] = s.err
			}
			continue
		}
		byOp[s.op] = append(byOp[s.op], s.elapsed)
	}
	return byOp, failures, firstError
}

type loader struct {
	cfg config
	// run makes this run's customers new ones, as most intake is.
	run    int64
	client *http.Client
	sent   atomic.Int64
	// ids are tickets that exist, for the get operation.
	mu  sync.Mutex
	ids []int64
}

// seed makes sure the get operation has tickets to read.
func (l *loader) seed(ctx context.Context) error {
	id, err := l.createTicket(ctx, -1)
	if err != nil {
		return fmt.Errorf("creating a first ticket: %w", err)
	}
	l.ids = append(l.ids, id)
	return nil
}

func (l *loader) work(ctx context.Context, n int, results chan<- sample) {
	for i := 0; ctx.Err() == nil; i++ {
		if l.sent.Add(1) > l.cfg.maxRequests {
			return
		}
		op := l.cfg.ops[(n+i)%len(l.cfg.ops)]
		start := time.Now()
		err := l.do(ctx, op, n*1_000_000+i)
		if ctx.Err() != nil {
			return // a request cut by the end of the run is not a result
		}
		results <- sample{op: op, elapsed: time.Since(start), err: err}
	}
}

func (l *loader) do(ctx context.Context, op string, k int) error {
	switch op {
	case "intake":
		id, err := l.createTicket(ctx, k)
		if err == nil {
			l.mu.Lock()
			if len(l.ids) < 10_000 {
				l.ids = append(l.ids, id)
			}
			l.mu.Unlock()
		}
		return err
	case "list":
		return l.request(ctx, "GET", "/api/v1/tickets?"+l.cfg.listQuery, nil, nil)
	default:
		l.mu.Lock()
		id := l.ids[k%len(l.ids)]
		l.mu.Unlock()
		return l.request(ctx, "GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil, nil)
	}
}

// createTicket opens a ticket for a new customer: k is unique per request
// (k%5000 gave the clients the same addresses at the same moment, so each
// first message raced the others' for one new customer: intake's rare path,
// not its common one).
func (l *loader) createTicket(ctx context.Context, k int) (int64, error) {
	body, _ := json.Marshal(map[string]string{
		"subject":        fmt.Sprintf("Facturé deux fois (charge %d)", k),
		"body":           "Bonjour, mon prélèvement a été fait deux fois ce mois-ci. Merci de vérifier.",
		"customer_email": fmt.Sprintf("load%d-%d@example.fr", l.run, k),
	})
	var created struct {
		ID int64 `json:"id"`
	}
	err := l.request(ctx, "POST", "/api/v1/tickets", body, &created)
	return created.ID, err
}

func (l *loader) request(ctx context.Context, method, path string, body []byte, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(l.cfg.base.String(), "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+l.cfg.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, bytes.TrimSpace(msg))
	}
	if into == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

func report(out io.Writer, cfg config, elapsed time.Duration, byOp map[string][]time.Duration, failures map[string]int) {
	fmt.Fprintf(out, "target %s, %d clients, %s\n", cfg.base, cfg.clients, elapsed.Round(time.Millisecond))
	fmt.Fprintf(out, "%-8s %9s %9s %9s %9s %9s %7s\n", "op", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	ops := slices.Compact(slices.Sorted(slices.Values(cfg.ops)))
	for _, op := range ops {
		d := byOp[op]
		slices.Sort(d)
		fmt.Fprintf(out, "%-8s %9d %9.1f %9.2f %9.2f %9.2f %7d\n", op, len(d), float64(len(d))/elapsed.Seconds(),
			ms(percentile(d, 0.50)), ms(percentile(d, 0.95)), ms(percentile(d, 0.99)), failures[op])
	}
}

// percentile reads the p-th quantile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
