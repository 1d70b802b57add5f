package helpbox

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
)

// Kind is how a mapping recognises a page.
type Kind string

// The kinds of mapping.
const (
	// Prefix matches a page whose address starts with the pattern, whole
	// path segments only: "/billing" matches /billing and
	// /billing/invoices, not /billing-faq.
	Prefix Kind = "prefix"
	// Glob matches the whole address: * is any run of characters within
	// one path segment, ** any run across segments, ? one character.
	Glob Kind = "glob"
	// Tag matches a page whose script tag lists the tag in its
	// data-palier-tags attribute.
	Tag Kind = "tag"
)

// Kinds are the kinds of mapping, in the order the admin page offers them.
var Kinds = []Kind{Prefix, Glob, Tag}

// Limits on a mapping.
const (
	MaxPattern  = 300 // bytes
	MaxTag      = 40  // runes
	MaxMappings = 200 // per workspace
	MaxPageTags = 20
)

// Mapping shows an article, or a category's articles, on the pages it
// matches. A pattern that starts with "/" is matched against the page's
// path on any allowed site; one that starts with http:// or https:// is
// matched against the page's origin and path. Queries and fragments are
// ignored.
type Mapping struct {
	ID         int64
	Kind       Kind
	Pattern    string
	ArticleID  int64 // exactly one of ArticleID and CategoryID is set
	CategoryID int64
	Position   int
}

var tagShape = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Validate checks a mapping, reporting every bad field, and tidies its
// pattern (trimmed; tags lower case).
func (m *Mapping) Validate() error {
	f := problem.Fields{}
	m.Pattern = strings.TrimSpace(m.Pattern)
	switch m.Kind {
	case Prefix, Glob:
		switch {
		case m.Pattern == "":
			f.Required("pattern")
		case len(m.Pattern) > MaxPattern:
			f.Add("pattern", "too_long", "is too long", "max", strconv.Itoa(MaxPattern))
		case !strings.HasPrefix(m.Pattern, "/") && !strings.HasPrefix(m.Pattern, "http://") && !strings.HasPrefix(m.Pattern, "https://"),
			strings.ContainsAny(m.Pattern, " \t\r\n#"):
			f.Add("pattern", "bad_pattern", "must start with / or http(s):// and have no spaces")
		}
	case Tag:
		m.Pattern = strings.ToLower(m.Pattern)
		switch {
		case m.Pattern == "":
			f.Required("pattern")
		case utf8.RuneCountInString(m.Pattern) > MaxTag:
			f.Add("pattern", "too_long", "is too long", "max", strconv.Itoa(MaxTag))
		case !tagShape.MatchString(m.Pattern):
			f.Add("pattern", "bad_key", "must use only a-z, 0-9, _ and -")
		}
	default:
		f.Add("kind", "unknown_value", "must be prefix, glob or tag", "allowed", "prefix, glob, tag")
	}
	if (m.ArticleID == 0) == (m.CategoryID == 0) {
		f.Add("target", "one_target", "must name one article or one category")
	}
	return f.Err()
}

// Page is the page of the customer's site the box was opened on.
type Page struct {
	URL  *url.URL // nil when the box was not told (or told nonsense)
	Tags []string
}

// ParsePage reads the page the box was opened on: its address (http or
// https, absolute) and its tags (separated by spaces or commas).
func ParsePage(rawURL, tags string) Page {
	var p Page
	if u, err := url.Parse(rawURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(rawURL) <= 2000 {
		p.URL = u
	}
	for _, t := range strings.FieldsFunc(strings.ToLower(tags), func(r rune) bool { return r == ' ' || r == ',' }) {
		if len(p.Tags) == MaxPageTags {
			break
		}
		if utf8.RuneCountInString(t) <= MaxTag {
			p.Tags = append(p.Tags, t)
		}
	}
	return p
}

// Matches reports whether a mapping applies to a page.
func (m Mapping) Matches(p Page) bool {
	if m.Kind == Tag {
		for _, t := range p.Tags {
			if t == m.Pattern {
				return true
			}
		}
		return false
	}
	if p.URL == nil {
		return false
	}
	target := p.URL.Path // decoded: patterns are typed as people read addresses
	if target == "" {
		target = "/"
	}
	pattern := m.Pattern
	if !strings.HasPrefix(pattern, "/") {
		// An address with its origin: compare origins as browsers do
		// (case, default ports), then the paths.
		origin, path := pattern, "/"
		if k := strings.Index(pattern[len("https://"):], "/"); k >= 0 {
			k += len("https://")
			origin, path = pattern[:k], pattern[k:]
		}
		po, ok1 := NormalizeOrigin(origin)
		uo, ok2 := NormalizeOrigin(p.URL.Scheme + "://" + p.URL.Host)
		if !ok1 || !ok2 || po != uo {
			return false
		}
		pattern = path
	}
	switch m.Kind {
	case Prefix:
		return pathPrefix(pattern, target)
	case Glob:
		return glob(pattern, target)
	}
	return false
}

// pathPrefix reports whether path starts with prefix at a segment
// boundary.
func pathPrefix(prefix, path string) bool {
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || strings.HasSuffix(prefix, "/") || path[len(prefix)] == '/'
}

// glob matches a whole path against a pattern of *, ** and ?. It runs in
// O(len(pattern)·len(path)), whatever the pattern: a page address comes
// from the visitor.
func glob(pattern, path string) bool {
	pat, runes := []rune(pattern), []rune(path)
	cur := make([]bool, len(runes)+1)
	next := make([]bool, len(runes)+1)
	cur[0] = true
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		double := c == '*' && i+1 < len(pat) && pat[i+1] == '*'
		for double && i+1 < len(pat) && pat[i+1] == '*' {
			i++
		}
		clear(next)
		for j := 0; j <= len(runes); j++ {
			switch {
			case double:
				next[j] = cur[j] || (j > 0 && next[j-1])
			case c == '*':
				next[j] = cur[j] || (j > 0 && next[j-1] && runes[j-1] != '/')
			case j == 0:
			case c == '?':
				next[j] = cur[j-1] && runes[j-1] != '/'
			default:
				next[j] = cur[j-1] && runes[j-1] == c
			}
		}
		cur, next = next, cur
	}
	return cur[len(runes)]
}

// Select returns the mappings that apply to a page, in their order.
func Select(ms []Mapping, p Page) []Mapping {
	var out []Mapping
	for _, m := range ms {
		if m.Matches(p) {
			out = append(out, m)
		}
	}
	return out
}
