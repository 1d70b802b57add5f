package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/ticket"
)

// SQLite reads a page of many seeks (mergedSeeks) as one statement per
// seek, merged here in the page's order, each stepped only as far as the
// page needs; a page of fewer stays one union (listQuery).
//
// As one UNION, every seek read its whole LIMIT (up to limit+1 rows, and
// for a seek of an agent's swarms or hand-offs one ticket probed per row),
// SQLite sorted each into a temporary b-tree to merge them, and the page
// kept 51 of the rows: an L1 agent's deep priority page is 20 seeks, about
// 1,000 rows read for 51 (bench/README.md, thirteenth session, sqlist).
// Merged here, a seek is read one row at a time while its next row could
// still be on the page: about limit+1 rows in all, plus each seek's first.
// The seeks of a priority page past its cursor that read the levels below
// the cursor's (phase 1) are only started when the rest of the cursor's
// level (phase 0) does not fill the page: every row of theirs comes after.
//
// All of the page's statements run in one read transaction, so that its
// seeks and its tickets are read from one snapshot, as the union was.

// sqlitePage is what a SQLite page is read as: query, when the page is one
// seek; else its seeks (each selecting k_id, and k_key in a keyed sort)
// and their phases (pageSeeks.phase), merged by mergedPage. args are the
// parameters of query, or those all the seeks share: each seek is sent
// only those it uses, use[i] (database/sql converts every argument it is
// given, for each statement: a third of starting an agent's seek when each
// was sent them all).
type sqlitePage struct {
	query string
	seeks []string
	use   [][]int
	phase []int
	args  []any
}

// seekArgs is the arguments of the i-th seek.
func (p *sqlitePage) seekArgs(i int) []any {
	out := make([]any, len(p.use[i]))
	for j, k := range p.use[i] {
		out[j] = p.args[k]
	}
	return out
}

// text is the page's summed query text (what the cache of shapes holds).
func (p *sqlitePage) text() int {
	n := len(p.query)
	for _, q := range p.seeks {
		n += len(q)
	}
	return n
}

// mergedSeeks is how many seeks a page must have to be merged here rather
// than read as one union. Each statement costs about 10 µs of database/sql
// and driver work beyond its seek, which a page of few seeks, or of seeks
// that find little, does not win back: one client alone at 1M tickets, the
// L1 agent's pages of 2 seeks cost 5–7 % more CPU merged, those of 4–8
// −11 to +18 %, those of 10 or more 6–28 % less, of 20 or more about half
// (bench/README.md, thirteenth session, sqlist).
//
// A priority page past its cursor is merged whatever its seeks: the
// rest of the cursor's level usually fills it, and the union read the
// levels below too (its 23 pages of 2–8 seeks in the L1 agent's matrix
// cost 15–21 % less merged).
const mergedSeeks = 10

// phased tells whether a page's seeks are split by a priority cursor,
// every one reading one side of it (pageSeeks.phase).
func phased(phase []int) bool {
	return slices.Contains(phase, 1) && !slices.Contains(phase, -1)
}

// inRound marks the seeks a page reads in its first round (0) and, if the
// page is not full, its second (1): all in the first but for a priority
// page split at its cursor (phased), which reads the rest of the cursor's
// level first and the levels below second (mergedPage, seekedPage).
func inRound(phase []int, n int) []bool {
	split := phased(phase)
	read := make([]bool, len(phase))
	for i, ph := range phase {
		read[i] = split && ph == n || !split && n == 0
	}
	return read
}

// sqlitePage builds the statements of one page of a list on SQLite, each
// with its number parameters unplanned (unplannedParams).
func (f Filter) sqlitePage(wsID int64, cursor string, limit int) (sqlitePage, error) {
	p, err := f.pageSeeks(SQLite, wsID, cursor, limit, false)
	if err != nil {
		return sqlitePage{}, err
	}
	switch {
	case p.single != "":
		return sqlitePage{query: unplannedParams(p.single, p.args), args: p.args}, nil
	case len(p.keys) < mergedSeeks && !phased(p.phase):
		return sqlitePage{query: unplannedParams(f.unionQuery(SQLite, p.keys, p.lim), p.args), args: p.args}, nil
	}
	pg := sqlitePage{seeks: make([]string, len(p.keys)), use: make([][]int, len(p.keys)), phase: p.phase, args: p.args}
	for i, k := range p.keys {
		var q string
		q, pg.use[i] = usedParams(k, len(p.args))
		q = unplannedParams(q, pg.seekArgs(i))
		// The two seeks of a branch split by active differ only by their
		// arguments once numbered alone; they run at once, and one
		// prepared statement cannot: the second is told apart.
		for n := 2; slices.Contains(pg.seeks[:i], q); n++ {
			q = strings.TrimSuffix(q, " /*"+strconv.Itoa(n-1)+"*/") + " /*" + strconv.Itoa(n) + "*/"
		}
		pg.seeks[i] = q
	}
	return pg, nil
}

// usedParams is a statement of the page's with only the parameters it
// uses, numbered from $1 in the order they first appear, and the index
// among the page's of each.
func usedParams(query string, nargs int) (string, []int) {
	var use []int
	renamed := map[int]string{}
	out := rewriteParams(query, 0, nargs, func(b *strings.Builder, n int, _ string) {
		name, ok := renamed[n]
		if !ok {
			use = append(use, n-1)
			name = "$" + strconv.Itoa(len(use))
			renamed[n] = name
		}
		b.WriteString(name)
	})
	return out, use
}

// pageByIDs reads the tickets of a page by their ids, given as a JSON
// array: one text for any page size, so one prepared statement.
const pageByIDs = `SELECT ` + ticketColumns + ` FROM tickets WHERE id IN (SELECT value FROM json_each($1))`

// mergedPage reads the page of p's seeks: the ids of its first limit+1
// tickets (the page and whether another follows) merged from the seeks,
// then those tickets.
func (s *Store) mergedPage(ctx context.Context, f Filter, p sqlitePage, limit int) ([]ticket.Ticket, error) {
	// The statements are taken from the cache before the transaction
	// holds a connection: preparing one takes a connection of the pool
	// (stmtCache.acquire), which could be the last one.
	stmts := make([]*cachedStmt, len(p.seeks)+1)
	for i, q := range p.seeks {
		stmts[i] = s.read.stmts.acquire(ctx, q)
	}
	stmts[len(p.seeks)] = s.read.stmts.acquire(ctx, pageByIDs)
	defer func() {
		for _, e := range stmts {
			s.read.stmts.release(e)
		}
	}()
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	// Nothing is written: ending the read transaction either way is the same.
	defer tx.Rollback()
	query := func(i int, q string, args ...any) (*sql.Rows, error) {
		if stmts[i] != nil {
			return tx.StmtContext(ctx, stmts[i].st).QueryContext(ctx, args...)
		}
		return tx.QueryContext(ctx, q, args...)
	}
	m := seekMerge{f: f, keyed: keyedSort(f.Sort), open: func(i int) (seekRows, error) { return query(i, p.seeks[i], p.seekArgs(i)...) }}
	ids, err := m.pageIDs(p.phase, limit)
	if err != nil {
		return nil, fmt.Errorf("seek: %w", err)
	}
	if len(ids) == 0 {
		return []ticket.Ticket{}, nil
	}
	js := make([]byte, 0, len(ids)*8+2)
	js = append(js, '[')
	for i, id := range ids {
		if i > 0 {
			js = append(js, ',')
		}
		js = strconv.AppendInt(js, id, 10)
	}
	js = append(js, ']')
	rows, err := query(len(p.seeks), pageByIDs, string(js))
	if err != nil {
		return nil, err
	}
	row := newTicketRow()
	list, err := collectSized(rows, len(ids), func(r *sql.Rows) (ticket.Ticket, error) { return row.scan(r) })
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	// The page's connection is free before fillCollaborators takes one.
	return list, s.fillCollaborators(ctx, list)
}

// seekMerge merges the rows of a page's seeks in the page's order.
type seekMerge struct {
	f     Filter
	keyed bool                          // the seeks yield a sort key beside the id
	open  func(i int) (seekRows, error) // runs the i-th seek
	heads []*seekHead
}

// seekRows is the rows of a seek (*sql.Rows).
type seekRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// seekHead is a seek being merged and its next row, scanned into next
// through dest.
type seekHead struct {
	rows seekRows
	next seekKey
	dest []any
}

// pageIDs returns the ids of the first limit+1 distinct tickets of the
// seeks: those of phase 0 first, then, if the page is not full, those of
// phase 1 (phases as pageSeeks.phase; with a seek of both, all at once).
func (m *seekMerge) pageIDs(phase []int, limit int) (ids []int64, err error) {
	defer func() {
		for _, h := range m.heads {
			if cerr := h.rows.Close(); err == nil && cerr != nil {
				err = cerr
			}
		}
	}()
	ids = make([]int64, 0, limit+1)
	for _, want := range []int{0, 1} {
		for i, read := range inRound(phase, want) {
			if !read {
				continue
			}
			if err := m.start(i); err != nil {
				return nil, err
			}
		}
		for len(ids) <= limit && len(m.heads) > 0 {
			first := 0
			for j := 1; j < len(m.heads); j++ {
				if m.f.compareKeys(m.heads[j].next, m.heads[first].next) < 0 {
					first = j
				}
			}
			k := m.heads[first].next
			// A ticket two seeks yield comes out of both with the same
			// key, one after the other.
			if len(ids) == 0 || ids[len(ids)-1] != k.id {
				ids = append(ids, k.id)
			}
			if err := m.advance(first); err != nil {
				return nil, err
			}
		}
		if len(ids) > limit {
			break
		}
	}
	return ids, nil
}

// start runs the i-th seek and reads its first row.
func (m *seekMerge) start(i int) error {
	rows, err := m.open(i)
	if err != nil {
		return err
	}
	h := &seekHead{rows: rows}
	h.dest = []any{&h.next.id}
	if m.keyed {
		h.dest = append(h.dest, &h.next.key)
	}
	m.heads = append(m.heads, h)
	return m.advance(len(m.heads) - 1)
}

// advance reads the next row of the j-th head; a seek that has none left
// is closed and leaves the merge.
func (m *seekMerge) advance(j int) error {
	h := m.heads[j]
	if h.rows.Next() {
		return h.rows.Scan(h.dest...)
	}
	err := h.rows.Err()
	if cerr := h.rows.Close(); err == nil {
		err = cerr
	}
	m.heads = append(m.heads[:j], m.heads[j+1:]...)
	return err
}
