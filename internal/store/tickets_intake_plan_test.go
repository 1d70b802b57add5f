package store_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The PostgreSQL intake statement does no per-ticket work that a plan made
// once could do (issue 9): its search document's access key is computed in
// the statement's own plan, not as a function query parsed and planned
// again for every ticket (migration 0071), and the vocabulary trigger
// looks each word of a new document up in the index instead of reading
// the whole vocabulary, whatever the statistics of a young workspace say
// (0072). Both cost more than the rest of the search document did.
func TestIntakeSearchDocumentPlannedOnce(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	ctx := t.Context()
	f := storetest.Seed(t, s)
	tk, err := s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
		Ticket: ticket.Ticket{Subject: "Facture quokka", Channel: "email", TierID: f.Tier["L1"].ID, CustomerID: f.Customer["alice"].ID, Language: "fr"},
		Body:   "Un wombat a mangé ma carte.", FirstIsCustomer: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	conn := planConn(t, s, false, "SET plan_cache_mode = force_generic_plan")

	t.Run("access key inlined", func(t *testing.T) {
		if _, err := conn.ExecContext(ctx, `PREPARE key_plan(bigint, bigint, bigint, boolean, bigint) AS
			SELECT ticket_access_key($1, NULLIF($2, 0), NULLIF($3, 0), $4, '{}', CASE WHEN $5 <> 0 THEN ARRAY[$5] ELSE '{}' END)`); err != nil {
			t.Fatal(err)
		}
		plan := explainLines(t, conn, `EXPLAIN (VERBOSE) EXECUTE key_plan(1, 2, 3, false, 4)`)
		if strings.Contains(plan, "ticket_access_key(") {
			t.Errorf("the access key is called as a function, planned at each call:\n%s", plan)
		}
	})

	t.Run("vocabulary probed by word", func(t *testing.T) {
		// A vocabulary of a few pages, written after the statistics were
		// taken, as in a workspace's first days.
		if _, err := conn.ExecContext(ctx, `INSERT INTO ticket_search_terms SELECT 'mot' || i FROM generate_series(1, 2000) i`); err != nil {
			t.Fatal(err)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		// The view holds what this backend has not yet reported to the
		// statistics, earlier transactions' scans included (the pooled
		// connection may have run the seed's intake): count the change.
		scans := func() (seq, idx int64) {
			t.Helper()
			if err := tx.QueryRowContext(ctx, `SELECT seq_scan, COALESCE(idx_scan, 0) FROM pg_stat_xact_user_tables WHERE relname = 'ticket_search_terms'`).Scan(&seq, &idx); err != nil {
				t.Fatal(err)
			}
			return seq, idx
		}
		seq0, idx0 := scans()
		for i := range 10 {
			if _, err := tx.ExecContext(ctx, `UPDATE ticket_search SET search = search || to_tsvector('simple', $2) WHERE ticket_id = $1`,
				tk.ID, fmt.Sprintf("nouveau%d mot%d facture", i, i)); err != nil {
				t.Fatal(err)
			}
		}
		seq, idx := scans()
		seq, idx = seq-seq0, idx-idx0
		if seq != 0 || idx == 0 {
			t.Errorf("ten new documents read the vocabulary by %d sequential scans and %d index scans, want 0 and some", seq, idx)
		}
	})
}

// explainLines is EXPLAIN's text output, one line per plan line.
func explainLines(t *testing.T, conn *sql.Conn, explain string) string {
	t.Helper()
	rows, err := conn.QueryContext(t.Context(), explain)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
