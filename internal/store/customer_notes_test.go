package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestOrganisationTicketPlans checks that an organisation's open tickets
// and its counts by status are read from the organisation's customers
// through the per-customer index each dialect is meant to seek
// (orgTicketsIndex), never by scanning or sorting the tickets table, for
// each kind of viewer. On PostgreSQL the check runs with enable_seqscan
// off, as the list's plan test does: a small table is otherwise scanned
// whatever the indexes. The index is matched by its whole name: the
// per-customer indexes share the prefix tickets_customer, and PostgreSQL
// falls back on another of them when the one it seeks is missing, which
// a prefix check let pass.
func TestOrganisationTicketPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		loadYearOfTickets(t, s, f.WS.ID, 2000, 3)
		// A tenth of the customers work at Globex.
		if _, err := s.DB().ExecContext(ctx, `UPDATE customers SET organisation_id = $1 WHERE workspace_id = $2 AND id % 10 = 0`, f.Org.ID, f.WS.ID); err != nil {
			t.Fatal(err)
		}
		conn := planConn(t, s, true, "SET enable_seqscan = off")
		for name, m := range f.Members() {
			viewer := storetest.Actor(t, s, m)
			open, openArgs, counts, countArgs := store.OrgQueries(s.Dialect(), f.WS.ID, f.Org.ID, viewer)
			for what, q := range map[string]struct {
				text string
				args []any
			}{"open tickets": {open, openArgs}, "counts": {counts, countArgs}} {
				plan, bad, err := ticketsReadOutsideIndex(ctx, conn, s.Dialect(), orgTicketsIndex(s.Dialect()), q.text, q.args)
				if err != nil {
					t.Fatalf("%s, %s: %v", name, what, err)
				}
				if bad {
					t.Errorf("%s, %s: tickets read other than through %s:\n%s", name, what, orgTicketsIndex(s.Dialect()), plan)
				}
			}
		}
	})
}

// orgTicketsIndex is the index an organisation's tickets are read through
// (orgTickets): SQLite is told it (INDEXED BY); PostgreSQL's per-customer
// LATERAL seeks workspace, customer and active, the whole key of
// tickets_customer_active.
func orgTicketsIndex(d store.Dialect) string {
	if d == store.SQLite {
		return "tickets_customer_active_status"
	}
	return "tickets_customer_active"
}

// ticketsReadOutsideIndex explains a query and reports whether any read
// of tickets uses something else than the index named index.
func ticketsReadOutsideIndex(ctx context.Context, conn *sql.Conn, d store.Dialect, index, query string, args []any) (string, bool, error) {
	if d == store.SQLite {
		return sqlitePlan(ctx, conn, query, args, func(detail string) bool {
			return (strings.HasPrefix(detail, "SCAN tickets") || strings.HasPrefix(detail, "SEARCH tickets")) && !sqliteUsesIndex(detail, index)
		})
	}
	var raw string
	if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&raw); err != nil {
		return "", false, err
	}
	var top []struct {
		Plan pgPlan `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		return "", false, err
	}
	var bad func(n pgPlan) bool
	bad = func(n pgPlan) bool {
		if n.Relation == "tickets" && n.Node == "Bitmap Heap Scan" {
			// Its rows come from the bitmap below it (its other
			// children are its filter's subplans, checked below): read
			// through the index when the bitmap is built from it alone.
			for _, c := range n.Plans {
				if c.Node == "BitmapAnd" || c.Node == "BitmapOr" || c.Node == "Bitmap Index Scan" && c.Index != index {
					return true
				}
			}
		} else if n.Relation == "tickets" && n.Index != index {
			return true
		}
		for _, c := range n.Plans {
			if bad(c) {
				return true
			}
		}
		return false
	}
	return raw, len(top) == 1 && bad(top[0].Plan), nil
}

// sqliteUsesIndex reports whether a line of SQLite's query plan reads
// through the index named index ("… USING [COVERING] INDEX name (…)"),
// by its whole name.
func sqliteUsesIndex(detail, index string) bool {
	words := strings.Fields(detail)
	for i, w := range words {
		if w == "INDEX" && i+1 < len(words) && words[i+1] == index {
			return true
		}
	}
	return false
}
