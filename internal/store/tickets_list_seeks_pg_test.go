package store_test

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestTicketListSeekPlans checks, on PostgreSQL, that every seek of every
// combination of the list's matrix that its page plans without its values
// (seekedPage) keeps its order as a generic plan: an ordered index read
// stopped by its LIMIT, never a Sort over the table nor a walk of the
// primary key testing each ticket (what the union's generic plans did,
// bench/README.md, pggeneric; a seek of tickets from the cursor's id
// walked it here until it was pinned: pinSeek). A probe of a ticket by its
// id (a swarm's or hand-off's) is no walk. Which index each seek reads
// depends on the table's statistics: PALIER_BENCH_EXPLAIN=generic checks
// that at 1M tickets (explainSeeks).
func TestTicketListSeekPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("SQLite reads a page as one statement")
		}
		ctx := t.Context()
		fx := storetest.Seed(t, s)
		loadYearOfTickets(t, s, fx.WS.ID, 1000, 1)
		// Sequential scans and sorts are what a table of a thousand rows
		// gets whatever its indexes; off, a Sort or a scan left means no
		// index serves the seek.
		conn := planConn(t, s, true, "SET enable_seqscan = off; SET enable_sort = off")
		checked := map[string]bool{}
		// Seeks of tickets from the cursor's id are planned blind pinned
		// (pinSeek): they must be among those checked.
		pinned := 0
		for _, c := range listMatrix(t, s, fx, false) {
			seeks, args, _, err := c.filter.ListSeeks(s.Dialect(), fx.WS.ID, c.cursor, 50)
			if err != nil {
				if p, ok := errors.AsType[*problem.Error](err); ok && p.Code == store.CodeListTooBroad {
					continue
				}
				t.Fatalf("%s: %v", c.name, err)
			}
			for i, q := range seeks {
				if checked[q] {
					continue
				}
				checked[q] = true
				if strings.Contains(q, " FROM tickets WHERE ") && strings.Contains(q, " >= $") {
					pinned++
				}
				plan, raw, err := genericPlan(ctx, conn, q, args[i])
				if err != nil {
					t.Fatalf("%s: %v\n%s", c.name, err, q)
				}
				if bad := badSeekPlan(plan, ""); bad != "" {
					t.Errorf("%s: a seek's generic plan %s:\n%s\n%s", c.name, bad, q, raw)
				}
			}
		}
		if len(checked) == 0 {
			t.Fatal("no seek checked")
		}
		if pinned == 0 {
			t.Fatal("no seek of tickets from the cursor's id planned without its values")
		}
	})
}

// genericPlan explains the plan PostgreSQL makes for query without its
// parameters' values (force_generic_plan, as seekedPage asks), run with
// args.
func genericPlan(ctx context.Context, conn *sql.Conn, query string, args []any) (pgPlan, string, error) {
	lits := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case int64:
			lits[i] = strconv.FormatInt(v, 10)
		case int:
			lits[i] = strconv.Itoa(v)
		case bool:
			lits[i] = strconv.FormatBool(v)
		case string:
			lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			return pgPlan{}, "", fmt.Errorf("parameter %d: unexpected %T", i+1, a)
		}
	}
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		return pgPlan{}, "", err
	}
	if _, err := conn.ExecContext(ctx, "PREPARE list_seek AS "+query); err != nil {
		return pgPlan{}, "", err
	}
	defer conn.ExecContext(ctx, "DEALLOCATE list_seek") //nolint:errcheck // the next PREPARE reports a statement left
	var raw string
	if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) EXECUTE list_seek("+strings.Join(lits, ", ")+")").Scan(&raw); err != nil {
		return pgPlan{}, "", err
	}
	plan, err := pgPlanOf(raw)
	return plan, raw, err
}

// badSeekPlan says how a seek's plan fails to be an ordered read of
// index, the one holding its prefix and sort key ("" when it is one; index
// "" for one customer's tickets, read all and sorted).
func badSeekPlan(plan pgPlan, index string) string {
	if pgSortsTable(plan) {
		return "sorts the table"
	}
	var bad string
	var walk func(n pgPlan)
	walk = func(n pgPlan) {
		// A probe reads one ticket by id, or one ticket's membership row.
		probe := n.Index == "tickets_pkey" && strings.HasPrefix(n.Cond, "(id = ") || strings.Contains(n.Cond, "(ticket_id = tickets.id)")
		read := n.Node == "Bitmap Index Scan" || n.Index != "" && listTables[n.Relation]
		switch {
		case n.Node == "Seq Scan":
			bad = "scans " + n.Relation
		case n.Index == "tickets_pkey" && !probe:
			bad = "walks the primary key"
		case read && !probe && index != "" && n.Index != index:
			bad = "reads " + n.Index + ", not " + index
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plan)
	return bad
}

// listTables are the tables a list's seeks read in order.
var listTables = map[string]bool{"tickets": true, "ticket_collaborators": true, "ticket_handoffs": true}

// explainSeeks prints, for PALIER_BENCH_EXPLAIN=generic, each seek of a
// combination's PostgreSQL page planned without its values with the scans
// of its generic plan and what badSeekPlan finds wrong with it, the index
// included: at 1M tickets every seek reads the index holding its prefix
// (bench/README.md, twelfth session, pgseek), which a table of a thousand
// rows cannot show (TestTicketListSeekPlans).
func explainSeeks(b *testing.B, db *benchDB, c listCombo) {
	ctx := b.Context()
	seeks, args, index, err := c.filter.ListSeeks(db.s.Dialect(), db.f.WS.ID, c.cursor, 50)
	if err != nil {
		fmt.Fprintf(os.Stderr, "== %s: %v\n", c.name, err)
		return
	}
	conn, err := db.s.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for i, q := range seeks {
		plan, raw, err := genericPlan(ctx, conn, q, args[i])
		if err != nil {
			b.Fatalf("%s: %v\n%s", c.name, err, q)
		}
		bad := badSeekPlan(plan, index[i])
		fmt.Fprintf(os.Stderr, "== %s seek %d: %s [%s]\n", c.name, i, cmp.Or(bad, "ok"), strings.Join(planScans(plan), " "))
		if bad != "" {
			fmt.Fprintf(os.Stderr, "%s\n%v\n%s\n", q, args[i], raw)
		}
	}
}

// planScans lists the scans of a plan: node, index and index condition.
func planScans(n pgPlan) []string {
	var out []string
	if strings.Contains(n.Node, "Scan") {
		out = append(out, n.Node+":"+cmp.Or(n.Index, n.Relation)+n.Cond)
	}
	for _, c := range n.Plans {
		out = append(out, planScans(c)...)
	}
	return out
}
