package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// env is a seeded workspace behind a real HTTP server, with a bearer token
// for every member of the fixture.
type env struct {
	t      *testing.T
	s      *store.Store
	d      *desk.Service
	f      storetest.Fixture
	api    *API
	srv    *httptest.Server
	tokens map[string]string // "admin", "lead", "agentL1", "agentL2", "agentL3", "other"
	doc    map[string]any    // the served OpenAPI document, to check answers against
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	f := storetest.Seed(t, s)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := desk.New(s, log)
	e := &env{t: t, s: s, d: d, f: f, api: newAPI(d, log), tokens: map[string]string{}}
	e.srv = httptest.NewServer(e.api)
	t.Cleanup(e.srv.Close)
	members := f.Members()
	members["other"] = f.Other.Agent
	for name, m := range members {
		token, err := d.CreateToken(context.Background(), storetest.Actor(t, s, m), m.ID, "test")
		if err != nil {
			t.Fatalf("token for %s: %v", name, err)
		}
		e.tokens[name] = token
	}
	if err := json.Unmarshal(e.api.doc, &e.doc); err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	return e
}

// answer is an HTTP answer with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// errorCode returns the error code of an error answer, or "".
func (r answer) errorCode() string {
	var b errorBody
	_ = json.Unmarshal(r.body, &b)
	return b.Error.Code
}

func (r answer) errorBody() errorJSON {
	var b errorBody
	_ = json.Unmarshal(r.body, &b)
	return b.Error
}

func (r answer) String() string { return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(r.body)) }

// req is a request to send; body is marshalled to JSON unless it is a
// string or []byte, sent as is.
type req struct {
	who, method, path string
	body              any
	header            map[string]string // overrides, e.g. Content-Type
}

func (e *env) do(r req) answer {
	e.t.Helper()
	var body io.Reader
	if r.body != nil {
		switch b := r.body.(type) {
		case string:
			body = strings.NewReader(b)
		case []byte:
			body = bytes.NewReader(b)
		default:
			raw, err := json.Marshal(b)
			if err != nil {
				e.t.Fatalf("marshal body: %v", err)
			}
			body = bytes.NewReader(raw)
		}
	}
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, body)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.who != "" {
		hr.Header.Set("Authorization", "Bearer "+e.tokens[r.who])
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	res, err := e.srv.Client().Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", r.method, r.path, err)
	}
	a := answer{status: res.StatusCode, header: res.Header, body: raw}
	e.checkDocumented(hr, a)
	return a
}

// Shorthands for the common calls.
func (e *env) get(who, path string) answer { return e.do(req{who: who, method: "GET", path: path}) }
func (e *env) send(who, method, path string, body any) answer {
	return e.do(req{who: who, method: method, path: path, body: body})
}

// must fails the test unless the answer has the status, and decodes its
// body into out (when not nil).
func (e *env) must(a answer, status int, out any) {
	e.t.Helper()
	if a.status != status {
		e.t.Fatalf("status = %s, want %d", a, status)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			e.t.Fatalf("decode %s: %v", a, err)
		}
	}
}

// checkDocumented holds every answer to the OpenAPI document: JSON with
// nosniff, the documented success status and shape, or the error shape.
func (e *env) checkDocumented(hr *http.Request, a answer) {
	e.t.Helper()
	if rt, ok := e.routeOf(hr); ok && operations[rt.ID].Raw && a.status < 400 {
		// A download is the file itself (attachments_test.go checks its headers).
		if a.header.Get("X-Content-Type-Options") != "nosniff" {
			e.t.Errorf("%s %s: no nosniff header", hr.Method, hr.URL.Path)
		}
		return
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Errorf("%s %s: Content-Type %q", hr.Method, hr.URL.Path, ct)
	}
	if a.header.Get("X-Content-Type-Options") != "nosniff" {
		e.t.Errorf("%s %s: no nosniff header", hr.Method, hr.URL.Path)
	}
	var value any
	if err := json.Unmarshal(a.body, &value); err != nil {
		e.t.Errorf("%s %s: answer is not JSON: %v: %s", hr.Method, hr.URL.Path, err, a.body)
		return
	}
	schemaName := "Error"
	if a.status < 400 {
		rt, ok := e.routeOf(hr)
		if !ok {
			e.t.Errorf("%s %s answered %d but matches no route", hr.Method, hr.URL.Path, a.status)
			return
		}
		op := operations[rt.ID]
		if a.status != op.Status {
			e.t.Errorf("%s: status %d, documented %d", rt.ID, a.status, op.Status)
		}
		schemaName = op.Result
	}
	if problems := validate(e.doc, ref(schemaName), value, "$"); len(problems) > 0 {
		e.t.Errorf("%s %s: answer does not match schema %s:\n  %s", hr.Method, hr.URL.Path, schemaName, strings.Join(problems, "\n  "))
	}
}

// routeOf finds the route the mux picks for a request.
func (e *env) routeOf(hr *http.Request) (route, bool) {
	_, pattern := e.api.mux.Handler(hr)
	for _, rt := range e.api.routes {
		if rt.Method+" "+rt.Path == pattern {
			return rt, true
		}
	}
	return route{}, false
}

// validate checks a decoded JSON value against a JSON Schema of the
// document, for the keywords the document uses. It is stricter than JSON
// Schema in one way: an object may not carry a property its schema does not
// list, so an undocumented field in an answer fails the test.
func validate(doc map[string]any, s map[string]any, v any, at string) []string {
	if r, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/components/schemas/")
		target, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unresolved " + r}
		}
		return validate(doc, target, v, at)
	}
	var out []string
	if t, ok := s["type"]; ok && !typeMatches(t, v) {
		return []string{fmt.Sprintf("%s: %v is not of type %v", at, v, t)}
	}
	if values, ok := s["enum"].([]any); ok && !slices.Contains(values, v) {
		out = append(out, fmt.Sprintf("%s: %v is not one of %v", at, v, values))
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, name := range asStrings(s["required"]) {
			if _, ok := x[name]; !ok {
				out = append(out, at+": missing required "+name)
			}
		}
		extra, _ := s["additionalProperties"].(map[string]any)
		for name, fv := range x {
			if ps, ok := props[name].(map[string]any); ok {
				out = append(out, validate(doc, ps, fv, at+"."+name)...)
			} else if extra != nil {
				out = append(out, validate(doc, extra, fv, at+"."+name)...)
			} else if props != nil {
				out = append(out, at+": undocumented property "+name)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, iv := range x {
				out = append(out, validate(doc, items, iv, at+"["+strconv.Itoa(i)+"]")...)
			}
		}
	}
	return out
}

// typeMatches says whether v, decoded from JSON, is of the schema type t
// (a name, or a list of names any of which will do).
func typeMatches(t any, v any) bool {
	if list, ok := t.([]any); ok {
		return slices.ContainsFunc(list, func(one any) bool { return typeMatches(one, v) })
	}
	switch t {
	case "object":
		return is[map[string]any](v)
	case "array":
		return is[[]any](v)
	case "string":
		return is[string](v)
	case "boolean":
		return is[bool](v)
	case "number":
		return is[float64](v)
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "null":
		return v == nil
	}
	return false
}

// is says whether v holds a T.
func is[T any](v any) bool {
	_, ok := v.(T)
	return ok
}

func asStrings(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, s := range list {
			out = append(out, s.(string))
		}
	}
	return out
}

// rowCounts counts the rows of every table a request could write to, so a
// test can prove a refused request wrote nothing at all.
func (e *env) rowCounts() map[string]int {
	e.t.Helper()
	counts := map[string]int{}
	for _, table := range []string{"tickets", "events", "customers", "organisations", "agents", "teams", "tiers",
		"request_types", "custom_fields", "ticket_collaborators", "ticket_handoffs", "api_tokens", "audit_log", "agent_tiers", "team_members", "team_skills",
		"routing_rulesets", "escalation_procedures", "macros", "customer_notes", "saved_views"} {
		var n int
		if err := e.s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			e.t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

// allPages follows next_cursor from path (a list's address with its query)
// as who, and returns the items of every page; more than maxPages pages fails.
func allPages[T any](e *env, who, path string, maxPages int) []T {
	e.t.Helper()
	var out []T
	next := path
	for range maxPages {
		var p page[T]
		e.must(e.get(who, next), 200, &p)
		out = append(out, p.Data...)
		if p.NextCursor == nil {
			return out
		}
		next = path + "&cursor=" + url.QueryEscape(*p.NextCursor)
	}
	e.t.Fatalf("%s: more than %d pages", path, maxPages)
	return nil
}

// roleCase is one request by one role, the status it must get and, when
// given, the error code.
type roleCase struct {
	name, who, method, path string
	body                    any
	status                  int
	code                    string
}

// checkRoleCases sends each case and checks its answer; a refused one
// (4xx) must write nothing.
func (e *env) checkRoleCases(t *testing.T, cases []roleCase) {
	t.Helper()
	for _, c := range cases {
		before := e.rowCounts()
		a := e.send(c.who, c.method, c.path, c.body)
		if a.status != c.status || (c.code != "" && a.errorCode() != c.code) {
			t.Errorf("%s: %s, want %d %s", c.name, a, c.status, c.code)
		}
		if c.status >= 400 && !equalCounts(before, e.rowCounts()) {
			t.Errorf("%s: a refused request wrote", c.name)
		}
	}
}

func (e *env) ticketPath(key string) string { return ticketPath(e.f.Ticket[key].ID) }

func idPath(prefix string, id int64) string { return Prefix + prefix + "/" + strconv.FormatInt(id, 10) }

// eachEnv runs fn on a fresh seeded environment on SQLite, then PostgreSQL.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newEnv(t, s)) })
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// createCustomField adds a select field "plan" (free, pro) and returns its id.
func (e *env) createCustomField() int64 {
	e.t.Helper()
	var cf struct{ ID int64 }
	e.must(e.send("admin", "POST", Prefix+"/custom-fields", map[string]any{
		"key": "plan", "label_fr": "Offre", "label_en": "Plan", "kind": "select", "options": []string{"free", "pro"},
	}), 201, &cf)
	return cf.ID
}

// on returns the environment reporting to a subtest.
func (e *env) on(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// createProcedure saves, for the request type "bug", a procedure whose step
// from L1 asks for the steps tried and the customer's plan (the custom
// field of createCustomField, which must exist), and returns it as
// answered.
func (e *env) createProcedure() escalation.Procedure {
	e.t.Helper()
	var p escalation.Procedure
	e.must(e.send("admin", "POST", Prefix+"/escalation-procedures", map[string]any{
		"request_type_id": e.f.Type["bug"].ID, "name": "Anomalies",
		"steps": []map[string]any{{
			"from_tier": "L1", "to_tier": "L2", "guidance_fr": "Escaladez les anomalies reproduites.", "guidance_en": "Escalate reproduced bugs.",
			"required": []map[string]any{
				{"key": "steps_tried", "kind": "answer", "label_fr": "Étapes déjà tentées", "label_en": "Steps already tried"},
				{"key": "plan", "kind": "custom_field", "label_fr": "Offre", "label_en": "Plan"},
			},
		}, {"from_tier": "L2", "to_tier": "L3", "required": []map[string]any{}}},
	}), 201, &p)
	return p
}

// servedEvent is a timeline entry as the API serves it (eventJSON), its
// data kept as sent.
type servedEvent struct {
	eventJSON
	Data json.RawMessage `json:"data"`
}

// typed reads the event's data the one way the store does (event.Decode):
// the API serves the stored encoding.
func (x servedEvent) typed(t *testing.T) ticket.Event {
	t.Helper()
	data, err := event.Decode(x.Kind, event.Version, string(x.Data), nil)
	if err != nil {
		t.Fatalf("event %d: %v", x.ID, err)
	}
	return ticket.Event{ID: x.ID, TicketID: x.TicketID, Kind: x.Kind, ActorAgentID: x.ActorAgentID, ActorCustomerID: x.ActorCustomerID,
		Body: x.Body, Data: data}
}
