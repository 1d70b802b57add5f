package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// serve runs the production handler over a desk on s, and gets paths from
// it: the answer and its body.
func serve(t *testing.T, s *store.Store) (d *desk.Service, srv *httptest.Server, get func(path string) (*http.Response, string)) {
	t.Helper()
	d = desk.New(s, nil)
	h, err := server.New(d, server.Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return d, srv, func(path string) (*http.Response, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
}

// postForm posts a form as a browser does, with the header names and
// values given, and answers the status.
func postForm(t *testing.T, c *http.Client, to string, form url.Values, headers ...string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, to, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestServerEdges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storetest.Seed(t, s)
		d, srv, get := serve(t, s)
		if res, body := get("/healthz"); res.StatusCode != 200 || body != "ok\n" {
			t.Errorf("/healthz = %d %q", res.StatusCode, body)
		}
		if res, body := get("/readyz"); res.StatusCode != 200 || body != "ready\n" {
			t.Errorf("/readyz = %d %q", res.StatusCode, body)
		}
		res, _ := get("/login")
		for header, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if got := res.Header.Get(header); got != want {
				t.Errorf("%s = %q, want %q", header, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
		if _, body := get("/metrics"); !strings.Contains(body, `palier_http_request_duration_seconds_count{method="GET",route="GET /healthz",code="200"} 1`) ||
			!strings.Contains(body, `palier_build_info{version="test"} 1`) {
			t.Errorf("metrics lack the request series:\n%s", body)
		}
		// Long-lived connections are counted apart from the requests.
		sub := d.Live().Subscribe(1, "inbox")
		if _, body := get("/metrics"); !strings.Contains(body, "palier_live_subscribers 1\n") {
			t.Errorf("metrics do not count the open live subscription:\n%s", body)
		}
		sub.Close()

		// A form posted from another site is refused before it reaches a
		// handler (CSRF); the same form from Palier's own pages is not.
		form := url.Values{"email": {"l1@acme.test"}, "password": {storetest.Password}}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if code := postForm(t, noRedirect, srv.URL+"/login", form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); code != http.StatusForbidden {
			t.Errorf("cross-site login POST = %d, want 403", code)
		}
		if code := postForm(t, noRedirect, srv.URL+"/login", form, "Sec-Fetch-Site", "same-origin"); code != http.StatusSeeOther {
			t.Errorf("same-origin login POST = %d, want 303", code)
		}

		// The failure paths. /readyz must really ask the database: closed,
		// it is not ready, while /healthz (the process) still answers.
		_ = s.Close()
		if res, body := get("/readyz"); res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("/readyz with the database closed = %d %q, want 503 with Retry-After", res.StatusCode, body)
		}
		if res, _ := get("/healthz"); res.StatusCode != 200 {
			t.Errorf("/healthz with the database closed = %d", res.StatusCode)
		}
	})
}

// TestRoutingHealth: saved rules that cannot compile are reported by
// /healthz/routing (503, naming the workspace and version) while /readyz
// stays ready, since every new ticket still gets the default route.
func TestRoutingHealth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		_, _, get := serve(t, s)
		if res, body := get("/healthz/routing"); res.StatusCode != 200 || body != "ok\n" {
			t.Errorf("healthy rules: %d %q", res.StatusCode, body)
		}
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Fraude", Enabled: true,
			When: routing.Condition{Field: "text", Op: "contains_words", Value: "fraude"},
			Then: routing.Actions{Tier: "L2", TierID: f.Tier["L2"].ID, TeamID: 999_999, Team: "Équipe supprimée"}}},
			Fallback: routing.Actions{Tier: "L1", TierID: f.Tier["L1"].ID}}
		version, err := s.SaveRoutingRules(context.Background(), f.WS.ID, f.Admin.ID, rs)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("workspace %d: routing rules version %d do not compile (1 error); new tickets follow the default route\n", f.WS.ID, version)
		if res, body := get("/healthz/routing"); res.StatusCode != http.StatusServiceUnavailable || body != want {
			t.Errorf("broken rules: %d %q, want 503 %q", res.StatusCode, body, want)
		}
		if res, body := get("/readyz"); res.StatusCode != 200 {
			t.Errorf("broken rules must not take the instance out: /readyz = %d %q", res.StatusCode, body)
		}
	})
}

// With --metrics-addr the main address no longer serves /metrics; with
// --metrics-token reading them needs the token.
func TestMetricsCanMoveAndNeedAToken(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	storetest.Seed(t, s)
	app, metrics, err := server.Handlers(desk.New(s, nil), server.Config{Version: "test", SeparateMetrics: true, MetricsToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	status := func(h http.Handler, auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := status(app, "Bearer s3cret"); got == 200 {
		t.Errorf("the main address still serves /metrics")
	}
	for auth, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer s3cret": 200} {
		if got := status(metrics, auth); got != want {
			t.Errorf("metrics address with %q: %d, want %d", auth, got, want)
		}
	}
	app, _, _ = server.Handlers(desk.New(s, nil), server.Config{Version: "test", MetricsToken: "s3cret"})
	if status(app, "") != 401 || status(app, "Bearer s3cret") != 200 {
		t.Errorf("a token on the main address is not enforced")
	}
}

// TestChatOutlivesRequestTimeouts runs the production server with request
// timeouts and a request budget far shorter than a conversation: a chat's
// WebSocket stays up past them (the exception is on purpose and only for
// it), is counted in /metrics while open, and an ordinary slow request is
// still cut.
func TestChatOutlivesRequestTimeouts(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	f := storetest.Seed(t, s)
	open := f.WS
	open.BusinessHours = "24/7" // the help centre offers chat at any hour
	if err := s.UpdateWorkspace(context.Background(), f.Admin.ID, open); err != nil {
		t.Fatal(err)
	}
	d := desk.New(s, nil)
	const limit = 300 * time.Millisecond
	h, err := server.New(d, server.Config{Version: "test", RequestBudget: limit})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.HTTPServer(h, server.Limits{ReadHeaderTimeout: limit, ReadTimeout: limit, WriteTimeout: limit, IdleTimeout: limit}, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	base := "http://" + ln.Addr().String()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if code := postForm(t, c, base+"/help/chat", url.Values{"name": {"Zoé"}, "message": {"Bonjour"}}, "Origin", base); code != http.StatusSeeOther {
		t.Fatalf("start chat: %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/help/chat/ws",
		&websocket.DialOptions{HTTPClient: c, HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	// Pings keep the reader going; the deadline passes meanwhile.
	go func() {
		for {
			if _, _, err := conn.Read(ctx); err != nil {
				return
			}
		}
	}()
	opened := time.Now()
	for time.Since(opened) < 4*limit {
		if err := conn.Ping(ctx); err != nil {
			t.Fatalf("the chat's connection was cut after %v: %v", time.Since(opened), err)
		}
	}
	b, _ := json.Marshal(map[string]string{"type": "say", "ref": "late", "text": "toujours là"})
	if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("write after the timeouts: %v", err)
	}
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("ping after the timeouts: %v", err)
	}

	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "palier_live_subscribers 1\n") {
		t.Fatalf("the open chat is not counted:\n%s", body)
	}

	// An ordinary request that trickles its body is still cut.
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, _ = raw.Write([]byte("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail="))
	_ = raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(raw); err != nil {
		t.Fatalf("a slow request was not cut by the server: %v", err)
	}
}
