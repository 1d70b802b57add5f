package api

import (
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
	Tag     string
	Summary string
	Body    string // component schema of the request body; "" for none
	Status  int    // status of a successful answer
	Result  string // component schema of a successful answer
	// Multipart: the body may also be multipart/form-data with files
	// (MessageWithFiles). Raw: the answer is a file, not JSON.
	Multipart, Raw bool
	// Errors are error statuses the operation answers besides those its
	// route implies (e.g. 409 when the object changed meanwhile).
	Errors []string
	// BadRequest names the 400 codes of this operation beyond the common
	// ones (appended to the shared 400 description).
	BadRequest string
}

// operations describes every route, by operation id. A test checks that
// this map and the route table name the same operations.
var operations = map[string]operation{
	"getOpenAPI":  {Tag: "meta", Summary: "This OpenAPI document (no token needed)", Status: 200, Result: "OpenAPI"},
	"getMe":       {Tag: "meta", Summary: "Who the token speaks for, and what they may see", Status: 200, Result: "Me"},
	"createToken": {Tag: "meta", Summary: "Create an API token for yourself (admins: for any agent), optionally expiring; the secret is shown once", Body: "TokenRequest", Status: 201, Result: "NewToken"},
	"listTokens":  {Tag: "meta", Summary: "List your API tokens, newest first (admins: owner=all lists everyone's); secrets are never shown again", Status: 200, Result: "TokenPage"},
	"revokeToken": {Tag: "meta", Summary: "Revoke an API token: your own, or anyone's for admins; a revoked token is refused with 401 token_revoked (an expired one with token_expired)", Status: 200, Result: "Token"},
	"unlockAgent": {Tag: "setup", Summary: "Clear the failed sign-ins that make a member's next sign-in wait (admins only; audited). Setting a new password clears them too", Body: "UnlockRequest", Status: 200, Result: "Unlock"},

	"listTickets":           {Tag: "tickets", Summary: "List the tickets you may see", Status: 200, Result: "TicketPage", BadRequest: ticketListBadRequest},
	"createTicket":          {Tag: "tickets", Summary: "Open a ticket; it is routed to a tier and team unless the request says which", Body: "NewTicket", Status: 201, Result: "Ticket"},
	"getTicket":             {Tag: "tickets", Summary: "Get a ticket", Status: 200, Result: "Ticket"},
	"updateTicket":          {Tag: "tickets", Summary: "Change a ticket's fields; each change is recorded on its timeline (409 ticket_merged on a merged ticket, naming merged_into)", Body: "TicketUpdate", Status: 200, Result: "Ticket", Errors: []string{"409"}},
	"replyToTicket":         {Tag: "tickets", Summary: "Send a public reply to the customer, optionally setting a status (409 ticket_merged on a merged ticket: reply on the one it was merged into)", Body: "Reply", Multipart: true, Status: 201, Result: "MessageResult", Errors: []string{"409"}},
	"retryTicketEmail":      {Tag: "tickets", Summary: "Send a reply's failed email, or failed delivery to a connector's webhook, again (409 email_not_failed / delivery_not_failed when it did not fail); audited", Body: "NoFields", Status: 200, Result: "MessageResult"},
	"addTicketNote":         {Tag: "tickets", Summary: "Post an internal note (swarm collaborators may too)", Body: "Note", Multipart: true, Status: 201, Result: "MessageResult"},
	"logTicketCall":         {Tag: "tickets", Summary: "Log a phone call you had about a ticket (direction, number, duration, notes): an internal note on its timeline whose data carries the call", Body: "Call", Status: 201, Result: "MessageResult"},
	"requestCallback":       {Tag: "tickets", Summary: "Record a customer's request to be called back: a routed ticket on channel phone, tagged callback, waiting in the queue of the tier routing chose", Body: "Callback", Status: 201, Result: "Ticket"},
	"assignTicket":          {Tag: "tickets", Summary: "Assign a ticket to an agent, or unassign it with null", Body: "Assign", Status: 200, Result: "Ticket", Errors: []string{"409"}},
	"addTicketCollaborator": {Tag: "tickets", Summary: "Invite an agent, or a whole team, to a ticket's swarm with an optional question: they may read it and post internal notes; the owner stays the customer's single contact", Body: "Collaborator", Status: 200, Result: "Ticket"},
	"listTicketEvents":      {Tag: "tickets", Summary: "A ticket's timeline, oldest first by the time each event was written (messages copied by a merge keep theirs, so they come among the others, not last); after=<event id> keeps only events written since, for polling", Status: 200, Result: "EventPage"},
	"getTicketEscalation": {Tag: "escalation", Summary: "The escalation procedure that applies to a ticket and its next step: guidance and checklist in both languages, and whether you may escalate now",
		Status: 200, Result: "EscalationGuide"},
	"escalateTicket": {Tag: "escalation", Summary: "Escalate a ticket (up, the default), de-escalate it (down) or return it to a tier; going up, every checklist item and a reason are required, and a refusal (escalation_incomplete) names each missing one. The ticket leaves its owner; you keep reading it and may post internal notes (unless it is sensitive), and find it with GET /tickets?handed_off_by=me. A return goes down, or back up only to a tier the ticket was at before (else 422 return_not_visited): moving up otherwise is an escalation. Send from_tier so that a duplicate submit is refused (409 tier_changed) instead of moving the ticket twice. A ticket worked by swarming does not go up (409 swarming_model): invite experts instead",
		Body: "EscalateRequest", Status: 200, Result: "Ticket", Errors: []string{"409"}},

	"getRoutingRules": {Tag: "routing", Summary: "The workspace's routing rules, tried in order, first match wins (leads and admins)", Status: 200, Result: "RuleSet"},
	"saveRoutingRules": {Tag: "routing", Summary: "Replace the routing rules (admins only); an invalid set (invalid_rules) names each faulty element by its path, e.g. rules[2].when.all[1].value",
		Body: "RuleSet", Status: 200, Result: "RuleSet"},
	"dryRunRoutingRules": {Tag: "routing", Summary: "Try a rule set, without saving it, on the most recent tickets and see which would land elsewhere (leads and admins)",
		Body: "DryRunRequest", Status: 200, Result: "DryRunResult"},

	"listEscalationProcedures": {Tag: "escalation", Summary: "The workspace's escalation procedures, one per request type and a default (one page); without any, a built-in default applies",
		Status: 200, Result: "EscalationProcedurePage"},
	"createEscalationProcedure": {Tag: "escalation", Summary: "Add an escalation procedure (admins only); an invalid one (invalid_procedure) names each faulty element by its path, e.g. steps[0].required[1].key",
		Body: "EscalationProcedureWrite", Status: 201, Result: "EscalationProcedure"},
	"replaceEscalationProcedure": {Tag: "escalation", Summary: "Replace an escalation procedure (admins only)", Body: "EscalationProcedureWrite", Status: 200, Result: "EscalationProcedure"},

	"getWorkspace":    {Tag: "setup", Summary: "The workspace's settings", Status: 200, Result: "Workspace"},
	"updateWorkspace": {Tag: "setup", Summary: "Change the workspace's settings (admins only)", Body: "WorkspaceUpdate", Status: 200, Result: "Workspace"},

	"listAuditLog": {Tag: "setup", Summary: "Who changed the workspace's setup, newest first (leads and admins)", Status: 200, Result: "AuditPage"},
}

// Customers, organisations, members, teams, tiers, request types and
// custom fields are resources alike: listed (<Name>Page), created from a
// <Name>Create body (201), read one by one when get says how, and changed
// with a <Name>Update body. One row each says what differs: the resource,
// its tag and the prose.
func init() {
	for _, r := range []struct{ tag, name, list, create, get, update string }{
		{"customers", "Customer", "List customers, newest first", "Add a customer", "Get a customer", "Change a customer; absent fields keep their value"},
		{"customers", "Organisation", "List organisations, newest first", "Add an organisation", "Get an organisation", "Change an organisation; absent fields keep their value"},
		{"setup", "Agent", "List the workspace's members (one page)", "Add an agent, lead, admin or collaborator (admins only)", "Get a member", "Change a member's profile, role, tiers and teams (admins only)"},
		{"setup", "Team", "List teams (one page)", "Add a team (admins only)", "", "Change a team; skill_ids and member_ids replace the old lists (admins only)"},
		{"setup", "Tier", "List tiers, lowest first (one page)", "Add a tier (admins only)", "", "Change a tier; its code is fixed (admins only)"},
		{"setup", "RequestType", "List request types (one page)", "Add a request type (admins only)", "", "Change a request type; its key is fixed (admins only)"},
		{"setup", "CustomField", "List custom field definitions (one page)", "Add a custom field (admins only)", "", "Change a custom field; its key and kind are fixed (admins only)"},
	} {
		operations["list"+r.name+"s"] = operation{Tag: r.tag, Summary: r.list, Status: 200, Result: r.name + "Page"}
		operations["create"+r.name] = operation{Tag: r.tag, Summary: r.create, Body: r.name + "Create", Status: 201, Result: r.name}
		if r.get != "" {
			operations["get"+r.name] = operation{Tag: r.tag, Summary: r.get, Status: 200, Result: r.name}
		}
		operations["update"+r.name] = operation{Tag: r.tag, Summary: r.update, Body: r.name + "Update", Status: 200, Result: r.name}
	}
	// An address kept by a merged customer is that customer's: 409
	// email_kept_by_customer (api/customers.go).
	for _, id := range []string{"createCustomer", "updateCustomer"} {
		op := operations[id]
		op.Summary += "; 409 email_kept_by_customer when another customer keeps the address from a merge"
		op.Errors = []string{"409"}
		operations[id] = op
	}
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
		"tags": []map[string]string{
			{"name": "tickets", "description": "Tickets, their replies, notes and timeline"},
			{"name": "escalation", "description": "Escalation procedures, and moving tickets between tiers with a hand-off summary"},
			{"name": "routing", "description": "Routing rules that place new tickets, and dry runs on past tickets"},
			{"name": "customers", "description": "Customers and organisations"},
			{"name": "setup", "description": "Members, teams, tiers, request types, custom fields, settings, audit log"},
			{"name": "meta", "description": "Tokens, identity and this document"},
			{"name": "knowledge-base", "description": "Knowledge-base articles and the one search the help centre, help box and agents share"},
			{"name": "attachments", "description": "Files attached to replies, notes and emails; downloads"},
			{"name": "channels", "description": "Messages from social networks and other sources (signed posts in, webhook replies out), and their connectors"},
			{"name": "macros", "description": "Canned replies in French and English with placeholders, and the actions applied with them"},
			{"name": "reports", "description": "Measures for the reports: self-service deflection and contact rates"},
			{"name": "notifications", "description": "What you are told about tickets, and how (in the app, by email)"},
		},
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
		"500": "Server fault (internal); nothing was written. Details are logged, not sent.",
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
