package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// The ticket list: filters, the union of index seeks a page is read as,
// and its keyset cursors. The viewer's access is in tickets_list_access.go,
// the branches a page is read as in tickets_list_branches.go, the sort keys
// and cursors in tickets_list_order.go, PostgreSQL's lateral fold in
// tickets_list_pg.go.

// Filter selects tickets for a list. Zero fields do not filter.
type Filter struct {
	Viewer         *auth.Actor // restricts to what this actor may see; nil = everything
	TierIDs        []int64
	TeamID         int64
	OwnerID        int64 // agent id
	Unassigned     bool
	CollaboratorID int64 // tickets this agent was invited to (swarms)
	HandedOffBy    int64 // tickets this agent handed to another tier
	Statuses       []ticket.Status
	ActiveOnly     bool
	RequestTypeID  int64
	CustomerID     int64
	Sort           string // "newest" (default), "oldest", "updated", "priority"
}

// CodeListTooBroad is the code of the list's refusal of a combination of
// filters and sort that no index serves (see Filter.Servable).
const CodeListTooBroad = "list_too_broad"

// Sorts lists the supported list orders.
var Sorts = []string{"newest", "oldest", "updated", "priority"}

// Tickets returns one page of tickets and the cursor of the next page ("" at
// the end). Pages are keyset-paginated: the cost of a page does not grow
// with how deep the reader has scrolled.
//
// A page is the union of ordered index seeks (see Filter.branches): each
// branch is an equality prefix of an index followed by the sort key, so
// every branch reads at most limit+1 rows and no query sorts the table.
// PostgreSQL reads most seeks as statements of their own (seekedPage).
func (s *Store) Tickets(ctx context.Context, wsID int64, f Filter, cursor string, limit int) ([]ticket.Ticket, string, error) {
	limit = clampLimit(limit)
	list, err := s.listPage(ctx, wsID, f, cursor, limit)
	if err != nil {
		if _, ok := errors.AsType[*problem.Error](err); ok {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("list tickets: %w", err)
	}
	slices.SortFunc(list, f.compare)
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = f.cursorAfter(list[limit-1])
	}
	return list, next, nil
}

// pageSeeks is a page of a list as its ordered seeks: each of keys
// selects the ids and sort keys (pageCols) of one branch, or of one
// branch's two active values read laterally; args are the parameters all
// of them share. A page of one seek is single instead, which selects the
// tickets themselves.
type pageSeeks struct {
	single string
	keys   []string
	// valued tells, for each of keys, whether PostgreSQL must plan it for
	// its values (see seekedPage).
	valued []bool
	// index names, for each of keys, the index its seek reads in order
	// ("" for a customer's tickets, read all and sorted).
	index []string
	// phase tells, for each of keys, which part of a priority page past
	// a cursor its seek reads: 0 the rest of the cursor's level, 1 the
	// levels below, whose every row comes after every row of part 0; 0
	// for all when the page is not split so; -1 for a seek that reads
	// both. The seeks of part 1 are read only when those of part 0 do not
	// fill the page (mergedPage, seekedPage).
	phase []int
	args  []any
	lim   string // the parameter of the page's limit + 1
}

// listPage reads the tickets of a page and, if another follows, the first
// of it, unordered: a page of several seeks is read seek by seek on
// PostgreSQL (seekedPage; as one statement when all are planned for their
// values), a page of many on SQLite (mergedPage), any other as one
// statement.
func (s *Store) listPage(ctx context.Context, wsID int64, f Filter, cursor string, limit int) ([]ticket.Ticket, error) {
	if s.dialect == Postgres {
		p, err := f.pageSeeks(s.dialect, wsID, cursor, limit, true)
		if err != nil {
			return nil, err
		}
		switch {
		case p.single != "":
			return s.listedPage(ctx, p.single, limit+1, p.args...)
		case slices.Contains(p.valued, false):
			return s.seekedPage(ctx, wsID, f, p, limit)
		}
		// Every seek planned for its values: the union reads them and the
		// page in one statement.
		return s.listedPage(ctx, f.unionQuery(s.dialect, p.keys, p.lim), limit+1, p.args...)
	}
	p, err := f.shapedPage(wsID, cursor, limit)
	switch {
	case err != nil:
		return nil, err
	case p.query != "":
		return s.listedPage(ctx, p.query, limit+1, p.args...)
	}
	return s.mergedPage(ctx, f, p, limit)
}

// listQuery builds the query of one page of a list.
func (f Filter) listQuery(d Dialect, wsID int64, cursor string, limit int) (string, []any, error) {
	p, err := f.pageSeeks(d, wsID, cursor, limit, false)
	if err != nil {
		return "", nil, err
	}
	if p.single != "" {
		return sqliteParams(d, p.single, p.args), p.args, nil
	}
	return sqliteParams(d, f.unionQuery(d, p.keys, p.lim), p.args), p.args, nil
}

// pageSeeks builds the seeks of one page of a list; pin asks PostgreSQL's
// seeks from the cursor's id pinned (pinSeek) where that lets them be
// planned without their values, for seekedPage. The page read as one
// statement, each seek planned for its values, has none.
func (f Filter) pageSeeks(d Dialect, wsID int64, cursor string, limit int, pin bool) (pageSeeks, error) {
	q := &sqlArgs{args: []any{wsID}}
	base, branches := f.branches(q, d)
	if err := tooBroad(branches); err != nil {
		return pageSeeks{}, err
	}
	order, keyset, err := f.order(cursor, len(q.args), ticketCols)
	if err != nil {
		return pageSeeks{}, err
	}
	q.args = append(q.args, keyset.args...)
	parts := []string{""}
	switch {
	case keyset.split != nil:
		parts = keyset.split[:]
	case keyset.sql != "":
		parts = []string{keyset.sql}
	}
	// The LIMIT stays a bound parameter, though PostgreSQL's generic plan
	// cannot read it (planner.c, preprocess_limit: a tenth of the rows):
	// that makes the generic plan look dearer than one planned for the
	// values, so a warm statement keeps being planned for them. Written
	// out, the generic plans looked cheap and PostgreSQL switched 58 of
	// the matrix's 655 union statements to them after five executions
	// (RUNS=6 at 1M tickets), plans blind to the values' skew (an owner
	// with no tickets, a tier the agent does not work in) that walked
	// the primary key: an agent page from 5–10 to 103 ms of CPU
	// (bench/README.md, eleventh session, pggeneric).
	lim := q.arg(limit + 1)
	// folds are the seeks PostgreSQL may read grouped: a branch split by
	// active among them is read as one lateral subquery over both values
	// (lateralSeeks). They are those no index of ids can order, and in
	// every order those of an agent's swarms and hand-offs. Ordered by id
	// (newest, oldest, and the rest of the cursor's priority level), a
	// branch of tickets whose active is a parameter looked to PostgreSQL
	// as dense as the average and it walked the primary key testing each
	// ticket instead: 121,632 rows for the L1 agent's deep "status=open,
	// solved&type=billing" priority page at 1M tickets, against 2,463 with
	// the values written out. A walk of the agent's swarm or hand-off rows
	// stays within them: at most 1,877 rows tested by the folded seeks
	// of the L1 agent's matrix at 1M (500 unfolded), for half their
	// planning. seeks counts the page's ordered seeks; single is the
	// page's query when it is one seek, which needs no union.
	var keys, folds []string
	var plans, foldValued []bool
	var index, foldIndex []string
	var phase, foldPhase []int
	var single string
	// asSeek tells that the page's one seek is read as a seek on
	// PostgreSQL, its plan made once without its values and its tickets
	// read by id (seekedPage), not as a page of one statement planned at
	// each call (1–2 ms of CPU): one of an agent's swarms or hand-offs,
	// whose rows hold copies of the tickets' columns, not the tickets
	// (idDriver.from), or of a customer's tickets.
	asSeek := false
	seeks := 0
	for _, br := range branches {
		parts, order := parts, order
		cols := ticketCols
		if br.driver() != "" {
			cols = driverCols(br.driver())
		}
		if br.driver() != "" {
			// A branch read from an agent's swarms or hand-offs walks
			// them in their own index order from the cursor and stops at
			// the page: (agent, ticket) in id order, (agent, active, key,
			// ticket) in priority and updated order, by the copies of the
			// ticket's keys the rows carry (migration 0053). Ordered by
			// the ticket's columns it read and sorted every one of them
			// (3,351 for the L1 agent at 1M tickets); on PostgreSQL it
			// also let the planner walk an index of tickets probing each
			// for the agent instead (222,586 rows for the L1 agent's
			// solved tickets of team L1, none of them swarms, at 1M).
			o, ks, _ := f.order(cursor, len(q.args)-len(keyset.args)-1, driverCols(br.driver()))
			order, parts = o, []string{ks.sql}
			if ks.split != nil {
				parts = ks.split[:]
			}
		}
		if d == Postgres && f.Unassigned && br.driver() != "" && br.seek.tests(d, "ticket_owner_id") {
			// The same for a driver's copy of the owner (migration 0056),
			// where its index leads with it.
			order = strings.ReplaceAll(unassignedOrder[f.Sort], "owner_id", br.driver()+".ticket_owner_id") + order
		}
		if d == Postgres && f.Unassigned && br.driver() == "" {
			// PostgreSQL does not count "owner_id IS NULL" as fixing the
			// column, so it saw no order in the (…, active, owner_id,
			// sort key) indexes and walked (…, active, sort key) testing
			// owner on each row: 627,251 rows and 5 s for the L1 agent's
			// inactive unassigned tickets (there are none) at 1M. Leading
			// the order with the column (one value here) lets the index
			// give it.
			order = unassignedOrder[f.Sort] + order
		}
		if keyset.split != nil && br.prefix.driven && br.driver() == "" {
			// A branch that starts from a customer's tickets reads all of
			// them and sorts: two seeks would read them twice.
			parts = []string{"(" + keyset.split[0] + " OR " + keyset.split[1] + ")"}
		}
		for i, part := range parts {
			// A seek of tickets from an id (past the cursor, in id order)
			// can also be read by walking the primary key and testing
			// each ticket, which a plan blind to its values takes for
			// cheap: on PostgreSQL it is pinned (pinSeek), else planned for
			// its values (pageSeeks.valued), as those a blind plan reads
			// through another index (listBranch.blind).
			byID := part != "" && (!keyedSort(f.Sort) || len(parts) == 2 && i == 0)
			// So is a first page in id order whose blind plan read another
			// index (one status's, see listBranch.blind).
			pinnable := byID || part == "" && !keyedSort(f.Sort) && !br.blind
			// sel renders a seek; pin asks for it pinned, and pinned tells
			// whether it was.
			sel := func(cols string, br listBranch, pin bool) (query string, pinned bool) {
				where, order := base, order
				if br.cond != "" {
					where += " AND " + br.cond
				}
				if part != "" {
					where += " AND " + part
				}
				if pin && d == Postgres && pinnable && br.from == "tickets" {
					where, order, pinned = pinSeek(where, order, br.prefix.pinColumn(f.Sort), f.Sort != "oldest")
				}
				return `SELECT ` + cols + ` FROM ` + br.from + ` WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ` + lim, pinned
			}
			// ph is the part of a priority page past a cursor the seeks
			// read (pageSeeks.phase).
			ph := 0
			switch {
			case len(parts) == 2:
				ph = i
			case keyset.split != nil:
				ph = -1
			}
			foldable := d == Postgres && (br.driver() != "" || keyedSort(f.Sort) && !(len(parts) == 2 && i == 0))
			valued := br.driver() == "" && !br.prefix.driven && byID || !br.blind
			if foldable && br.split != nil {
				folds = append(folds, lateralSeeks(br, len(folds), func(br listBranch) string { q, _ := sel(cols.keys(f.Sort), br, false); return q }))
				foldIndex, foldValued, foldPhase = append(foldIndex, br.seekIndex(f.Sort)), append(foldValued, valued), append(foldPhase, ph)
				seeks += len(br.split.values)
				continue
			}
			for _, sk := range br.seeks() {
				seeks++
				single, _ = sel(ticketColumns, sk, false)
				key, pinned := sel(cols.keys(f.Sort), sk, pin)
				asSeek = d == Postgres && sk.prefix.driven
				if foldable {
					folds = append(folds, key)
					foldIndex, foldValued, foldPhase = append(foldIndex, sk.seekIndex(f.Sort)), append(foldValued, valued), append(foldPhase, ph)
					continue
				}
				keys = append(keys, key)
				plans, index, phase = append(plans, valued && !pinned), append(index, sk.seekIndex(f.Sort)), append(phase, ph)
			}
		}
	}
	if seeks == 1 && !asSeek {
		return pageSeeks{single: single, args: q.args, lim: lim}, nil
	}
	return pageSeeks{keys: append(keys, folds...), valued: append(plans, foldValued...), index: append(index, foldIndex...), phase: append(phase, foldPhase...), args: q.args, lim: lim}, nil
}

// unionQuery is the page's query of its seeks' keys, lim the parameter
// of its limit + 1.
func (f Filter) unionQuery(d Dialect, keys []string, lim string) string {
	// The branches yield ids and sort keys only, and the page's tickets
	// are read once it is cut: each branch reads up to limit+1 rows, and
	// carrying every column of each (an agent's deep multi-tier page is
	// 20 or more seeks of up to 51 rows) through the union's sort was
	// most of its cost. Where an index holds the branch's columns (an
	// admin's tier pages) the branch reads no ticket row at all. UNION, not
	// UNION ALL: a ticket may be visible through two branches (owned by the
	// viewer and in their tier). The page comes out of the join unordered:
	// Tickets sorts it (Filter.compare).
	distinct := ""
	if len(keys) == 1 {
		// One lateral read of two seeks (lateralSeeks): a ticket both
		// yield is kept once, as the union of the two would.
		distinct = "DISTINCT "
	}
	for i, sub := range keys {
		keys[i] = `SELECT ` + distinct + `* FROM (` + sub + `) AS b` + strconv.Itoa(i)
	}
	pageOrder, _, _ := f.order("", 0, pageCols)
	join := "CROSS JOIN" // SQLite: the page drives the join
	if d == Postgres {
		join = "JOIN"
	}
	return `SELECT ` + ticketColumns + ` FROM (SELECT * FROM (` + strings.Join(keys, ` UNION `) + `) AS u ORDER BY ` + pageOrder + ` LIMIT ` + lim +
		`) AS page ` + join + ` tickets ON tickets.id = page.k_id WHERE tickets.workspace_id = $1`
}

// sqliteParams is a SQLite query with its parameters unplanned
// (unplannedParams), any other dialect's as it is.
func sqliteParams(d Dialect, query string, args []any) string {
	if d != SQLite {
		return query
	}
	return unplannedParams(query, args)
}

// unplannedParams writes each number parameter of a SQLite query as an
// expression (+$n) rather than a bare parameter. SQLite (3.54, as modernc
// builds it) lets a "col = $n" plan depend on whether the bound value is
// NULL, 0, 1 or another, and expires the statement when a new binding
// crosses those classes: each statement was compiled twice on its first
// run on a connection (prepared with NULLs, then bound), and again at every
// call whose tier, team, agent, workspace or priority key is 0 or 1 where
// the previous one's was not (1,032 of the matrix's 1,152 first runs, and
// every run when the values alternate). The list's plans name their
// indexes and do not depend on the values: the 1,152 plans of the matrix
// are the same written either way. Text parameters (statuses) are left
// bare: they never expired a statement.
func unplannedParams(query string, args []any) string {
	return rewriteParams(query, len(query)/16, len(args), func(b *strings.Builder, n int, param string) {
		if _, text := args[n-1].(string); !text {
			b.WriteByte('+')
		}
		b.WriteString(param)
	})
}

// rewriteParams copies query, each of its parameters $1…$nargs written by
// param (given its number and its text), anything else as it is; grow is
// how many bytes the rewriting may add.
func rewriteParams(query string, grow, nargs int, param func(b *strings.Builder, n int, text string)) string {
	var b strings.Builder
	b.Grow(len(query) + grow)
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c != '$' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(query[i+1 : j]); err == nil && n >= 1 && n <= nargs {
			param(&b, n, query[i:j])
		} else {
			b.WriteString(query[i:j])
		}
		i = j - 1
	}
	return b.String()
}

// keys is the select list of a branch that yields the ids and sort keys
// of its tickets for the page (see listQuery), named as pageCols.
func (c orderCols) keys(sort string) string {
	switch sort {
	case "priority":
		return c.id + " AS k_id, " + c.priority + " AS k_key"
	case "updated":
		return c.id + " AS k_id, " + c.updated + " AS k_key"
	}
	return c.id + " AS k_id"
}

// pageCols orders the ids and keys the branches of a page yield.
var pageCols = orderCols{"k_id", "k_key", "k_key"}

// compare orders two tickets of a page as the filter's sort does.
func (f Filter) compare(a, b ticket.Ticket) int {
	switch f.Sort {
	case "oldest":
		return cmp.Compare(a.ID, b.ID)
	case "updated":
		return cmp.Or(cmp.Compare(ms(b.UpdatedAt), ms(a.UpdatedAt)), cmp.Compare(b.ID, a.ID))
	case "priority":
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(a.ID, b.ID))
	}
	return cmp.Compare(b.ID, a.ID)
}

// unassignedOrder leads each sort's order with owner_id in the direction
// the (…, owner_id, sort key) indexes are read in (see listQuery).
var unassignedOrder = map[string]string{"": "owner_id DESC, ", "newest": "owner_id DESC, ", "oldest": "owner_id ASC, ",
	"priority": "owner_id ASC, ", "updated": "owner_id DESC, "}

// listedTickets reads the tickets query selects (ticketColumns), each
// with its collaborators and hand-offs (fillCollaborators).
func (s *Store) listedTickets(ctx context.Context, query string, args ...any) ([]ticket.Ticket, error) {
	return s.listedPage(ctx, query, 0, args...)
}

// listedPage is listedTickets for a query that selects at most page
// tickets: the page's slice is allocated once, at its size, and its rows
// are scanned through one ticketRow (the garbage a list call makes).
func (s *Store) listedPage(ctx context.Context, query string, page int, args ...any) ([]ticket.Ticket, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	row := newTicketRow()
	list, err := collectSized(rows, page, func(r *sql.Rows) (ticket.Ticket, error) { return row.scan(r) })
	if err != nil {
		return nil, err
	}
	// collect closed the rows: the page's read connection is free before
	// fillCollaborators takes one.
	return list, s.fillCollaborators(ctx, list)
}

// fillCollaborators loads the collaborators and the agents who handed off
// each ticket of a page in one query: listed tickets carry what
// ticket.CanView and CanWork need, as a ticket read alone does.
func (s *Store) fillCollaborators(ctx context.Context, list []ticket.Ticket) error {
	if len(list) == 0 {
		return nil
	}
	args := make([]any, len(list))
	params := make([]string, len(list))
	for i := range list {
		args[i], params[i] = list[i].ID, "$"+strconv.Itoa(i+1)
	}
	rows, err := s.read.QueryContext(ctx, pageTicketsPeople(`IN (`+strings.Join(params, ", ")+`)`), args...)
	if err != nil {
		return fmt.Errorf("list collaborators: %w", err)
	}
	defer rows.Close()
	return addPeople(list, rows)
}

// pageTicketsPeople is the query of the collaborators and hand-offs of
// the tickets whose ids match in (an IN list, or = ANY of an array): the
// ticket's id, 0 for a collaborator or 1 for a hand-off, the agent, when;
// in addPeople's order.
func pageTicketsPeople(in string) string {
	return `SELECT ticket_id, 0 AS handoff, agent_id, added_at FROM ticket_collaborators WHERE ticket_id ` + in + `
		UNION ALL SELECT ticket_id, 1, agent_id, handed_at FROM ticket_handoffs WHERE ticket_id ` + in + `
		ORDER BY 1, 2, 4, 3`
}

// peopleRows is what addPeople reads: database/sql's rows or pgx's.
type peopleRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// addPeople sets the collaborators and hand-offs of list's tickets from
// the rows of pageTicketsPeople.
func addPeople(list []ticket.Ticket, rows peopleRows) error {
	byID := make(map[int64]*ticket.Ticket, len(list))
	for i := range list {
		list[i].Collaborators, list[i].HandedOffBy = []int64{}, []int64{}
		byID[list[i].ID] = &list[i]
	}
	for rows.Next() {
		var tid, kind, agent, at int64
		if err := rows.Scan(&tid, &kind, &agent, &at); err != nil {
			return fmt.Errorf("scan collaborator: %w", err)
		}
		t := byID[tid]
		switch {
		case t == nil:
			// A ticket the page's read did not return (deleted between
			// two statements of one pipeline, each with its snapshot).
			continue
		case kind == 1:
			t.HandedOffBy = append(t.HandedOffBy, agent)
		default:
			t.Collaborators = append(t.Collaborators, agent)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list collaborators: %w", err)
	}
	return nil
}

// CountTickets counts the tickets a filter selects, up to max (sidebar
// counts show "999+" rather than scanning a huge backlog on every page).
//
// It reads the list's branches (Filter.branches), each an index seek
// stopped after max rows, rather than one query whose OR of visibility
// alternatives no index serves: the union of the capped branches holds at
// least max tickets exactly when the filter selects at least max.
func (s *Store) CountTickets(ctx context.Context, wsID int64, f Filter, max int) (int, error) {
	query, args := f.countQuery(s.dialect, wsID, max)
	var n int
	if err := s.read.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tickets: %w", err)
	}
	return min(n, max), nil
}

// countQuery builds CountTickets' query.
func (f Filter) countQuery(d Dialect, wsID int64, max int) (string, []any) {
	q := &sqlArgs{args: []any{wsID}}
	base, branches := f.branches(q, d)
	lim := q.arg(max)
	var subs []string
	for _, br := range branches {
		for _, sk := range br.seeks() {
			where := base
			if sk.cond != "" {
				where += " AND " + sk.cond
			}
			subs = append(subs, `SELECT * FROM (SELECT tickets.id FROM `+sk.from+` WHERE `+where+` LIMIT `+lim+`) AS b`+strconv.Itoa(len(subs)))
		}
	}
	// UNION, not UNION ALL: a ticket may be visible through two branches.
	return sqliteParams(d, `SELECT count(*) FROM (`+strings.Join(subs, ` UNION `)+`) AS capped`, q.args), q.args
}

// sqlArgs numbers the parameters of a query as they are added.
type sqlArgs struct{ args []any }

func (q *sqlArgs) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *sqlArgs) in(ids []int64) string {
	if len(ids) == 0 {
		return "(NULL)"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = q.arg(id)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
