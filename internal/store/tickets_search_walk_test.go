package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// PostgreSQL's walk of a common word starts from the table the filter
// narrows: the newest tickets it selects when it names a status, tier,
// team, type or an end date, else the newest documents (the viewer's
// access and a start date narrow nothing the walk would skip). Both ways
// find the same candidates with the same scores, for every actor, the
// other tenant's ticket never among them.
func TestSearchWalkStartsFromTheNarrowTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("the walk is PostgreSQL's reading (SQLite walks its full-text index)")
		}
		ctx := t.Context()
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		// Every other ticket, and the other tenant's, holds the words.
		keys := make([]string, 0, len(f.Ticket))
		for k := range f.Ticket {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		note := func(ws, id, agent int64) {
			if _, _, err := s.AddMessage(ctx, ws, id, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: agent,
				Body: "Le client zéphyrin attend un geste commercial."}, ""); err != nil {
				t.Fatal(err)
			}
		}
		for i, k := range keys {
			if i%2 == 0 {
				note(f.WS.ID, f.Ticket[k].ID, f.Admin.ID)
			}
		}
		note(f.Other.WS.ID, f.Other.Ticket.ID, f.Other.Agent.ID)
		// The choice reads the planner's estimates of the workspace's
		// tickets, which statistics give.
		if _, err := s.DB().ExecContext(ctx, "ANALYZE tickets, ticket_search"); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		filters := []struct {
			name  string
			docs  bool
			apply func(*store.TicketSearch)
		}{
			{"none", true, func(*store.TicketSearch) {}},
			{"created_from", true, func(q *store.TicketSearch) { q.CreatedFrom = now.Add(-time.Hour) }},
			{"created_before", false, func(q *store.TicketSearch) { q.CreatedBefore = now.Add(time.Hour) }},
			{"status=open", false, func(q *store.TicketSearch) { q.Filter.Statuses = []ticket.Status{ticket.Open} }},
			{"tier=L2", false, func(q *store.TicketSearch) { q.Filter.TierIDs = []int64{f.Tier["L2"].ID} }},
			{"team=L1", false, func(q *store.TicketSearch) { q.Filter.TeamID = f.Team["L1"].ID }},
			{"type=billing", false, func(q *store.TicketSearch) { q.Filter.RequestTypeID = f.Type["billing"].ID }},
			{"active", false, func(q *store.TicketSearch) { q.Filter.ActiveOnly = true }},
		}
		viewers := map[string]*auth.Actor{"nobody": nil}
		for name := range accessMatrix {
			a := storetest.Actor(t, s, members[name])
			viewers[name] = &a
		}
		for vname, v := range viewers {
			for _, fl := range filters {
				q := store.TicketSearch{Filter: store.Filter{Viewer: v}, Matches: store.TicketQueryMatches("zephyrin geste")}
				fl.apply(&q)
				chosen, tickets, docs, args, err := store.PGWalkStatements(ctx, s, f.WS.ID, q)
				if err != nil {
					t.Fatal(err)
				}
				want := map[bool]string{true: "ticket_search", false: "tickets"}[fl.docs]
				if got := walkedFirst(t, s, chosen, args); got != want {
					t.Errorf("%s, %s: the walk starts from %s, want %s", vname, fl.name, got, want)
				}
				byTickets, byDocs := walkRows(t, s, tickets, args), walkRows(t, s, docs, args)
				if !slices.Equal(byTickets, byDocs) {
					t.Errorf("%s, %s: tickets first find %v, documents first %v", vname, fl.name, byTickets, byDocs)
				}
				if len(byDocs) == 0 && fl.name == "none" && (v == nil || v.IsAdmin()) {
					t.Errorf("%s: nothing found, the test finds nothing to compare", vname)
				}
				if slices.ContainsFunc(byDocs, func(r string) bool { return strings.HasPrefix(r, fmt.Sprint(f.Other.Ticket.ID, " ")) }) {
					t.Errorf("%s, %s: the other tenant's ticket is a candidate", vname, fl.name)
				}
			}
		}
	})
}

// The newest documents are walked first only in a workspace that holds
// most of them: in a small one they would mostly be the others', each a
// probe of its ticket (0.5 s of CPU at 1M tickets beside a one-ticket
// workspace), where its own few tickets are read in no time.
func TestSearchWalkOfASmallWorkspaceStartsFromItsTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("the walk is PostgreSQL's reading (SQLite walks its full-text index)")
		}
		ctx := t.Context()
		f := storetest.Seed(t, s)
		accessTickets(t, s, &f) // more tickets in the main workspace
		if _, err := s.DB().ExecContext(ctx, "ANALYZE tickets, ticket_search"); err != nil {
			t.Fatal(err)
		}
		for _, ws := range []struct {
			name string
			id   int64
			want string
		}{{"main", f.WS.ID, "ticket_search"}, {"other", f.Other.WS.ID, "tickets"}} {
			q := store.TicketSearch{Matches: store.TicketQueryMatches("zephyrin geste")}
			chosen, _, _, args, err := store.PGWalkStatements(ctx, s, ws.id, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := walkedFirst(t, s, chosen, args); got != ws.want {
				t.Errorf("the %s workspace's walk starts from %s, want %s", ws.name, got, ws.want)
			}
		}
	})
}

// walkedFirst is the table the plan of query reads first: the leftmost
// scan under its top node.
func walkedFirst(t *testing.T, s *store.Store, query string, args []any) string {
	t.Helper()
	var raw string
	if err := s.DB().QueryRowContext(t.Context(), "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	n, err := pgPlanOf(raw)
	if err != nil {
		t.Fatal(err)
	}
	for n.Relation == "" && len(n.Plans) > 0 {
		n = n.Plans[0]
	}
	return n.Relation
}

// walkRows runs a walk and returns its rows as "id score" in its order.
func walkRows(t *testing.T, s *store.Store, query string, args []any) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(id, " ", score))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
