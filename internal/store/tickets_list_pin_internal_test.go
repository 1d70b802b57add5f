package store

import "testing"

// TestPinSeek checks the rewriting of a seek from the cursor's id that
// lets PostgreSQL plan it without its values (pinSeek): the pinned
// column's equalities become closed ranges over the same parameter, and
// the column is ordered just before the id, in the seek's direction, so
// that only the index holding it there gives the order. Which plans that
// gets is TestTicketListSeekPlans' and PALIER_BENCH_EXPLAIN=generic's.
func TestPinSeek(t *testing.T) {
	for _, c := range []struct {
		name, where, order, col string
		desc                    bool
		wantWhere, wantOrder    string
		ok                      bool
	}{
		{"newest", "workspace_id = $1 AND tier_id = $2 AND active = $4 AND id < $5", "id DESC", "active", true,
			"workspace_id = $1 AND tier_id = $2 AND (active >= $4 AND active <= $4) AND id < $5", "active DESC, id DESC", true},
		{"oldest", "workspace_id = $1 AND active = $12 AND id > $13", "id ASC", "active", false,
			"workspace_id = $1 AND (active >= $12 AND active <= $12) AND id > $13", "active ASC, id ASC", true},
		// An unassigned owner leads the order (listQuery): the pin goes
		// after it, as (workspace, owner, active, id) holds them.
		{"unassigned", "workspace_id = $1 AND owner_id IS NULL AND active = $2 AND id < $3", "owner_id DESC, id DESC", "active", true,
			"workspace_id = $1 AND owner_id IS NULL AND (active >= $2 AND active <= $2) AND id < $3", "owner_id DESC, active DESC, id DESC", true},
		// Already ordered by: only ranged.
		{"unassigned in (…, active, owner_id, id)", "workspace_id = $1 AND tier_id = $2 AND owner_id IS NULL AND active = $3 AND id < $4",
			"owner_id DESC, id DESC", "owner_id", true,
			"workspace_id = $1 AND tier_id = $2 AND owner_id IS NULL AND active = $3 AND id < $4", "owner_id DESC, id DESC", true},
		{"the cursor's priority level", "workspace_id = $1 AND active = $3 AND priority = $4 AND id > $5", "priority DESC, id ASC", "priority", true,
			"workspace_id = $1 AND active = $3 AND (priority >= $4 AND priority <= $4) AND id > $5", "priority DESC, id ASC", true},
		// Every equality of the column, and only of that column.
		{"two owners", "workspace_id = $1 AND owner_id = $2 AND x.ticket_owner_id = $3 AND (owner_id = $4) AND id < $5", "id DESC", "owner_id", true,
			"workspace_id = $1 AND (owner_id >= $2 AND owner_id <= $2) AND x.ticket_owner_id = $3 AND ((owner_id >= $4 AND owner_id <= $4)) AND id < $5",
			"owner_id DESC, id DESC", true},
		{"nothing to pin", "workspace_id = $1 AND vc.ticket_active = $2 AND id < $3", "id DESC", "active", true,
			"workspace_id = $1 AND vc.ticket_active = $2 AND id < $3", "id DESC", false},
	} {
		w, o, ok := pinSeek(c.where, c.order, c.col, c.desc)
		if w != c.wantWhere || o != c.wantOrder || ok != c.ok {
			t.Errorf("%s: pinSeek = %q, %q, %v\nwant %q, %q, %v", c.name, w, o, ok, c.wantWhere, c.wantOrder, c.ok)
		}
	}
}
