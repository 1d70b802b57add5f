package store

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// PostgreSQL's shape of a page's union (see listQuery): branches that differ
// only in the value of active are read as one lateral subquery over both.

// listParam matches a parameter reference of a branch's SQL.
var listParam = regexp.MustCompile(`\$[0-9]+`)

// lateralGroups folds the branches (SQL yielding ids and sort keys) that
// are the same text but for the value of active — the split of a branch
// into its active and inactive seeks — into one read each:
//
//	SELECT b.* FROM (VALUES ($6::boolean), ($7::boolean)) AS lv0(c1)
//	CROSS JOIN LATERAL (<branch, active read from lv0.c1>) AS b
//
// PostgreSQL plans a branch again for every execution (each page's cursor
// and filters are new values), and planning a seek of tickets costs about
// 0.3 ms of CPU, most of it weighing each of the table's 34 indexes (and
// reading each one's size: a system call per index and branch): the L1
// agent's deep multi-tier priority page was 32 branches, 10–20 ms of
// planning against 1–3 ms of reading. The lateral subquery is planned once
// with active as a parameter, still an equality of the index's prefix,
// and runs once per value, each run the same ordered seek stopped at the
// page. Its rows are the union of the branches', so the page is the same.
//
// Only branches no index of ids orders are folded (see listQuery).
func lateralGroups(branches []string, args []any) []string {
	var order []string
	groups := map[string]*branchGroup{}
	for _, b := range branches {
		refs := listParam.FindAllString(b, -1)
		parts := listParam.Split(b, -1)
		// The key keeps the parameters that may not vary (paramCast).
		var key strings.Builder
		for j, p := range parts {
			key.WriteString(p)
			if j < len(refs) {
				if _, ok := paramCast(refs[j], args); ok {
					key.WriteString("$")
				} else {
					key.WriteString(refs[j])
				}
			}
		}
		g, ok := groups[key.String()]
		if !ok {
			g = &branchGroup{parts: parts}
			groups[key.String()] = g
			order = append(order, key.String())
		}
		g.members = append(g.members, refs)
	}
	var out []string
	for i, key := range order {
		g := groups[key]
		if sql, ok := g.lateral(i, args); ok {
			out = append(out, sql)
			continue
		}
		for _, refs := range g.members {
			out = append(out, interleave(g.parts, refs))
		}
	}
	return out
}

// interleave rebuilds a branch's text from its parts and parameters.
func interleave(parts, refs []string) string {
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(p)
		if i < len(refs) {
			b.WriteString(refs[i])
		}
	}
	return b.String()
}

// branchGroup is the branches of a page that are one text but for their
// parameters.
type branchGroup struct {
	parts   []string   // the text between the parameters, shared
	members [][]string // each branch's parameter references, in order
}

// lateral renders a group of more than one branch as one lateral read
// (see lateralGroups); n numbers the group's alias.
func (g *branchGroup) lateral(n int, args []any) (string, bool) {
	if len(g.members) < 2 {
		return "", false
	}
	alias := "lv" + strconv.Itoa(n)
	first := g.members[0]
	refs := slices.Clone(first)
	var cols []string
	for j := range first {
		same := true
		for _, m := range g.members[1:] {
			same = same && m[j] == first[j]
		}
		if same {
			continue
		}
		cols = append(cols, "c"+strconv.Itoa(len(cols)+1))
		refs[j] = alias + "." + cols[len(cols)-1]
	}
	if len(cols) == 0 {
		// The same branch twice: once is enough.
		return interleave(g.parts, first), true
	}
	rows := make([]string, len(g.members))
	for i, m := range g.members {
		var vals []string
		for j, ref := range m {
			if refs[j] == first[j] {
				continue
			}
			cast, ok := paramCast(ref, args)
			if !ok {
				return "", false
			}
			vals = append(vals, ref+cast)
		}
		rows[i] = "(" + strings.Join(vals, ", ") + ")"
	}
	return "SELECT b.* FROM (VALUES " + strings.Join(rows, ", ") + ") AS " + alias + "(" + strings.Join(cols, ", ") + ")" +
		" CROSS JOIN LATERAL (" + interleave(g.parts, refs) + ") AS b", true
}

// paramCast is the cast that types a parameter in a VALUES list (where
// PostgreSQL cannot infer it from a column), and whether the parameter
// may vary in a group.
func paramCast(ref string, args []any) (string, bool) {
	i, err := strconv.Atoi(ref[1:])
	if err != nil || i < 1 || i > len(args) {
		return "", false
	}
	// Only the active split varies a branch by a flag: a tier, team or
	// owner read from a parameter loses its statistics (the L1 agent owns
	// 333,000 tickets of tier L1 and none of L2), and PostgreSQL then
	// walked the primary key for a deep priority page, 269,000 rows where
	// the branch with its tier as a value seeks none.
	if _, ok := args[i-1].(bool); ok {
		return "::boolean", true
	}
	return "", false
}
