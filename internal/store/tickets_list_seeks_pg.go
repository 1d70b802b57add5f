package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/palier/palier/internal/ticket"
)

// PostgreSQL reads a page of several seeks as one statement per seek, each
// planned once per connection (a generic plan), and merges their keys here.
//
// Planned for its values, a page's union cost about 0.3 ms of CPU per seek
// of tickets, every execution (the planner weighs each of the table's
// indexes and reads each one's size), and an agent's deep multi-tier page
// is 20–32 seeks: planning was most of its CPU. A seek alone is one
// equality prefix of one index, the sort key and LIMIT: whatever its
// values, the index that holds its prefix before its order reads it in
// order and stops at the page, so a plan made without them is the one
// planned with them (TestTicketListSeekPlans, and PALIER_BENCH_EXPLAIN=
// generic at 1M tickets, check every seek of the list's matrix). The
// whole union planned without its values was not: it walked the primary
// key for skewed values (bench/README.md, eleventh session, pggeneric).
// Nor are some seeks alone (listBranch.blind, pageSeeks.valued): those
// are still planned for their values, as one union of them, unless pinned
// (pinSeek: the seeks of tickets in id order from the cursor, or whose
// blind plan read another index).

// genericPlans and valuedPlans set how the seeks that follow are planned,
// for the transaction of their batch only: without their values (once
// per connection), or for them (every execution). A generic plan costs its
// LIMIT as a tenth of the rows (a parameter, see listQuery), past
// jit_above_cost for a walk of an agent's hand-offs: compiling it took 13
// ms of a 20 ms seek, so the seeks' plans are made without JIT. A seek
// planned without its values is an ordered read of an index stopped at
// the page (TestTicketListSeekPlans) or nothing: never a sort, a bitmap
// read or a scan of the table, which PostgreSQL, costing the conditions
// it cannot see as rare, took for cheaper whenever the table's visibility
// map was cleared (the swarm and hand-off seeks after migration 0087's
// update of every row: 9,000 buffers a seek at 1M tickets instead of 10).
// The plan is kept for the connection, so the settings are the plan's.
const (
	genericPlans = `SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true),
		set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`
	valuedPlans = `SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
		set_config('enable_sort', 'on', true), set_config('enable_bitmapscan', 'on', true), set_config('enable_seqscan', 'on', true)`
)

// seekKey is one row of a seek: a ticket's id and its sort key (0 in id
// order).
type seekKey struct{ id, key int64 }

// seekedPage reads a page of p's seeks: their keys in one round trip, the
// page's tickets by id and their collaborators and hand-offs in a second.
func (s *Store) seekedPage(ctx context.Context, wsID int64, f Filter, p pageSeeks, limit int) ([]ticket.Ticket, error) {
	// A priority page past a cursor reads the levels below the cursor's
	// only when the rest of its level does not fill it (pageSeeks.phase):
	// deep in a level of thousands of tickets it does, and the page's
	// seeks were twice what it needed.
	keys, err := s.readSeeks(ctx, f, p, inRound(p.phase, 0))
	if err != nil {
		return nil, err
	}
	ids := f.pageIDs(keys, limit)
	if len(ids) <= limit && phased(p.phase) {
		more, err := s.readSeeks(ctx, f, p, inRound(p.phase, 1))
		if err != nil {
			return nil, err
		}
		ids = f.pageIDs(append(keys, more...), limit)
	}
	if len(ids) == 0 {
		return []ticket.Ticket{}, nil
	}
	return s.ticketsByIDs(ctx, wsID, ids)
}

// ticketsByIDs reads tickets by id with their collaborators and
// hand-offs (as listedPage does) in one round trip: the two statements go
// in one pipeline, since both need only the ids. Read one after the other,
// as listedPage must when the ids come from its own statement, they were
// two round trips, two implicit transactions. Only the workspace's are
// read: the seeks of an agent's swarms and hand-offs take the page's
// workspace as their tickets' (idDriver.copies).
func (s *Store) ticketsByIDs(ctx context.Context, wsID int64, ids []int64) ([]ticket.Ticket, error) {
	list := make([]ticket.Ticket, 0, len(ids))
	err := s.withReadConn(ctx, func(pc *pgx.Conn) error {
		batch := &pgx.Batch{}
		batch.Queue(`SELECT `+ticketColumns+` FROM tickets WHERE id = ANY($1) AND workspace_id = $2`, ids, wsID)
		batch.Queue(pageTicketsPeople(`= ANY($1)`), ids)
		results := pc.SendBatch(ctx, batch)
		defer results.Close()
		rows, err := results.Query()
		if err != nil {
			return err
		}
		row := newTicketRow()
		for rows.Next() {
			t, err := row.scan(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("scan: %w", err)
			}
			list = append(list, t)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if rows, err = results.Query(); err != nil {
			return err
		}
		defer rows.Close()
		if err := addPeople(list, rows); err != nil {
			return err
		}
		rows.Close()
		return results.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("read the page: %w", err)
	}
	return list, nil
}

// readSeeks runs the seeks of p that read marks in one pipeline (one
// implicit transaction, which the plan modes last) and returns their rows.
func (s *Store) readSeeks(ctx context.Context, f Filter, p pageSeeks, read []bool) ([]seekKey, error) {
	keyed := keyedSort(f.Sort)
	var keys []seekKey
	err := s.withReadConn(ctx, func(pc *pgx.Conn) error {
		// The batch: the plan mode, the seeks planned generically, the
		// plan mode again, the seeks planned for their values as one
		// statement (each statement costs its own parse and executor
		// start). false marks a plan mode in steps.
		batch := &pgx.Batch{}
		var steps []bool
		var valued []string
		batch.Queue(genericPlans)
		steps = append(steps, false)
		for i, k := range p.keys {
			if !read[i] {
				continue
			}
			if p.valued[i] {
				valued = append(valued, `SELECT * FROM (`+k+`) AS b`+strconv.Itoa(len(valued)))
				continue
			}
			query, args := ownParams(k, p.args)
			batch.Queue(query, args...)
			steps = append(steps, true)
		}
		if len(valued) > 0 {
			batch.Queue(valuedPlans)
			query, args := ownParams(strings.Join(valued, ` UNION ALL `), p.args)
			batch.Queue(query, args...)
			steps = append(steps, false, true)
		}
		results := pc.SendBatch(ctx, batch)
		defer results.Close()
		var k seekKey
		dest := []any{&k.id}
		if keyed {
			dest = append(dest, &k.key)
		}
		for _, seek := range steps {
			if !seek {
				if _, err := results.Exec(); err != nil {
					return fmt.Errorf("plan mode: %w", err)
				}
				continue
			}
			rows, err := results.Query()
			if err != nil {
				return err
			}
			for rows.Next() {
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					return fmt.Errorf("scan: %w", err)
				}
				keys = append(keys, k)
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return results.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("seek: %w", err)
	}
	return keys, nil
}

// withReadConn runs fn on a PostgreSQL read connection of the pool as
// pgx's own, for what database/sql cannot send: a pipeline of statements.
func (s *Store) withReadConn(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		return fn(pc.Conn())
	})
}

// pageIDs sorts the seeks' keys in the page's order and returns the ids
// of the first limit+1 distinct tickets: the page and whether another
// follows. A ticket two branches yield comes twice, with the same key.
func (f Filter) pageIDs(keys []seekKey, limit int) []int64 {
	slices.SortFunc(keys, f.compareKeys)
	ids := make([]int64, 0, min(len(keys), limit+1))
	for i, k := range keys {
		if len(ids) > limit {
			break
		}
		if i > 0 && keys[i-1].id == k.id {
			continue
		}
		ids = append(ids, k.id)
	}
	return ids
}

// compareKeys orders two seek rows as compare orders their tickets.
func (f Filter) compareKeys(a, b seekKey) int {
	switch f.Sort {
	case "oldest":
		return cmp.Compare(a.id, b.id)
	case "updated":
		return cmp.Or(cmp.Compare(b.key, a.key), cmp.Compare(b.id, a.id))
	case "priority":
		return cmp.Or(cmp.Compare(b.key, a.key), cmp.Compare(a.id, b.id))
	}
	return cmp.Compare(b.id, a.id)
}

// ownParams is a statement of the page's with only the parameters it
// uses, numbered from $1 in the order they first appear: a seek run alone
// must not be sent the others' (PostgreSQL could not type them).
func ownParams(query string, args []any) (string, []any) {
	out, use := usedParams(query, len(args))
	own := make([]any, len(use))
	for i, k := range use {
		own[i] = args[k]
	}
	return out, own
}
