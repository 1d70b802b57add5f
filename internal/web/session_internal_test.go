package web

import "testing"

// After signing in, the browser goes back to the page it came from, but
// never to another site.
func TestLocalNextKeepsRedirectsOnSite(t *testing.T) {
	cases := map[string]string{
		"/tickets/12":              "/tickets/12",
		"/views/unassigned?page=2": "/views/unassigned?page=2",
		"":                         "/",
		"https://evil.example/":    "/",
		"//evil.example/":          "/",
		"/\\evil.example":          "/",
		"/\t/evil.example":         "/",
		"/\r\nSet-Cookie: x=1":     "/",
		"tickets/12":               "/",
	}
	for in, want := range cases {
		if got := localNext(in); got != want {
			t.Errorf("localNext(%q) = %q, want %q", in, got, want)
		}
	}
}
