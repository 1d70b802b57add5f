package store_test

import (
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A search keeps finding a ticket exactly for the actors its list shows it
// to while writes change who may read it: SQLite's search documents carry
// access keys (migration 0045) that every such write must refresh in its
// transaction, or the walk would skip a ticket the viewer may now read (or
// keep reaching one they may no longer). After each write, for every actor
// of the matrix, alone and under each tier filter, the probe ticket is a
// search result if and only if the list holds it.
// PostgreSQL's documents carry the same keys (migration 0058), kept by its
// own triggers and asked for when an agent searches only tiers they do
// not work in; under the other filters the test holds PostgreSQL's
// matches-first reading to the list.
func TestSearchAccessKeysFollowEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		n := newTicket(f, "Probe")
		n.Body = "Le wombat dort dans la salle des serveurs."
		probe := must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		if s.Dialect() == store.Postgres {
			// With statistics, PostgreSQL reads a search's few matches
			// first (pgMatchesFirst), checking each against the filter:
			// this test covers that reading, TestSearchTicketsAccess the
			// others (no statistics on its fresh tables).
			if _, err := s.DB().ExecContext(ctx, `ANALYZE ticket_search`); err != nil {
				t.Fatal(err)
			}
		}
		update := func(ch store.Change) {
			t.Helper()
			if _, err := s.UpdateTicket(ctx, f.WS.ID, probe.ID, f.Admin.ID, nil, ch); err != nil {
				t.Fatal(err)
			}
		}
		check := func(step string) {
			t.Helper()
			for name, m := range members {
				a := storetest.Actor(t, s, m)
				for _, tier := range []string{"", "L1", "L2", "L3"} {
					fl := store.Filter{Viewer: &a}
					if tier != "" {
						fl.TierIDs = []int64{f.Tier[tier].ID}
					}
					listed := containsID(listAll(t, s, f.WS.ID, fl), probe.ID)
					found := containsID(hitTickets(searchAll(t, s, f.WS.ID, store.TicketSearch{Filter: fl, Matches: store.TicketQueryMatches("wombats")})), probe.ID)
					if listed != found {
						t.Errorf("after %s, %s (tier filter %q): the list holds the ticket: %v, the search finds it: %v", step, name, tier, listed, found)
					}
				}
			}
		}
		check("creation in L1, team L1")
		update(store.Change{TeamID: new(f.Team["L2"].ID)})
		check("a team change to L2")
		update(store.Change{OwnerID: new(f.AgentL3.ID)})
		check("an assignment to the L3 agent")
		update(store.Change{Sensitive: new(true)})
		check("marking it sensitive")
		if err := s.AddCollaborator(ctx, f.WS.ID, probe.ID, f.AgentL2.ID, f.AgentL3.ID, nil); err != nil {
			t.Fatal(err)
		}
		check("a swarm invitation of the L2 agent")
		update(store.Change{Sensitive: new(false), OwnerID: new(int64(0))})
		check("lifting sensitivity and unassigning")
		must(s.MoveTicket(ctx, f.WS.ID, probe.ID, f.AgentL1.ID, nil, store.Move{Kind: ticket.Escalated, TierID: f.Tier["L3"].ID, TeamID: f.Team["L3"].ID}))(t)
		check("an escalation to L3 by the L1 agent (a hand-off)")
		update(store.Change{TierID: new(f.Tier["L2"].ID), TeamID: new(int64(0))})
		check("a lead's move to L2 without a team")
	})
}

func containsID(list []ticket.Ticket, id int64) bool {
	for _, tk := range list {
		if tk.ID == id {
			return true
		}
	}
	return false
}
