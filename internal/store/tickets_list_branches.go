package store

import (
	"cmp"
	"slices"
	"strings"

	"github.com/palier/palier/internal/problem"
)

// The ticket list's branches: the index seeks a page is read as, one per
// visibility branch and filter, and the limit on how broad a list may be.

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
	// blind tells that the branch's seeks may be planned without their
	// values (see seekedPage): their plan is then the read of the index
	// holding their prefix, whatever the values.
	blind bool
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
	var fixedAgent int64 // whose rows fixed reads
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
		fixed, fixedAgent = &idDriver{"fh", "ticket_handoffs", q.arg(f.HandedOffBy)}, f.HandedOffBy
		shared.HandedOffBy = 0
	case f.CollaboratorID != 0:
		fixed, fixedAgent = &idDriver{"fc", "ticket_collaborators", q.arg(f.CollaboratorID)}, f.CollaboratorID
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
	if fixed != nil && v != nil && fixedAgent == v.AgentID {
		// The rows read are the viewer's own swarms or hand-offs: the way
		// in through them holds on every row but for what else it asks
		// (a hand-off's ticket not sensitive). Probing the viewer's
		// membership of each row's ticket read two primary keys a row
		// (520 buffers for the L1 agent's deep "handed off by me"
		// priority seek at 1M tickets).
		for i, br := range access {
			if br.driver != nil && br.driver.table == fixed.table && br.viaDriver != nil {
				access[i] = accessBranch{cond: cmp.Or(*br.viaDriver, "1 = 1")}
			}
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
			// Which copies of the ticket's columns the seek fixes, and so
			// which of the driver's indexes serves it (driverSeek.index).
			seek = driverSeek{team: f.TeamID != 0, owner: f.OwnerID != 0 || f.Unassigned, tier: tier != "", kind: f.RequestTypeID != 0}
			_, seek.active = f.active()
			// tests tells whether the seek tests the driver's copy of a
			// column (driverSeek.tests); a parameter is added only for a
			// copy tested, as PostgreSQL refuses one no clause uses.
			tests := func(col string) bool { return seek.tests(d, col) }
			c = append(c, drv.alias+".agent_id = "+drv.agent)
			if f.TeamID != 0 && tests("ticket_team_id") {
				// The driver's copy of the team leads its team indexes
				// (migration 0055): the L1 agent's hand-offs are all in
				// other teams, and testing each ticket read all of them.
				c = append(c, drv.alias+".ticket_team_id = "+q.arg(f.TeamID))
			}
			switch {
			// The driver's copy of the owner leads its owner indexes
			// (migration 0056): an agent's hand-offs of one owner, or
			// unassigned, are a seek of their own.
			case !tests("ticket_owner_id"):
			case f.OwnerID != 0:
				c = append(c, drv.alias+".ticket_owner_id = "+q.arg(f.OwnerID))
			case f.Unassigned:
				c = append(c, drv.alias+".ticket_owner_id IS NULL")
			}
			if tier != "" && tests("ticket_tier_id") {
				// The driver's copy of the tier leads its tier indexes
				// (migrations 0054–0055), or under a team filter is tested
				// on the row: walking the agent's rows of every tier for
				// one read all of them when it holds few.
				c = append(c, drv.alias+".ticket_tier_id = "+tier)
			}
			if f.RequestTypeID != 0 && tests("ticket_request_type_id") {
				// The driver's copy of the request type leads its type
				// indexes (migration 0061) when nothing above fixes the
				// prefix, else is tested on the row: probing each ticket
				// for its type read thousands of the L1 agent's hand-offs
				// for a deep priority page of "type=billing".
				c = append(c, drv.alias+".ticket_request_type_id = "+q.arg(f.RequestTypeID))
			}
			if v, ok := f.active(); ok {
				// The driver's copy of active follows the prefix in each
				// of its indexes (migrations 0053, 0055): fixing it makes
				// the branch one seek.
				c = append(c, drv.alias+".ticket_active = "+q.arg(v))
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
		// Planned without its values, a seek of tickets fixing one status in
		// id order read that status's index (workspace, status, id) testing
		// the rest: on PostgreSQL it is pinned (pinSeek) to be planned so.
		// (A seek fixing both team and tier took the team as free given the
		// tier until migration 0082 and walked the tier's index testing it:
		// 179,359 rows for the L1 agent's team in tier L2, where it has
		// none.)
		//
		// A seek of an agent's swarms or hand-offs seeks only the index
		// serving it (driverSeek.tests), and one of a customer's tickets
		// reads them all first, whatever the values (the subquery above).
		blind := from == "tickets" && !(len(f.Statuses) == 1 && !keyedSort(f.Sort)) || drv != nil || f.CustomerID != 0
		out = append(out, listBranch{from: from, cond: strings.Join(c, " AND "), prefix: px, drv: drv, seek: seek, blind: blind})
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

// seekIndex names the index a seek of the branch reads in order: the one
// holding its prefix and the sort's key, of tickets or of the agent's
// swarms or hand-offs it starts from; "" for one customer's tickets.
func (b listBranch) seekIndex(sort string) string {
	switch {
	case b.drv != nil && b.seek.index(sort) == "":
		return b.drv.table + "_agent"
	case b.drv != nil:
		return b.drv.table + b.seek.index(sort)
	case b.prefix.driven:
		return ""
	}
	return b.prefix.index(sort)
}
