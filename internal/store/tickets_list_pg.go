package store

import (
	"strconv"
	"strings"
)

// PostgreSQL's shape of a page's union (see listQuery): a branch split by
// active is read as one lateral subquery over both values.

// lateralSeeks reads a branch split by active (listBranch.split) as one
// lateral subquery over its two values; sel renders one seek of it, n
// numbers the subquery's alias:
//
//	SELECT b.* FROM (VALUES ($6::boolean), ($7::boolean)) AS lv0(c1)
//	CROSS JOIN LATERAL (<the seek, with active = lv0.c1>) AS b
//
// PostgreSQL plans a branch again for every execution (each page's cursor
// and filters are new values), and planning a seek of tickets costs about
// 0.3 ms of CPU, most of it weighing each of the table's 34 indexes (and
// reading each one's size: a system call per index and branch): the L1
// agent's deep multi-tier priority page was 32 seeks, 10–20 ms of
// planning against 1–3 ms of reading. The lateral subquery is planned once
// with active as a parameter, still an equality of the index's prefix,
// and runs once per value, each run the same ordered seek stopped at the
// page. Its rows are the union of the two seeks', so the page is the same.
//
// Only the split by active is read so, and only for the branches no index
// of ids orders and for an agent's swarms and hand-offs (see listQuery):
// a tier, team or owner read from a parameter loses its statistics (the
// L1 agent owns 333,000 tickets of tier L1 and none of L2), and
// PostgreSQL then walked the primary key for a deep priority page,
// 269,000 rows where the seek with its tier as a value reads none.
func lateralSeeks(br listBranch, n int, sel func(listBranch) string) string {
	alias := "lv" + strconv.Itoa(n)
	rows := make([]string, 0, len(br.split.values))
	for _, v := range br.split.values {
		// The cast types the parameter, which no column does in VALUES.
		rows = append(rows, "("+v+"::boolean)")
	}
	return "SELECT b.* FROM (VALUES " + strings.Join(rows, ", ") + ") AS " + alias + "(c1)" +
		" CROSS JOIN LATERAL (" + sel(br.withActive(alias+".c1")) + ") AS b"
}
