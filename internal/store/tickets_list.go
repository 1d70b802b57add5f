package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// The ticket list: filters, the union of index seeks a page is read as,
// and its keyset cursors.

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
func (s *Store) Tickets(ctx context.Context, wsID int64, f Filter, cursor string, limit int) ([]ticket.Ticket, string, error) {
	limit = clampLimit(limit)
	query, args, err := f.listQuery(s.dialect, wsID, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	list, err := s.listedTickets(ctx, query, args...)
	if err != nil {
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

// listQuery builds the query of one page of a list.
func (f Filter) listQuery(d Dialect, wsID int64, cursor string, limit int) (string, []any, error) {
	q := &sqlArgs{args: []any{wsID}}
	base, branches := f.branches(q, d)
	if err := tooBroad(branches); err != nil {
		return "", nil, err
	}
	order, keyset, err := f.order(cursor, len(q.args), ticketCols)
	if err != nil {
		return "", nil, err
	}
	q.args = append(q.args, keyset.args...)
	parts := []string{""}
	switch {
	case keyset.split != nil:
		parts = keyset.split[:]
	case keyset.sql != "":
		parts = []string{keyset.sql}
	}
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
	var single string
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
		if d == Postgres && f.Unassigned && br.driver() != "" {
			// The same for a driver's copy of the owner (migration 0056).
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
			sel := func(cols string, br listBranch) string {
				where := base
				if br.cond != "" {
					where += " AND " + br.cond
				}
				if part != "" {
					where += " AND " + part
				}
				return `SELECT ` + cols + ` FROM ` + br.from + ` WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ` + lim
			}
			foldable := d == Postgres && (br.driver() != "" || keyedSort(f.Sort) && !(len(parts) == 2 && i == 0))
			if foldable && br.split != nil {
				folds = append(folds, lateralSeeks(br, len(folds), func(br listBranch) string { return sel(cols.keys(f.Sort), br) }))
				seeks += len(br.split.values)
				continue
			}
			for _, sk := range br.seeks() {
				seeks++
				single = sel(ticketColumns, sk)
				if foldable {
					folds = append(folds, sel(cols.keys(f.Sort), sk))
					continue
				}
				keys = append(keys, sel(cols.keys(f.Sort), sk))
			}
		}
	}
	if seeks == 1 {
		return single, q.args, nil
	}
	keys = append(keys, folds...)
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
	query := `SELECT ` + ticketColumns + ` FROM (SELECT * FROM (` + strings.Join(keys, ` UNION `) + `) AS u ORDER BY ` + pageOrder + ` LIMIT ` + lim +
		`) AS page ` + join + ` tickets ON tickets.id = page.k_id`
	return query, q.args, nil
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
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r *sql.Rows) (ticket.Ticket, error) { return scanTicket(r) })
	if err != nil {
		return nil, err
	}
	return list, s.fillCollaborators(ctx, list)
}

// fillCollaborators loads the collaborators and the agents who handed off
// each ticket of a page in one query: listed tickets carry what
// ticket.CanView and CanWork need, as a ticket read alone does.
func (s *Store) fillCollaborators(ctx context.Context, list []ticket.Ticket) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*ticket.Ticket, len(list))
	args := make([]any, len(list))
	params := make([]string, len(list))
	for i := range list {
		list[i].Collaborators, list[i].HandedOffBy = []int64{}, []int64{}
		byID[list[i].ID] = &list[i]
		args[i], params[i] = list[i].ID, "$"+strconv.Itoa(i+1)
	}
	in := strings.Join(params, ", ")
	rows, err := s.read.QueryContext(ctx, `SELECT ticket_id, 0 AS handoff, agent_id, added_at FROM ticket_collaborators WHERE ticket_id IN (`+in+`)
		UNION ALL SELECT ticket_id, 1, agent_id, handed_at FROM ticket_handoffs WHERE ticket_id IN (`+in+`)
		ORDER BY 1, 2, 4, 3`, args...)
	if err != nil {
		return fmt.Errorf("list collaborators: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid, kind, agent, at int64
		if err := rows.Scan(&tid, &kind, &agent, &at); err != nil {
			return fmt.Errorf("scan collaborator: %w", err)
		}
		if kind == 1 {
			byID[tid].HandedOffBy = append(byID[tid].HandedOffBy, agent)
		} else {
			byID[tid].Collaborators = append(byID[tid].Collaborators, agent)
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
	return `SELECT count(*) FROM (` + strings.Join(subs, ` UNION `) + `) AS capped`, q.args
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

// active tells whether the filter selects only active (true) or only
// inactive (false) tickets, which the statuses imply when they are all of
// one kind: the indexes lead with (…, active, sort key).
func (f Filter) active() (value, known bool) {
	if f.ActiveOnly {
		return true, true
	}
	if len(f.Statuses) == 0 {
		return false, false
	}
	first := f.Statuses[0].Active()
	for _, st := range f.Statuses[1:] {
		if st.Active() != first {
			return false, false
		}
	}
	return first, true
}

// base writes the filter's conditions other than its tiers and the
// viewer's access (which Tickets turns into branches).
func (f Filter) base(q *sqlArgs) string {
	var b strings.Builder
	b.WriteString("workspace_id = $1")
	if f.TeamID != 0 {
		b.WriteString(" AND team_id = " + q.arg(f.TeamID))
	}
	if f.OwnerID != 0 {
		b.WriteString(" AND owner_id = " + q.arg(f.OwnerID))
	}
	if f.Unassigned {
		b.WriteString(" AND owner_id IS NULL")
	}
	if f.CollaboratorID != 0 {
		b.WriteString(" AND id IN (SELECT ticket_id FROM ticket_collaborators WHERE agent_id = " + q.arg(f.CollaboratorID) + ")")
	}
	if f.HandedOffBy != 0 {
		b.WriteString(" AND id IN (SELECT ticket_id FROM ticket_handoffs WHERE agent_id = " + q.arg(f.HandedOffBy) + ")")
	}
	if len(f.Statuses) > 0 {
		parts := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			parts[i] = q.arg(string(st))
		}
		b.WriteString(" AND status IN (" + strings.Join(parts, ", ") + ")")
	}
	if v, ok := f.active(); ok {
		b.WriteString(" AND active = " + q.arg(v))
	}
	if f.RequestTypeID != 0 {
		b.WriteString(" AND request_type_id = " + q.arg(f.RequestTypeID))
	}
	if f.CustomerID != 0 {
		b.WriteString(" AND customer_id = " + q.arg(f.CustomerID))
	}
	return b.String()
}

// where is the whole filter as one condition (counts use it).
func (f Filter) where(wsID int64) (string, []any) { return f.whereProbed(wsID, false) }

// whereProbed is where; with probe, the viewer's swarms and hand-offs are
// probed per ticket, never hashed (anyAccess), for a read that tests a
// few tickets (a search's candidates).
func (f Filter) whereProbed(wsID int64, probe bool) (string, []any) {
	q := &sqlArgs{args: []any{wsID}}
	w := f.base(q)
	if len(f.TierIDs) > 0 {
		w += " AND tier_id IN " + q.in(f.TierIDs)
	}
	if v := f.Viewer; v != nil && !v.IsAdmin() {
		w += " AND " + anyAccess(q, viewerBranches(q, *v, true), probe)
	}
	return w, q.args
}

// anyAccess is the condition that one of the access alternatives holds.
// With probe, an alternative of the agent's swarms or hand-offs is tested
// by probing their primary key for the ticket, for a read that tests a
// few tickets: as a set (IN) PostgreSQL hashed all of the agent's rows
// first (11,762 hand-offs for the L1 agent at 200k tickets) to test 51.
// The probes come last: the alternatives on the ticket's own columns
// (tier, team, owner) settle most tickets without them.
func anyAccess(q *sqlArgs, access []accessBranch, probe bool) string {
	or := make([]string, len(access))
	var probes []string
	for i, br := range access {
		c := []string{}
		if br.tier != 0 {
			c = append(c, "tier_id = "+q.arg(br.tier))
		}
		switch {
		case probe && br.driver != nil:
			if br.viaDriver != nil && *br.viaDriver != "" {
				c = append(c, *br.viaDriver)
			}
			c = append(c, memberProbe(br.driver.table, br.driver.agent))
		case br.cond != "":
			c = append(c, br.cond)
		}
		if len(c) == 0 {
			c = append(c, "1 = 1")
		}
		or[i] = "(" + strings.Join(c, " AND ") + ")"
		if probe && br.driver != nil {
			probes, or[i] = append(probes, or[i]), ""
		}
	}
	or = append(slices.DeleteFunc(or, func(c string) bool { return c == "" }), probes...)
	return "(" + strings.Join(or, " OR ") + ")"
}

// memberProbe is the condition that the agent (parameter) has a row of
// table (ticket_collaborators, ticket_handoffs) for the ticket, tested by
// a probe of its primary key per ticket. The OFFSET keeps PostgreSQL from
// turning it into a hashed subplan, which read all of the agent's rows
// first (58,764 hand-offs of the L1 agent at 1M) to test a customer's
// twenty tickets.
func memberProbe(table, agent string) string {
	return "EXISTS (SELECT 1 FROM " + table + " m WHERE m.ticket_id = tickets.id AND m.agent_id = " + agent + " LIMIT 1 OFFSET 0)"
}

// accessBranch is one way a viewer may see a ticket; tier, when set, is
// the tier the branch is limited to.
type accessBranch struct {
	tier int64
	cond string
	// driver, when set, is a small table of ticket ids (collaborators,
	// hand-offs) the branch reads first: "alias:table:agent param".
	driver *idDriver
	owner  bool  // the viewer's own tickets
	team   int64 // the tickets of one of the viewer's teams
	// viaDriver, when set, is cond for a read that starts from driver
	// (which already holds the membership cond tests).
	viaDriver *string
}

// idDriver is a join that starts a branch from an agent's few rows of
// ticket_collaborators or ticket_handoffs rather than scanning tickets in
// sort order for them (CROSS JOIN keeps that order on SQLite).
type idDriver struct{ alias, table, agent string }

func (d idDriver) from(dialect Dialect, sort string, seek driverSeek) string {
	table := d.table + " " + d.alias
	if dialect == Postgres {
		// Each driver row probes its ticket, in the driver's order, and
		// the walk stops at the page. Left to join the two, PostgreSQL
		// merged the driver with a walk of the tickets' primary key from
		// the first ticket (100,673 tickets read for one branch of the L1
		// agent's deep priority page at 200k tickets), or, misjudging how
		// few tickets a condition keeps, hashed every one of the agent's
		// rows. A lateral subquery it cannot pull up (OFFSET 0) leaves it
		// only the probe.
		return table + " CROSS JOIN LATERAL (SELECT * FROM tickets WHERE tickets.id = " + d.alias + ".ticket_id OFFSET 0) AS tickets"
	}
	if ix := seek.index(sort); ix != "" {
		// SQLite has no statistics to choose between the agent's
		// indexes: name the one holding the branch's prefix and the
		// sort's key.
		table += " INDEXED BY " + d.table + ix
	}
	return table + " CROSS JOIN tickets ON tickets.id = " + d.alias + ".ticket_id"
}

// driverSeek says which copies of the ticket's columns a branch read from
// an agent's swarms or hand-offs fixes by equality, so that it seeks the
// index of the rows leading with them (migrations 0053–0056, 0061–0062):
// the team, else the tier and the owner together, else the owner, else
// the tier, else the request type; the others are tested on the row. The
// tier goes before the type: an agent's rows of a tier they hand off from
// are few, and seeking the type would walk all of its rows in other tiers.
type driverSeek struct {
	team, owner, tier, kind bool
	active                  bool // the branch fixes the ticket's active
}

// index names the suffix of the driver table's index serving the seek in
// a sort order ("" for (agent, ticket), the table's own in id order).
func (k driverSeek) index(sort string) string {
	key := "id"
	if keyedSort(sort) {
		key = sort
	}
	switch {
	case k.team:
		return "_agent_team_" + key
	case k.owner && k.tier:
		return "_agent_tier_owner_" + key
	case k.owner:
		return "_agent_owner_" + key
	case k.tier:
		return "_agent_tier_" + key
	case k.kind:
		return "_agent_type_" + key
	case keyedSort(sort):
		return "_agent_" + key
	case k.active:
		return "_agent_active_id"
	}
	return ""
}

// keyedSort tells whether a sort orders by a key beside the id (priority,
// updated), which swarm and hand-off rows carry a copy of (migration 0053).
func keyedSort(sort string) bool { return sort == "priority" || sort == "updated" }

// viewerBranches is the SQL twin of ticket.CanView, as a list of
// alternatives: the ticket is visible when one of them holds. Without
// teams, the team alternatives are left out (the caller knows they add
// nothing: see Filter.branches).
func viewerBranches(q *sqlArgs, v auth.Actor, teams bool) []accessBranch {
	me := q.arg(v.AgentID)
	out := []accessBranch{
		ownerBranch(me),
		{cond: "id IN (SELECT ticket_id FROM ticket_collaborators WHERE agent_id = " + me + ")", driver: &idDriver{"vc", "ticket_collaborators", me}, viaDriver: new("")},
	}
	if v.IsCollaborator() {
		// No tier, whatever the account says: their own tickets only.
		return out
	}
	notSensitive := q.arg(false)
	scope := "" // leads read sensitive tickets of their scope
	if !v.IsLeadOrAdmin() {
		scope = "sensitive = " + notSensitive
	}
	for _, t := range dedupe(v.TierIDs) {
		out = append(out, accessBranch{tier: t, cond: scope})
	}
	for _, tm := range dedupe(v.TeamIDs) {
		if !teams {
			break
		}
		c := "team_id = " + q.arg(tm)
		if scope != "" {
			c += " AND " + scope
		}
		out = append(out, accessBranch{cond: c, team: tm})
	}
	// Who handed a ticket off keeps reading it, unless it is sensitive:
	// then only its assignees and leads do.
	out = append(out, accessBranch{cond: "sensitive = " + notSensitive + " AND id IN (SELECT ticket_id FROM ticket_handoffs WHERE agent_id = " + me + ")",
		driver: &idDriver{"vh", "ticket_handoffs", me}, viaDriver: new("sensitive = " + notSensitive)})
	return out
}

// probesMembership tells whether the filter names a set of tickets that
// is small beside an agent's swarms and hand-offs: one customer's. Those
// branches then read the customer's tickets and probe the agent's
// membership by its primary key, instead of walking all of the agent's
// rows (58,764 hand-offs for the L1 agent at 1M tickets) testing each
// ticket. (An owner's tickets are not small: 95,000 for the L2 agent;
// the rows carry the owner instead, see driverSeek.)
func (f Filter) probesMembership() bool {
	return f.CustomerID != 0
}

// ownerBranch is the way in of the tickets the agent (parameter me) owns.
func ownerBranch(me string) accessBranch {
	return accessBranch{cond: "owner_id = " + me, owner: true}
}

// listBranch is one ordered seek of a page: its FROM and its condition
// beyond the shared one; prefix is the equality columns (beyond workspace
// and active) it fixes on tickets, when it reads tickets through a sort
// index rather than from a bounded driver.
type listBranch struct {
	from, cond string
	prefix     indexPrefix
	drv        *idDriver // the driver table the branch starts from, if any
	seek       driverSeek
	// split, when set, reads the branch as two seeks, one per value of
	// active (see Filter.branches): seeks gives them apart, and on
	// PostgreSQL listQuery may read both as one lateral subquery.
	split *activeSplit
}

// activeSplit is the column of a branch's active split (the ticket's own
// or its driver's copy) and the parameters of its two values.
type activeSplit struct {
	col    string
	values [2]string
}

// seeks returns the branch as the ordered seeks it is read as: itself, or
// one per value of its active split.
func (b listBranch) seeks() []listBranch {
	if b.split == nil {
		return []listBranch{b}
	}
	out := make([]listBranch, 0, len(b.split.values))
	for _, v := range b.split.values {
		out = append(out, b.withActive(v))
	}
	return out
}

// withActive is the branch, unsplit, with its split column equal to value
// (a parameter, or a lateral subquery's column).
func (b listBranch) withActive(value string) listBranch {
	c := b.split.col + " = " + value
	if b.cond != "" {
		c = b.cond + " AND " + c
	}
	b.cond, b.split = c, nil
	return b
}

// driver is the alias of the driver table the branch starts from ("" when
// it reads tickets).
func (b listBranch) driver() string {
	if b.drv == nil {
		return ""
	}
	return b.drv.alias
}

// indexPrefix says which columns a branch fixes by equality.
type indexPrefix struct {
	tier, team, owner, kind bool
	driven                  bool // read from a bounded set (a driver table or the customer index), not in sort order
}

// branches returns the conditions every branch shares and the branches of
// a page: one per (visibility alternative × filtered tier × active value).
// Each branch is an equality prefix of an index ((tier|team|owner|
// workspace), active) followed by the sort key, so each is one ordered
// seek, or starts from an agent's few collaborations or hand-offs; a tier
// the viewer does not work in drops that alternative instead of scanning
// for tickets it would refuse.
func (f Filter) branches(q *sqlArgs, d Dialect) (string, []listBranch) {
	// A filter on an agent's collaborations or hand-offs starts every
	// branch from those few rows; the join holds the membership, which
	// the shared conditions leave out (tested again, it made PostgreSQL
	// hash all of the agent's rows a second time).
	var fixed *idDriver
	var probes []string
	shared := f
	switch {
	case f.probesMembership():
		// A customer's few tickets, each probed for the membership on
		// its primary key, rather than every one of the agent's rows
		// read (as a set, IN, PostgreSQL hashed all of them: anyAccess).
		for _, m := range []struct {
			agent int64
			table string
		}{{f.CollaboratorID, "ticket_collaborators"}, {f.HandedOffBy, "ticket_handoffs"}} {
			if m.agent != 0 {
				probes = append(probes, memberProbe(m.table, q.arg(m.agent)))
			}
		}
		shared.CollaboratorID, shared.HandedOffBy = 0, 0
	case f.HandedOffBy != 0:
		fixed = &idDriver{"fh", "ticket_handoffs", q.arg(f.HandedOffBy)}
		shared.HandedOffBy = 0
	case f.CollaboratorID != 0:
		fixed = &idDriver{"fc", "ticket_collaborators", q.arg(f.CollaboratorID)}
		shared.CollaboratorID = 0
	}
	base := strings.Join(append([]string{shared.base(q)}, probes...), " AND ")
	access := []accessBranch{{}}
	v := f.Viewer
	if v != nil && !v.IsAdmin() {
		// Under a tier filter, a team alternative adds nothing in a tier
		// the viewer works in: the tier alternative already holds every
		// ticket of it with the same sensitivity rule. Reading it anyway
		// walked the team's tickets of that tier for nothing new.
		teams := len(f.TierIDs) == 0 || slices.ContainsFunc(f.TierIDs, func(t int64) bool { return !slices.Contains(v.TierIDs, t) })
		if f.OwnerID == v.AgentID {
			// The owner sees every ticket they own (ticket.CanView): the
			// viewer's other ways in add nothing, and their swarm and
			// hand-off branches walked all of the agent's rows looking
			// for their own tickets (58,764 hand-offs for the L1 agent at
			// 1M tickets, 369 ms of CPU a page).
			access = []accessBranch{ownerBranch(q.arg(v.AgentID))}
		} else {
			access = viewerBranches(q, *v, teams)
		}
	}
	if fixed != nil && len(access) > 1 {
		// Those rows are read once, each tested for every way the viewer
		// may see its ticket: a branch per way walked all of them once per
		// way, most ways matching few (the L1 agent's "handed off by me"
		// read their 11,762 hand-offs five times over at 200k tickets).
		access = []accessBranch{{cond: anyAccess(q, access, true)}}
	}
	tiers := make([]string, 0, len(f.TierIDs))
	tierOf := map[int64]string{}
	for _, t := range dedupe(f.TierIDs) {
		tierOf[t] = q.arg(t)
		tiers = append(tiers, tierOf[t])
	}
	var out []listBranch
	add := func(tier string, br accessBranch) {
		var c []string
		from := "tickets"
		drv := fixed
		if drv == nil {
			drv = br.driver
		}
		var seek driverSeek
		if drv != nil {
			c = append(c, drv.alias+".agent_id = "+drv.agent)
			if f.TeamID != 0 {
				// The driver's copy of the team leads its team indexes
				// (migration 0055): the L1 agent's hand-offs are all in
				// other teams, and testing each ticket read all of them.
				c = append(c, drv.alias+".ticket_team_id = "+q.arg(f.TeamID))
				seek.team = true
			}
			switch {
			// The driver's copy of the owner leads its owner indexes
			// (migration 0056): an agent's hand-offs of one owner, or
			// unassigned, are a seek of their own.
			case f.OwnerID != 0:
				c = append(c, drv.alias+".ticket_owner_id = "+q.arg(f.OwnerID))
				seek.owner = true
			case f.Unassigned:
				c = append(c, drv.alias+".ticket_owner_id IS NULL")
				seek.owner = true
			}
			if tier != "" {
				// The driver's copy of the tier leads its tier indexes
				// (migrations 0054–0055), or under a team filter is tested
				// on the row: walking the agent's rows of every tier for
				// one read all of them when it holds few.
				c = append(c, drv.alias+".ticket_tier_id = "+tier)
				seek.tier = true
			}
			if f.RequestTypeID != 0 {
				// The driver's copy of the request type leads its type
				// indexes (migration 0061) when nothing above fixes the
				// prefix, else is tested on the row: probing each ticket
				// for its type read thousands of the L1 agent's hand-offs
				// for a deep priority page of "type=billing".
				c = append(c, drv.alias+".ticket_request_type_id = "+q.arg(f.RequestTypeID))
				seek.kind = true
			}
			if v, ok := f.active(); ok {
				// The driver's copy of active follows the prefix in each
				// of its indexes (migrations 0053, 0055): fixing it makes
				// the branch one seek.
				c = append(c, drv.alias+".ticket_active = "+q.arg(v))
				seek.active = true
			}
			from = drv.from(d, f.Sort, seek)
			if drv == br.driver && br.viaDriver != nil {
				// The join is the branch's membership test: the same
				// IN (…) again only re-reads the agent's rows.
				br.cond = *br.viaDriver
			}
		} else if f.CustomerID != 0 && d == SQLite {
			// A customer's tickets are few: read them all and sort,
			// rather than walk a sort index looking for them.
			from = "tickets INDEXED BY tickets_customer"
		} else if f.CustomerID != 0 {
			// The same on PostgreSQL: a subquery it cannot pull up
			// (OFFSET 0) reads the customer's tickets first. Left to
			// choose, it walked another filter's index (an owner's
			// tickets in sort order) testing the customer on each.
			from = "(SELECT * FROM tickets WHERE workspace_id = $1 AND customer_id = " + q.arg(f.CustomerID) + " OFFSET 0) AS tickets"
		}
		if tier != "" {
			c = append(c, "tier_id = "+tier)
		}
		if br.cond != "" {
			c = append(c, br.cond)
		}
		px := indexPrefix{tier: tier != "", team: f.TeamID != 0 || br.team != 0,
			owner: f.OwnerID != 0 || f.Unassigned || br.owner, kind: f.RequestTypeID != 0, driven: from != "tickets" || f.probesMembership()}
		out = append(out, listBranch{from: from, cond: strings.Join(c, " AND "), prefix: px, drv: drv, seek: seek})
	}
	if f.probesMembership() {
		// A customer's tickets are few: one read of them all, each
		// tested for every way the viewer may see it and for the tiers,
		// then sorted. A branch per way, tier and active value was a
		// union of 32 reads of the same few tickets, which PostgreSQL
		// spent 100 ms of CPU planning (the L1 agent, 200k tickets).
		br := accessBranch{}
		if len(access) > 1 || access[0].cond != "" {
			br.cond = anyAccess(q, access, true)
		}
		if len(tiers) > 0 {
			br.cond = strings.TrimPrefix(br.cond+" AND tier_id IN ("+strings.Join(tiers, ", ")+")", " AND ")
		}
		add("", br)
		return base, out
	}
	for _, br := range access {
		// The viewer's own tickets under owner=none, or under another
		// owner, are none: seeking them walked all the viewer's tickets.
		if br.owner && (f.Unassigned || (f.OwnerID != 0 && f.OwnerID != v.AgentID)) {
			continue
		}
		switch {
		case br.team != 0 && len(tiers) > 0:
			for _, t := range dedupe(f.TierIDs) {
				if !slices.Contains(v.TierIDs, t) {
					add(tierOf[t], br)
				}
			}
		case br.tier != 0 && len(tiers) > 0:
			if p, ok := tierOf[br.tier]; ok {
				add(p, br)
			}
		case br.tier != 0:
			add(q.arg(br.tier), br)
		case len(tiers) > 0:
			for _, t := range tiers {
				add(t, br)
			}
		default:
			add("", br)
		}
	}
	if len(out) == 0 {
		// Every tier the filter names is out of the viewer's sight and no
		// other alternative applies: nothing to read.
		return base, []listBranch{{from: "tickets", cond: "1 = 0"}}
	}
	// The indexes hold active before the sort key: when the filter does
	// not fix it, a branch that seeks an index is read as two seeks,
	// active and not.
	_, known := f.active()
	// (A request type on tickets is sought through (workspace, type, id),
	// which holds no active: only a read of the driver's type index,
	// which does, is split for it.)
	if !known && (f.Sort == "updated" || f.Sort == "priority" || len(out) > 1 || len(tiers) > 0 ||
		f.TeamID != 0 || f.OwnerID != 0 || f.Unassigned || (f.RequestTypeID != 0 && fixed != nil)) {
		var values *[2]string // added on first use: PostgreSQL refuses a parameter no clause types
		for i, br := range out {
			col := "active"
			switch {
			case br.driver() != "":
				// An agent's swarms or hand-offs: two seeks of the
				// driver's index, as for tickets' own.
				col = br.driver() + ".ticket_active"
				br.seek.active = true
				br.from = br.drv.from(d, f.Sort, br.seek)
			case br.prefix.driven:
				continue
			}
			if values == nil {
				values = &[2]string{q.arg(true), q.arg(false)}
			}
			br.split = &activeSplit{col: col, values: *values}
			out[i] = br
		}
		known = true
	}
	if d == SQLite && known {
		// Without statistics (Palier never runs ANALYZE) SQLite rates
		// every index whose first columns match about the same, and took
		// (team, active, updated_at) for a branch that fixes team and tier,
		// walking the team's other tiers: 130 ms a page at 200k tickets
		// instead of 1. Each branch names the index that serves it.
		for i, br := range out {
			if br.from != "tickets" {
				continue
			}
			ix := br.prefix.index(f.Sort)
			if len(f.Statuses) == 1 && !keyedSort(f.Sort) && !br.prefix.tier && !br.prefix.team && !br.prefix.owner {
				// One status in id order: (workspace, status, id) seeks
				// it, and a request type (one of a few) is tested on the
				// rows. Through (workspace, type, id) the status was
				// tested instead, and open tickets are rare in the older
				// half of the table: an admin's deep "status=open&
				// type=billing" page read thousands of rows (17 ms of CPU
				// at 1M tickets).
				ix = "tickets_status"
			}
			out[i].from = "tickets INDEXED BY " + ix
		}
	}
	return base, out
}

// prefixIndexes names, for each equality prefix a branch can fix, the
// indexes (workspace_id, prefix…, active, sort key) serving each sort,
// in the order newest/oldest, priority, updated. The first entry whose
// columns the branch fixes serves it; what the branch fixes beyond them is
// read from the rows (see Filter.residual).
var prefixIndexes = []struct {
	prefix indexPrefix
	byID   string
	byPrio string
	byUpd  string
}{
	{indexPrefix{team: true, tier: true, owner: true}, "tickets_team_tier_owner_id", "tickets_team_tier_owner_priority", "tickets_team_tier_owner_updated"},
	{indexPrefix{tier: true, owner: true}, "tickets_tier_unassigned", "tickets_tier_unassigned_priority", "tickets_tier_unassigned_updated"},
	{indexPrefix{team: true, owner: true}, "tickets_team_unassigned", "tickets_team_owner_priority", "tickets_team_owner_updated"},
	{indexPrefix{team: true, tier: true}, "tickets_team_tier_id", "tickets_team_tier_priority", "tickets_team_tier_updated"},
	{indexPrefix{owner: true}, "tickets_owner", "tickets_owner_priority", "tickets_owner_updated"},
	{indexPrefix{team: true}, "tickets_team", "tickets_team_priority", "tickets_team_updated"},
	{indexPrefix{tier: true}, "tickets_tier", "tickets_tier_priority", "tickets_tier_updated"},
	{indexPrefix{kind: true}, "tickets_type", "tickets_type_priority", "tickets_type_updated"},
	{indexPrefix{}, "tickets_ws_active_id", "tickets_ws_priority", "tickets_ws_updated"},
}

// serving returns the entry of prefixIndexes that serves p.
func (p indexPrefix) serving() indexPrefix {
	for _, e := range prefixIndexes {
		x := e.prefix
		if (!x.tier || p.tier) && (!x.team || p.team) && (!x.owner || p.owner) && (!x.kind || p.kind) {
			return x
		}
	}
	return indexPrefix{}
}

// index names the index serving p in a sort order.
func (p indexPrefix) index(sort string) string {
	x := p.serving()
	for _, e := range prefixIndexes {
		if e.prefix != x {
			continue
		}
		switch sort {
		case "priority":
			return e.byPrio
		case "updated":
			return e.byUpd
		}
		return e.byID
	}
	return "tickets_ws_active_id"
}

// maxResidual is how many filters a branch may test on the rows its index
// yields in order. One is a filter of a few values (a request type beside
// a tier) whose matches are spread through the index; two multiply their
// rarity and a page could read most of the table: no index serves that.
const maxResidual = 1

// tooBroad refuses a page that one of its branches cannot read through an
// index holding all but maxResidual of its filters: the one rule for the
// API and the web list, which both list through Store.Tickets. It names
// the filters to add (a customer or hand-off filter reads a bounded set)
// or to drop.
func tooBroad(branches []listBranch) error {
	for _, br := range branches {
		if br.prefix.driven || br.prefix.residual() <= maxResidual {
			continue
		}
		var drop []string
		x := br.prefix.serving()
		for _, c := range []struct {
			name      string
			on, index bool
		}{{"tier", br.prefix.tier, x.tier}, {"team", br.prefix.team, x.team}, {"owner", br.prefix.owner, x.owner}, {"type", br.prefix.kind, x.kind}} {
			if c.on && !c.index {
				drop = append(drop, c.name)
			}
		}
		return problem.New(problem.BadRequest, CodeListTooBroad, "no index serves this list: add a customer or handed_off_by filter, or drop one of "+strings.Join(drop, ", ")).
			With("add", "customer, handed_off_by").With("drop", strings.Join(drop, ", "))
	}
	return nil
}

// residual counts the columns p fixes that its index does not hold: the
// rows the index yields in order are read and tested for them.
func (p indexPrefix) residual() int {
	x := p.serving()
	n := 0
	for _, extra := range []bool{p.tier && !x.tier, p.team && !x.team, p.owner && !x.owner, p.kind && !x.kind} {
		if extra {
			n++
		}
	}
	return n
}

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
