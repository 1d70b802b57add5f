package store

import (
	"strings"
)

// A seek of tickets from the cursor's id, made safe to plan without its
// values (PostgreSQL, seekedPage).
//
// Such a seek ("… AND tier_id = $2 AND active = $4 AND id < $5 ORDER BY
// id DESC") can be read two ways: the index holding its prefix, (workspace,
// tier, active, id), from the cursor; or the primary key walked down from
// the cursor, each ticket tested. Planned without its values, the second
// looked cheap (the table is in id order) and read thousands of tickets
// for a prefix that holds few of them (311 of the matrix's 2,767 generic
// seeks, bench/README.md, pgseek), so these seeks were planned for their
// values at every call, about 0.3 ms of CPU each.
//
// Pinned, the last column the seek fixes before its sort key in that index
// (active, or the owner in an index holding it after active, or the
// priority of the cursor's level) is written as a closed range, "active >=
// $4 AND active <= $4", and ordered just before the id. The rows are the
// same (one value), and the index reads them from the same place: its
// earlier columns are still equalities, so the range and the cursor's
// bound position the read (nbtree takes a "<=" boundary and goes on to the
// next column) and the range ends it. But the planner no longer takes that
// column as fixed, so only an index that holds it before the sort key
// gives the seek's order: the primary key would have to sort every ticket
// it reads, which no plan picks for a LIMIT. (A row comparison over the
// index's columns, "(workspace_id, tier_id, active, id) < (…)", also hid
// the primary key, but nbtree prefers an equality on its first column and
// started from the end of the prefix: 1,724 pages for 51 rows.)
//
// A first page in id order fixing one status is pinned too: planned blind,
// it read the status's index (workspace, status, id) testing the rest,
// which cannot give the pinned order either (listBranch.blind).

// pinColumn is the column a seek from the cursor's id pins in the index
// serving prefix p in the sort order: the one before the id.
func (p indexPrefix) pinColumn(sort string) string {
	x := p.serving()
	switch {
	case sort == "priority":
		// The rest of the cursor's level: (…, priority DESC, id).
		return "priority"
	case x.owner && (x.team || x.tier):
		// (…, active, owner_id, id).
		return "owner_id"
	}
	return "active"
}

// pinSeek rewrites a seek's condition and order to pin col (see above),
// which it orders just before the id; desc tells the seek's direction in
// id order. It reports false, and
// leaves them, when the seek does not fix col by an equality nor reads it
// in order already (an unassigned owner leads the order: see listQuery).
func pinSeek(where, order, col string, desc bool) (string, string, bool) {
	for term := range strings.SplitSeq(order, ", ") {
		if strings.HasPrefix(term, col+" ") {
			// Already in the order (owner_id IS NULL, or the priority of
			// a level): only its equalities need the range.
			w, _ := rangeEqualities(where, col)
			return w, order, true
		}
	}
	w, ok := rangeEqualities(where, col)
	if !ok {
		return where, order, false
	}
	dir := " ASC, "
	if desc {
		dir = " DESC, "
	}
	// Just before the id, as in the index: an unassigned owner's order
	// leads with owner_id, which (workspace, owner, active, id) holds
	// before active.
	last := strings.LastIndex(order, ", ") + 1
	if last > 0 {
		last++
	}
	return w, order[:last] + col + dir + order[last:], true
}

// rangeEqualities writes each "col = $n" of where as "(col >= $n AND col
// <= $n)" (the same rows), and reports whether there was one. col is a
// whole name: "active" does not match "ticket_active".
func rangeEqualities(where, col string) (string, bool) {
	eq := col + " = $"
	var b strings.Builder
	found := false
	for {
		i := strings.Index(where, eq)
		if i < 0 {
			break
		}
		if i > 0 && where[i-1] != ' ' && where[i-1] != '(' {
			b.WriteString(where[:i+len(eq)])
			where = where[i+len(eq):]
			continue
		}
		j := i + len(eq)
		for j < len(where) && where[j] >= '0' && where[j] <= '9' {
			j++
		}
		param := where[i+len(eq)-1 : j]
		b.WriteString(where[:i] + "(" + col + " >= " + param + " AND " + col + " <= " + param + ")")
		where = where[j:]
		found = true
	}
	b.WriteString(where)
	return b.String(), found
}
