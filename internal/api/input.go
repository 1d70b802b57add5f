package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/text"
)

// MaxBody bounds request bodies. The largest legitimate body (a ticket
// with a 64 KiB message) fits many times over.
const MaxBody = 1 << 20

var (
	errBadID            = problem.New(problem.BadRequest, "bad_id", "the id in the address is not a valid number")
	errBadCursor        = problem.New(problem.BadRequest, "bad_cursor", "the page cursor is invalid")
	errBodyTooLarge     = problem.New(problem.TooLarge, "body_too_large", "the request body is too large")
	errUnsupportedMedia = problem.New(problem.BadRequest, "unsupported_media_type", "send JSON (Content-Type: application/json)")
)

func badJSON(reason string, offset int64) error {
	return problem.New(problem.BadRequest, "bad_json", "the request body is not valid JSON").
		With("reason", reason).With("offset", strconv.FormatInt(offset, 10))
}

func badParameter(name, value string) *problem.Error { return problem.BadParameter(name, value) }

// decode reads the request's JSON body into v, strictly: the body must be
// one JSON value of v's shape, with no field v does not know, at most
// MaxBody bytes of valid UTF-8. Every failure is a problem naming what is
// wrong, so a client can fix its request without guessing.
func (c *call) decode(v any) error {
	raw, err := c.rawJSON()
	if err != nil {
		return err
	}
	return decodeJSON(raw, v)
}

// rawJSON reads the request's JSON body as bytes, for a handler that must
// see them as sent (to check a signature) before decoding them.
func (c *call) rawJSON() ([]byte, error) {
	if err := checkContentType(c.r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, MaxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errBodyTooLarge
		}
		return nil, badJSON("unreadable", 0)
	}
	return raw, nil
}

// checkContentType accepts JSON (and JSON merge patch, which is what PATCH
// bodies are) in UTF-8.
func checkContentType(header string) error {
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
		return errUnsupportedMedia
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return errUnsupportedMedia
	}
	return nil
}

func decodeJSON(raw []byte, v any) error {
	if !utf8.Valid(raw) {
		// encoding/json would silently turn bad bytes into U+FFFD and
		// store mangled text; refuse instead.
		return problem.New(problem.BadRequest, "bad_utf8", "the request body is not valid UTF-8")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return badJSON("empty", 0)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err, int64(len(raw)), reflect.TypeOf(v))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		end := dec.InputOffset()
		for end < int64(len(raw)) && strings.ContainsRune(" \t\r\n", rune(raw[end])) {
			end++
		}
		return badJSON("trailing", end)
	}
	// Every string of the body, whatever it is decoded into, passes the one
	// text check before any work (see package text).
	// Like any other bad value, it is a field failure (422 validation_failed).
	return text.CheckJSON(raw).Err()
}

// jsonProblem turns an encoding/json error into a problem. A value of the
// wrong type is a field failure (422), like any other bad value; broken
// syntax is a bad request (400) with the byte offset.
func jsonProblem(err error, size int64, target reflect.Type) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return badJSON("syntax", se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return badJSON("eof", size)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return badJSON("not_object", 0)
		}
		f := problem.Fields{}
		f.Add(jsonPath(target, te.Field), "wrong_type", "has the wrong type", "expected", jsonType(te.Type))
		return f.Err()
	}
	// encoding/json reports unknown fields as a plain error with the name
	// quoted after this prefix.
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := strconv.Unquote(rest)
		if uerr != nil {
			name = rest
		}
		return problem.New(problem.BadRequest, "unknown_json_field", "unknown field in the request body: "+name).With("field", name)
	}
	if _, ok := errors.AsType[*json.InvalidUnmarshalError](err); ok {
		return fmt.Errorf("decode request: %w", err) // a programming error: 500
	}
	return badJSON("invalid", 0)
}

// jsonPath removes from a decoding error's field path the Go names of
// embedded structs ("agentBody.tier_ids"): their fields are promoted, so
// the client knows the field by its JSON name alone.
func jsonPath(target reflect.Type, path string) string {
	embedded := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for f := range t.Fields() {
			if f.Anonymous {
				embedded[f.Name] = true
				walk(f.Type)
			}
		}
	}
	walk(target)
	parts := strings.Split(path, ".")
	for len(parts) > 1 && embedded[parts[0]] {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

// jsonType names the JSON type a Go type is read from.
func jsonType(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "value"
}

// id reads a positive integer id from the path.
func (c *call) id(name string) (int64, error) {
	s := c.r.PathValue(name)
	if s == "" || len(s) > 19 || strings.Trim(s, "0123456789") != "" {
		return 0, errBadID
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, errBadID
	}
	return v, nil
}

// param declares a query parameter a route accepts. Declarations drive both
// the checks below and the OpenAPI document.
type param struct {
	Name   string
	Type   string // "string" or "integer"
	Desc   string
	Enum   []string
	Min    int64 // integers: the accepted range
	Max    int64
	Repeat bool // may be repeated or given as a comma-separated list
}

// MaxListValues bounds how many values a multi-value filter takes (status,
// tier…), repeated and comma-separated together: each value costs the
// database work, and no screen offers more.
const MaxListValues = 100

// checkQuery refuses undeclared parameters, repeats of single ones, text
// that is not acceptable (package text), more than MaxListValues values of
// a filter, integers out of range and values outside an enum. Refusing
// rather than ignoring means a typo ("stauts=open") is an error, not a
// silently unfiltered list. Every route passes here, so every list gets the
// same limits.
func checkQuery(r *http.Request, params []param) error {
	// Counted before parsing: the standard parser gives up on very long
	// query strings with an error that does not say which parameter.
	if err := countRepeats(r.URL.RawQuery); err != nil {
		return err
	}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badParameter("query", "")
	}
	if err := queryText(values); err != nil {
		return err
	}
	for name, vs := range values {
		i := slices.IndexFunc(params, func(p param) bool { return p.Name == name })
		if i < 0 {
			return badParameter(name, "").With("reason", "unknown")
		}
		p := params[i]
		if len(vs) > 1 && !p.Repeat {
			return badParameter(name, "").With("reason", "repeated")
		}
		if p.Repeat {
			// Counted before any value is looked at, so 40,000 repeats
			// cost a count, not 40,000 checks.
			n := 0
			for _, v := range vs {
				n += strings.Count(v, ",") + 1
			}
			if n > MaxListValues && len(splitAll(vs)) > MaxListValues {
				return tooManyValues(name)
			}
		}
		for _, v := range vs {
			if err := p.check(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// countRepeats refuses a parameter given more than MaxListValues times.
func countRepeats(raw string) error {
	if strings.Count(raw, "&") < MaxListValues {
		return nil
	}
	counts := map[string]int{}
	for piece := range strings.SplitSeq(raw, "&") {
		name, _, _ := strings.Cut(piece, "=")
		if counts[name]++; counts[name] > MaxListValues {
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			return tooManyValues(name)
		}
	}
	return nil
}

func tooManyValues(name string) error {
	return problem.New(problem.BadRequest, "too_many_values", "too many values for the query parameter "+name).
		With("name", name).With("max", strconv.Itoa(MaxListValues))
}

// queryText refuses a query string with text no field accepts (package
// text): a malformed request, like every other query failure.
func queryText(values url.Values) error {
	f := text.CheckValues(values, true)
	if len(f) == 0 {
		return nil
	}
	name := slices.Sorted(maps.Keys(f))[0]
	if f[name].Code == text.CodeBadUTF8 {
		return problem.New(problem.BadRequest, "bad_utf8", "the query string is not valid UTF-8")
	}
	return badParameter(name, "").With("reason", f[name].Code).With("character", f[name].Params["character"])
}

// splitAll is every item of a repeated or comma-separated parameter.
func splitAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, splitList(v)...)
	}
	return out
}

func (p param) check(v string) error {
	items := []string{v}
	if p.Repeat {
		items = splitList(v)
	}
	for _, it := range items {
		if p.Type == "integer" {
			n, err := strconv.ParseInt(it, 10, 64)
			if err != nil || n < p.Min || (p.Max != 0 && n > p.Max) {
				return badParameter(p.Name, it)
			}
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, it) {
			return badParameter(p.Name, it)
		}
	}
	return nil
}

// list returns a parameter's values, repeated or comma-separated.
func (c *call) list(name string) []string { return splitAll(c.r.URL.Query()[name]) }

func splitList(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// integer returns an integer parameter already checked by checkQuery, or def.
func (c *call) integer(name string, def int64) int64 {
	s := c.r.URL.Query().Get(name)
	if s == "" {
		return def
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// Page sizes of every list but the timeline.
const (
	defaultLimit = 50
	maxLimit     = 100
)

var (
	limitParam  = param{Name: "limit", Type: "integer", Min: 1, Max: maxLimit, Desc: "Page size (default 50)."}
	cursorParam = param{Name: "cursor", Type: "string", Desc: "The next_cursor of the previous page."}
)

// page is the envelope of every list answer.
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// idCursor encodes an id to continue from; kind keeps a cursor of one list
// from being passed to another by mistake.
func idCursor(kind string, id int64) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(id, 10)))
	return &s
}

func parseIDCursor(kind, cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, errBadCursor
	}
	k, v, ok := strings.Cut(string(raw), ":")
	id, err := strconv.ParseInt(v, 10, 64)
	if !ok || k != kind || err != nil || id <= 0 {
		return 0, errBadCursor
	}
	return id, nil
}

// pageOf cuts a list fetched with one extra item (limit+1) into a page: the
// extra item only says that another page exists.
func pageOf[T any](items []T, limit int, kind string, id func(T) int64) page[T] {
	p := page[T]{Data: items}
	if p.Data == nil {
		p.Data = []T{}
	}
	if len(items) > limit {
		p.Data = items[:limit]
		p.NextCursor = idCursor(kind, id(items[limit-1]))
	}
	return p
}
