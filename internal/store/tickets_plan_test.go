package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// loadYearOfTickets loads n generated tickets (BulkLoad with seed) into
// the workspace, spread over the year before 15 January 2026, for the plan
// tests to explain their queries over a table of some size.
func loadYearOfTickets(t *testing.T, s *store.Store, wsID int64, n int, seed uint64) {
	t.Helper()
	if _, err := s.BulkLoad(t.Context(), wsID, store.BulkSpec{Tickets: n, Seed: seed,
		End: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Span: 365 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
}

// planConn returns a connection of its own (session settings hold on
// it; closed when the test ends) to explain queries on: ANALYZEd first
// when analyze is set, and on PostgreSQL with pgSettings, which turn off
// the plans a small table would otherwise get whatever its indexes.
func planConn(t *testing.T, s *store.Store, analyze bool, pgSettings string) *sql.Conn {
	t.Helper()
	conn, err := s.DB().Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if analyze {
		if _, err := conn.ExecContext(t.Context(), "ANALYZE"); err != nil {
			t.Fatal(err)
		}
	}
	if s.Dialect() == store.Postgres {
		if _, err := conn.ExecContext(t.Context(), pgSettings); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

// TestTicketListPlans checks, for every combination of the list's
// combination table (listMatrix, generated from the API's filters, so a new
// filter is checked the day it is added), that the database answers the
// page without sorting the tickets table: every ordered read of tickets
// comes from an index in page order, and what is sorted is either a few
// pages' worth of rows (the union of the branches, each cut by LIMIT) or a
// bounded set an index selects first (one customer's tickets). An agent's
// swarms and hand-offs are no exception: in every order their rows carry
// the keys their indexes are read by (migration 0053), so their branches
// are ordered seeks too. A combination the list refuses must be refused
// with list_too_broad.
//
// PostgreSQL plans a table of a few thousand rows with a sequential scan
// and a sort whatever the indexes, so its check runs with enable_seqscan,
// enable_sort and enable_incremental_sort off: a Sort left over the table
// then means that no index can give the order, which is what this test is
// about. (Since the indexes hold the status (migration 0086), a small
// table's plan of several statuses may seek them in an index, unordered,
// and sort the few rows incrementally; at 1M tickets no plan of the
// matrix does.)
func TestTicketListPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fx := storetest.Seed(t, s)
		loadYearOfTickets(t, s, fx.WS.ID, 1000, 1)
		conn := planConn(t, s, false, "SET enable_seqscan = off; SET enable_sort = off; SET enable_incremental_sort = off")
		served := 0
		for _, c := range listMatrix(t, s, fx, false) {
			query, args, err := c.filter.ListQuery(s.Dialect(), fx.WS.ID, c.cursor, 50)
			if err != nil {
				if p, ok := errors.AsType[*problem.Error](err); ok && p.Code == store.CodeListTooBroad {
					continue
				}
				t.Fatalf("%s: %v", c.name, err)
			}
			served++
			var bad string
			if s.Dialect() == store.SQLite {
				bad, err = sqliteTableSort(ctx, conn, query, args)
			} else {
				bad, err = postgresTableSort(ctx, conn, query, args)
			}
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if bad != "" {
				t.Errorf("%s sorts the tickets table:\n%s", c.name, bad)
			}
			if s.Dialect() == store.SQLite && seeksOneStatus(c.filter) && !strings.Contains(query, "INDEXED BY tickets_status") {
				t.Errorf("%s tests its one status on the rows of another index:\n%s", c.name, query)
			}
			if s.Dialect() == store.SQLite {
				if bad, err := sqliteDriverWalk(ctx, conn, query, args, c.filter); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				} else if bad != "" {
					t.Errorf("%s walks an agent's swarms or hand-offs past what the filter fixes:\n%s", c.name, bad)
				}
				if bad, err := sqliteRowReads(ctx, conn, query, args); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				} else if bad != "" {
					t.Errorf("%s reads rows to test its filters (migrations 0080–0081):\n%s", c.name, bad)
				}
			}
		}
		if served == 0 {
			t.Fatal("no combination served")
		}
	})
}

// sqliteTableSort returns the plan when SQLite sorts rows it reads from
// tickets in one step of the plan (a "USE TEMP B-TREE FOR … ORDER BY"
// beside a scan of tickets or of an agent's swarm invitations or hand-offs
// read before them), unless that step first selects a bounded set (a
// customer's tickets).
func sqliteTableSort(ctx context.Context, conn *sql.Conn, query string, args []any) (string, error) {
	rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	type node struct {
		parent int
		detail string
	}
	var nodes []node
	var plan strings.Builder
	ids := map[int]int{}
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		ids[id] = len(nodes)
		nodes = append(nodes, node{parent, detail})
		fmt.Fprintf(&plan, "%d %d %s\n", id, parent, detail)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	for _, n := range nodes {
		if !strings.HasPrefix(n.detail, "USE TEMP B-TREE FOR") || !strings.Contains(n.detail, "ORDER BY") {
			continue
		}
		readsTickets, bounded := false, false
		for _, m := range nodes {
			if m.parent != n.parent {
				continue
			}
			switch {
			case strings.Contains(m.detail, "tickets_customer"):
				bounded = true
			case strings.HasPrefix(m.detail, "SCAN tickets"), strings.HasPrefix(m.detail, "SEARCH tickets"),
				strings.HasPrefix(m.detail, "SCAN vc"), strings.HasPrefix(m.detail, "SEARCH vc"),
				strings.HasPrefix(m.detail, "SCAN vh"), strings.HasPrefix(m.detail, "SEARCH vh"),
				strings.HasPrefix(m.detail, "SCAN fc"), strings.HasPrefix(m.detail, "SEARCH fc"),
				strings.HasPrefix(m.detail, "SCAN fh"), strings.HasPrefix(m.detail, "SEARCH fh"):
				readsTickets = true
			}
		}
		if readsTickets && !bounded {
			return plan.String(), nil
		}
	}
	return "", nil
}

// pgPlan is a node of PostgreSQL's EXPLAIN (FORMAT JSON).
type pgPlan struct {
	Node     string   `json:"Node Type"`
	Relation string   `json:"Relation Name"`
	Index    string   `json:"Index Name"`
	Cond     string   `json:"Index Cond"`
	Plans    []pgPlan `json:"Plans"`
	// Filled by EXPLAIN (ANALYZE, BUFFERS) only.
	Hits    int64   `json:"Shared Hit Blocks"`
	Reads   int64   `json:"Shared Read Blocks"`
	Rows    float64 `json:"Actual Rows"`
	Loops   float64 `json:"Actual Loops"`
	Removed float64 `json:"Rows Removed by Filter"`
}

// postgresTableSort returns the plan when PostgreSQL sorts rows it reads
// from tickets, or from an agent's swarm invitations or hand-offs, without
// a LIMIT in between (a Sort over a scan of the table), unless the branch
// first selects a bounded set (a customer's tickets).
func postgresTableSort(ctx context.Context, conn *sql.Conn, query string, args []any) (string, error) {
	var raw string
	if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&raw); err != nil {
		return "", err
	}
	top, err := pgPlanOf(raw)
	if err != nil {
		return "", err
	}
	if pgSortsTable(top) {
		return raw, nil
	}
	return "", nil
}

// pgPlanOf decodes the plan of EXPLAIN (FORMAT JSON).
func pgPlanOf(raw string) (pgPlan, error) {
	var top []struct {
		Plan pgPlan `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		return pgPlan{}, err
	}
	if len(top) != 1 {
		return pgPlan{}, fmt.Errorf("%d plans in %s", len(top), raw)
	}
	return top[0].Plan, nil
}

// pgSortsTable tells whether a plan sorts rows it reads from tickets, or
// from an agent's swarm invitations or hand-offs, without a LIMIT in
// between, unless it first selects a bounded set (see postgresTableSort).
func pgSortsTable(plan pgPlan) bool {
	// reaches reports whether n reads tickets unbounded: a scan of tickets,
	// or of the swarm or hand-off rows leading to them, reached without
	// passing a Limit, and with no bounded set beside it.
	var reaches func(n pgPlan) bool
	reaches = func(n pgPlan) bool {
		switch {
		case n.Node == "Limit":
			return false
		case n.Relation == "ticket_collaborators" || n.Relation == "ticket_handoffs":
			return true
		case n.Relation == "tickets" && n.Node == "Bitmap Heap Scan":
			// A bitmap of one customer's tickets is bounded; of anything
			// else, not.
			return !slices.ContainsFunc(n.Plans, func(c pgPlan) bool { return strings.HasPrefix(c.Index, "tickets_customer") })
		case n.Relation == "tickets":
			return !strings.HasPrefix(n.Index, "tickets_customer")
		}
		if strings.Contains(n.Node, "Join") || n.Node == "Nested Loop" {
			for _, c := range n.Plans {
				if !reaches(c) {
					return false
				}
			}
		}
		for _, c := range n.Plans {
			if reaches(c) {
				return true
			}
		}
		return false
	}
	var sorted func(n pgPlan) bool
	sorted = func(n pgPlan) bool {
		if n.Node == "Sort" || n.Node == "Incremental Sort" {
			for _, c := range n.Plans {
				if reaches(c) {
					return true
				}
			}
		}
		for _, c := range n.Plans {
			if sorted(c) {
				return true
			}
		}
		return false
	}
	return sorted(plan)
}

// sqliteDriverWalk returns the plan line of a read of an agent's swarms or
// hand-offs that does not seek the column the filter fixes, which their
// rows carry (migrations 0053–0056, 0061): under a customer filter no
// such rows are walked (the customer's tickets probe them); else a team,
// a tier with an owner (or none), an owner, a tier, a request type and
// active, in that order of preference, lead the seek after the agent.
func sqliteDriverWalk(ctx context.Context, conn *sql.Conn, query string, args []any, f store.Filter) (string, error) {
	rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		if !strings.HasPrefix(detail, "SEARCH v") && !strings.HasPrefix(detail, "SEARCH f") && !strings.HasPrefix(detail, "SCAN v") && !strings.HasPrefix(detail, "SCAN f") {
			continue
		}
		want := ""
		switch {
		case f.CustomerID != 0:
			return detail, nil
		case f.TeamID != 0:
			want = "ticket_team_id=?"
		case (f.OwnerID != 0 || f.Unassigned) && len(f.TierIDs) > 0:
			want = "ticket_tier_id=? AND ticket_owner_id"
		case f.OwnerID != 0 || f.Unassigned:
			want = "ticket_owner_id"
		case len(f.TierIDs) > 0:
			want = "ticket_tier_id=?"
		case f.RequestTypeID != 0:
			want = "ticket_request_type_id=?"
		default:
			if _, known := f.Active(); known || f.Sort == "priority" || f.Sort == "updated" {
				want = "ticket_active=?"
			}
		}
		if !strings.Contains(detail, want) {
			return detail, nil
		}
	}
	return "", rows.Err()
}

// seeksOneStatus tells whether an admin's page of one status in id order,
// with no tier, team, owner or bounded set, must seek (workspace, status,
// id) on SQLite: through the request type's index or the workspace's it
// tested the status on every row it walked (open tickets are rare in the
// older half of the table).
func seeksOneStatus(f store.Filter) bool {
	return f.Viewer != nil && f.Viewer.IsAdmin() && len(f.Statuses) == 1 && (f.Sort == "newest" || f.Sort == "oldest") &&
		len(f.TierIDs) == 0 && f.TeamID == 0 && f.OwnerID == 0 && !f.Unassigned &&
		f.CustomerID == 0 && f.HandedOffBy == 0 && f.CollaboratorID == 0
}
