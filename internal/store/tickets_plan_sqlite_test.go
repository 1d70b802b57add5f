package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// sqliteRowReads returns the plan when a branch of a SQLite list page
// reads ticket rows, or an agent's swarm or hand-off rows, to test its
// filters: a search through one of the list's indexes that is not
// covering. Those indexes end with
// the columns a branch tests beside its seek (migration 0080), so each
// entry is tested before any row is read; a branch reading rows again
// costs a seek of the tickets table per entry it walks (40 % of the CPU of
// the L1 agent's deep "status=open,solved&type=billing" priority page at
// 1M tickets). Read as rows by design: a customer's tickets (a bounded
// set, read whole), the page's own rows (by primary key), and a page of
// one branch (which reads the rows it returns, each once its index entry
// has passed).
func sqliteRowReads(ctx context.Context, conn *sql.Conn, query string, args []any) (string, error) {
	if !strings.Contains(query, ") AS page ") {
		return "", nil
	}
	plan, bad, err := sqlitePlan(ctx, conn, query, args, func(detail string) bool {
		if strings.HasPrefix(detail, "SEARCH tickets USING INDEX ") && !strings.Contains(detail, "tickets_customer") {
			return true
		}
		for _, driver := range []string{"vc", "vh", "fc", "fh"} {
			// An agent's swarm or hand-off rows: their seek indexes end
			// with the copies a branch tests (migration 0081).
			if strings.HasPrefix(detail, "SEARCH "+driver+" USING INDEX ") {
				return true
			}
		}
		return false
	})
	if err != nil || !bad {
		return "", err
	}
	return plan, nil
}

// sqlitePlan reads SQLite's EXPLAIN QUERY PLAN of a query, one line per
// step, and whether bad holds for any step's detail.
func sqlitePlan(ctx context.Context, conn *sql.Conn, query string, args []any, bad func(detail string) bool) (string, bool, error) {
	rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	var plan strings.Builder
	found := false
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", false, err
		}
		fmt.Fprintf(&plan, "%d %d %s\n", id, parent, detail)
		found = found || bad(detail)
	}
	return plan.String(), found, rows.Err()
}
