package api

import (
	"maps"
	"testing"

	"github.com/palier/palier/internal/ticket"
)

// Agents keep a ticket in its tier: they may not give it to someone
// outside its tier and team, hand it to another tier's team, nor open a
// ticket placed (or owned) where they do not work. Leads and admins place
// tickets anywhere. Every refusal is a 403 out_of_scope naming the field,
// and writes nothing.
func TestPlacementScopeMatrix(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		l1 := e.ticketPath("L1") // tier L1, team L1, unassigned
		newTicket := func(more map[string]any) map[string]any {
			body := map[string]any{"subject": "Appel", "body": "Le client appelle.", "customer_id": f.Customer["bob"].ID}
			maps.Copy(body, more)
			return body
		}
		cases := []struct {
			name, who, method, path string
			body                    map[string]any
			status                  int
			field, code             string // the refused field and its code
		}{
			{"assign to an agent of another tier", "agentL1", "PATCH", l1, map[string]any{"owner_id": f.AgentL3.ID}, 403, "owner_id", "owner_out_of_scope"},
			{"assign to an agent of L2 only", "agentL1", "PATCH", l1, map[string]any{"owner_id": f.AgentL2.ID}, 403, "owner_id", "owner_out_of_scope"},
			{"assign through /assign", "agentL1", "POST", l1 + "/assign", map[string]any{"owner_id": f.AgentL3.ID}, 403, "owner_id", "owner_out_of_scope"},
			{"move to another tier's team", "agentL1", "PATCH", l1, map[string]any{"team_id": f.Team["L2"].ID}, 403, "team_id", "team_out_of_scope"},
			{"team and owner of another tier at once", "agentL1", "PATCH", l1, map[string]any{"team_id": f.Team["L3"].ID, "owner_id": f.AgentL3.ID}, 403, "team_id", "team_out_of_scope"},
			{"create in a tier they do not work in", "agentL1", "POST", Prefix + "/tickets", newTicket(map[string]any{"tier_id": f.Tier["L3"].ID}), 403, "tier_id", "tier_out_of_scope"},
			{"create with another tier's team", "agentL1", "POST", Prefix + "/tickets", newTicket(map[string]any{"team_id": f.Team["L2"].ID}), 403, "team_id", "team_out_of_scope"},
			{"create owned by an agent of another tier", "agentL1", "POST", Prefix + "/tickets", newTicket(map[string]any{"owner_id": f.AgentL3.ID}), 403, "owner_id", "owner_out_of_scope"},
			{"create sensitive, owned by someone else, in a tier they cannot read", "agentL1", "POST", Prefix + "/tickets",
				newTicket(map[string]any{"sensitive": true, "owner_id": f.AgentL3.ID, "tier_id": f.Tier["L3"].ID, "team_id": f.Team["L3"].ID}), 403, "tier_id", "tier_out_of_scope"},
			{"a colleague of the tier", "agentL1", "PATCH", l1, map[string]any{"owner_id": f.Lead.ID}, 200, "", ""},
			{"a team of the ticket's tier", "agentL1", "PATCH", l1, map[string]any{"team_id": f.Team["L1"].ID}, 200, "", ""},
			{"create in their own tier, owned by themselves", "agentL1", "POST", Prefix + "/tickets", newTicket(map[string]any{"tier_id": f.Tier["L1"].ID, "owner_id": f.AgentL1.ID}), 201, "", ""},
			{"a lead assigns across tiers", "lead", "PATCH", e.ticketPath("L2"), map[string]any{"owner_id": f.AgentL3.ID}, 200, "", ""},
			{"a lead moves to another tier's team", "lead", "PATCH", e.ticketPath("L1owned"), map[string]any{"team_id": f.Team["L2"].ID}, 200, "", ""},
			{"a lead creates anywhere", "lead", "POST", Prefix + "/tickets", newTicket(map[string]any{"tier_id": f.Tier["L3"].ID, "owner_id": f.AgentL3.ID}), 201, "", ""},
			{"an admin creates a sensitive ticket for another tier", "admin", "POST", Prefix + "/tickets",
				newTicket(map[string]any{"sensitive": true, "tier_id": f.Tier["L3"].ID, "owner_id": f.AgentL3.ID}), 201, "", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.send(c.who, c.method, c.path, c.body)
				if a.status != c.status {
					t.Fatalf("got %s, want %d", a, c.status)
				}
				if c.status < 300 {
					return
				}
				got := a.errorBody()
				if got.Code != "out_of_scope" || got.Fields[c.field].Code != c.code || got.Fields[c.field].Message == "" {
					t.Errorf("got %s, want out_of_scope with %s %s", a, c.field, c.code)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused placement wrote rows")
				}
			})
		}
		// Refusals are worded for people, in their language.
		a := e.do(req{who: "agentL1", method: "PATCH", path: l1, body: map[string]any{"owner_id": f.AgentL3.ID}, header: inFrench})
		if got := a.errorBody(); got.Fields["owner_id"].Message != "Cette personne ne travaille pas dans le niveau ou l'équipe du ticket." {
			t.Errorf("in French: %s", a)
		}
		var tk ticket.Ticket
		e.must(e.get("admin", l1), 200, &tk)
		if tk.OwnerID != f.Lead.ID || tk.TierID != f.Tier["L1"].ID {
			t.Errorf("after the allowed changes: %+v", tk)
		}
	})
}
