package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestTicketListGenericPlans checks that PostgreSQL's generic plan of a
// list page (the plan a prepared statement is given once it stops being
// planned for its values, plan_cache_mode=force_generic_plan) still reads
// each branch as an ordered index seek cut by the page's LIMIT, never a
// sort of the tickets a filter selects. Without the page's LIMIT in the
// text PostgreSQL's generic plan takes a bound LIMIT to want a tenth of
// the rows (planner.c, preprocess_limit), and each branch's Limit then
// stands over thousands of rows, which a sort can give as cheaply as a
// seek.
//
// The admin's pages by priority and by update are the ones whose generic
// plans seek at 1M tickets (bench/README.md, eleventh session,
// pggeneric): the id-ordered pages and the agent's pages depend on
// values (an owner with no tickets, a tier an agent does not work in)
// that a generic plan cannot see, which is why the list is planned for
// its values.
func TestTicketListGenericPlans(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	ctx := t.Context()
	fx := storetest.Seed(t, s)
	loadYearOfTickets(t, s, fx.WS.ID, 3000, 1)
	// A table of a few thousand rows is scanned and sorted whatever its
	// indexes (TestTicketListPlans): with both off, a Sort left over the
	// tickets means no index gives the order; the Limits' estimates are
	// what a million tickets would make the planner choose by.
	conn := planConn(t, s, true, "SET enable_seqscan = off; SET enable_sort = off; SET plan_cache_mode = force_generic_plan")
	checked := 0
	for _, c := range listMatrix(t, s, fx, false) {
		if !strings.HasPrefix(c.name, "admin ") || !strings.Contains(c.name, "sort=priority") && !strings.Contains(c.name, "sort=updated") {
			continue
		}
		const limit = 50
		query, args, err := c.filter.ListQuery(s.Dialect(), fx.WS.ID, c.cursor, limit)
		if err != nil {
			if p, ok := errors.AsType[*problem.Error](err); ok && p.Code == store.CodeListTooBroad {
				continue
			}
			t.Fatalf("%s: %v", c.name, err)
		}
		checked++
		plan, err := genericPlan(ctx, conn, query, args)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if over := limitsOver(plan, limit+1); over != "" {
			t.Errorf("%s: the generic plan expects more than a page from a LIMIT (%s):\n%s", c.name, over, query)
		}
		if sortsTable(plan.root) {
			t.Errorf("%s: the generic plan sorts the tickets a filter selects:\n%s", c.name, plan.raw)
		}
	}
	if checked == 0 {
		t.Fatal("no combination checked")
	}
}

// explained is a plan of EXPLAIN (FORMAT JSON) and its text.
type explained struct {
	root pgPlan
	raw  string
}

// genericPlan prepares query on conn and explains its execution with
// args, which under force_generic_plan is the generic plan.
func genericPlan(ctx context.Context, conn *sql.Conn, query string, args []any) (explained, error) {
	if _, err := conn.ExecContext(ctx, "PREPARE list_page AS "+query); err != nil {
		return explained{}, err
	}
	// Not DEALLOCATE ALL: the driver's own prepared statements live on
	// the connection too.
	defer conn.ExecContext(ctx, "DEALLOCATE list_page") //nolint:errcheck // the next PREPARE reports a leftover
	// EXECUTE's values are written out: PostgreSQL reports no parameters
	// for a utility statement, so they cannot be bound.
	values := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case int64:
			values[i] = strconv.FormatInt(v, 10)
		case int:
			values[i] = strconv.Itoa(v)
		case bool:
			values[i] = strconv.FormatBool(v)
		case string:
			values[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			return explained{}, fmt.Errorf("parameter $%d: no literal for %T", i+1, a)
		}
	}
	var raw string
	if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) EXECUTE list_page("+strings.Join(values, ", ")+")").Scan(&raw); err != nil {
		return explained{}, err
	}
	var top []struct {
		Plan pgPlan `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &top); err != nil || len(top) != 1 {
		return explained{}, errors.Join(errors.New("unreadable plan"), err)
	}
	return explained{top[0].Plan, raw}, nil
}

// limitsOver names the first Limit node expected to give more than n rows.
func limitsOver(p explained, n int) string {
	var walk func(pgPlan) string
	walk = func(node pgPlan) string {
		if node.Node == "Limit" && node.Rows > float64(n) {
			return "Limit of " + strconv.FormatFloat(node.Rows, 'f', 0, 64) + " rows"
		}
		for _, c := range node.Plans {
			if s := walk(c); s != "" {
				return s
			}
		}
		return ""
	}
	return walk(p.root)
}
