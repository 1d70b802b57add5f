package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestServerEdges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storetest.Seed(t, s)
		d := desk.New(s, nil)
		h, err := server.New(d, server.Config{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()

		get := func(path string) (*http.Response, string) {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		}
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
		cross, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
		cross.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		cross.Header.Set("Sec-Fetch-Site", "cross-site")
		cross.Header.Set("Origin", "https://evil.example")
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err = noRedirect.Do(cross)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site login POST = %d, want 403", res.StatusCode)
		}
		same, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
		same.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		same.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err = noRedirect.Do(same)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("same-origin login POST = %d, want 303", res.StatusCode)
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
