// Package helpbox holds the rules of the embeddable help box: a
// workspace's public key and the origins allowed to embed it, and the
// mappings that say which articles a page of the customer company's site
// shows (by URL prefix, URL glob or page tag). It is pure: storage lives in
// store, access checks in desk, HTTP in web.
package helpbox

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/problem"
)

// Settings are a workspace's help-box settings.
type Settings struct {
	WorkspaceID int64
	// Key identifies the workspace in the script tag. It is public (it is
	// in every page of the customer's site), not a secret: rotating it
	// only stops old tags from working.
	Key       string
	Origins   []string // allowed to embed the box: "https://shop.example"
	UpdatedAt time.Time
}

// Allows reports whether a page of origin may embed the box and read its
// JSON.
func (s Settings) Allows(origin string) bool {
	o, ok := NormalizeOrigin(origin)
	return ok && slices.Contains(s.Origins, o)
}

// FrameAncestors is the value of the Content-Security-Policy directive
// frame-ancestors for the box: the allowed origins, or 'none'.
func (s Settings) FrameAncestors() string {
	if len(s.Origins) == 0 {
		return "'none'"
	}
	return strings.Join(s.Origins, " ")
}

// keyPrefix marks a help-box key, so nobody mistakes it for an API token.
const keyPrefix = "pk_"

var keyShape = regexp.MustCompile(`^pk_[A-Za-z0-9_-]{22}$`)

// NewKey returns a fresh public key: 128 random bits, so that keys cannot
// be enumerated even though they are not secret.
func NewKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidKey reports whether s has the shape of a key (before any lookup).
func ValidKey(s string) bool { return keyShape.MatchString(s) }

// MaxOrigins bounds the allowed origins of a workspace.
const MaxOrigins = 20

// NormalizeOrigin returns an origin as browsers send it
// ("https://shop.example", "http://localhost:8080"): scheme http or https,
// a host, an optional port, nothing else; lower case, default ports
// dropped.
func NormalizeOrigin(s string) (string, bool) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, " *") {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" || (port != "" && !validPort(port)) {
		return "", false
	}
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host, true
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536
}

// ParseOrigins reads the origins an admin typed, one per line (commas and
// spaces also separate them), normalised and deduplicated; every bad one is
// reported under the field "origins".
func ParseOrigins(text string) ([]string, error) {
	f := problem.Fields{}
	var out []string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' }) {
		o, ok := NormalizeOrigin(s)
		if !ok {
			f.Add("origins", "bad_origin", "is not an origin such as https://shop.example", "value", s)
			continue
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	if len(out) > MaxOrigins {
		f.Add("origins", "too_many", "has too many origins", "max", strconv.Itoa(MaxOrigins))
	}
	return out, f.Err()
}
