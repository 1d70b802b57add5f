package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// Every malformed, oversized, mistyped or out-of-bounds request is refused
// with the right status and a stable code naming the problem, and writes
// nothing: every table keeps its row count.
func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		bob := itoa(f.Customer["bob"].ID)
		valid := `"subject": "Help", "body": "Please", "customer_id": ` + bob
		tickets := Prefix + "/tickets"
		l1 := e.ticketPath("L1")
		cases := []struct {
			name         string
			method, path string
			body         any
			header       map[string]string
			status       int
			code         string
			field        string // the field named in "fields", or in params["field"/"name"]
			fieldCode    string
		}{
			// Broken JSON.
			{name: "syntax error", method: "POST", path: tickets, body: `{` + valid + `,}`, status: 400, code: "bad_json"},
			{name: "truncated", method: "POST", path: tickets, body: `{` + valid, status: 400, code: "bad_json"},
			{name: "empty body", method: "POST", path: tickets, body: ``, status: 400, code: "bad_json"},
			{name: "not an object", method: "POST", path: tickets, body: `["Help"]`, status: 400, code: "bad_json"},
			{name: "trailing garbage", method: "POST", path: tickets, body: `{` + valid + `} {"subject": "again"}`, status: 400, code: "bad_json"},
			{name: "trailing text", method: "POST", path: tickets, body: `{` + valid + `}xyz`, status: 400, code: "bad_json"},
			{name: "unknown field", method: "POST", path: tickets, body: `{` + valid + `, "colour": "red"}`, status: 400, code: "unknown_json_field", field: "colour"},
			{name: "read-only field", method: "PATCH", path: l1, body: `{"id": 5}`, status: 400, code: "unknown_json_field", field: "id"},
			{name: "too large", method: "POST", path: tickets, body: `{` + valid + `, "tags": ["` + strings.Repeat("a", MaxBody) + `"]}`, status: 413, code: "body_too_large"},
			{name: "bad UTF-8 in body", method: "POST", path: tickets, body: []byte("{\"subject\": \"caf\xe9\", \"body\": \"x\", \"customer_id\": " + bob + "}"), status: 400, code: "bad_utf8"},
			// Wrong media type.
			{name: "text/plain", method: "POST", path: tickets, body: `{` + valid + `}`, header: map[string]string{"Content-Type": "text/plain"}, status: 415, code: "unsupported_media_type"},
			{name: "no content type", method: "POST", path: tickets, body: `{` + valid + `}`, header: map[string]string{"Content-Type": ""}, status: 415, code: "unsupported_media_type"},
			{name: "form", method: "POST", path: tickets, body: `subject=Help`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415, code: "unsupported_media_type"},
			{name: "latin-1", method: "POST", path: tickets, body: `{` + valid + `}`, header: map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}, status: 415, code: "unsupported_media_type"},
			// Wrong JSON types.
			{name: "number for subject", method: "POST", path: tickets, body: `{"subject": 12, "body": "x", "customer_id": ` + bob + `}`, status: 422, code: "validation_failed", field: "subject", fieldCode: "wrong_type"},
			{name: "text for customer_id", method: "POST", path: tickets, body: `{"subject": "x", "body": "x", "customer_id": "bob"}`, status: 422, code: "validation_failed", field: "customer_id", fieldCode: "wrong_type"},
			{name: "object for tags", method: "POST", path: tickets, body: `{` + valid + `, "tags": {"a": 1}}`, status: 422, code: "validation_failed", field: "tags", fieldCode: "wrong_type"},
			{name: "fraction for an id", method: "POST", path: tickets, body: `{"subject": "x", "body": "x", "customer_id": 1.5}`, status: 422, code: "validation_failed", field: "customer_id", fieldCode: "wrong_type"},
			{name: "text for a list in a create with embedded fields", method: "POST", path: Prefix + "/agents", body: `{"email": "x@acme.test", "name": "X", "role": "agent", "tier_ids": "L1"}`, status: 422, code: "validation_failed", field: "tier_ids", fieldCode: "wrong_type"},
			{name: "number for a name in a create with embedded fields", method: "POST", path: Prefix + "/tiers", body: `{"code": "L4", "name": 4}`, status: 422, code: "validation_failed", field: "name", fieldCode: "wrong_type"},
			{name: "text for sensitive", method: "PATCH", path: l1, body: `{"sensitive": "yes"}`, status: 422, code: "validation_failed", field: "sensitive", fieldCode: "wrong_type"},
			// Invalid values.
			{name: "missing subject", method: "POST", path: tickets, body: `{"body": "x", "customer_id": ` + bob + `}`, status: 422, code: "validation_failed", field: "subject", fieldCode: "required"},
			{name: "missing customer", method: "POST", path: tickets, body: `{"subject": "x", "body": "x"}`, status: 422, code: "validation_failed", field: "customer_id", fieldCode: "required"},
			{name: "subject too long", method: "POST", path: tickets, body: `{"subject": "` + strings.Repeat("é", 251) + `", "body": "x", "customer_id": ` + bob + `}`, status: 422, code: "validation_failed", field: "subject", fieldCode: "too_long"},
			{name: "two-line subject", method: "POST", path: tickets, body: `{"subject": "a\nb", "body": "x", "customer_id": ` + bob + `}`, status: 422, code: "validation_failed", field: "subject", fieldCode: "multiline"},
			{name: "NUL in body", method: "POST", path: tickets, body: `{"subject": "x", "body": "a\u0000b", "customer_id": ` + bob + `}`, status: 422, code: "validation_failed", field: "body", fieldCode: "bad_text"},
			{name: "unknown priority", method: "POST", path: tickets, body: `{` + valid + `, "priority": "asap"}`, status: 422, code: "validation_failed", field: "priority", fieldCode: "unknown_value"},
			{name: "unknown channel", method: "POST", path: tickets, body: `{` + valid + `, "channel": "fax"}`, status: 422, code: "validation_failed", field: "channel", fieldCode: "unknown_value"},
			{name: "unknown request type", method: "POST", path: tickets, body: `{` + valid + `, "request_type": "nope"}`, status: 422, code: "validation_failed", field: "request_type", fieldCode: "unknown_value"},
			{name: "unknown custom field", method: "POST", path: tickets, body: `{` + valid + `, "custom_fields": {"nope": "1"}}`, status: 422, code: "validation_failed", field: "custom_fields.nope", fieldCode: "unknown_field"},
			{name: "bad email for a new customer", method: "POST", path: tickets, body: `{"subject": "x", "body": "x", "customer_email": "not-an-email"}`, status: 422, code: "validation_failed", field: "customer_email", fieldCode: "bad_email"},
			{name: "unknown status", method: "PATCH", path: l1, body: `{"status": "done"}`, status: 422, code: "validation_failed", field: "status", fieldCode: "unknown_value"},
			{name: "unknown reply status", method: "POST", path: l1 + "/replies", body: `{"body": "x", "status": "done"}`, status: 422, code: "validation_failed", field: "status", fieldCode: "unknown_value"},
			{name: "empty reply", method: "POST", path: l1 + "/replies", body: `{"body": "  "}`, status: 422, code: "validation_failed", field: "body", fieldCode: "required"},
			{name: "assign without owner_id", method: "POST", path: l1 + "/assign", body: `{}`, status: 422, code: "validation_failed", field: "owner_id", fieldCode: "required"},
			{name: "assign to text", method: "POST", path: l1 + "/assign", body: `{"owner_id": "me"}`, status: 422, code: "validation_failed", field: "owner_id", fieldCode: "wrong_type"},
			// Routing rules and hand-offs are read as strictly.
			{name: "misspelt key in a condition", method: "PUT", path: Prefix + "/routing/rules", body: `{"rules": [{"name": "x", "enabled": true, "when": {"feild": "channel"}}], "fallback": {"tier": "L1"}}`, status: 400, code: "unknown_json_field", field: "feild"},
			{name: "text for enabled", method: "PUT", path: Prefix + "/routing/rules", body: `{"rules": [{"name": "x", "enabled": "yes"}], "fallback": {"tier": "L1"}}`, status: 422, code: "validation_failed", field: "rules.enabled", fieldCode: "wrong_type"},
			{name: "text for a dry run's limit", method: "POST", path: Prefix + "/routing/dry-run", body: `{"limit": "all"}`, status: 422, code: "validation_failed", field: "limit", fieldCode: "wrong_type"},
			{name: "number for an answer", method: "POST", path: l1 + "/escalate", body: `{"reason": "x", "answers": {"steps_tried": 3}}`, status: 422, code: "validation_failed", field: "answers", fieldCode: "wrong_type"},
			{name: "an id in a procedure body", method: "PUT", path: Prefix + "/escalation-procedures/1", body: `{"id": 2, "name": "x"}`, status: 400, code: "unknown_json_field", field: "id"},
			{name: "NUL in a reason", method: "POST", path: l1 + "/escalate", body: `{"reason": "a\u0000b"}`, status: 422, code: "validation_failed", field: "reason", fieldCode: "bad_text"},
			// Unknown ids, and ids of the other workspace, which are unknown here.
			{name: "unknown ticket", method: "GET", path: ticketPath(999999), status: 404, code: "ticket_not_found"},
			{name: "patch unknown ticket", method: "PATCH", path: ticketPath(999999), body: `{"priority": "low"}`, status: 404, code: "ticket_not_found"},
			{name: "reply to unknown ticket", method: "POST", path: ticketPath(999999) + "/replies", body: `{"body": "x"}`, status: 404, code: "ticket_not_found"},
			{name: "unknown customer id", method: "POST", path: tickets, body: `{"subject": "x", "body": "x", "customer_id": 999999}`, status: 422, code: "validation_failed", field: "customer_id", fieldCode: "unknown_value"},
			{name: "other tenant's ticket", method: "GET", path: ticketPath(f.Other.Ticket.ID), status: 404, code: "ticket_not_found"},
			{name: "other tenant's customer", method: "POST", path: tickets, body: `{"subject": "x", "body": "x", "customer_id": ` + itoa(f.Other.Customer.ID) + `}`, status: 422, code: "validation_failed", field: "customer_id", fieldCode: "unknown_value"},
			{name: "other tenant's tier", method: "POST", path: tickets, body: `{` + valid + `, "tier_id": ` + itoa(f.Other.Tier.ID) + `}`, status: 422, code: "validation_failed", field: "tier_id", fieldCode: "unknown_value"},
			{name: "other tenant's agent as owner, with a new customer", method: "POST", path: tickets,
				body: `{"subject": "x", "body": "x", "customer_email": "new@example.com", "owner_id": ` + itoa(f.Other.Agent.ID) + `}`, status: 422, code: "validation_failed", field: "owner_id", fieldCode: "unknown_value"},
			{name: "unknown team, with a new customer", method: "POST", path: tickets,
				body: `{"subject": "x", "body": "x", "customer_email": "new@example.com", "team_id": 999999}`, status: 422, code: "validation_failed", field: "team_id", fieldCode: "unknown_value"},
			{name: "assign to other tenant's agent", method: "POST", path: l1 + "/assign", body: `{"owner_id": ` + itoa(f.Other.Agent.ID) + `}`, status: 422, code: "validation_failed", field: "owner_id", fieldCode: "unknown_value"},
			{name: "invite other tenant's agent", method: "POST", path: l1 + "/collaborators", body: `{"agent_id": ` + itoa(f.Other.Agent.ID) + `}`, status: 422, code: "validation_failed", field: "agent_id", fieldCode: "unknown_value"},
			{name: "other tenant's customer by id", method: "GET", path: idPath("/customers", f.Other.Customer.ID), status: 404, code: "customer_not_found"},
			{name: "customer in other tenant's organisation", method: "POST", path: Prefix + "/customers", body: `{"name": "X", "email": "x@example.com", "organisation_id": 999999}`, status: 422, code: "validation_failed", field: "organisation_id", fieldCode: "unknown_value"},
			// Bad ids in paths.
			{name: "word id", method: "GET", path: tickets + "/abc", status: 400, code: "bad_id"},
			{name: "zero id", method: "GET", path: tickets + "/0", status: 400, code: "bad_id"},
			{name: "negative id", method: "GET", path: tickets + "/-3", status: 400, code: "bad_id"},
			{name: "signed id", method: "GET", path: tickets + "/+3", status: 400, code: "bad_id"},
			{name: "huge id", method: "GET", path: tickets + "/99999999999999999999", status: 400, code: "bad_id"},
			{name: "bad id in a write", method: "POST", path: tickets + "/x1/replies", body: `{"body": "x"}`, status: 400, code: "bad_id"},
			// Bad query parameters.
			{name: "misspelt parameter", method: "GET", path: tickets + "?stauts=open", status: 400, code: "bad_parameter", field: "stauts"},
			{name: "unknown status filter", method: "GET", path: tickets + "?status=open,done", status: 400, code: "bad_parameter", field: "status"},
			{name: "limit zero", method: "GET", path: tickets + "?limit=0", status: 400, code: "bad_parameter", field: "limit"},
			{name: "limit too big", method: "GET", path: tickets + "?limit=1000", status: 400, code: "bad_parameter", field: "limit"},
			{name: "limit twice", method: "GET", path: tickets + "?limit=5&limit=6", status: 400, code: "bad_parameter", field: "limit"},
			{name: "unknown sort", method: "GET", path: tickets + "?sort=random", status: 400, code: "bad_parameter", field: "sort"},
			{name: "unknown tier code", method: "GET", path: tickets + "?tier=L9", status: 400, code: "bad_parameter", field: "tier"},
			{name: "unknown type key", method: "GET", path: tickets + "?type=nope", status: 400, code: "bad_parameter", field: "type"},
			{name: "bad owner", method: "GET", path: tickets + "?owner=someone", status: 400, code: "bad_parameter", field: "owner"},
			{name: "garbage cursor", method: "GET", path: tickets + "?cursor=%21%21", status: 400, code: "bad_cursor"},
			{name: "customer cursor on tickets", method: "GET", path: Prefix + "/customers?cursor=" + *idCursor("audit", 5), status: 400, code: "bad_cursor"},
			{name: "bad UTF-8 in query", method: "GET", path: tickets + "?type=%ff", status: 400, code: "bad_utf8"},
			{name: "broken escape in query", method: "GET", path: tickets + "?type=%zz", status: 400, code: "bad_parameter"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				ticketBefore := e.get("admin", l1).body
				a := e.do(req{who: "admin", method: c.method, path: c.path, body: c.body, header: c.header})
				got := a.errorBody()
				if a.status != c.status || got.Code != c.code {
					t.Fatalf("got %s, want %d %s", a, c.status, c.code)
				}
				if got.Message == "" {
					t.Error("no message")
				}
				if c.fieldCode != "" {
					if fe := got.Fields[c.field]; fe.Code != c.fieldCode || fe.Message == "" {
						t.Errorf("fields[%q] = %+v, want code %s: %s", c.field, fe, c.fieldCode, a)
					}
				} else if c.field != "" && got.Params["field"] != c.field && got.Params["name"] != c.field {
					t.Errorf("error does not name %q: %s", c.field, a)
				}
				if after := e.rowCounts(); !maps.Equal(before, after) {
					t.Errorf("a refused request wrote rows: before %v, after %v", before, after)
				}
				if string(e.get("admin", l1).body) != string(ticketBefore) {
					t.Error("a refused request changed the ticket")
				}
			})
		}
	})
}

// Syntax errors say where: the byte offset is in the parameters and in the
// message.
func TestBadJSONSaysWhere(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.send("admin", "POST", Prefix+"/tickets", `{"subject": "x",, "body": "y"}`)
		got := a.errorBody()
		if got.Params["offset"] != "17" || !strings.Contains(got.Message, "position 17") {
			t.Errorf("got %s", a)
		}
	})
}

// Errors speak the caller's language: French with Accept-Language: fr,
// English otherwise; parameters are filled into the sentence.
func TestErrorsInTheCallersLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		fr := map[string]string{"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
		cases := []struct {
			name     string
			r        req
			message  string
			field    string
			fieldMsg string
		}{
			{"validation in French", req{who: "admin", method: "POST", path: Prefix + "/tickets", body: `{"subject": "", "body": "x", "customer_id": 1, "priority": "asap"}`, header: fr},
				"Certains champs sont invalides.", "priority", "Valeur inconnue «\u00a0asap\u00a0»."},
			{"required in French", req{who: "admin", method: "POST", path: Prefix + "/tickets", body: `{"body": "x", "customer_id": 1}`, header: fr},
				"Certains champs sont invalides.", "subject", "Ce champ est obligatoire."},
			{"wrong type in French", req{who: "admin", method: "POST", path: Prefix + "/tickets", body: `{"subject": 1}`, header: fr},
				"Certains champs sont invalides.", "subject", "Ce champ a le mauvais type (attendu : du texte)."},
			{"not found in French", req{who: "admin", method: "GET", path: ticketPath(999999), header: fr}, "Ticket introuvable.", "", ""},
			{"bad JSON in French", req{who: "admin", method: "POST", path: Prefix + "/tickets", body: `{"a" 1}`, header: fr},
				"Le corps de la requête n'est pas du JSON valide : caractère inattendu à la position 6", "", ""},
			{"too large in French", req{who: "admin", method: "POST", path: Prefix + "/tickets", body: `"` + strings.Repeat("a", MaxBody) + `"`, header: fr},
				"Le corps de la requête est trop volumineux (limite 1 Mio).", "", ""},
			{"no token in French", req{method: "GET", path: Prefix + "/tickets", header: fr}, "Veuillez vous connecter.", "", ""},
			{"unknown route in French", req{who: "admin", method: "GET", path: Prefix + "/nope", header: fr}, "Ce point d'accès de l'API n'existe pas.", "", ""},
			{"admin only in French", req{who: "agentL1", method: "POST", path: Prefix + "/tiers", body: `{"code": "L4", "name": "X"}`, header: fr},
				"Seul un administrateur peut faire cela.", "", ""},
			{"English by default", req{who: "admin", method: "POST", path: Prefix + "/tickets", body: `{"subject": "", "body": "x", "customer_id": 1, "priority": "asap"}`},
				"Some fields are invalid.", "priority", `Unknown value "asap".`},
			{"English when asked", req{who: "admin", method: "GET", path: ticketPath(999999), header: map[string]string{"Accept-Language": "en-GB"}}, "Ticket not found.", "", ""},
			{"English for other languages", req{who: "admin", method: "GET", path: ticketPath(999999), header: map[string]string{"Accept-Language": "de"}}, "Ticket not found.", "", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				a := e.do(c.r)
				got := a.errorBody()
				if got.Message != c.message {
					t.Errorf("message = %q, want %q", got.Message, c.message)
				}
				if c.field != "" && got.Fields[c.field].Message != c.fieldMsg {
					t.Errorf("fields[%s] = %q, want %q", c.field, got.Fields[c.field].Message, c.fieldMsg)
				}
			})
		}
	})
}

// Without a valid bearer token nothing but the OpenAPI document answers.
func TestAuthentication(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		cases := []struct {
			name, authorization string
		}{
			{"no header", ""},
			{"empty bearer", "Bearer "},
			{"unknown token", "Bearer plr_nope"},
			{"basic auth", "Basic YWRtaW46cGFzc3dvcmQ="},
			{"token without scheme", e.tokens["admin"]},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.do(req{method: "POST", path: Prefix + "/tickets", body: `{"subject": "x", "body": "x", "customer_id": 1}`,
					header: map[string]string{"Authorization": c.authorization}})
				if a.status != 401 || a.errorCode() != "unauthenticated" || a.header.Get("WWW-Authenticate") == "" {
					t.Errorf("got %s", a)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("an unauthenticated request wrote rows")
				}
			})
		}
		// The scheme is case-insensitive, as HTTP says.
		a := e.do(req{method: "GET", path: Prefix + "/me", header: map[string]string{"Authorization": "bearer " + e.tokens["lead"]}})
		var me meOut
		e.must(a, 200, &me)
		if me.AgentID != e.f.Lead.ID || me.Role != "lead" || len(me.TierIDs) != 2 {
			t.Errorf("me = %+v", me)
		}
		e.must(e.get("", Prefix+"/openapi.json"), 200, nil)
	})
}

// A server fault answers 500 "internal" without details (they may hold SQL
// or paths) and is logged for the operator.
func TestInternalErrorsAreLoggedNotLeaked(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	f := storetest.Seed(t, s)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	d := desk.New(s, log)
	token, err := d.CreateToken(context.Background(), storetest.Actor(t, s, f.Admin), f.Admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(d, log, ""))
	defer srv.Close()
	s.Close() // every query now fails
	req, _ := http.NewRequest("GET", srv.URL+Prefix+"/tickets", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var b errorBody
	if err := json.Unmarshal(body, &b); err != nil || res.StatusCode != 500 || b.Error.Code != "internal" {
		t.Fatalf("got %d %s", res.StatusCode, body)
	}
	if strings.Contains(strings.ToLower(string(body)), "sql") || strings.Contains(string(body), "closed") {
		t.Errorf("details leaked: %s", body)
	}
	if !strings.Contains(logs.String(), "internal error") || !strings.Contains(logs.String(), "closed") {
		t.Errorf("not logged: %q", logs.String())
	}
}
