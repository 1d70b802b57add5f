package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestOrganisationTicketPlans checks that an organisation's open tickets
// and its counts by status are read from the organisation's customers
// through a per-customer index of tickets (tickets_customer…), never by
// scanning or sorting the tickets table, for each kind of viewer. On
// PostgreSQL the check runs with enable_seqscan off, as the list's plan
// test does: a small table is otherwise scanned whatever the indexes.
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
				plan, bad, err := ticketsReadOutsideCustomerIndex(ctx, conn, s.Dialect(), q.text, q.args)
				if err != nil {
					t.Fatalf("%s, %s: %v", name, what, err)
				}
				if bad {
					t.Errorf("%s, %s: tickets read other than through a customer's index:\n%s", name, what, plan)
				}
			}
		}
	})
}

// ticketsReadOutsideCustomerIndex explains a query and reports whether any
// read of tickets uses something else than an index whose name starts
// with tickets_customer.
func ticketsReadOutsideCustomerIndex(ctx context.Context, conn *sql.Conn, d store.Dialect, query string, args []any) (string, bool, error) {
	if d == store.SQLite {
		rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			return "", false, err
		}
		defer rows.Close()
		var plan strings.Builder
		bad := false
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return "", false, err
			}
			fmt.Fprintf(&plan, "%d %d %s\n", id, parent, detail)
			if (strings.HasPrefix(detail, "SCAN tickets") || strings.HasPrefix(detail, "SEARCH tickets")) && !strings.Contains(detail, "INDEX tickets_customer") {
				bad = true
			}
		}
		return plan.String(), bad, rows.Err()
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
		if n.Relation == "tickets" && !strings.HasPrefix(n.Index, "tickets_customer") {
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
