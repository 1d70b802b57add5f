package auth

import (
	"net/netip"
	"strings"
	"time"
)

// Throttle is the rule that slows password guessing: each key (an account
// or a client address) gets Free failed attempts; after that, every further
// attempt must wait Base, doubled per failure beyond Free, up to Cap. A
// correct password after the wait still works, so nobody is walled out for
// good, yet a guesser gets a few attempts an hour. Failures are forgotten
// after Forget without any.
type Throttle struct {
	Free   int
	Base   time.Duration
	Cap    time.Duration
	Forget time.Duration
}

// LoginThrottle is the rule applied to sign-ins.
var LoginThrottle = Throttle{Free: 10, Base: time.Second, Cap: 15 * time.Minute, Forget: 24 * time.Hour}

// Attempts is what is kept per key: failures counted (a reserved attempt
// counts as a failure until it succeeds) and when the last one was.
type Attempts struct {
	Failures int
	Last     time.Time
}

// Wait returns how long from now until the key may try again; zero means
// now.
func (t Throttle) Wait(a Attempts, now time.Time) time.Duration {
	if a.Failures < t.Free || now.Sub(a.Last) >= t.Forget {
		return 0
	}
	delay := t.Cap
	if n := a.Failures - t.Free; n < 40 { // beyond 2^40 s the cap applies anyway
		if d := t.Base << n; d > 0 && d < t.Cap {
			delay = d
		}
	}
	if w := a.Last.Add(delay).Sub(now); w > 0 {
		return w
	}
	return 0
}

// Next returns the state after one more counted attempt at now.
func (t Throttle) Next(a Attempts, now time.Time) Attempts {
	if now.Sub(a.Last) >= t.Forget {
		a.Failures = 0
	}
	return Attempts{Failures: a.Failures + 1, Last: now}
}

// AccountKey is the throttle key of an account.
func AccountKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }

// AddressKey is the throttle key of a client address. IPv6 clients usually
// hold a whole /64, so they are counted by it.
func AddressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return "ip:" + addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + ip.String()
}
