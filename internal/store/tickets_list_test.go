package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestTicketListBranches holds the list's union of index seeks to what
// one reading of the rule gives: for every member, filter and sort, paging
// two tickets at a time through every cursor lists exactly the tickets
// ticket.CanView allows and the filter selects, once each, in sort order.
func TestTicketListBranches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		everything := listAll(t, s, f.WS.ID, store.Filter{})
		l1, l2 := f.Tier["L1"].ID, f.Tier["L2"].ID
		type filt struct {
			name  string
			apply func(*store.Filter, int64)
			keep  func(ticket.Ticket, int64) bool
		}
		filters := []filt{
			{"all", func(*store.Filter, int64) {}, func(ticket.Ticket, int64) bool { return true }},
			{"status=open,pending", func(x *store.Filter, _ int64) { x.Statuses = []ticket.Status{ticket.Open, ticket.Pending} },
				func(tk ticket.Ticket, _ int64) bool { return tk.Status == ticket.Open || tk.Status == ticket.Pending }},
			{"status=solved,closed", func(x *store.Filter, _ int64) { x.Statuses = []ticket.Status{ticket.Solved, ticket.Closed} },
				func(tk ticket.Ticket, _ int64) bool { return !tk.Status.Active() }},
			{"status=new,solved", func(x *store.Filter, _ int64) { x.Statuses = []ticket.Status{ticket.New, ticket.Solved} },
				func(tk ticket.Ticket, _ int64) bool { return tk.Status == ticket.New || tk.Status == ticket.Solved }},
			{"tier=L2", func(x *store.Filter, _ int64) { x.TierIDs = []int64{l2} }, func(tk ticket.Ticket, _ int64) bool { return tk.TierID == l2 }},
			{"tier=L1,L2", func(x *store.Filter, _ int64) { x.TierIDs = []int64{l1, l2} },
				func(tk ticket.Ticket, _ int64) bool { return tk.TierID == l1 || tk.TierID == l2 }},
			{"owner=none", func(x *store.Filter, _ int64) { x.Unassigned = true }, func(tk ticket.Ticket, _ int64) bool { return tk.OwnerID == 0 }},
			{"owner=me", func(x *store.Filter, me int64) { x.OwnerID = me }, func(tk ticket.Ticket, me int64) bool { return tk.OwnerID == me }},
			{"team=L1&active", func(x *store.Filter, _ int64) { x.TeamID = f.Team["L1"].ID; x.ActiveOnly = true },
				func(tk ticket.Ticket, _ int64) bool { return tk.TeamID == f.Team["L1"].ID && tk.Status.Active() }},
			{"handed_off_by=me", func(x *store.Filter, me int64) { x.HandedOffBy = me },
				func(tk ticket.Ticket, me int64) bool { return slices.Contains(tk.HandedOffBy, me) }},
			{"customer=alice", func(x *store.Filter, _ int64) { x.CustomerID = f.Customer["alice"].ID },
				func(tk ticket.Ticket, _ int64) bool { return tk.CustomerID == f.Customer["alice"].ID }},
		}
		for name, m := range members {
			a := storetest.Actor(t, s, m)
			for _, fl := range filters {
				for _, sort := range store.Sorts {
					t.Run(name+"/"+fl.name+"/"+sort, func(t *testing.T) {
						var want []int64
						for _, tk := range sorted(everything, sort) {
							if (a.IsAdmin() || ticket.CanView(a, tk)) && fl.keep(tk, a.AgentID) {
								want = append(want, tk.ID)
							}
						}
						x := store.Filter{Viewer: &a, Sort: sort}
						fl.apply(&x, a.AgentID)
						if got := ids(pageAll(t, s, f.WS.ID, x, 2)); !slices.Equal(got, want) {
							t.Errorf("listed %v, want %v", got, want)
						}
						if sort != "newest" {
							return
						}
						// The counts read the same branches: exact below the cap, the cap above it.
						for _, limit := range []int{1000, 2} {
							n, err := s.CountTickets(t.Context(), f.WS.ID, x, limit)
							if err != nil {
								t.Fatal(err)
							}
							if n != min(len(want), limit) {
								t.Errorf("CountTickets(cap %d) = %d, want %d", limit, n, min(len(want), limit))
							}
						}
					})
				}
			}
		}
	})
}

func pageAll(t *testing.T, s *store.Store, wsID int64, x store.Filter, limit int) []ticket.Ticket {
	var out []ticket.Ticket
	cursor := ""
	for range 1000 {
		page, next, err := s.Tickets(t.Context(), wsID, x, cursor, limit)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		cursor = next
	}
	t.Fatal("the cursor never ends")
	return nil
}

// sorted orders tickets as the list's sort does (orderOf).
func sorted(list []ticket.Ticket, sort string) []ticket.Ticket {
	out := slices.Clone(list)
	slices.SortFunc(out, orderOf(sort))
	return out
}

// TestTicketListInvisibleTier: an L1 agent filtering on tier L2, which
// they do not work in, gets at once what they may see of it — nothing in
// the fixture — without the query walking tier L2's tickets: only their
// own, their team's, their swarms' and their hand-offs' index ranges of
// it are read (on SQLite the query names no tier-only index).
func TestTicketListInvisibleTier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		a := storetest.Actor(t, s, f.AgentL1)
		for _, sort := range store.Sorts {
			x := store.Filter{Viewer: &a, Sort: sort, TierIDs: []int64{f.Tier["L2"].ID}}
			if got := pageAll(t, s, f.WS.ID, x, 2); len(got) != 0 {
				t.Errorf("sort=%s: listed %v, want nothing", sort, ids(got))
			}
			query, _, err := x.ListQuery(s.Dialect(), f.WS.ID, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, walk := range []string{"tickets_tier ", "tickets_tier_priority ", "tickets_tier_updated "} {
				if s.Dialect() == store.SQLite && strings.Contains(query, "INDEXED BY "+walk) {
					t.Errorf("sort=%s walks tier L2 through %s", sort, walk)
				}
			}
		}
	})
}
