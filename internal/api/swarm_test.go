package api

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// setModels sets, as the admin, the workspace's support model and the
// "bug" request type's.
func (e *env) setModels(ws, bug string) {
	e.t.Helper()
	e.must(e.send("admin", "PATCH", Prefix+"/workspace", map[string]any{"support_model": ws}), 200, nil)
	var rt workspace.RequestType
	e.must(e.send("admin", "PATCH", idPath("/request-types", e.f.Type["bug"].ID), map[string]any{"model": bug}), 200, &rt)
	if string(rt.Model) != bug {
		e.t.Fatalf("request type model = %q, want %q", rt.Model, bug)
	}
}

// The escalation guide says why a ticket cannot go up, swarming first: the
// workspace's model, or in a hybrid workspace the request type's.
func TestEscalationGuideFollowsTheSupportModel(t *testing.T) {
	cases := []struct {
		ws, bug  string
		who, key string // "L2" is a bug, "L1" a billing request
		blocked  string
	}{
		{"tiered", "swarming", "agentL2", "L2", ""},
		{"hybrid", "swarming", "agentL2", "L2", "swarming"},
		{"hybrid", "swarming", "agentL1", "L1", ""}, // billing follows the hybrid workspace: tiered
		{"hybrid", "tiered", "agentL2", "L2", ""},
		{"hybrid", "", "agentL2", "L2", ""},
		{"swarming", "tiered", "agentL1", "L1", "swarming"},
		{"swarming", "", "lead", "L2", "swarming"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, c := range cases {
			t.Run(c.ws+"/"+c.bug+"/"+c.key, func(t *testing.T) {
				e := e.on(t)
				e.setModels(c.ws, c.bug)
				var guide escalationGuide
				e.must(e.get(c.who, e.ticketPath(c.key)+"/escalation"), 200, &guide)
				if guide.Blocked != c.blocked || guide.Possible != (c.blocked == "") || (c.blocked == "swarming") != (guide.Step == nil) {
					t.Errorf("guide = %+v, want blocked %q", guide, c.blocked)
				}
			})
		}
	})
}

// Escalating up a swarmed ticket is a conflict with a stable code and a
// translated message; nothing is written. Once its type is tiered again,
// it goes up.
func TestSwarmingRefusesEscalation(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.setModels("hybrid", "swarming")
		path := e.ticketPath("L2")
		body := map[string]any{"reason": "Besoin du niveau 3", "answers": map[string]string{"steps_tried": "Relancé l'export",
			"error_message": "Fichier vide", "reproduction_steps": "Exporter mars", "impact": "Toute la compta"}}
		before := e.rowCounts()
		a := e.do(req{who: "agentL2", method: "POST", path: path + "/escalate", body: body, header: inFrench})
		got := a.errorBody()
		if a.status != 409 || got.Code != "swarming_model" ||
			got.Message != "Ce type de demande est traité en essaimage : gardez le ticket et invitez plutôt des experts." {
			t.Fatalf("escalating a swarmed ticket: %s", a)
		}
		a = e.do(req{who: "agentL2", method: "POST", path: path + "/escalate", body: body, header: inEnglish})
		if got := a.errorBody(); got.Message != "This request type is worked by swarming: keep the ticket and invite experts instead." {
			t.Errorf("in English: %s", a)
		}
		if !maps.Equal(before, e.rowCounts()) {
			t.Error("a refused escalation wrote rows")
		}
		e.must(e.send("admin", "PATCH", idPath("/request-types", e.f.Type["bug"].ID), map[string]any{"model": "tiered"}), 200, nil)
		var moved ticket.Ticket
		e.must(e.send("agentL2", "POST", path+"/escalate", body), 200, &moved)
		if moved.TierID != e.f.Tier["L3"].ID {
			t.Errorf("escalated to tier %d, want L3", moved.TierID)
		}
		// A request type is tiered or swarming; hybrid is the workspace's.
		a = e.send("admin", "PATCH", idPath("/request-types", e.f.Type["bug"].ID), map[string]any{"model": "hybrid"})
		if a.status != 422 || a.errorBody().Fields["model"].Code != "unknown_value" {
			t.Errorf("a hybrid request type: %s", a)
		}
		var created workspace.RequestType
		e.must(e.send("admin", "POST", Prefix+"/request-types", map[string]any{"key": "incident", "name_fr": "Incident", "name_en": "Incident",
			"model": "swarming"}), 201, &created)
		if created.Model != workspace.Swarming {
			t.Errorf("created = %+v", created)
		}
	})
}

// POST /collaborators takes a team and a question as well as an agent.
func TestInviteATeamWithAQuestion(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		path := e.ticketPath("L3") // owned by AgentL3; team L2 is the lead and AgentL2
		question := "Le webhook renvoie 500, une idée ?"
		var tk ticket.Ticket
		e.must(e.send("agentL3", "POST", path+"/collaborators", map[string]any{"team_id": e.f.Team["L2"].ID, "question": question}), 200, &tk)
		for _, id := range []int64{e.f.Lead.ID, e.f.AgentL2.ID} {
			if !slices.Contains(tk.Collaborators, id) {
				t.Errorf("collaborators = %v, want the lead and AgentL2", tk.Collaborators)
			}
		}
		if joined := e.event("agentL2", tk.ID, ticket.SwarmJoined); !sameSwarm(joined, e.f.Team["L2"].ID, question) {
			t.Errorf("swarm_joined = %+v", joined)
		}
		cases := []struct {
			name  string
			body  map[string]any
			field string
			code  string
		}{
			{"nobody left to invite", map[string]any{"team_id": e.f.Team["L2"].ID}, "team_id", "nobody_to_invite"},
			{"an agent and a team", map[string]any{"agent_id": e.f.AgentL1.ID, "team_id": e.f.Team["L1"].ID}, "team_id", "agent_or_team"},
			{"neither", map[string]any{"question": "?"}, "agent_id", "required"},
			{"unknown team", map[string]any{"team_id": 999999}, "team_id", "unknown_value"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.send("agentL3", "POST", path+"/collaborators", c.body)
				if f := a.errorBody().Fields[c.field]; a.status != 422 || f.Code != c.code || f.Message == "" {
					t.Errorf("got %s, want 422 with %s %s", a, c.field, c.code)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused invitation wrote rows")
				}
			})
		}
	})
}

// A member with the collaborator role, created over the API, reads and
// notes the ticket they were invited to, and nothing else: the rows are
// the specification, as in TestAuthorisationMatrix.
func TestCollaboratorRoleOverAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var po workspace.Member
		e.must(e.send("admin", "POST", Prefix+"/agents", map[string]any{"email": "po@acme.test", "name": "Paul Produit", "role": "collaborator",
			"tier_ids": []int64{e.f.Tier["L1"].ID}}), 201, &po)
		if po.Role != workspace.Collaborator {
			t.Fatalf("created = %+v", po)
		}
		token, err := e.d.CreateToken(context.Background(), storetest.Actor(t, e.s, po), po.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["po"] = token
		var me meOut
		e.must(e.get("po", Prefix+"/me"), 200, &me)
		if me.Role != workspace.Collaborator {
			t.Errorf("me = %+v", me)
		}
		// Only someone who works the ticket invites.
		if a := e.send("agentL1", "POST", e.ticketPath("L3")+"/collaborators", map[string]any{"agent_id": po.ID}); a.status != 404 {
			t.Errorf("an outsider of the ticket invites: %s", a)
		}
		e.must(e.send("agentL3", "POST", e.ticketPath("L3")+"/collaborators", map[string]any{"agent_id": po.ID, "question": "Régression 4.2 ?"}), 200, nil)

		listed := e.allTicketIDs("po")
		if !slices.Equal(listed, []int64{e.f.Ticket["L3"].ID}) {
			t.Errorf("a collaborator lists %v, want only the ticket they were invited to", listed)
		}
		rows := []struct {
			key  string
			want access
		}{
			{"L3", noteOnly}, // invited
			{"L1", hidden},   // in the tier they were given by mistake
			{"swarm", hidden},
		}
		for _, row := range rows {
			t.Run(row.key, func(t *testing.T) {
				e := e.on(t)
				path := e.ticketPath(row.key)
				got := access{
					get:    e.get("po", path).status,
					listed: slices.Contains(listed, e.f.Ticket[row.key].ID),
					patch:  e.send("po", "PATCH", path, map[string]any{"tags": []string{}}).status,
					reply:  e.send("po", "POST", path+"/replies", map[string]any{"body": "reply"}).status,
					note:   e.send("po", "POST", path+"/notes", map[string]any{"body": "note"}).status,
				}
				if got != row.want {
					t.Errorf("got %+v, want %+v", got, row.want)
				}
			})
		}
		l3 := e.ticketPath("L3")
		refused := []struct {
			name, method, path string
			body               any
			status             int
		}{
			{"open a ticket", "POST", Prefix + "/tickets", map[string]any{"subject": "x", "body": "x", "customer_id": e.f.Customer["bob"].ID}, 403},
			{"invite", "POST", l3 + "/collaborators", map[string]any{"agent_id": e.f.AgentL1.ID}, 403},
			{"invite a team", "POST", l3 + "/collaborators", map[string]any{"team_id": e.f.Team["L1"].ID}, 403},
			{"escalate", "POST", l3 + "/escalate", map[string]any{"direction": "down", "reason": "x"}, 403},
			{"hand the ticket to a colleague", "POST", l3 + "/assign", map[string]any{"owner_id": e.f.AgentL1.ID}, 403},
			{"take the ticket", "POST", l3 + "/assign", map[string]any{"owner_id": po.ID}, 422}, // collaborator_owner, whoever asks
			{"list customers", "GET", Prefix + "/customers", nil, 403},
			{"read another ticket's customer", "GET", idPath("/customers", e.f.Customer["bob"].ID), nil, 404},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				if a := e.do(req{who: "po", method: c.method, path: c.path, body: c.body}); a.status != c.status {
					t.Errorf("got %s, want %d", a, c.status)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused request wrote rows")
				}
			})
		}
		e.must(e.get("po", idPath("/customers", e.f.Customer["victoria"].ID)), 200, nil) // the invited ticket's customer
		// Nobody makes a collaborator the owner: they would answer the customer.
		a := e.send("agentL3", "POST", l3+"/assign", map[string]any{"owner_id": po.ID})
		if a.status != 422 || a.errorBody().Fields["owner_id"].Code != "collaborator_owner" {
			t.Errorf("assigning a collaborator: %s", a)
		}
	})
}

// sameSwarm: the event records an invitation with the team and question.
func sameSwarm(e ticket.Event, teamID int64, question string) bool {
	j, ok := event.As[event.SwarmJoin](e)
	return ok && j.AgentID != 0 && j.TeamID == teamID && j.Question == question
}

// A swarm collaborator comes from outside support: the agent list shows
// them only the people on the tickets they are invited to, and themselves;
// every other role sees every member. Asking for someone else by id is a
// 404, as for any object the caller may not see.
func TestCollaboratorsSeeOnlyTheAgentsTheyMeet(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := storetest.Actor(t, e.s, e.f.Admin)
		newCollaborator := func(name, email string) workspace.Member {
			m, err := e.d.CreateMember(ctx, admin, workspace.Member{Name: name, Email: email, Role: workspace.Collaborator, Active: true}, "a long enough password")
			if err != nil {
				t.Fatal(err)
			}
			token, err := e.d.CreateToken(ctx, admin, m.ID, "test")
			if err != nil {
				t.Fatal(err)
			}
			e.tokens[name] = token
			return m
		}
		invited := newCollaborator("ext", "ext@vendor.test")
		alone := newCollaborator("alone", "alone@vendor.test")
		// AgentL3 owns ticket L3 and invites the outside expert.
		e.must(e.send("agentL3", "POST", e.ticketPath("L3")+"/collaborators", map[string]any{"agent_id": invited.ID, "question": "Can you look?"}), 200, nil)

		ids := func(who string) []int64 {
			var p struct{ Data []struct{ ID int64 } }
			e.must(e.get(who, Prefix+"/agents"), 200, &p)
			var out []int64
			for _, m := range p.Data {
				out = append(out, m.ID)
			}
			slices.Sort(out)
			return out
		}
		all := ids("admin")
		if len(all) < 7 {
			t.Fatalf("admin sees %v", all)
		}
		for _, who := range []string{"lead", "agentL1", "agentL2", "agentL3"} {
			if got := ids(who); !slices.Equal(got, all) {
				t.Errorf("%s sees %v, want every member %v", who, got, all)
			}
		}
		want := []int64{e.f.AgentL3.ID, invited.ID}
		slices.Sort(want)
		if got := ids("ext"); !slices.Equal(got, want) {
			t.Errorf("the invited collaborator sees %v, want the ticket's owner and themselves %v", got, want)
		}
		if got := ids("alone"); !slices.Equal(got, []int64{alone.ID}) {
			t.Errorf("a collaborator invited nowhere sees %v, want only themselves", got)
		}
		for _, tc := range []struct {
			who    string
			id     int64
			status int
		}{
			{"ext", e.f.AgentL3.ID, 200}, {"ext", invited.ID, 200}, {"ext", e.f.Lead.ID, 404}, {"ext", e.f.Admin.ID, 404},
			{"alone", e.f.AgentL3.ID, 404}, {"alone", alone.ID, 200}, {"agentL1", e.f.Lead.ID, 200},
		} {
			if a := e.get(tc.who, idPath("/agents", tc.id)); a.status != tc.status {
				t.Errorf("%s GET agent %d: %s, want %d", tc.who, tc.id, a, tc.status)
			}
		}
	})
}
