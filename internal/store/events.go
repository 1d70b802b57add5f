package store

import (
	"context"
	"database/sql"
	"fmt"
)

// legacyNames resolves, for event.Decode, what version 1 rows named by
// code (tiers) or by name (teams). It reads the workspace's tiers and teams
// once, on the first old row that needs them: timelines written since
// version 2 never do. A failed read is kept in err for the caller to
// return.
type legacyNames struct {
	ctx          context.Context
	q            querier
	wsID         int64
	loaded       bool
	tiers, teams map[string]int64
	err          error
}

func eventNames(ctx context.Context, q querier, wsID int64) *legacyNames {
	return &legacyNames{ctx: ctx, q: q, wsID: wsID}
}

func (n *legacyNames) TierID(code string) int64 {
	n.load()
	return n.tiers[code]
}

func (n *legacyNames) TeamID(name string) int64 {
	n.load()
	return n.teams[name]
}

func (n *legacyNames) load() {
	if n.loaded {
		return
	}
	n.loaded = true
	n.tiers, n.teams = n.read(`SELECT code, id FROM tiers WHERE workspace_id = $1`), n.read(`SELECT name, id FROM teams WHERE workspace_id = $1`)
}

func (n *legacyNames) read(query string) map[string]int64 {
	out := map[string]int64{}
	rows, err := n.q.QueryContext(n.ctx, query, n.wsID)
	if err == nil {
		_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
			var name string
			var id int64
			err := r.Scan(&name, &id)
			out[name] = id
			return struct{}{}, err
		})
	}
	if err != nil && n.err == nil {
		n.err = fmt.Errorf("names for old events: %w", err)
	}
	return out
}
