package api

import (
	"context"
	"slices"
	"testing"

	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

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
