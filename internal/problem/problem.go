// Package problem is the one error shape every layer of Palier speaks.
//
// Domain code returns a *problem.Error carrying a kind (which decides the
// HTTP status), a stable machine code, an English fallback message and, for
// validation failures, one entry per faulty field. The edges (API and web)
// translate the code into the caller's language; the domain never formats
// HTTP responses itself.
package problem

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Kind classifies an error for the edges: it maps to one HTTP status.
type Kind int

// The kinds of problem, each with one HTTP status.
const (
	Internal     Kind = iota // 500
	Invalid                  // 422: the request was understood but a value is wrong
	BadRequest               // 400: the request itself is malformed
	NotFound                 // 404: unknown id, or an id the caller may not see
	Forbidden                // 403: authenticated but not allowed
	Unauthorized             // 401: not authenticated
	Conflict                 // 409: the state changed under the caller
	TooLarge                 // 413
	TooMany                  // 429
)

// Status returns the HTTP status code for the kind.
func (k Kind) Status() int {
	switch k {
	case Invalid:
		return 422
	case BadRequest:
		return 400
	case NotFound:
		return 404
	case Forbidden:
		return 403
	case Unauthorized:
		return 401
	case Conflict:
		return 409
	case TooLarge:
		return 413
	case TooMany:
		return 429
	}
	return 500
}

// Field describes what is wrong with one input field.
type Field struct {
	Code    string            // stable machine code, e.g. "required", "unknown_value"
	Message string            // English fallback
	Params  map[string]string // values the message refers to
}

// Error is a domain error with a stable code.
type Error struct {
	Kind    Kind
	Code    string // stable machine code, e.g. "ticket_not_found"
	Message string // English fallback message
	Params  map[string]string
	Fields  map[string]Field
	// Detail carries structured values for the edge to render in the
	// caller's language (e.g. an escalation's missing checklist items, in
	// checklist order), so that nothing is flattened into Params and
	// parsed back. It is never sent as is.
	Detail any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, name := range slices.Sorted(maps.Keys(e.Fields)) {
		fmt.Fprintf(&b, "; %s: %s", name, e.Fields[name].Message)
	}
	return b.String()
}

// New returns an error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// With returns a copy of e with a message parameter added.
func (e *Error) With(key, value string) *Error {
	c := *e
	c.Params = maps.Clone(e.Params)
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	c.Params[key] = value
	return &c
}

// BadParameter is the error for a query parameter whose value is not
// acceptable (value may be "").
func BadParameter(name, value string) *Error {
	p := New(BadRequest, "bad_parameter", "the query parameter "+name+" is invalid").With("name", name)
	if value != "" {
		p = p.With("value", value)
	}
	return p
}

// NotFoundf is the error for an unknown (or invisible) object of a kind.
func NotFoundf(object string) *Error {
	return &Error{Kind: NotFound, Code: object + "_not_found", Message: object + " not found", Params: map[string]string{"object": object}}
}

// As extracts a *Error from err's chain.
func As(err error) (*Error, bool) {
	var p *Error
	if errors.As(err, &p) {
		return p, true
	}
	return nil, false
}

// Is reports whether err is a problem of the given kind.
func Is(err error, kind Kind) bool {
	p, ok := As(err)
	return ok && p.Kind == kind
}

// Fields collects validation failures; its Err is nil when nothing failed.
type Fields map[string]Field

// Add records a failure for a field; the first failure of a field wins.
func (f Fields) Add(name, code, message string, params ...string) {
	if _, seen := f[name]; seen {
		return
	}
	fl := Field{Code: code, Message: message}
	if len(params) > 1 {
		fl.Params = map[string]string{}
		for i := 0; i+1 < len(params); i += 2 {
			fl.Params[params[i]] = params[i+1]
		}
	}
	f[name] = fl
}

// Required records a "required" failure.
func (f Fields) Required(name string) { f.Add(name, "required", "is required") }

// Err returns an Invalid error listing the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Code: "validation_failed", Message: "some fields are invalid", Fields: map[string]Field(f)}
}

// Summary joins the messages of several errors after a head, showing the
// first few: "head: a; b; c; d; e; and 4 more". Validators that report all
// their errors at once use it for their Error text.
func Summary(head string, messages []string) string {
	const shown = 5
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(": ")
	for i, m := range messages {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(messages)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m)
	}
	return b.String()
}

// Count writes "1 error", "2 errors".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
