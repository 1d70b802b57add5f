package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestListedTicketsCarryTheirPeople checks that a listed ticket carries
// the collaborators and hand-offs a ticket read alone does, in the same
// order, through every shape of page (one seek, several, a cursor), as an
// admin and as an agent: the web UI and ticket.CanWork read them from the
// list.
func TestListedTicketsCarryTheirPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		l1 := f.AgentL1.ID
		var ours []int64
		for i := range 4 {
			n := newTicket(f, fmt.Sprintf("people %d", i))
			if i%2 == 0 { // opened by the L1 agent for tier L2: a hand-off
				n.Ticket.TierID, n.Ticket.TeamID = f.Tier["L2"].ID, 0
				n.ActorAgentID, n.HandedOff = l1, true
			}
			tk := must(s.CreateTicket(ctx, f.WS.ID, n))(t)
			if i < 2 { // two collaborators, one after the other
				must(s.AddCollaborators(ctx, f.WS.ID, tk.ID, f.Lead.ID, store.Invitation{AgentIDs: []int64{l1}}, nil))(t)
				must(s.AddCollaborators(ctx, f.WS.ID, tk.ID, f.Lead.ID, store.Invitation{AgentIDs: []int64{f.AgentL3.ID}}, nil))(t)
			}
			ours = append(ours, tk.ID)
		}
		want := map[int64]ticket.Ticket{}
		for _, id := range ours {
			want[id] = must(s.Ticket(ctx, f.WS.ID, id))(t)
		}
		if w := want[ours[0]]; len(w.Collaborators) != 2 || !slices.Equal(w.HandedOffBy, []int64{l1}) {
			t.Fatalf("the first ticket read alone has collaborators %v and hand-offs %v: the setup did not take", w.Collaborators, w.HandedOffBy)
		}
		admin := storetest.Actor(t, s, f.Admin)
		agent := storetest.Actor(t, s, f.AgentL1)
		for _, viewer := range []struct {
			name string
			f    store.Filter
		}{{"admin", store.Filter{Viewer: &admin}}, {"agentL1", store.Filter{Viewer: &agent}}, {"agentL1 handed_off_by=me", store.Filter{Viewer: &agent, HandedOffBy: l1}}} {
			for _, sort := range store.Sorts {
				for _, limit := range []int{1, 3, 100} {
					flt := viewer.f
					flt.Sort = sort
					seen := 0
					for _, page := range pages(t, s, f.WS.ID, flt, limit) {
						for _, tk := range page {
							w, ok := want[tk.ID]
							if !ok {
								continue
							}
							seen++
							if tk.Collaborators == nil || tk.HandedOffBy == nil || !slices.Equal(tk.Collaborators, w.Collaborators) || !slices.Equal(tk.HandedOffBy, w.HandedOffBy) {
								t.Errorf("%s sort=%s limit=%d: ticket %d listed with collaborators %#v and hand-offs %#v, read alone %v and %v",
									viewer.name, sort, limit, tk.ID, tk.Collaborators, tk.HandedOffBy, w.Collaborators, w.HandedOffBy)
							}
						}
					}
					if seen == 0 {
						t.Errorf("%s sort=%s limit=%d: none of the new tickets listed", viewer.name, sort, limit)
					}
				}
			}
		}
	})
}
