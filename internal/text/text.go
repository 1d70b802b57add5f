// Package text decides which text Palier accepts from outside, in one place
// for every edge (API bodies and query strings, web forms, later mail and
// the portal).
//
// Both databases must behave the same: PostgreSQL refuses a NUL byte in a
// text column (a 500 if it gets that far) where SQLite stores it, and
// control characters or bidirectional overrides stored in a name can
// disguise it on every page that shows it. So text is checked at the edge,
// before any work: valid UTF-8, no NUL, no other control character (C0, DEL,
// C1) except tab, line feed and carriage return in multi-line text, and no
// bidirectional embedding, override or isolate in names.
package text

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
)

// Kind says how strict a piece of text is checked.
type Kind int

const (
	// Multiline is free text: message bodies, descriptions, answers. Tab,
	// line feed and carriage return are allowed.
	Multiline Kind = iota
	// Line is one line (a subject, a search, a query parameter): no control
	// character at all.
	Line
	// Name is a line that names something (an agent, a team, an email
	// address, a key): bidirectional controls are refused too, so a name
	// reads the same everywhere it is shown.
	Name
)

// The field failure codes, shared with the domain validators (their texts
// live in the i18n catalogue under "field.<code>").
const (
	CodeBadUTF8   = "bad_utf8"
	CodeBadChar   = "bad_text"
	CodeMultiline = "multiline"
)

// Problem is what is wrong with a text: a field failure code and the
// offending character ("U+0000"); the zero value means nothing.
type Problem struct {
	Code string
	Char string
}

// Check returns what is wrong with s read as kind k, or the zero Problem.
func Check(s string, k Kind) Problem {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return Problem{Code: CodeBadUTF8}
			}
			continue // a real U+FFFD
		}
		switch {
		case r == '\t':
			if k != Multiline {
				return Problem{Code: CodeBadChar, Char: codePoint(r)}
			}
		case r == '\n' || r == '\r':
			if k != Multiline {
				return Problem{Code: CodeMultiline, Char: codePoint(r)}
			}
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return Problem{Code: CodeBadChar, Char: codePoint(r)}
		case k == Name && isBidiControl(r):
			return Problem{Code: CodeBadChar, Char: codePoint(r)}
		}
	}
	return Problem{}
}

// OK reports whether s is acceptable as kind k.
func OK(s string, k Kind) bool { return Check(s, k) == Problem{} }

// isBidiControl reports the characters that change the direction of the
// text after them (embeddings, overrides, isolates): in a name they can make
// "evil‮gnp.exe" read as another name. The plain marks (U+200E, U+200F,
// U+061C) only nudge neutral characters and are allowed.
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// Add records p as the failure of field name in f (nothing when p is the
// zero Problem).
func (p Problem) Add(f problem.Fields, name string) {
	switch p.Code {
	case "":
	case CodeBadUTF8:
		f.Add(name, p.Code, "is not valid UTF-8 text")
	case CodeMultiline:
		f.Add(name, p.Code, "must be one line", "character", p.Char)
	default:
		f.Add(name, p.Code, "contains a character that is not allowed", "character", p.Char)
	}
}

// nameFields are the keys whose values name something. The last part of a
// field's path decides ("customer.name" is a name).
var nameFields = map[string]bool{
	"name": true, "name_fr": true, "name_en": true, "email": true, "customer_email": true,
	"customer_name": true, "code": true, "key": true, "label": true, "label_fr": true,
	"label_en": true, "domain": true, "vendor_email": true, "rule_name": true,
	"procedure_name": true, "timezone": true, "language": true, "default_language": true,
}

// lineFields are one-line texts that are not names.
var lineFields = map[string]bool{"subject": true, "q": true, "token": true, "tags": true, "tag": true}

// KindOf is the kind of the field named key (the last part of its path).
func KindOf(key string) Kind {
	switch {
	case nameFields[key]:
		return Name
	case lineFields[key]:
		return Line
	}
	return Multiline
}

// CheckValues checks every name and value of a query string or a form.
// Query strings are one line whatever the parameter; a form's fields are
// of the kind their name says (a message body may span lines).
func CheckValues(values url.Values, query bool) problem.Fields {
	f := problem.Fields{}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if p := Check(name, Line); p != (Problem{}) {
			p.Add(f, "query")
			continue
		}
		k := KindOf(name)
		if query && k == Multiline {
			k = Line
		}
		for _, v := range values[name] {
			if p := Check(v, k); p != (Problem{}) {
				p.Add(f, name)
				break
			}
		}
	}
	return f
}
