package store

import (
	"slices"
	"strings"

	"github.com/palier/palier/internal/auth"
)

// The ticket list's access: the filter's conditions and the branches a
// viewer's visibility is read as (owned, team, tier, swarm, hand-off).

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
		// The branch's conditions on the ticket's columns read the row's
		// copies of them (migrations 0053–0061, 0087), which every index
		// of the driver holds: the seek is read from the index alone and
		// stops at the page. Each row used to probe its ticket for them
		// (about four buffers), and the L1 agent's swarm and hand-off
		// seeks at 1M tickets walked 220–350 rows for a page of 51 under
		// a type or status filter: 1,000–1,400 buffers each, against 10.
		// (Left to join the driver with tickets, PostgreSQL had merged it
		// with a walk of the tickets' primary key, or hashed every one of
		// the agent's rows: no ticket is read here at all.)
		return table + " CROSS JOIN LATERAL (SELECT " + d.copies() + ") AS tickets"
	}
	if ix := seek.index(sort); ix != "" {
		// SQLite has no statistics to choose between the agent's
		// indexes: name the one holding the branch's prefix and the
		// sort's key.
		table += " INDEXED BY " + d.table + ix
	}
	return table + " CROSS JOIN tickets ON tickets.id = " + d.alias + ".ticket_id"
}

// copies projects the driver row's copies of its ticket's columns under
// the ticket's names, for the branch's conditions (Filter.base, the
// access branches) to read as written. The copies that lead some index of
// the driver are hidden from the planner ("+ 0"): the seek's own
// conditions on the driver (Filter.branches) name the ones its serving
// index is sought by, and a plan made without their values that saw the
// others as equalities could seek another index by them (driverSeek.tests).
// The workspace is the page's ($1): an agent's swarms and hand-offs are
// of their workspace's tickets, and the page's tickets are read by id
// within it (ticketsByIDs). No copy of the customer: a customer's filter
// reads the customer's tickets, never a driver (Filter.probesMembership).
func (d idDriver) copies() string {
	a := d.alias + "."
	return a + "ticket_id AS id, $1::bigint AS workspace_id, " + a + "ticket_status AS status, " + a + "ticket_active AS active, " +
		a + "ticket_sensitive AS sensitive, " + a + "ticket_tier_id + 0 AS tier_id, " + a + "ticket_team_id + 0 AS team_id, " +
		a + "ticket_owner_id + 0 AS owner_id, " + a + "ticket_request_type_id + 0 AS request_type_id"
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

// leading is the copies of the ticket's columns that lead the index
// serving the seek (index), before active; the seek tests the others it
// fixes on that index's rows.
func (k driverSeek) leading() driverSeek {
	switch {
	case k.team:
		return driverSeek{team: true}
	case k.owner && k.tier:
		return driverSeek{owner: true, tier: true}
	case k.owner:
		return driverSeek{owner: true}
	case k.tier:
		return driverSeek{tier: true}
	}
	return driverSeek{kind: k.kind}
}

// tests tells whether the seek's conditions test the driver's copy of
// a column it fixes by name. On PostgreSQL only the copies leading the
// serving index are: the ticket's column is tested all the same (Filter.
// base, and the tier's condition) on the copy the row's projection hides
// from the planner (idDriver.copies), and, planned without
// its values, a seek testing another copy read another of the driver's
// indexes (the one leading with that copy), walked the driver's primary
// key from the cursor (29,437 of the L1 agent's hand-offs read for none
// under tier=L1&team=L1, bench/README.md, thirteenth session, pgcursor),
// or read the serving index whole and sorted it: such seeks were planned
// for their values at every call. Testing only the leading copies, their
// plan without values is the serving index's read (TestTicketListSeekPlans),
// planned once per connection (listBranch.blind). SQLite names the index
// (idDriver.from) and tests every copy on its rows, sparing a probe of
// the ticket for each row the copy rules out.
func (k driverSeek) tests(d Dialect, col string) bool {
	if d != Postgres {
		return true
	}
	lead := k.leading()
	return col == "ticket_team_id" && lead.team || col == "ticket_owner_id" && lead.owner ||
		col == "ticket_tier_id" && lead.tier || col == "ticket_request_type_id" && lead.kind
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
