package store_test

import (
	"slices"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// accessMatrix is who sees what, written out by hand: it is the rule of
// DESIGN.md §5 ("an agent sees the tiers and teams they belong to;
// sensitive tickets only their assignees and leads") applied to the
// Fixture's tickets plus those accessTickets adds. The test checks both
// ticket.CanView and the SQL filter against it.
var accessMatrix = map[string][]string{
	"admin": {"L1", "L1owned", "L2", "L3", "sensitive", "swarm", "solved", "L3ownedByL1", "sensitiveOwnedByL1", "L2teamL1", "L3collab",
		"handedOffByL1", "sensitiveHandedOffByL1"},
	// Tiers L1+L2 and teams L1+L2; leads see sensitive tickets in scope.
	"lead": {"L1", "L1owned", "L2", "sensitive", "solved", "sensitiveOwnedByL1", "L2teamL1", "sensitiveHandedOffByL1"},
	// Tier and team L1, no sensitive ticket unless they own it; sees what
	// they own or were invited to elsewhere, team L1's ticket in L2, and
	// what they handed off to another tier unless it is sensitive.
	"agentL1": {"L1", "L1owned", "swarm", "solved", "L3ownedByL1", "sensitiveOwnedByL1", "L2teamL1", "handedOffByL1"},
	// Tier L2 only through team L2.
	"agentL2":      {"L2", "L2teamL1"},
	"agentL3":      {"L3", "swarm", "L3ownedByL1", "L3collab", "handedOffByL1"},
	"noTier":       {},
	"collaborator": {"L3collab"},
	// The collaborator role (outside support): given tier L1 and team L1
	// by mistake, still only the ticket they were invited to.
	"outsider": {"L3collab"},
}

// accessTickets adds the tickets the matrix needs beyond the Fixture's, the
// two agents without tiers, and an outsider with the collaborator role.
func accessTickets(t *testing.T, s *store.Store, f *storetest.Fixture) map[string]workspace.Member {
	t.Helper()
	ctx := t.Context()
	noTier := must(s.CreateMember(ctx, f.WS.ID, f.Admin.ID, workspace.Member{Email: "new@acme.test", Name: "Nouveau", Role: workspace.Agent, Active: true}, ""))(t)
	collab := must(s.CreateMember(ctx, f.WS.ID, f.Admin.ID, workspace.Member{Email: "db@acme.test", Name: "DB Expert", Role: workspace.Agent, Active: true}, ""))(t)
	outsider := must(s.CreateMember(ctx, f.WS.ID, f.Admin.ID, workspace.Member{Email: "po@acme.test", Name: "Paul Produit", Role: workspace.Collaborator, Active: true,
		TierIDs: []int64{f.Tier["L1"].ID}, TeamIDs: []int64{f.Team["L1"].ID}}, ""))(t)
	add := func(key, tier, team string, owner int64, sensitive bool) ticket.Ticket {
		n := newTicket(*f, key)
		n.Ticket.TierID, n.Ticket.TeamID, n.Ticket.OwnerID, n.Ticket.Sensitive = f.Tier[tier].ID, f.Team[team].ID, owner, sensitive
		tk := must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		f.Ticket[key] = tk
		return tk
	}
	add("L3ownedByL1", "L3", "L3", f.AgentL1.ID, false)
	add("sensitiveOwnedByL1", "L1", "L1", f.AgentL1.ID, true)
	add("L2teamL1", "L2", "L1", 0, false)
	tk := add("L3collab", "L3", "", 0, false)
	for _, id := range []int64{collab.ID, outsider.ID} {
		if err := s.AddCollaborator(ctx, f.WS.ID, tk.ID, id, f.AgentL3.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	// The L1 agent escalated an L1 ticket to L3, and opened a sensitive
	// ticket that routing placed in L2: both hand-offs, each writer once.
	up := add("handedOffByL1", "L1", "L1", 0, false)
	must(s.MoveTicket(ctx, f.WS.ID, up.ID, f.AgentL1.ID, nil, store.Move{Kind: ticket.Escalated, TierID: f.Tier["L3"].ID, TeamID: f.Team["L3"].ID}))(t)
	n := newTicket(*f, "sensitiveHandedOffByL1")
	n.Ticket.TierID, n.Ticket.TeamID, n.Ticket.Sensitive = f.Tier["L2"].ID, f.Team["L2"].ID, true
	n.ActorAgentID, n.HandedOff = f.AgentL1.ID, true
	f.Ticket["sensitiveHandedOffByL1"] = must(s.CreateTicket(ctx, f.WS.ID, n))(t)
	for k, tk := range f.Ticket {
		f.Ticket[k] = must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
	}
	m := f.Members()
	m["noTier"], m["collaborator"], m["outsider"] = noTier, collab, outsider
	return m
}

// The SQL filter of ticket lists (Filter.Viewer) must select exactly the
// tickets ticket.CanView allows, for every kind of actor; both must match
// the matrix written out above.
func TestAccessMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		everything := listAll(t, s, f.WS.ID, store.Filter{})
		for name, want := range accessMatrix {
			t.Run(name, func(t *testing.T) {
				a := storetest.Actor(t, s, members[name])
				var byRule []ticket.Ticket
				for _, tk := range everything {
					if ticket.CanView(a, tk) {
						byRule = append(byRule, tk)
					}
				}
				if got := keysOf(f, byRule); !slices.Equal(got, sortedKeys(want)) {
					t.Errorf("ticket.CanView allows %v, the matrix says %v", got, sortedKeys(want))
				}
				bySQL := listAll(t, s, f.WS.ID, store.Filter{Viewer: &a})
				if got := keysOf(f, bySQL); !slices.Equal(got, sortedKeys(want)) {
					t.Errorf("the SQL filter lists %v, the matrix says %v", got, sortedKeys(want))
				}
				if n := must(s.CountTickets(t.Context(), f.WS.ID, store.Filter{Viewer: &a}, 1000))(t); n != len(want) {
					t.Errorf("CountTickets = %d, want %d", n, len(want))
				}
				// Combined with an inbox filter, the viewer still only
				// narrows: active tickets of tier L1 as this actor sees them.
				l1 := store.Filter{Viewer: &a, TierIDs: []int64{f.Tier["L1"].ID}, ActiveOnly: true}
				var wantL1 []ticket.Ticket
				for _, tk := range byRule {
					if tk.TierID == f.Tier["L1"].ID && tk.Status.Active() {
						wantL1 = append(wantL1, tk)
					}
				}
				if got := keysOf(f, listAll(t, s, f.WS.ID, l1)); !slices.Equal(got, keysOf(f, wantL1)) {
					t.Errorf("active L1 inbox lists %v, want %v", got, keysOf(f, wantL1))
				}
			})
		}
	})
}

// CanWork is stricter than CanView for invited collaborators: they may read
// and post notes, the owner stays the customer's contact.
func TestCanWorkMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		cases := []struct {
			actor, ticket string
			view, work    bool
		}{
			{"agentL1", "swarm", true, false},         // invited to an L3 swarm
			{"collaborator", "L3collab", true, false}, // invited, no tier
			{"agentL1", "L3ownedByL1", true, true},    // owner outside their tier
			{"agentL3", "L3collab", true, true},       // in the ticket's tier
			{"agentL1", "sensitive", false, false},    // sensitive, not a lead
			{"lead", "sensitive", true, true},
			{"agentL2", "L2teamL1", true, true}, // by tier
			{"agentL1", "L2teamL1", true, true}, // by team
			{"noTier", "L1", false, false},
			{"admin", "L3collab", true, true},
			{"outsider", "L3collab", true, false}, // the collaborator role never works a ticket
			{"outsider", "L1", false, false},      // their tier L1 gives them nothing
			{"outsider", "L1owned", false, false}, // nor their team L1
			// Who handed a ticket off reads it and notes, never works it;
			// a sensitive one stays with its assignees and leads.
			{"agentL1", "handedOffByL1", true, false},
			{"agentL3", "handedOffByL1", true, true},
			{"agentL1", "sensitiveHandedOffByL1", false, false},
			{"lead", "sensitiveHandedOffByL1", true, true},
		}
		for _, c := range cases {
			a := storetest.Actor(t, s, members[c.actor])
			tk := f.Ticket[c.ticket]
			if got := ticket.CanView(a, tk); got != c.view {
				t.Errorf("CanView(%s, %s) = %v, want %v", c.actor, c.ticket, got, c.view)
			}
			if got := ticket.CanWork(a, tk); got != c.work {
				t.Errorf("CanWork(%s, %s) = %v, want %v", c.actor, c.ticket, got, c.work)
			}
			if got := ticket.CanNote(a, tk); got != c.view {
				t.Errorf("CanNote(%s, %s) = %v, want %v", c.actor, c.ticket, got, c.view)
			}
		}
	})
}

// Another workspace's tickets never show, whoever asks, and an actor of
// that workspace sees nothing of this one.
func TestListsStayInTheirWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		admin := storetest.Actor(t, s, f.Admin)
		for _, tk := range listAll(t, s, f.WS.ID, store.Filter{Viewer: &admin}) {
			if tk.ID == f.Other.Ticket.ID {
				t.Error("the admin's list shows another workspace's ticket")
			}
		}
		other := storetest.Actor(t, s, f.Other.Agent)
		// Even a forged actor claiming this workspace's tiers sees nothing
		// outside the workspace the query names.
		forged := auth.Actor{AgentID: other.AgentID, Role: workspace.Agent, TierIDs: []int64{f.Tier["L1"].ID}}
		got := listAll(t, s, f.Other.WS.ID, store.Filter{Viewer: &forged})
		if len(got) != 0 {
			t.Errorf("a forged actor lists %d tickets of its own workspace through another's tier", len(got))
		}
		if got := listAll(t, s, f.Other.WS.ID, store.Filter{Viewer: &other}); len(got) != 1 || got[0].ID != f.Other.Ticket.ID {
			t.Errorf("the other tenant's agent lists %v, want only their ticket", ids(got))
		}
	})
}
