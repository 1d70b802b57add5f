package store_test

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
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
// parameters' values (force_generic_plan, and the planner settings
// seekedPage plans such seeks with), run with args.
func genericPlan(ctx context.Context, conn *sql.Conn, query string, args []any) (pgPlan, string, error) {
	return preparedPlan(ctx, conn, query, args, store.GenericPlans, "EXPLAIN (FORMAT JSON)")
}

// preparedPlan explains query prepared and run with args in a
// transaction whose plan settings setup makes (store.GenericPlans or
// store.ValuedPlans, which set them for their transaction only), with
// explain ("EXPLAIN (…)").
func preparedPlan(ctx context.Context, conn *sql.Conn, query string, args []any, setup, explain string) (pgPlan, string, error) {
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
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return pgPlan{}, "", err
	}
	prepared := false
	defer func() {
		tx.Rollback() //nolint:errcheck // only read
		if prepared {
			// A prepared statement outlives its transaction; out of it,
			// even one that failed can drop it.
			conn.ExecContext(ctx, "DEALLOCATE list_seek") //nolint:errcheck // the next PREPARE reports a statement left
		}
	}()
	if _, err := tx.ExecContext(ctx, setup); err != nil {
		return pgPlan{}, "", err
	}
	if _, err := tx.ExecContext(ctx, "PREPARE list_seek AS "+query); err != nil {
		return pgPlan{}, "", err
	}
	prepared = true
	var raw string
	if err := tx.QueryRowContext(ctx, explain+" EXECUTE list_seek("+strings.Join(lits, ", ")+")").Scan(&raw); err != nil {
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
		// A probe reads one ticket by id, or one ticket's membership row
		// (the ticket's id, or a swarm or hand-off row's ticket_id, which
		// the seeks of those rows read as the ticket's).
		probe := n.Index == "tickets_pkey" && strings.HasPrefix(n.Cond, "(id = ") || membershipProbe.MatchString(n.Cond)
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

// membershipProbe matches the condition of a probe of one ticket's swarm
// or hand-off row.
var membershipProbe = regexp.MustCompile(`\(ticket_id = (tickets\.id|\w+\.ticket_id)\)`)

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

// seekBuffers runs, for PALIER_BENCH_EXPLAIN=buffers, each seek of each
// combination's PostgreSQL page as seekedPage plans it (without its values,
// or for them) and prints the shared buffers the seeks read, the
// combinations reading most first, with each seek's scans: the rows each
// read (all loops) and dropped by a filter. Buffers read do not depend on
// the machine's speed of the moment, which timings on a shared VM do.
// (A phased priority page's second round is counted with the first.)
func seekBuffers(b *testing.B, db *benchDB, combos []listCombo) {
	ctx := b.Context()
	conn, err := db.s.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET jit = off"); err != nil {
		b.Fatal(err)
	}
	type combo struct {
		name   string
		hits   int64
		detail strings.Builder
	}
	var out []*combo
	statements := 0 // pages of one statement, which are not seeks
	for _, c := range combos {
		seeks, args, _, valued, err := c.filter.AllListSeeks(db.s.Dialect(), db.f.WS.ID, c.cursor, 50)
		switch {
		case isTooBroad(err):
			continue
		case err != nil:
			b.Fatalf("%s: %v", c.name, err)
		case len(seeks) == 0:
			statements++
			continue
		}
		r := &combo{name: c.name}
		for i, q := range seeks {
			setup := store.GenericPlans
			if valued[i] {
				setup = store.ValuedPlans
			}
			plan, _, err := preparedPlan(ctx, conn, q, args[i], setup, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)")
			if err != nil {
				b.Fatalf("%s: %v\n%s", c.name, err, q)
			}
			r.hits += plan.Hits + plan.Reads
			fmt.Fprintf(&r.detail, "    seek %d: %d buffers, %.0f rows [%s]\n", i, plan.Hits+plan.Reads, plan.Rows*plan.Loops, strings.Join(analyzedScans(plan), " "))
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y *combo) int { return cmp.Compare(y.hits, x.hits) })
	show := envInt("PALIER_BENCH_SHOW", 30)
	var total int64
	for i, r := range out {
		total += r.hits
		if i < show {
			fmt.Fprintf(os.Stderr, "%7d buffers  %s\n%s", r.hits, r.name, r.detail.String())
		}
	}
	fmt.Fprintf(os.Stderr, "%d combinations read as seeks, %d buffers summed; %d read as one statement, not counted\n", len(out), total, statements)
}

// analyzedScans lists the scans of an analyzed plan: node, index, rows
// read over all loops, and rows its filter dropped.
func analyzedScans(n pgPlan) []string {
	var out []string
	if strings.Contains(n.Node, "Scan") && n.Node != "Values Scan" {
		s := fmt.Sprintf("%s:%s rows=%.0f", n.Node, cmp.Or(n.Index, n.Relation), n.Rows*n.Loops)
		if n.Removed > 0 {
			s += fmt.Sprintf(" dropped=%.0f", n.Removed*n.Loops)
		}
		out = append(out, s)
	}
	for _, c := range n.Plans {
		out = append(out, analyzedScans(c)...)
	}
	return out
}
