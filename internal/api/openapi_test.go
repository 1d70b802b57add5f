package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// The document is served without a token and is valid JSON naming OpenAPI 3.1.
func TestOpenAPIIsServedWithoutToken(t *testing.T) {
	a := newAPI(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	// Every documented path and method is a route of the table, and every
	// route of the table is documented, once.
	table := map[string]route{}
	for _, rt := range routeTable() {
		key := strings.ToLower(rt.Method) + " " + rt.Path
		if _, dup := table[key]; dup {
			t.Errorf("route %s listed twice", key)
		}
		table[key] = rt
	}
	documented := map[string]bool{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			key := method + " " + path
			documented[key] = true
			rt, ok := table[key]
			if !ok {
				t.Errorf("documented %s is not a route", key)
				continue
			}
			if op["operationId"] != rt.ID {
				t.Errorf("%s: operationId %v, route says %s", key, op["operationId"], rt.ID)
			}
		}
	}
	for key := range table {
		if !documented[key] {
			t.Errorf("route %s is not documented", key)
		}
	}
}

// Every route is described, every description belongs to a route, and
// operation ids are unique: the document cannot drift from the table.
func TestEveryRouteIsDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range routeTable() {
		if seen[rt.ID] {
			t.Errorf("operation id %s used twice", rt.ID)
		}
		seen[rt.ID] = true
		op, ok := operations[rt.ID]
		if !ok {
			t.Errorf("route %s %s (%s) has no description", rt.Method, rt.Path, rt.ID)
			continue
		}
		if op.Summary == "" || op.Result == "" || op.Status == 0 {
			t.Errorf("%s: incomplete description %+v", rt.ID, op)
		}
		if (rt.Method == "POST" || rt.Method == "PATCH" || rt.Method == "PUT") != (op.Body != "") {
			t.Errorf("%s: a %s route should document a body exactly when it takes one (body %q)", rt.ID, rt.Method, op.Body)
		}
	}
	for id := range operations {
		if !seen[id] {
			t.Errorf("description %s belongs to no route", id)
		}
	}
}

// The operations file is read strictly: a misspelt field, an operation
// described twice or one under an undeclared tag stops the build of the
// document instead of dropping or misplacing prose.
func TestOperationsFileIsReadStrictly(t *testing.T) {
	const tags = `"tags": [{"name": "meta", "description": "Identity"}]`
	cases := map[string]string{
		"misspelt field": `{` + tags + `, "operations": [{"id": "getMe", "tag": "meta", "sumary": "Who", "status": 200, "result": "Me"}]}`,
		"described twice": `{` + tags + `, "operations": [{"id": "getMe", "tag": "meta", "summary": "Who", "status": 200, "result": "Me"},
			{"id": "getMe", "tag": "meta", "summary": "Me", "status": 200, "result": "Me"}]}`,
		"undeclared tag": `{` + tags + `, "operations": [{"id": "getMe", "tag": "metta", "summary": "Who", "status": 200, "result": "Me"}]}`,
		"not an object":  `[{"id": "getMe", "tag": "meta"}]`,
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			if p, err := parseProse([]byte(raw)); err == nil {
				t.Errorf("accepted: %+v", p)
			}
		})
	}
	p, err := parseProse([]byte(`{` + tags + `, "operations": [{"id": "getMe", "tag": "meta", "summary": "Who", "status": 200, "result": "Me", "errors": ["409"]}]}`))
	if err != nil || p.byID["getMe"].Summary != "Who" || !slices.Equal(p.byID["getMe"].Errors, []string{"409"}) || len(p.tags) != 1 {
		t.Errorf("a well-formed file: %+v, %v", p, err)
	}
}

// openAPIDoc is the OpenAPI document of the route table, decoded.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	raw, err := buildOpenAPI(routeTable())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Every $ref in the document points at a schema or response it defines.
func TestOpenAPIReferencesResolve(t *testing.T) {
	doc := openAPIDoc(t)
	components := doc["components"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
				group, _ := components[parts[0]].(map[string]any)
				if len(parts) != 2 || group[parts[1]] == nil {
					t.Errorf("unresolved %s", r)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
}

// Unknown paths under /api/v1 and wrong methods answer JSON errors, not the
// mux's plain text.
func TestUnknownRouteAndWrongMethodAreJSON(t *testing.T) {
	a := newAPI(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cases := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/api/v1/nope", 404, "route_not_found", ""},
		{"GET", "/api/v1/tickets/1/nope", 404, "route_not_found", ""},
		{"GET", "/api/v1/", 404, "route_not_found", ""},
		{"DELETE", "/api/v1/tickets/1", 405, "method_not_allowed", "GET, HEAD, PATCH"},
		{"PUT", "/api/v1/tickets", 405, "method_not_allowed", "GET, HEAD, POST"},
		{"GET", "/api/v1/tickets/1/replies", 405, "method_not_allowed", "POST"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			var b errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatalf("not JSON: %q", rec.Body)
			}
			if rec.Code != c.status || b.Error.Code != c.code {
				t.Errorf("got %d %s, want %d %s", rec.Code, b.Error.Code, c.status, c.code)
			}
			if got := rec.Header().Get("Allow"); got != c.allow {
				t.Errorf("Allow = %q, want %q", got, c.allow)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}

// examplePaths gives each route a concrete path on the fixture: a real id
// for every {id}.
func (e *env) examplePath(rt route, customFieldID, procedureID int64) string {
	ids := map[string]int64{
		"tickets": e.f.Ticket["L1"].ID, "customers": e.f.Customer["bob"].ID, "organisations": e.f.Org.ID,
		"agents": e.f.AgentL3.ID, "teams": e.f.Team["L3"].ID, "tiers": e.f.Tier["L4"].ID,
		"request-types": e.f.Type["bug"].ID, "custom-fields": customFieldID, "escalation-procedures": procedureID,
	}
	parts := strings.Split(strings.TrimPrefix(rt.Path, Prefix+"/"), "/")
	if len(parts) > 1 && parts[1] == "{id}" {
		return strings.Replace(rt.Path, "{id}", itoa(ids[parts[0]]), 1)
	}
	return rt.Path
}

// Every route of the table answers at the documented path (never
// route_not_found nor method_not_allowed), and every property a request
// body schema documents is accepted (never unknown_json_field): the
// document describes what the server does.
func TestEveryRouteRespondsAndAcceptsItsDocumentedFields(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		cf := e.createCustomField()
		proc := e.createProcedure()
		schemas := e.doc["components"].(map[string]any)["schemas"].(map[string]any)
		for _, rt := range e.api.routes {
			path := e.examplePath(rt, cf, proc.ID)
			a := e.do(req{who: "admin", method: rt.Method, path: path, body: map[string]any{}})
			if code := a.errorCode(); code == "route_not_found" || code == "method_not_allowed" {
				t.Errorf("%s %s: %s", rt.Method, path, a)
			}
			op := operations[rt.ID]
			if op.Body == "" {
				continue
			}
			props := schemas[op.Body].(map[string]any)["properties"].(map[string]any)
			for name, p := range props {
				a := e.do(req{who: "admin", method: rt.Method, path: path, body: map[string]any{name: sample(p.(map[string]any))}})
				if code := a.errorCode(); code == "unknown_json_field" || code == "bad_json" {
					t.Errorf("%s: documented field %s refused: %s", rt.ID, name, a)
				}
				if fe, ok := a.errorBody().Fields[name]; ok && fe.Code == "wrong_type" {
					t.Errorf("%s: documented type of %s refused: %s", rt.ID, name, a)
				}
			}
		}
	})
}

// sample returns a value of a property's documented type.
func sample(p map[string]any) any {
	if values, ok := p["enum"].([]any); ok && len(values) > 0 {
		return values[len(values)-1]
	}
	typ := p["type"]
	if list, ok := typ.([]any); ok {
		typ = list[0]
	}
	switch typ {
	case "string":
		return "x"
	case "integer", "number":
		return 1
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		return map[string]any{}
	}
	return nil
}

func TestDocumentedStatusesAreHTTPStatuses(t *testing.T) {
	for id, op := range operations {
		if http.StatusText(op.Status) == "" || op.Status >= 300 {
			t.Errorf("%s: success status %d", id, op.Status)
		}
	}
}

// The checker every integration test runs answers through does catch
// drift: an undocumented property, a missing required one, a wrong type or
// a value outside an enum.
func TestSchemaCheckerCatchesDrift(t *testing.T) {
	doc := openAPIDoc(t)
	good := `{"data": [{"id": 1, "name": "Globex", "segment": "b2b", "domain": "globex.example", "created_at": "2026-01-02T03:04:05Z"}], "next_cursor": null}`
	cases := []struct {
		name, value string
		ok          bool
	}{
		{"documented", good, true},
		{"undocumented property", strings.Replace(good, `"id": 1`, `"id": 1, "secret": "x"`, 1), false},
		{"missing required", strings.Replace(good, `"name": "Globex", `, ``, 1), false},
		{"wrong type", strings.Replace(good, `"id": 1`, `"id": "1"`, 1), false},
		{"fraction for an integer", strings.Replace(good, `"id": 1`, `"id": 1.5`, 1), false},
		{"cursor of the wrong type", strings.Replace(good, `null}`, `5}`, 1), false},
	}
	for _, c := range cases {
		var v any
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		problems := validate(doc, ref("OrganisationPage"), v, "$")
		if (len(problems) == 0) != c.ok {
			t.Errorf("%s: problems %v, want ok=%v", c.name, problems, c.ok)
		}
	}
	var ticketPage any
	_ = json.Unmarshal([]byte(`{"data": [{"status": "done"}], "next_cursor": null}`), &ticketPage)
	if problems := validate(doc, ref("TicketPage"), ticketPage, "$"); !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "not one of") }) {
		t.Errorf("a status outside the enum passed: %v", problems)
	}
}
