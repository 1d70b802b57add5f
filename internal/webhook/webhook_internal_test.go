package webhook

import (
	"errors"
	"testing"
)

// TestAddressPolicy: by default a webhook cannot reach the machine or the
// network Palier runs in, whatever name leads there.
func TestAddressPolicy(t *testing.T) {
	cases := []struct {
		addr    string
		allowed bool
	}{
		{"93.184.216.34:443", true},
		{"[2606:2800:220:1:248:1893:25c8:1946]:443", true},
		{"127.0.0.1:80", false},
		{"[::1]:80", false},
		{"10.1.2.3:443", false},
		{"172.16.0.1:443", false},
		{"192.168.1.10:8080", false},
		{"169.254.169.254:80", false}, // cloud metadata
		{"0.0.0.0:80", false},
		{"[::ffff:127.0.0.1]:80", false}, // IPv4 loopback mapped in IPv6
		{"[fd00::1]:443", false},
		{"[fe80::1]:443", false},
		{"224.0.0.1:80", false},
	}
	for _, c := range cases {
		err := checkAddress(c.addr)
		if c.allowed != (err == nil) {
			t.Errorf("%s: allowed=%v, err=%v", c.addr, c.allowed, err)
		}
		if err != nil && !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: error %v is not ErrForbiddenAddress", c.addr, err)
		}
	}
}
