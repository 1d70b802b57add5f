package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A search without a tier filter by a viewer who may read few documents
// (every agent of the fixture, and the other tenant's agent in his
// workspace) reads the words' matches through the viewer's access keys,
// on both databases, and finds exactly what it finds without them: the
// tickets the access matrix lets the viewer read, in the same order with
// the same scores. An admin and no viewer ask for no keys (they read the
// whole workspace).
func TestNarrowViewerSearchReadsTheKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		members := accessTickets(t, s, &f)
		note := func(ws, id, agent int64) {
			if _, _, err := s.AddMessage(ctx, ws, id, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: agent,
				Body: "Le client zéphyrin attend un geste commercial."}, ""); err != nil {
				t.Fatal(err)
			}
		}
		byID := map[int64]string{}
		for k, tk := range f.Ticket {
			note(f.WS.ID, tk.ID, f.Admin.ID)
			byID[tk.ID] = k
		}
		note(f.Other.WS.ID, f.Other.Ticket.ID, f.Other.Agent.ID)
		if s.Dialect() == store.Postgres {
			// The choice reads the planner's estimates.
			if _, err := s.DB().ExecContext(ctx, `ANALYZE ticket_search`); err != nil {
				t.Fatal(err)
			}
		}
		type viewer struct {
			ws   int64
			a    *auth.Actor
			want []string // ticket keys of f.Ticket, or "other"
		}
		viewers := map[string]viewer{"nobody": {f.WS.ID, nil, accessMatrix["admin"]}}
		for name, want := range accessMatrix {
			a := storetest.Actor(t, s, members[name])
			viewers[name] = viewer{f.WS.ID, &a, want}
		}
		oscar := storetest.Actor(t, s, f.Other.Agent)
		viewers["other tenant's agent"] = viewer{f.Other.WS.ID, &oscar, []string{"other"}}
		filters := []struct {
			name  string
			apply func(*store.TicketSearch)
		}{
			{"none", func(*store.TicketSearch) {}},
			{"created_from", func(q *store.TicketSearch) { q.CreatedFrom = time.Now().Add(-time.Hour) }},
			{"status=open", func(q *store.TicketSearch) { q.Filter.Statuses = []ticket.Status{ticket.Open} }},
		}
		for vname, v := range viewers {
			for _, fl := range filters {
				q := store.TicketSearch{Filter: store.Filter{Viewer: v.a}, Matches: store.TicketQueryMatches("zephyrin geste")}
				fl.apply(&q)
				keys, err := store.SearchKeys(ctx, s, v.ws, q)
				if err != nil {
					t.Fatal(err)
				}
				if narrow := v.a != nil && !v.a.IsAdmin(); (keys != "") != narrow {
					t.Errorf("%s, %s: the search asks for keys %q, want keys: %v", vname, fl.name, keys, narrow)
				}
				keyed, err := store.KeyedCandidates(ctx, s, v.ws, q, keys)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := store.KeyedCandidates(ctx, s, v.ws, q, "")
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(keyed, plain) {
					t.Errorf("%s, %s: through the keys %v, without %v", vname, fl.name, keyed, plain)
				}
				if fl.name != "none" {
					continue
				}
				var got []string
				for _, c := range keyed {
					var id int64
					var score float64
					if _, err := fmt.Sscan(c, &id, &score); err != nil {
						t.Fatal(err)
					}
					k, ok := byID[id]
					if id == f.Other.Ticket.ID {
						k, ok = "other", true
					}
					if !ok {
						t.Fatalf("%s: candidate %d is no ticket of the fixture", vname, id)
					}
					got = append(got, k)
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(v.want))
				if !slices.Equal(got, want) {
					t.Errorf("%s: found %v, the access matrix says %v", vname, got, want)
				}
			}
		}
	})
}
