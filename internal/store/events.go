package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/ticket"
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

// eventColumns are the columns readEvents scans, in its order.
const eventColumns = `id, ticket_id, kind, COALESCE(actor_agent_id, 0), COALESCE(actor_customer_id, 0), body, data, data_version, created_at`

// readEvents runs query, which selects eventColumns from events, and
// decodes each event's data: the one reading of stored events, for the
// timeline (on the read pool) and for a merge's copy (in its transaction).
func readEvents(ctx context.Context, q querier, wsID int64, query string, args ...any) ([]ticket.Event, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	type row struct {
		e       ticket.Event
		data    string
		version int
	}
	raw, err := collect(rows, func(r *sql.Rows) (row, error) {
		var x row
		var kind string
		var at int64
		err := r.Scan(&x.e.ID, &x.e.TicketID, &kind, &x.e.ActorAgentID, &x.e.ActorCustomerID, &x.e.Body, &x.data, &x.version, &at)
		x.e.Kind, x.e.CreatedAt = ticket.EventKind(kind), fromMS(at)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	// Decoded once the rows are read: an old row may need the names of
	// the workspace's tiers, read with another query.
	names := eventNames(ctx, q, wsID)
	list := make([]ticket.Event, len(raw))
	for i, x := range raw {
		list[i] = x.e
		if list[i].Data, err = event.Decode(x.e.Kind, x.version, x.data, names); err != nil {
			return nil, fmt.Errorf("event %d: %w", x.e.ID, err)
		}
	}
	return list, names.err
}
