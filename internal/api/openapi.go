package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// operation is the prose and the shapes of one route in the OpenAPI
// document. What the server accepts (method, path, query parameters) comes
// from the route table; this adds what a reader needs besides.
type operation struct {
	ID      string `json:"id"` // the route's operationId
	Tag     string `json:"tag"`
	Summary string `json:"summary"`
	Body    string `json:"body"`   // component schema of the request body; "" for none
	Status  int    `json:"status"` // status of a successful answer
	Result  string `json:"result"` // component schema of a successful answer
	// Multipart: the body may also be multipart/form-data with files
	// (MessageWithFiles). Raw: the answer is a file, not JSON.
	Multipart bool `json:"multipart"`
	Raw       bool `json:"raw"`
	// Errors are error statuses the operation answers besides those its
	// route implies (e.g. 409 when the object changed meanwhile).
	Errors []string `json:"errors"`
	// BadRequest names the 400 codes of this operation beyond the common
	// ones (appended to the shared 400 description).
	BadRequest string `json:"badRequest"`
}

// tag is a group of operations in the document. Its fields are in the
// order the document has always written them (alphabetical).
type tag struct {
	Description string `json:"description"`
	Name        string `json:"name"`
}

// prose is what the document says besides what the route table and the
// schemas give: its tags, and every operation by id. It is data, not
// logic, so it is declared once in operations.json (operations in the
// route table's order) rather than as Go literals spread over each
// resource's file.
type prose struct {
	tags []tag
	byID map[string]operation
}

//go:embed operations.json
var proseJSON []byte

// docProse is the embedded prose. A test checks that operations and the
// route table name the same operations.
var (
	docProse   = mustParseProse(proseJSON)
	operations = docProse.byID
)

// mustParseProse reads the embedded prose. A malformed file is a
// programming error that every test of the package catches; it cannot
// depend on input.
func mustParseProse(raw []byte) prose {
	p, err := parseProse(raw)
	if err != nil {
		panic(err)
	}
	return p
}

// parseProse reads the prose strictly: an unknown field (a misspelt one),
// an id described twice or a tag not declared is an error, not a silent
// loss.
func parseProse(raw []byte) (prose, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var in struct {
		Tags       []tag       `json:"tags"`
		Operations []operation `json:"operations"`
	}
	if err := dec.Decode(&in); err != nil {
		return prose{}, fmt.Errorf("operations.json: %w", err)
	}
	tags := map[string]bool{}
	for _, t := range in.Tags {
		tags[t.Name] = true
	}
	ops := make(map[string]operation, len(in.Operations))
	for _, op := range in.Operations {
		if _, dup := ops[op.ID]; dup {
			return prose{}, fmt.Errorf("operations.json: %s is described twice", op.ID)
		}
		if !tags[op.Tag] {
			return prose{}, fmt.Errorf("operations.json: %s has the undeclared tag %q", op.ID, op.Tag)
		}
		ops[op.ID] = op
	}
	return prose{tags: in.Tags, byID: ops}, nil
}

func (a *API) openAPI(c *call) (any, error) {
	return json.RawMessage(a.doc), nil
}

// buildOpenAPI writes the OpenAPI 3.1 document of the routes.
func buildOpenAPI(routes []route) ([]byte, error) {
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		op, ok := operations[rt.ID]
		if !ok {
			return nil, fmt.Errorf("openapi: route %s %s (%s) is not described", rt.Method, rt.Path, rt.ID)
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = describe(rt, op)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Palier API",
			"version": "1",
			"description": "Palier's helpdesk API. Authenticate with `Authorization: Bearer <token>` " +
				"(create one with `palier token create --email you@example.com` or POST /api/v1/tokens). " +
				"Errors are JSON objects with a stable `code`, a `message` in the language of Accept-Language " +
				"(fr or en) and, for invalid values, `fields`. Lists are keyset-paginated: pass `next_cursor` " +
				"back as `cursor` until it is null. Nothing is written when a request is refused.",
		},
		"tags":     docProse.tags,
		"paths":    paths,
		"security": []map[string][]string{{"bearer": {}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "An API token (plr_…)."},
			},
			"schemas":   schemas(),
			"responses": errorResponses(),
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// describe writes one operation: its parameters from the route, its body
// and answers from its description, and the errors it can answer with.
func describe(rt route, op operation) map[string]any {
	out := map[string]any{"operationId": rt.ID, "summary": op.Summary, "tags": []string{op.Tag}}
	if rt.Public {
		out["security"] = []any{}
	}
	var params []any
	if strings.Contains(rt.Path, "{id}") {
		params = append(params, map[string]any{"name": "id", "in": "path", "required": true,
			"schema": map[string]any{"type": "integer", "minimum": 1}})
	}
	if strings.Contains(rt.Path, "{number}") {
		params = append(params, map[string]any{"name": "number", "in": "path", "required": true, "description": "A ticket's number (#1042 is 1042).",
			"schema": map[string]any{"type": "integer", "minimum": 1}})
	}
	for _, p := range rt.Query {
		params = append(params, queryParam(p))
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if op.Body != "" {
		content := map[string]any{"application/json": map[string]any{"schema": ref(op.Body)}}
		if op.Multipart {
			content["multipart/form-data"] = map[string]any{"schema": ref("MessageWithFiles")}
		}
		out["requestBody"] = map[string]any{"required": true, "content": content}
	}
	result := map[string]any{"application/json": map[string]any{"schema": ref(op.Result)}}
	if op.Raw {
		result = map[string]any{"*/*": map[string]any{"schema": ref(op.Result)}}
	}
	responses := map[string]any{strconv.Itoa(op.Status): map[string]any{
		"description": http.StatusText(op.Status),
		"content":     result,
	}}
	for _, code := range errorStatuses(rt, op) {
		responses[code] = map[string]any{"$ref": "#/components/responses/" + code}
		if code == "400" && op.BadRequest != "" {
			// This operation's own 400 codes, after the shared ones.
			shared := errorResponses()["400"].(map[string]any)["description"].(string)
			responses[code] = errorResponse(shared + " " + op.BadRequest)
		}
	}
	out["responses"] = responses
	return out
}

func queryParam(p param) map[string]any {
	s := map[string]any{"type": p.Type}
	if p.Type == "integer" {
		s["minimum"] = p.Min
		if p.Max != 0 {
			s["maximum"] = p.Max
		}
	}
	if len(p.Enum) > 0 {
		s["enum"] = p.Enum
	}
	q := map[string]any{"name": p.Name, "in": "query", "description": p.Desc, "schema": s}
	if p.Repeat {
		q["schema"] = map[string]any{"type": "array", "items": s}
		q["style"], q["explode"] = "form", true
	}
	return q
}

// errorStatuses lists the error answers an operation can give.
func errorStatuses(rt route, op operation) []string {
	var out []string
	add := func(codes ...string) {
		for _, c := range codes {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	if !rt.Public {
		add("401", "403")
	}
	if len(rt.Query) > 0 {
		add("400")
	}
	if strings.Contains(rt.Path, "{id}") {
		add("400", "404")
	}
	if op.Body != "" {
		add("400", "413", "415", "422")
	}
	add(op.Errors...)
	add("500", "503")
	slices.Sort(out)
	return out
}

func errorResponses() map[string]any {
	texts := map[string]string{
		"400": "Malformed request: bad_json, unknown_json_field, bad_utf8, bad_id, bad_parameter, bad_cursor (also a query value with a control character), too_many_values (a filter takes at most 100 values).",
		"401": "Missing, unknown or revoked bearer token: unauthenticated.",
		"403": "Authenticated but not allowed: forbidden, admin_only; on tickets also use_escalation (agents change tiers by escalating), sensitive_not_allowed (only leads, admins and the owner set or clear sensitive), out_of_scope (a team, tier or owner outside the ticket's tier, named in `fields`).",
		"404": "Unknown id, or an object you may not see (e.g. ticket_not_found).",
		"413": "The body is larger than 1 MiB (a JSON body) or than the attachment limits allow (multipart): body_too_large; a file over the per-file limit: attachment_too_large (params filename, limit).",
		"415": "The body is not JSON: unsupported_media_type.",
		"409": "The object changed meanwhile (conflict); nothing was written. Reload and try again. Escalating up a ticket worked by swarming: swarming_model. A hand-off whose from_tier is not the ticket's tier any more (a duplicate submit): tier_changed, with the current tier in params. A merged ticket changed by hand (its status, fields, a reply, an escalation, a split): ticket_merged, with merged_into (the kept ticket's id) in params.",
		"422": "A value is wrong: validation_failed (or invalid_rules, invalid_procedure, escalation_not_possible, escalation_incomplete), with one entry per field in `fields`. Text fields never accept NUL or another control character (tab, line feed and carriage return only in multi-line text), a line break in a one-line field, or a bidirectional override in a name: code bad_text or multiline.",
		"500": "Server fault (internal); nothing was written. Details are logged, not sent. One exception, outcome_unknown: the connection to the database was lost after the change was sent to be committed, so it may have been saved; check (e.g. list the ticket's messages) before sending it again, or it may be stored twice.",
		"503": "The database cannot be reached right now (unavailable); nothing was written. Retry after the Retry-After header's seconds.",
	}
	out := map[string]any{}
	for code, text := range texts {
		out[code] = errorResponse(text)
	}
	return out
}

// errorResponse is an error answer: the Error shape, described.
func errorResponse(text string) map[string]any {
	return map[string]any{"description": text,
		"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
}
