package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A panicking handler answers 500 (JSON under /api/, a page elsewhere) and
// the server keeps serving. A recovery that re-panics would make the client
// see a broken connection instead of a 500, and fail here.
func TestPanicGives500AndServerKeepsServing(t *testing.T) {
	var panics atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("panic") != "" {
			panics.Add(1)
			panic("boom")
		}
		_, _ = w.Write([]byte("fine"))
	})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(observe(log, newMetrics("test"), recoverPanics(log, h)))
	defer srv.Close()
	for _, tc := range []struct{ path, contentType, body string }{
		{"/api/v1/tickets?panic=1", "application/json", `"code":"internal"`},
		{"/tickets/1?panic=1", "text/html", "Something went wrong"},
	} {
		res, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatalf("%s: no answer (did the recovery re-panic?): %v", tc.path, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.contentType) || !strings.Contains(string(b), tc.body) {
			t.Errorf("%s: %d %s %q", tc.path, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
	}
	res, err := http.Get(srv.URL + "/after")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "fine" || panics.Load() != 2 {
		t.Errorf("after the panics: %d %q (%d panics)", res.StatusCode, b, panics.Load())
	}
}

// A request its client abandons is counted as cancelled (499), not as a
// server error, whatever the handler wrote once its context ended.
func TestAbandonedRequestsAreCountedAsCancelled(t *testing.T) {
	m := newMetrics("test")
	started := make(chan struct{})
	done := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		http.Error(w, "internal", http.StatusInternalServerError) // what a failed query would answer
	})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(observe(log, m, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		h.ServeHTTP(w, r)
	})))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/slow", nil)
	go func() { <-started; cancel() }()
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v", err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler never finished")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body := rec.Body.String()
		if strings.Contains(body, `code="499"} 1`) {
			if strings.Contains(body, `code="500"`) {
				t.Errorf("also counted as a server error:\n%s", body)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cancelled request in the metrics:\n%s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A client that sends its headers or body a byte at a time is cut off at
// the timeouts while a normal client is still answered.
func TestSlowClientsAreCutOff(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := HTTPServer(h, Limits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond, IdleTimeout: time.Second}, nil)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	addr := ln.Addr().String()

	slowHeaders := dial(t, addr)
	_, _ = slowHeaders.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")) // and never the blank line
	slowBody := dial(t, addr)
	_, _ = slowBody.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b")) // and never the rest

	res, err := http.Get("http://" + addr + "/")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("a normal client beside them: %v %v", res, err)
	}
	res.Body.Close()
	for name, c := range map[string]net.Conn{"slow headers": slowHeaders, "slow body": slowBody} {
		// The server must end the connection by itself; the deadline only
		// keeps a broken server from hanging the test.
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := io.ReadAll(c)
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			t.Errorf("%s: still connected after 10 s", name)
		}
	}
}

// One address holds at most MaxConnsPerAddr connections: the next one is
// answered 503 and closed; once one closes, a new one is accepted.
func TestConnectionBudgetPerAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const max = 3
	limited := LimitListener(ln, max, slog.New(slog.NewTextHandler(io.Discard, nil))).(*limitListener)
	srv := HTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }), Limits{}, nil)
	go func() { _ = srv.Serve(limited) }()
	defer srv.Close()
	addr := ln.Addr().String()
	var held []net.Conn
	for range max {
		c := dial(t, addr)
		if status := roundTrip(t, c); status != 200 {
			t.Fatalf("connection %d: %d", len(held)+1, status)
		}
		held = append(held, c)
	}
	over := dial(t, addr)
	if status := roundTrip(t, over); status != 503 {
		t.Errorf("connection %d: %d, want 503", max+1, status)
	}
	held[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for limited.Open("127.0.0.1") >= max {
		if time.Now().After(deadline) {
			t.Fatal("the closed connection was never released")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if status := roundTrip(t, dial(t, addr)); status != 200 {
		t.Errorf("after one closed: %d", status)
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func roundTrip(t *testing.T, c net.Conn) int {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		return 0
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// A handler marked LongRunning keeps answering past the write timeout (the
// hook for event streams); the same handler unmarked is cut off.
func TestLongRunningOptsOutOfTheWriteTimeout(t *testing.T) {
	stream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		for i := range 3 {
			_, _ = w.Write([]byte("tick\n"))
			_ = rc.Flush()
			if i < 2 {
				<-time.After(150 * time.Millisecond) // a stream's pause between events
			}
		}
	})
	mux := http.NewServeMux()
	mux.Handle("/stream", LongRunning(stream))
	mux.Handle("/plain", stream)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := HTTPServer(mux, Limits{WriteTimeout: 100 * time.Millisecond}, nil)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	read := func(path string) (string, error) {
		res, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	if body, err := read("/stream"); err != nil || body != "tick\ntick\ntick\n" {
		t.Errorf("long-running stream: %q, %v", body, err)
	}
	if body, err := read("/plain"); err == nil && body == "tick\ntick\ntick\n" {
		t.Errorf("an unmarked handler outlived the write timeout")
	}
}
