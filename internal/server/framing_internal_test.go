package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Only the help box's pages may be framed, and only as their handler
// says; any other response refuses framing whatever its handler set, and a
// stricter policy of its own is kept.
func TestOnlyTheHelpBoxMayBeFramed(t *testing.T) {
	relax := func(csp string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Del("X-Frame-Options")
			w.Header().Set("Content-Security-Policy", csp)
			_, _ = w.Write([]byte("hello"))
		})
	}
	cases := []struct {
		path, csp string
		wantCSP   string
		framable  bool
	}{
		{"/help/box", "default-src 'self'; frame-ancestors https://shop.example", "default-src 'self'; frame-ancestors https://shop.example", true},
		{"/help/box/ask", "frame-ancestors https://shop.example", "frame-ancestors https://shop.example", true},
		{"/help/boxes", "frame-ancestors https://shop.example", contentSecurityPolicy, false},
		{"/help/box.js", "frame-ancestors *", contentSecurityPolicy, false},
		{"/help", "frame-ancestors *", contentSecurityPolicy, false},
		{"/attachments/1", "default-src 'none'; sandbox", "default-src 'none'; sandbox; frame-ancestors 'none'", false},
		{"/login", "", contentSecurityPolicy, false},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		securityHeaders(relax(c.csp)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		got := rec.Result().Header
		if got.Get("Content-Security-Policy") != c.wantCSP {
			t.Errorf("%s: CSP %q, want %q", c.path, got.Get("Content-Security-Policy"), c.wantCSP)
		}
		if framable := got.Get("X-Frame-Options") == ""; framable != c.framable {
			t.Errorf("%s: X-Frame-Options %q", c.path, got.Get("X-Frame-Options"))
		}
		if !c.framable && !strings.Contains(got.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s may be framed", c.path)
		}
		if rec.Body.String() != "hello" {
			t.Errorf("%s: body %q", c.path, rec.Body.String())
		}
	}
	// A handler that only writes headers, without a body, is held too.
	rec := httptest.NewRecorder()
	securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "frame-ancestors *")
		w.WriteHeader(http.StatusNoContent)
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/tickets/1", nil))
	if rec.Result().Header.Get("Content-Security-Policy") != contentSecurityPolicy || rec.Code != http.StatusNoContent {
		t.Errorf("204: %v %d", rec.Result().Header, rec.Code)
	}
}
