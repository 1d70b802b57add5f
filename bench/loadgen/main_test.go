package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, ms(i))
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", []time.Duration{ms(7)}, 0.99, ms(7)},
		{"median of 100", hundred, 0.50, ms(50)},
		{"p95 of 100", hundred, 0.95, ms(95)},
		{"p99 of 100", hundred, 0.99, ms(99)},
	}
	for _, c := range cases {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: percentile(%v) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

func TestFlagsRefuseRemoteTargetsAndBadMixes(t *testing.T) {
	cases := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--token", "x", "--url", "http://192.168.1.10:8080"}, "not a loopback"},
		{[]string{"--token", "x", "--url", "http://example.org"}, "not a loopback"},
		{[]string{"--token", "x", "--ops", "intake,delete"}, "unknown operation"},
		{[]string{"--token", "", "--url", "http://127.0.0.1:1"}, "--token is required"},
		{[]string{"--token", "x", "--clients", "0"}, "--clients"},
		{[]string{"--token", "x", "--url", "http://[::1]:8080", "--duration", "1h"}, ""},
		{[]string{"--token", "x", "--url", "http://example.org", "--allow-remote"}, ""},
	}
	for _, c := range cases {
		cfg, err := parseFlags(c.args)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%v: unexpected error %v", c.args, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%v: error %v, want one containing %q", c.args, err, c.wantErr)
		case c.wantErr == "" && cfg.duration > maxDuration:
			t.Errorf("%v: duration %v is over the %v bound", c.args, cfg.duration, maxDuration)
		}
	}
}

// TestRunCountsEveryAnsweredRequest runs the generator against a stand-in
// API and checks that the report adds up to what the server answered, and
// that failures are counted apart from successes.
func TestRunCountsEveryAnsweredRequest(t *testing.T) {
	var created, listed, got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/v1/tickets":
			n := created.Add(1)
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":` + strconv.FormatInt(n, 10) + `}`))
		case r.Method == "GET" && r.URL.Path == "/api/v1/tickets":
			listed.Add(1)
			http.Error(w, "boom", http.StatusInternalServerError) // every list fails
		default:
			got.Add(1)
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	cfg := config{base: base, token: "tok", clients: 3, duration: 5 * time.Second, maxRequests: 60, ops: []string{"intake", "list", "get"}, listQuery: "status=open"}
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	// 60 requests at most, plus the seeding ticket.
	if total := created.Load() + listed.Load() + got.Load(); total != 61 {
		t.Fatalf("server answered %d requests, want 61 (60 + the seed)\n%s", total, report)
	}
	rows := reportRows(report)
	want := map[string][2]int64{ // op: successes, errors
		"intake": {created.Load() - 1, 0},
		"list":   {0, listed.Load()},
		"get":    {got.Load(), 0},
	}
	for op, w := range want {
		if rows[op] != w {
			t.Errorf("%s: report says %v (ok, errors), server saw %v\n%s", op, rows[op], w, report)
		}
	}
	if !strings.Contains(report, "first list error: GET /api/v1/tickets?status=open: 500 Internal Server Error boom") {
		t.Errorf("the report does not say why lists failed:\n%s", report)
	}
}

// reportRows reads the requests and errors columns of each operation.
func reportRows(report string) map[string][2]int64 {
	rows := map[string][2]int64{}
	for line := range strings.Lines(report) {
		f := strings.Fields(line)
		if len(f) != 7 {
			continue
		}
		ok, err1 := strconv.ParseInt(f[1], 10, 64)
		bad, err2 := strconv.ParseInt(f[6], 10, 64)
		if err1 == nil && err2 == nil {
			rows[f[0]] = [2]int64{ok, bad}
		}
	}
	return rows
}

// A stat line's CPU fields are read after the command name, which may
// hold spaces and parentheses.
func TestParseStat(t *testing.T) {
	line := "4242 (palier (serve) x) S 1 4242 4242 0 -1 4194560 1 0 0 0 150 50 7 3 20 0 12 0 100 0 0\n"
	own, children, err := parseStat(line)
	if err != nil || own != 2*time.Second || children != 100*time.Millisecond {
		t.Errorf("parseStat = %v, %v, %v; want 2s, 100ms", own, children, err)
	}
	if _, _, err := parseStat("4242 (x) S 1"); err == nil {
		t.Error("a short line was read")
	}
	if _, err := parsePIDs("12, x"); err == nil {
		t.Error("--cpu-pids accepted a name")
	}
}

// The process's own CPU, read through /proc, is reported per request.
func TestCPUSnapshotReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	got, err := cpuSnapshot([]int{os.Getpid()})
	if err != nil || len(got) != 1 || got[0] < 0 {
		t.Fatalf("cpuSnapshot = %v, %v", got, err)
	}
}

// A warm-up runs the load first and is left out of the report: the
// measured requests are counted as without one, the server saw more, and
// no customer of the measured run was one of the warm-up's (each intake
// stays a new customer's).
func TestWarmupIsRunButNotReported(t *testing.T) {
	var mu sync.Mutex
	emails := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Email string `json:"customer_email"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		emails[in.Email]++
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":1}`))
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	cfg := config{base: base, token: "tok", clients: 2, duration: 5 * time.Second, maxRequests: 20, ops: []string{"intake"},
		warmup: 200 * time.Millisecond}
	var out bytes.Buffer
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	if got := reportRows(out.String())["intake"]; got != [2]int64{20, 0} {
		t.Errorf("the report counts %v (ok, errors), want the 20 measured requests alone\n%s", got, out.String())
	}
	total := 0
	for email, n := range emails {
		total += n
		if n > 1 {
			t.Errorf("%s was sent %d times: the measured run reused a warm-up customer", email, n)
		}
	}
	if total <= 21 {
		t.Errorf("the server saw %d requests, want the seed, a warm-up and the 20 measured", total)
	}
}
