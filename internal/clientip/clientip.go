// Package clientip decides who a request comes from, for every rate limit
// and throttle: the connection's peer, or, only when that peer is one of
// the operator's trusted proxies, the address the proxies recorded in
// X-Forwarded-For. Trusting the header from anyone else would let a client
// pick its own address and escape every per-address limit; ignoring it
// behind a load balancer would put a whole office under one address.
package clientip

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies is the set of trusted proxy networks; the zero value trusts none.
type Proxies struct{ nets []netip.Prefix }

// Parse reads a comma-separated list of CIDRs or single addresses
// ("10.0.0.0/8, 192.0.2.7"); an empty list trusts nobody.
func Parse(list string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return Proxies{}, fmt.Errorf("trusted proxy %q: not an address or CIDR", f)
			}
			a = a.Unmap()
			f = netip.PrefixFrom(a, a.BitLen()).String()
		}
		n, err := netip.ParsePrefix(f)
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		p.nets = append(p.nets, n.Masked())
	}
	return p, nil
}

// Trusts reports whether addr is a trusted proxy.
func (p Proxies) Trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, n := range p.nets {
		if n.Contains(addr) {
			return true
		}
	}
	return false
}

// Resolve returns the client address of r: the peer, unless the peer is
// trusted, in which case X-Forwarded-For is read from the right (the
// entries proxies appended) and the first address that is not a trusted
// proxy is the client. Entries left of it were written by the client and
// are never believed.
func (p Proxies) Resolve(r *http.Request) string {
	peer := peerOf(r)
	addr, err := netip.ParseAddr(peer)
	if err != nil || !p.Trusts(addr) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A malformed hop: the last proxy that wrote sanely is as
			// far as the chain can be believed.
			break
		}
		client = a.Unmap()
		if !p.Trusts(client) {
			break
		}
	}
	return client.String()
}

func peerOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}

type ctxKey struct{}

// Middleware resolves each request's client address once, for every
// limit further in to read with Of.
func Middleware(p Proxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, p.Resolve(r))))
	})
}

// Of returns the client address of r: the one Middleware resolved, or the
// peer when no middleware ran (a handler mounted on its own trusts no
// proxy).
func Of(r *http.Request) string {
	if a, ok := r.Context().Value(ctxKey{}).(string); ok {
		return a
	}
	return peerOf(r)
}
