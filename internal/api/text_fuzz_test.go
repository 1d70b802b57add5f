package api

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/text"
)

// hostile are texts no field accepts: PostgreSQL refuses NUL where SQLite
// stores it, and the others are control characters. Each must be refused
// at the edge, the same way on both databases, on every documented route.
var hostile = []string{"a\x00b", "\x00", "bell\x07", "esc\x1b[2J", "del\x7f", "c1\u0085"}

// TestHostileTextOnEveryRoute sends, for every route of the table, every
// string field of its documented body (found by walking the OpenAPI schema,
// so a new field is covered without touching this test), every declared
// query parameter and the path, with control characters in them. Nothing
// may answer 5xx, nothing may be written, and each body field is refused by
// its own name.
func TestHostileTextOnEveryRoute(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.createCustomField()
		proc := e.createProcedure()
		ids := map[string]string{
			"tickets": itoa(e.f.Ticket["L1"].ID), "customers": itoa(e.f.Customer["alice"].ID),
			"organisations": itoa(e.f.Org.ID), "agents": itoa(e.f.AgentL1.ID), "teams": itoa(e.f.Team["L1"].ID),
			"tiers": itoa(e.f.Tier["L1"].ID), "request-types": itoa(e.f.Type["bug"].ID),
			"escalation-procedures": itoa(proc.ID),
		}
		var cf struct {
			Data []struct{ ID int64 } `json:"data"`
		}
		e.must(e.get("admin", Prefix+"/custom-fields"), 200, &cf)
		ids["custom-fields"] = itoa(cf.Data[0].ID)
		var created struct{ ID int64 }
		e.must(e.send("admin", "POST", Prefix+"/kb/articles", map[string]any{"title": "Facturé deux fois ?", "language": "fr", "body": "Remboursé sous cinq jours."}), 201, &created)
		ids["kb"] = itoa(created.ID)
		e.must(e.send("admin", "POST", Prefix+"/tokens", map[string]any{"name": "fuzz"}), 201, &created)
		ids["tokens"] = itoa(created.ID)
		e.must(e.send("admin", "POST", Prefix+"/macros", map[string]any{"name": "fuzz", "body_fr": "Bonjour"}), 201, &created)
		ids["macros"] = itoa(created.ID)
		e.must(e.send("admin", "POST", Prefix+"/views", map[string]any{"name": "fuzz", "query": "status=open"}), 201, &created)
		ids["views"] = itoa(created.ID)
		// No route on attachments takes a body or a query; an id that names
		// nothing still reaches the handler.
		ids["attachments"] = "999999"
		ids["notifications"] = "999999"
		ids["mailboxes"] = "999999" // the body is read (and its text refused) before the mailbox is looked up
		// The channel API checks a signature before it reads a field: the
		// hostile bodies are signed, so the text check is what answers.
		conn := e.createConnector(map[string]any{"name": "fuzz"})
		ids["connectors"] = itoa(conn.ID)
		signed := func(rt route, body any) req {
			r := req{who: "admin", method: rt.Method, body: body}
			if rt.ID == "postChannelMessage" {
				raw, _ := json.Marshal(body)
				r.body, r.header = raw, map[string]string{connector.SignatureHeader: connector.Sign(conn.Secret, time.Now(), raw)}
			}
			return r
		}
		before := e.rowCounts()
		schemas := e.doc["components"].(map[string]any)["schemas"].(map[string]any)
		sent := 0
		for _, rt := range e.api.routes {
			path := strings.Replace(rt.Path, "{key}", conn.Key, 1)
			path = strings.Replace(path, "{macro}", ids["macros"], 1)
			if strings.Contains(path, "{id}") {
				resource := strings.Split(strings.TrimPrefix(path, Prefix+"/"), "/")[0]
				if ids[resource] == "" {
					t.Fatalf("%s: the test has no %s id to put in %s; add one above", rt.ID, resource, rt.Path)
				}
				path = strings.Replace(path, "{id}", ids[resource], 1)
				// The path itself, with a NUL where the id goes.
				a := e.do(req{who: "admin", method: rt.Method, path: strings.Replace(rt.Path, "{id}", "1%00", 1), body: bodyFor(rt)})
				sent++
				if a.status >= 500 || a.status < 400 {
					t.Errorf("%s with NUL in the path: %s", rt.ID, a)
				}
			}
			for _, p := range rt.Query {
				for _, h := range hostile {
					a := e.do(req{who: "admin", method: rt.Method, path: path + "?" + url.Values{p.Name: {h}}.Encode()})
					sent++
					if a.status != 400 || a.errorCode() != "bad_parameter" {
						t.Errorf("%s ?%s=%q: %s, want 400 bad_parameter", rt.ID, p.Name, h, a)
					}
				}
			}
			op := operations[rt.ID]
			if op.Body == "" {
				continue
			}
			for _, leaf := range stringLeaves(schemas, schemas[op.Body].(map[string]any), nil) {
				bad := hostile
				if len(leaf) > 0 && text.KindOf(leaf[len(leaf)-1]) == text.Name {
					// A name may not hide a direction override either.
					bad = append(slices.Clone(hostile), "evil\u202egnp.exe", "x\u2066y")
				}
				for _, h := range bad {
					body := build(leaf, h)
					r := signed(rt, body)
					r.path = path
					a := e.do(r)
					sent++
					field := fieldName(leaf)
					if a.status != 422 || a.errorBody().Fields[field].Code != "bad_text" {
						raw, _ := json.Marshal(body)
						t.Errorf("%s %s: %s, want 422 with field %s bad_text", rt.ID, raw, a, field)
					}
				}
			}
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Errorf("refused requests wrote: before %v, after %v", before, after)
		}
		t.Logf("%d hostile requests, none answered 5xx", sent)
	})
}

// bodyFor is a harmless body for routes that take one.
func bodyFor(rt route) any {
	if operations[rt.ID].Body == "" {
		return nil
	}
	return map[string]any{}
}

// A leaf is the path to one string in a body: object keys, and "" for an
// array item or a free-form map's key.
type leaf []string

// stringLeaves lists the paths to every string a schema accepts. A schema
// that contains itself (a condition made of conditions) is followed once.
func stringLeaves(schemas map[string]any, s map[string]any, at leaf) []leaf {
	return leaves(schemas, s, at, map[string]bool{})
}

func leaves(schemas map[string]any, s map[string]any, at leaf, open map[string]bool) []leaf {
	if r, ok := s["$ref"].(string); ok {
		if open[r] {
			return nil
		}
		open[r] = true
		defer delete(open, r)
		return leaves(schemas, schemas[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any), at, open)
	}
	var out []leaf
	if props, ok := s["properties"].(map[string]any); ok {
		for _, name := range slices.Sorted(maps.Keys(props)) {
			out = append(out, leaves(schemas, props[name].(map[string]any), append(slices.Clone(at), name), open)...)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		out = append(out, leaves(schemas, items, append(slices.Clone(at), "[]"), open)...)
	}
	if extra, ok := s["additionalProperties"].(map[string]any); ok {
		out = append(out, leaves(schemas, extra, append(slices.Clone(at), "k"), open)...)
	}
	typ := s["type"]
	if typ == "string" || (func() bool { ts, ok := typ.([]any); return ok && slices.Contains(ts, any("string")) })() {
		out = append(out, at)
	}
	return out
}

// build makes the smallest body that holds v at the leaf's place.
func build(l leaf, v any) any {
	if len(l) == 0 {
		return v
	}
	if l[0] == "[]" {
		return []any{build(l[1:], v)}
	}
	return map[string]any{l[0]: build(l[1:], v)}
}

// fieldName is the leaf as the error names it: "rules[0].name".
func fieldName(l leaf) string {
	var b strings.Builder
	for _, p := range l {
		switch {
		case p == "[]":
			b.WriteString("[0]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}
