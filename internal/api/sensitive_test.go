package api

import (
	"maps"
	"testing"

	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// addMember creates a member of the fixture's workspace with a token under
// name, e.g. a member with the collaborator role.
func (e *env) addMember(name string, m workspace.Member) workspace.Member {
	e.t.Helper()
	m.Active = true
	created, err := e.s.CreateMember(e.t.Context(), e.f.WS.ID, e.f.Admin.ID, m, "")
	if err != nil {
		e.t.Fatalf("member %s: %v", name, err)
	}
	token, err := e.d.CreateToken(e.t.Context(), storetest.Actor(e.t, e.s, created), created.ID, "test")
	if err != nil {
		e.t.Fatalf("token for %s: %v", name, err)
	}
	e.tokens[name] = token
	return created
}

// Only leads, admins and the ticket's owner set or clear the sensitive
// flag. Every other role on the route is refused with a stable code and
// nothing changes: an invited agent clearing it would open the ticket to a
// whole tier.
func TestSensitiveFlagMatrix(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		outsider := e.addMember("outsider", workspace.Member{Email: "po@acme.test", Name: "Paul Produit", Role: workspace.Collaborator})
		owned := e.ticketPath("L1owned") // tier L1, owner AgentL1
		e.must(e.send("lead", "POST", owned+"/collaborators", map[string]any{"agent_id": e.f.AgentL2.ID}), 200, nil)
		e.must(e.send("lead", "POST", owned+"/collaborators", map[string]any{"agent_id": outsider.ID}), 200, nil)
		cases := []struct {
			name, who, ticket string
			value             bool
			status            int
			code              string
		}{
			{"the owner marks it", "agentL1", "L1owned", true, 200, ""},
			{"the owner lifts it", "agentL1", "L1owned", false, 200, ""},
			{"a lead of its tier", "lead", "L1owned", true, 200, ""},
			{"an agent who cannot read a sensitive ticket", "agentL1", "sensitive", false, 404, "ticket_not_found"},
			{"a lead lifts a sensitive ticket", "lead", "sensitive", false, 200, ""},
			{"an admin", "admin", "L1owned", false, 200, ""},
			{"an agent of its tier who does not own it", "agentL1", "L1", true, 403, "sensitive_not_allowed"},
			{"the same agent sending the current value", "agentL1", "L1", false, 403, "sensitive_not_allowed"},
			{"an invited agent", "agentL2", "L1owned", true, 403, "sensitive_not_allowed"},
			{"an invited collaborator", "outsider", "L1owned", true, 403, "sensitive_not_allowed"},
			{"an agent of another tier", "agentL3", "L1owned", true, 404, "ticket_not_found"},
			{"another workspace", "other", "L1owned", true, 404, "ticket_not_found"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				path := e.ticketPath(c.ticket)
				before := e.rowCounts()
				var was ticket.Ticket
				e.must(e.get("admin", path), 200, &was)
				// Everything else in the request is allowed to the caller,
				// so the refusal is the flag's.
				a := e.send(c.who, "PATCH", path, map[string]any{"sensitive": c.value})
				if a.status != c.status || a.errorCode() != c.code {
					t.Fatalf("got %s, want %d %s", a, c.status, c.code)
				}
				var now ticket.Ticket
				e.must(e.get("admin", path), 200, &now)
				if c.status != 200 {
					if !maps.Equal(before, e.rowCounts()) || now.Sensitive != was.Sensitive {
						t.Errorf("a refused change wrote something: sensitive %v → %v", was.Sensitive, now.Sensitive)
					}
					return
				}
				if now.Sensitive != c.value {
					t.Errorf("sensitive = %v, want %v", now.Sensitive, c.value)
				}
			})
		}
	})
}
