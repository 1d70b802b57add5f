package api

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/ticket"
)

var (
	inFrench  = map[string]string{"Accept-Language": "fr"}
	inEnglish = map[string]string{"Accept-Language": "en"}
)

// newBug opens a bug ticket owned by the L1 agent, which the "bug"
// procedure of createProcedure governs.
func (e *env) newBug() ticket.Ticket {
	e.t.Helper()
	var tk ticket.Ticket
	e.must(e.send("agentL1", "POST", Prefix+"/tickets", map[string]any{
		"subject": "L'export plante", "body": "Erreur 500 quand j'exporte mes factures.",
		"customer_id": e.f.Customer["alice"].ID, "request_type": "bug", "owner_id": e.f.AgentL1.ID,
	}), 201, &tk)
	return tk
}

// The whole hand-off over HTTP: the agent reads what the next tier needs,
// is refused while anything is missing (each item named, in French or in
// English, nothing changed), escalates once it is all there, and loses the
// ticket to L2, whose agent reads the hand-off summary and sends it back
// down with just a reason.
func TestEscalationFollowsTheProcedure(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.createCustomField()
		proc := e.createProcedure()
		tk := e.newBug()
		path := ticketPath(tk.ID)

		// The guide, in the caller's language and in both.
		var guide escalationGuide
		e.must(e.do(req{who: "agentL1", method: "GET", path: path + "/escalation", header: inFrench}), 200, &guide)
		if guide.ProcedureID != proc.ID || guide.ProcedureName != "Anomalies" || guide.Tier != "L1" || !guide.Possible || guide.Step == nil {
			t.Fatalf("guide = %+v", guide)
		}
		st := guide.Step
		if st.ToTier != "L2" || st.Guidance != "Escaladez les anomalies reproduites." || st.GuidanceEN != "Escalate reproduced bugs." ||
			len(st.Required) != 2 || st.Required[0].Label != "Étapes déjà tentées" || st.Required[0].LabelEN != "Steps already tried" ||
			st.Required[1].Kind != escalation.KindCustomField || st.Required[1].Provided {
			t.Errorf("step = %+v", st)
		}
		e.must(e.do(req{who: "agentL1", method: "GET", path: path + "/escalation", header: inEnglish}), 200, &guide)
		if guide.Step.Guidance != "Escalate reproduced bugs." || guide.Step.Required[0].Label != "Steps already tried" {
			t.Errorf("guide in English = %+v", guide.Step)
		}

		// Refusals name every missing item and change nothing.
		refusals := []struct {
			name    string
			body    map[string]any
			lang    map[string]string
			message string
			fields  map[string]string // field → message
		}{
			{"nothing given, in French", map[string]any{}, inFrench,
				"Avant de transmettre le ticket, renseignez : Étapes déjà tentées ; Offre ; Motif.",
				map[string]string{"answers.steps_tried": "Étapes déjà tentées est obligatoire.", "custom_fields.plan": "Offre est obligatoire.", "reason": "Motif est obligatoire."}},
			{"nothing given, in English", map[string]any{}, inEnglish,
				"Before handing the ticket over, provide: Steps already tried; Plan; Reason.",
				map[string]string{"answers.steps_tried": "Steps already tried is required.", "custom_fields.plan": "Plan is required.", "reason": "Reason is required."}},
			{"only the field is missing", map[string]any{"reason": "Reproduit", "answers": map[string]string{"steps_tried": "Vidé le cache"}}, inFrench,
				"Avant de transmettre le ticket, renseignez : Offre.", map[string]string{"custom_fields.plan": "Offre est obligatoire."}},
			{"blank answers do not count", map[string]any{"reason": " ", "answers": map[string]string{"steps_tried": "  \n"}, "direction": "up"}, inEnglish,
				"Before handing the ticket over, provide: Steps already tried; Plan; Reason.",
				map[string]string{"answers.steps_tried": "Steps already tried is required.", "custom_fields.plan": "Plan is required.", "reason": "Reason is required."}},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before, ticketBefore := e.rowCounts(), e.get("agentL1", path).body
				a := e.do(req{who: "agentL1", method: "POST", path: path + "/escalate", body: c.body, header: c.lang})
				got := a.errorBody()
				if a.status != 422 || got.Code != "escalation_incomplete" || got.Message != c.message {
					t.Fatalf("got %s, want 422 escalation_incomplete %q", a, c.message)
				}
				msgs := map[string]string{}
				for name, f := range got.Fields {
					msgs[name] = f.Message
					if f.Code != "required" || f.Params["label_fr"] == "" || f.Params["label_en"] == "" {
						t.Errorf("fields[%s] = %+v, want required with both labels", name, f)
					}
				}
				if !maps.Equal(msgs, c.fields) {
					t.Errorf("fields = %v, want %v", msgs, c.fields)
				}
				if !maps.Equal(before, e.rowCounts()) || string(e.get("agentL1", path).body) != string(ticketBefore) {
					t.Error("a refused escalation changed something")
				}
			})
		}

		// The plan is a custom field: once set on the ticket, the guide
		// says so and the escalation reads it from there.
		e.must(e.send("agentL1", "PATCH", path, map[string]any{"custom_fields": map[string]string{"plan": "pro"}}), 200, nil)
		e.must(e.get("agentL1", path+"/escalation"), 200, &guide)
		if !guide.Step.Required[1].Provided {
			t.Errorf("the plan is set but the guide says otherwise: %+v", guide.Step.Required[1])
		}
		var moved ticket.Ticket
		e.must(e.send("agentL1", "POST", path+"/escalate", map[string]any{
			"reason": "Anomalie reproduite", "answers": map[string]string{"steps_tried": "Vidé le cache\n- Essayé un autre navigateur"},
		}), 200, &moved)
		if moved.TierID != e.f.Tier["L2"].ID || moved.TeamID != e.f.Team["L2"].ID || moved.OwnerID != 0 ||
			moved.EscalationCount != 1 || moved.HandoffCount != 1 || moved.FirstContactResolved {
			t.Errorf("after escalation: %+v", moved)
		}

		// The L1 agent let go of it but follows it: she reads it and notes,
		// no longer answers nor changes it; the L2 agent has it, counts
		// stored.
		if a := e.get("agentL1", path); a.status != 200 {
			t.Errorf("the L1 agent lost sight of the ticket she escalated: %s", a)
		}
		if a := e.send("agentL1", "POST", path+"/notes", map[string]any{"body": "Le client rappelle demain."}); a.status != 201 {
			t.Errorf("the L1 agent cannot note the ticket she escalated: %s", a)
		}
		for _, a := range []answer{
			e.send("agentL1", "POST", path+"/replies", map[string]any{"body": "Bonjour"}),
			e.send("agentL1", "PATCH", path, map[string]any{"priority": "low"}),
		} {
			if a.status != 403 {
				t.Errorf("the L1 agent works the ticket she escalated: %s", a)
			}
		}
		var stored ticket.Ticket
		e.must(e.get("agentL2", path), 200, &stored)
		if stored.EscalationCount != 1 || stored.HandoffCount != 1 || stored.TierID != e.f.Tier["L2"].ID {
			t.Errorf("stored = %+v", stored)
		}
		ev := e.event("agentL2", tk.ID, ticket.Escalated)
		if h, _ := event.As[event.Handoff](ev); ev.ActorAgentID != e.f.AgentL1.ID || h.From != e.f.Tier["L1"].ID || h.To != e.f.Tier["L2"].ID ||
			h.Direction != escalation.Up || h.Reason != "Anomalie reproduite" {
			t.Errorf("escalated event = %+v", ev)
		}
		sum, ok := desk.HandoffSummary(ev)
		if !ok || !slices.Equal(sum.Tried, []string{"Vidé le cache", "Essayé un autre navigateur"}) || sum.Subject != "L'export plante" ||
			!strings.Contains(sum.Problem, "Erreur 500") || !slices.ContainsFunc(sum.Answers, func(a escalation.Answer) bool { return a.Key == "plan" && a.Value == "pro" }) {
			t.Errorf("hand-off summary = %+v", sum)
		}

		// At L2 the procedure goes on to L3, with nothing to collect.
		e.must(e.get("agentL2", path+"/escalation"), 200, &guide)
		if !guide.Possible || guide.Step.FromTier != "L2" || guide.Step.ToTier != "L3" || len(guide.Step.Required) != 0 {
			t.Errorf("guide at L2 = %+v %+v", guide, guide.Step)
		}

		// Down again: only a reason is needed, and the tier below is the
		// default target.
		a := e.do(req{who: "agentL2", method: "POST", path: path + "/escalate", body: map[string]any{"direction": "down"}, header: inFrench})
		if got := a.errorBody(); a.status != 422 || got.Code != "escalation_incomplete" || len(got.Fields) != 1 || got.Fields["reason"].Message != "Motif est obligatoire." {
			t.Errorf("de-escalation without a reason: %s", a)
		}
		var back ticket.Ticket
		e.must(e.send("agentL2", "POST", path+"/escalate", map[string]any{"direction": "down", "reason": "Correctif connu, le niveau 1 le livre"}), 200, &back)
		if back.TierID != e.f.Tier["L1"].ID || back.TeamID == 0 || e.f.Team["L1"].ID != back.TeamID || back.EscalationCount != 1 {
			t.Errorf("after de-escalation: %+v", back)
		}
		down := e.event("agentL1", tk.ID, ticket.DeEscalated)
		if h, _ := event.As[event.Handoff](down); h.From != e.f.Tier["L2"].ID || h.To != e.f.Tier["L1"].ID || h.Direction != escalation.Down {
			t.Errorf("de-escalated event = %+v", down)
		}
	})
}

// Hand-offs the procedure does not allow are refused with the field that
// makes them impossible, in the caller's language.
func TestImpossibleHandOffs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.createCustomField()
		e.createProcedure() // bug tickets: L1 → L2 → L3 and no further
		l3 := e.ticketPath("L3")
		var guide escalationGuide
		e.must(e.get("agentL3", l3+"/escalation"), 200, &guide)
		if guide.Possible || guide.Blocked != "no_step" || guide.Step != nil {
			t.Errorf("guide at the top of the procedure = %+v", guide)
		}
		cases := []struct {
			name, path string
			body       map[string]any
			field      string
			code       string
			messageFR  string
		}{
			{"no step up from L3", l3, map[string]any{"reason": "x"}, "ticket_tier", "no_step", "La procédure ne prévoit pas d'escalade depuis L3."},
			{"a return must say where", l3, map[string]any{"direction": "return", "reason": "x"}, "target_tier", "missing_target", "Indiquez vers quel niveau le ticket repart."},
			{"down is below", l3, map[string]any{"direction": "down", "target_tier": "L4", "reason": "x"}, "target_tier", "target_not_below", "Pour désescalader, la cible doit être en dessous de L3."},
			{"unknown direction", l3, map[string]any{"direction": "sideways", "reason": "x"}, "direction", "unknown_direction", "Sens sideways inconnu ; utilisez up, down ou return."},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.do(req{who: "agentL3", method: "POST", path: c.path + "/escalate", body: c.body, header: inFrench})
				got := a.errorBody()
				if a.status != 422 || got.Code != "escalation_not_possible" || got.Message != "Cette transmission n'est pas possible." {
					t.Fatalf("got %s", a)
				}
				if f := got.Fields[c.field]; f.Code != c.code || f.Message != c.messageFR {
					t.Errorf("fields[%s] = %+v, want %s %q", c.field, f, c.code, c.messageFR)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused hand-off wrote rows")
				}
			})
		}
	})
}

// Admins write procedures; everyone reads them. A faulty one is refused
// with the path of each fault; a request type has one procedure.
func TestEscalationProcedures(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var empty page[escalation.Procedure]
		e.must(e.get("agentL1", Prefix+"/escalation-procedures"), 200, &empty)
		if len(empty.Data) != 0 {
			t.Errorf("procedures before any = %+v", empty.Data)
		}
		e.createCustomField()
		proc := e.createProcedure()
		var list page[escalation.Procedure]
		e.must(e.get("agentL1", Prefix+"/escalation-procedures"), 200, &list)
		if len(list.Data) != 1 || list.Data[0].ID != proc.ID || len(list.Data[0].Steps) != 2 || list.Data[0].Steps[0].Required[1].Key != "plan" {
			t.Errorf("procedures = %+v", list.Data)
		}
		procPath := idPath("/escalation-procedures", proc.ID)
		var replaced escalation.Procedure
		e.must(e.send("admin", "PUT", procPath, map[string]any{
			"request_type_id": e.f.Type["bug"].ID, "name": "Anomalies v2",
			"steps": []map[string]any{{"from_tier": "L1", "to_tier": "L3", "required": []any{}}},
		}), 200, &replaced)
		if replaced.ID != proc.ID || replaced.Name != "Anomalies v2" || len(replaced.Steps) != 1 {
			t.Errorf("replaced = %+v", replaced)
		}

		step := func(from, to string, items ...map[string]any) map[string]any {
			return map[string]any{"from_tier": from, "to_tier": to, "required": items}
		}
		cases := []struct {
			name, who, method, path string
			body                    map[string]any
			status                  int
			code, field, fieldCode  string
		}{
			{"agents may not", "agentL1", "POST", Prefix + "/escalation-procedures", map[string]any{"name": "X", "steps": []any{step("L1", "L2")}}, 403, "admin_only", "", ""},
			{"leads may not", "lead", "PUT", procPath, map[string]any{"name": "X", "steps": []any{step("L1", "L2")}}, 403, "admin_only", "", ""},
			{"a step must climb", "admin", "POST", Prefix + "/escalation-procedures", map[string]any{"name": "X", "steps": []any{step("L2", "L1")}},
				422, "invalid_procedure", "steps[0].to_tier", "not_ascending"},
			{"an item needs a known custom field", "admin", "POST", Prefix + "/escalation-procedures", map[string]any{"name": "X", "steps": []any{
				step("L1", "L2", map[string]any{"key": "steps_tried", "kind": "answer", "label_en": "Tried"}, map[string]any{"key": "colour", "kind": "custom_field", "label_en": "Colour"})}},
				422, "invalid_procedure", "steps[0].required[1].key", "unknown_custom_field"},
			{"one procedure per request type", "admin", "POST", Prefix + "/escalation-procedures",
				map[string]any{"request_type_id": e.f.Type["bug"].ID, "name": "Encore", "steps": []any{step("L1", "L2")}}, 422, "validation_failed", "request_type_id", "taken"},
			{"unknown procedure", "admin", "PUT", idPath("/escalation-procedures", 999999), map[string]any{"name": "X", "steps": []any{step("L1", "L2")}}, 404, "escalation_procedure_not_found", "", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.send(c.who, c.method, c.path, c.body)
				got := a.errorBody()
				if a.status != c.status || got.Code != c.code {
					t.Fatalf("got %s, want %d %s", a, c.status, c.code)
				}
				if f := got.Fields[c.field]; c.field != "" && (f.Code != c.fieldCode || f.Message == "") {
					t.Errorf("fields[%s] = %+v, want %s", c.field, f, c.fieldCode)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused procedure wrote rows")
				}
			})
		}
		a := e.do(req{who: "admin", method: "POST", path: Prefix + "/escalation-procedures", body: map[string]any{"name": "X", "steps": []any{step("L2", "L1")}}, header: inFrench})
		if got := a.errorBody(); got.Message != "La procédure d'escalade est invalide." || got.Fields["steps[0].to_tier"].Message != "Une étape doit monter : L1 n'est pas au-dessus de L2." {
			t.Errorf("in French: %s", a)
		}
	})
}

// Swarming: the owner invites an agent of another tier, who may then read
// the ticket and post internal notes, but neither answer the customer nor
// change or escalate the ticket. An agent who escalates a ticket they
// collaborate on keeps reading it.
func TestSwarmInviteeReadsAndNotes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		l3 := e.ticketPath("L3") // owned by AgentL3, in L3
		if a := e.get("agentL2", l3); a.status != 404 {
			t.Fatalf("before the invitation: %s", a)
		}
		var tk ticket.Ticket
		e.must(e.send("agentL3", "POST", l3+"/collaborators", map[string]any{"agent_id": e.f.AgentL2.ID}), 200, &tk)
		if !slices.Contains(tk.Collaborators, e.f.AgentL2.ID) {
			t.Errorf("collaborators = %v", tk.Collaborators)
		}
		if joined := e.event("agentL2", tk.ID, ticket.SwarmJoined); joined.Data != (event.SwarmJoin{AgentID: e.f.AgentL2.ID}) {
			t.Errorf("swarm_joined = %+v", joined)
		}
		got := []int{
			e.get("agentL2", l3).status,
			e.send("agentL2", "POST", l3+"/notes", map[string]any{"body": "Bug connu côté webhooks, voir KB-12."}).status,
			e.send("agentL2", "POST", l3+"/replies", map[string]any{"body": "Bonjour"}).status,
			e.send("agentL2", "PATCH", l3, map[string]any{"priority": "low"}).status,
			e.send("agentL2", "POST", l3+"/escalate", map[string]any{"direction": "down", "reason": "x"}).status,
		}
		if want := []int{200, 201, 403, 403, 403}; !slices.Equal(got, want) {
			t.Errorf("invitee's get, note, reply, patch, escalate = %v, want %v", got, want)
		}
		var guide escalationGuide
		e.must(e.get("agentL2", l3+"/escalation"), 200, &guide)
		if guide.Possible || guide.Blocked != "not_allowed" {
			t.Errorf("guide for an invitee = %+v", guide)
		}
		// Someone outside the ticket cannot invite anyone.
		if a := e.send("agentL1", "POST", l3+"/collaborators", map[string]any{"agent_id": e.f.AgentL1.ID}); a.status != 404 {
			t.Errorf("an outsider invites: %s", a)
		}

		// The lead invites the L1 agent to an L1 ticket, which the agent
		// then escalates: as a collaborator they keep reading it.
		l1 := e.ticketPath("L1owned")
		e.must(e.send("lead", "POST", l1+"/collaborators", map[string]any{"agent_id": e.f.AgentL1.ID}), 200, nil)
		e.must(e.send("agentL1", "POST", l1+"/escalate", map[string]any{"reason": "Besoin du niveau 2",
			"answers": map[string]string{"steps_tried": "Lien renvoyé", "error_message": "Lien expiré"}}), 200, nil)
		var after ticket.Ticket
		e.must(e.get("agentL1", l1), 200, &after)
		if after.TierID != e.f.Tier["L2"].ID {
			t.Errorf("tier after escalation = %d", after.TierID)
		}
		if a := e.send("agentL1", "POST", l1+"/replies", map[string]any{"body": "Bonjour"}); a.status != 403 {
			t.Errorf("the collaborator answers an L2 ticket: %s", a)
		}
	})
}

// first_contact_resolved is stored when a ticket is solved: only when the
// agent who first answered solves it, without escalation or hand-off.
func TestFirstContactResolution(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		reply := func(who, status string) func(path string) answer {
			return func(path string) answer {
				return e.send(who, "POST", path+"/replies", map[string]any{"body": "Voici la réponse.", "status": status})
			}
		}
		patch := func(who string, body map[string]any) func(path string) answer {
			return func(path string) answer { return e.send(who, "PATCH", path, body) }
		}
		escalate := func(path string) answer {
			return e.send("agentL1", "POST", path+"/escalate", map[string]any{"reason": "Besoin du niveau 2",
				"answers": map[string]string{"steps_tried": "Lien renvoyé", "error_message": "Lien expiré"}})
		}
		cases := []struct {
			name  string
			steps []func(path string) answer
			want  bool
		}{
			{"solved by the first replier", []func(string) answer{reply("agentL1", "solved")}, true},
			{"answered, then solved by the same agent", []func(string) answer{reply("agentL1", "pending"), reply("agentL1", "solved")}, true},
			{"solved by another agent", []func(string) answer{reply("agentL1", ""), reply("lead", "solved")}, false},
			{"escalated, solved at L2", []func(string) answer{reply("agentL1", ""), escalate, reply("agentL2", "solved")}, false},
			{"reopened after solving", []func(string) answer{reply("agentL1", "solved"), patch("agentL1", map[string]any{"status": "open"})}, false},
			{"handed to a colleague who solves it", []func(string) answer{reply("agentL1", ""), patch("lead", map[string]any{"owner_id": e.f.Lead.ID}), reply("lead", "solved")}, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				var tk ticket.Ticket
				e.must(e.send("agentL1", "POST", Prefix+"/tickets", map[string]any{"subject": "Mot de passe oublié", "body": "Je ne peux plus me connecter.",
					"customer_id": e.f.Customer["bob"].ID, "request_type": "access", "owner_id": e.f.AgentL1.ID}), 201, &tk)
				path := ticketPath(tk.ID)
				for i, step := range c.steps {
					if a := step(path); a.status >= 300 {
						t.Fatalf("step %d: %s", i, a)
					}
				}
				var got ticket.Ticket
				e.must(e.get("admin", path), 200, &got)
				if got.FirstContactResolved != c.want {
					t.Errorf("first_contact_resolved = %v, want %v (%+v)", got.FirstContactResolved, c.want, got)
				}
			})
		}
	})
}
