package store_test

import (
	"encoding/json"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestCustomerDeleteSeeksTicketsIndex checks, on PostgreSQL, that the
// foreign key check run when a customer row is deleted finds that
// customer's tickets through an index that leads with customer_id. The
// other indexes of tickets lead with the workspace (migration 0073 kept a
// single customer-led one); through one of them the check would read the
// whole index for each customer deleted, and its plan would still show an
// index condition on customer_id, so the index's first column is what is
// checked. The query is the one PostgreSQL's referential integrity
// trigger runs.
func TestCustomerDeleteSeeksTicketsIndex(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	f := storetest.Seed(t, s)
	loadYearOfTickets(t, s, f.WS.ID, 500, 5)
	conn := planConn(t, s, true, "SET enable_seqscan = off")
	ctx := t.Context()
	var raw string
	if err := conn.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM ONLY tickets x WHERE customer_id = $1 FOR KEY SHARE OF x`,
		f.Customer["alice"].ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var top []struct {
		Plan pgPlan `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		t.Fatal(err)
	}
	var indexes []string
	var walk func(n pgPlan)
	walk = func(n pgPlan) {
		if n.Index != "" {
			indexes = append(indexes, n.Index)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(top[0].Plan)
	if len(indexes) != 1 {
		t.Fatalf("the check reads tickets through %d indexes, want one:\n%s", len(indexes), raw)
	}
	var first string
	if err := conn.QueryRowContext(ctx, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indexrelid = $1::regclass`, indexes[0]).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first != "customer_id" {
		t.Errorf("the check reads tickets through %s, which leads with %s: every customer deleted reads the whole index\n%s", indexes[0], first, raw)
	}
}
