package clientip

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestResolve(t *testing.T) {
	proxies, err := Parse("10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no proxy, no header", "198.51.100.1:5000", nil, "198.51.100.1"},
		{"an untrusted peer's header is ignored", "198.51.100.1:5000", []string{"203.0.113.9"}, "198.51.100.1"},
		{"a trusted proxy's client", "10.1.2.3:443", []string{"203.0.113.9"}, "203.0.113.9"},
		{"what the client wrote left of it is not believed", "10.1.2.3:443", []string{"1.1.1.1, 203.0.113.9"}, "203.0.113.9"},
		{"a chain of trusted proxies", "192.0.2.7:80", []string{"203.0.113.9, 10.0.0.5", "10.9.9.9"}, "203.0.113.9"},
		{"only proxies: the farthest", "10.1.2.3:443", []string{"10.0.0.5"}, "10.0.0.5"},
		{"a malformed hop stops the chain", "10.1.2.3:443", []string{"203.0.113.9, garbage"}, "10.1.2.3"},
		{"no header from a proxy: the proxy", "10.1.2.3:443", nil, "10.1.2.3"},
		{"IPv6 proxy", "[2001:db8::1]:443", []string{"2001:db9::5"}, "2001:db9::5"},
		{"mapped IPv4 peer", "[::ffff:10.1.2.3]:443", []string{"203.0.113.9"}, "203.0.113.9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.peer
			for _, h := range c.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := proxies.Resolve(r); got != c.want {
				t.Errorf("Resolve = %q, want %q", got, c.want)
			}
			var seen string
			Middleware(proxies, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = Of(r) })).ServeHTTP(httptest.NewRecorder(), r)
			if seen != c.want {
				t.Errorf("Of behind the middleware = %q, want %q", seen, c.want)
			}
		})
	}
	// Trusting nobody (the default) ignores the header from everyone.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.1.2.3:443"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	if got := (Proxies{}).Resolve(r); got != "10.1.2.3" {
		t.Errorf("with no trusted proxies: %q", got)
	}
	if got := Of(r); got != "10.1.2.3" {
		t.Errorf("Of without the middleware: %q", got)
	}
}

func TestParseRefusesNonsense(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1/8/2"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if p, err := Parse(" , "); err != nil || len(p.nets) != 0 {
		t.Errorf("an empty list: %v %v", p, err)
	}
}
