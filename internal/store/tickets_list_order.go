package store

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// The ticket list's order: sort keys, keyset clauses and page cursors.

type keysetClause struct {
	sql  string
	args []any
	// split, when set, replaces sql: the page is the union of two index
	// seeks, the rest of the cursor's level and the levels below it (see
	// Filter.order).
	split *[2]string
}

// order returns the ORDER BY for the filter's sort and the condition that
// starts the page after cursor.
//
// cols names the columns the order and condition use: the ticket's for a
// read of tickets, the driver's copies for a read that starts from an
// agent's swarms or hand-offs.
func (f Filter) order(cursor string, nargs int, cols orderCols) (string, keysetClause, error) {
	idCol, prio, upd := cols.id, cols.priority, cols.updated
	sort := f.Sort
	if sort == "" {
		sort = "newest"
	}
	if !slices.Contains(Sorts, sort) {
		return "", keysetClause{}, problem.New(problem.BadRequest, "bad_sort", "unknown sort order").With("value", sort)
	}
	key, id, err := decodeCursor(cursor, sort)
	if err != nil {
		return "", keysetClause{}, err
	}
	p := func(i int) string { return "$" + strconv.Itoa(nargs+i) }
	var order string
	var ks keysetClause
	switch sort {
	case "newest":
		order = idCol + " DESC"
		if cursor != "" {
			ks = keysetClause{sql: idCol + " < " + p(1), args: []any{id}}
		}
	case "oldest":
		order = idCol + " ASC"
		if cursor != "" {
			ks = keysetClause{sql: idCol + " > " + p(1), args: []any{id}}
		}
	case "updated":
		order = upd + " DESC, " + idCol + " DESC"
		if cursor != "" {
			// The leading "<=" repeats what the OR implies: PostgreSQL cannot
			// seek an index with the OR alone and would scan from the top.
			ks = keysetClause{sql: "(" + upd + " <= " + p(1) + " AND (" + upd + " < " + p(1) + " OR (" + upd + " = " + p(1) + " AND " + idCol + " < " + p(2) + ")))", args: []any{key, id}}
		}
	case "priority":
		order = prio + " DESC, " + idCol + " ASC"
		if cursor != "" {
			// "priority < p OR (priority = p AND id > i)" cannot be entered
			// in the middle of a priority level by either database, so a
			// deep page read every ticket of its level before the cursor.
			// Two seeks, unioned, start exactly at the cursor.
			ks = keysetClause{args: []any{key, id}, split: &[2]string{
				prio + " = " + p(1) + " AND " + idCol + " > " + p(2),
				prio + " < " + p(1),
			}}
		}
	}
	return order, ks, nil
}

// orderCols names the columns a branch is ordered by.
type orderCols struct{ id, priority, updated string }

// ticketCols orders a read of tickets by their own columns.
var ticketCols = orderCols{"id", "priority", "updated_at"}

// driverCols orders a read that starts from an agent's swarms or hand-offs
// (alias) by the copies of the ticket's keys they carry (migration 0053),
// which their indexes hold behind the agent.
func driverCols(alias string) orderCols {
	return orderCols{alias + ".ticket_id", alias + ".ticket_priority", alias + ".ticket_updated_at"}
}

func (f Filter) cursorAfter(t ticket.Ticket) string {
	var key int64
	switch f.Sort {
	case "updated":
		key = ms(t.UpdatedAt)
	case "priority":
		key = int64(t.Priority)
	}
	sort := f.Sort
	if sort == "" {
		sort = "newest"
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s:%d:%d", sort, key, t.ID))
}

var errBadCursor = problem.New(problem.BadRequest, "bad_cursor", "the page cursor is invalid or belongs to another sort order")

func decodeCursor(cursor, sort string) (key, id int64, err error) {
	if cursor == "" {
		return 0, 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, 0, errBadCursor
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != sort {
		return 0, 0, errBadCursor
	}
	key, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, errBadCursor
	}
	return key, id, nil
}
