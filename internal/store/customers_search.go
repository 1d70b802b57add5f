package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/palier/palier/internal/textsearch"
)

// Customer and organisation search. Every word of a customer's name and
// email (of an organisation's name and domain) is stored folded, one row per
// (workspace, word, record), written in the same transaction as the record
// (migration 0024). A query matches a record when each of its words starts
// one of the record's words: "zoe lef" finds Zoé Lefèvre, "globex" finds
// every address at globex.example, "zoe.lefevre@gl" finds that address.
// Words are folded by Go on both databases, so SQLite and PostgreSQL return
// the same records in the same order (newest first).
//
// A prefix is a range of the primary key (byte order: PostgreSQL's column
// is COLLATE "C"). How a page is read depends on how many records each
// query word matches, counted up to searchRare in one round trip (cheap:
// the count stops there; a word found common is not counted again for a
// while, customers_search_counts.go):
//   - a word matches nothing: no page;
//   - some words match fewer: the page is the newest of the records in
//     all of those words' ranges (each read once, a covering index range,
//     intersected, newest first) that carry every other word (an index
//     probe each, stopping once the page is full);
//   - every word is common and one has at least headRunes letters: the
//     page walks that word's records newest first through the head index
//     (migration 0028: words by their first headRunes letters, then record,
//     so a bucket reads in record order) and probes each for the other
//     words, stopping once the page is full. Two common words that often
//     go together ("Zoé Lefèvre": 1 in 48 and 1 in 64 of the records, 325
//     together at 1M) read a few thousand entries instead of intersecting
//     two ranges of tens of thousands;
//   - every word is common and short ("m", "le"): the page walks the
//     records newest first and keeps those that carry every word.
// The walks cost about (page size) ÷ (share of the walked records that
// match): two common words that seldom go together walk far.

// searchRare is the count of matches under which a word's whole range is
// read; at or above it, the word is common and a page walks.
var searchRare = 2000

// searchPairs turns the pairs walk on (the benchmark turns it off to
// measure the head walk it replaced on the same database).
var searchPairs = true

// headRunes is how many leading letters the head index keeps of a word
// (migration 0028: substr(term, 1, 3)); shorter query words cannot use it.
const headRunes = 3

// maxTermBytes bounds a stored word; query words are cut the same way, so a
// long word still finds itself.
const maxTermBytes = 64

// termIndex names one search index: its table, the record column and the
// records' table.
type termIndex struct {
	terms, ref, records string
	pairs               string // the pairs of word heads each record holds (migration 0042)
}

var (
	customerTerms     = termIndex{terms: "customer_terms", ref: "customer_id", records: "customers", pairs: "customer_term_pairs"}
	organisationTerms = termIndex{terms: "organisation_terms", ref: "organisation_id", records: "organisations", pairs: "organisation_term_pairs"}
)

// searchWords folds s and splits it into words, each cut to maxTermBytes,
// without repeats, in order.
func searchWords(dst []string, s string) []string {
	for w := range textsearch.TokensSeq(textsearch.Normalize(s)) {
		if len(w) > maxTermBytes {
			cut := maxTermBytes
			for cut > 0 && !utf8.RuneStart(w[cut]) {
				cut--
			}
			w = w[:cut]
		}
		if !slices.Contains(dst, w) {
			dst = append(dst, w)
		}
	}
	return dst
}

// recordTerms is the set of words stored for a record's searchable fields.
func recordTerms(fields ...string) []string {
	var out []string
	for _, f := range fields {
		out = searchWords(out, f)
	}
	slices.Sort(out)
	return out
}

// termsPerInsert bounds the rows of one INSERT of words, so that the few
// statement texts stay in the prepared-statement cache.
const termsPerInsert = 8

// termPairs is the one rule for the pairs of word heads a record holds
// (migration 0042's customer_term_pairs and organisation_term_pairs): for
// every two of its words of at least headRunes letters whose heads differ,
// the two heads, smaller first in byte order (as the words' COLLATE "C"),
// each pair once. Go writes them on every path that writes words (the
// database's triggers did until migration 0047: on PostgreSQL they cost
// about half a millisecond per new customer, a quarter of intake's).
func termPairs(terms []string) (a, b []string) {
	heads := make([]string, 0, len(terms))
	for _, t := range terms {
		if h := wordHead(t); h != "" && !slices.Contains(heads, h) {
			heads = append(heads, h)
		}
	}
	slices.Sort(heads)
	for i, x := range heads {
		for _, y := range heads[i+1:] {
			a, b = append(a, x), append(b, y)
		}
	}
	return a, b
}

// writeTerms stores the words of record id and the pairs of their heads,
// replacing its previous words and pairs when replace is set.
func writeTerms(ctx context.Context, q querier, ix termIndex, wsID, id int64, replace bool, terms []string) error {
	if replace {
		// The record's words say which pairs it holds (the pairs' key
		// starts with the heads, not the record): delete the words, then
		// the pairs their heads make.
		rows, err := q.QueryContext(ctx, `DELETE FROM `+ix.terms+` WHERE `+ix.ref+` = $1 RETURNING term`, id)
		if err != nil {
			return fmt.Errorf("replace %s: %w", ix.terms, err)
		}
		old, err := collect(rows, func(r *sql.Rows) (string, error) {
			var t string
			return t, r.Scan(&t)
		})
		if err != nil {
			return fmt.Errorf("replace %s: %w", ix.terms, err)
		}
		if err := deletePairs(ctx, q, ix, wsID, id, old); err != nil {
			return err
		}
	}
	if err := writeWords(ctx, q, ix, wsID, id, terms); err != nil {
		return err
	}
	return writePairs(ctx, q, ix, wsID, id, terms)
}

// writeWords stores the words of record id (without their pairs).
func writeWords(ctx context.Context, q querier, ix termIndex, wsID, id int64, terms []string) error {
	values := make([]any, len(terms))
	for i, t := range terms {
		values[i] = t
	}
	return insertRecordRows(ctx, q, ix.terms, ix.ref, wsID, id, []string{"term"}, values)
}

// writePairs stores the pairs of heads of record id's words (termPairs).
func writePairs(ctx context.Context, q querier, ix termIndex, wsID, id int64, terms []string) error {
	as, bs := termPairs(terms)
	values := make([]any, 0, 2*len(as))
	for i := range as {
		values = append(values, as[i], bs[i])
	}
	return insertRecordRows(ctx, q, ix.pairs, ix.ref, wsID, id, []string{"head_a", "head_b"}, values)
}

// insertRecordRows inserts into table one row per len(cols) values, each
// row (workspace_id, ref, cols…) of record id: the two ids are bound once
// as $1 and $2, and termsPerInsert rows go in one statement, so that the
// few statement texts stay in the prepared-statement cache.
func insertRecordRows(ctx context.Context, q querier, table, ref string, wsID, id int64, cols []string, values []any) error {
	for chunk := range slices.Chunk(values, termsPerInsert*len(cols)) {
		var b strings.Builder
		b.WriteString(`INSERT INTO ` + table + ` (workspace_id, ` + ref + `, ` + strings.Join(cols, ", ") + `) VALUES `)
		args := append([]any{wsID, id}, chunk...)
		for row := range len(chunk) / len(cols) {
			if row > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`($1, $2`)
			for c := range cols {
				b.WriteString(`, $` + strconv.Itoa(3+row*len(cols)+c))
			}
			b.WriteString(`)`)
		}
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("index %s: %w", table, err)
		}
	}
	return nil
}

// deletePairs deletes the pairs of heads of record id's words (termPairs),
// each by its whole key.
func deletePairs(ctx context.Context, q querier, ix termIndex, wsID, id int64, terms []string) error {
	as, bs := termPairs(terms)
	for lo := 0; lo < len(as); lo += termsPerInsert {
		hi := min(lo+termsPerInsert, len(as))
		var b strings.Builder
		// Each branch names a whole key, so that both databases probe the
		// primary key once per pair rather than range over the workspace.
		b.WriteString(`DELETE FROM ` + ix.pairs + ` WHERE `)
		args := []any{wsID, id}
		for i := lo; i < hi; i++ {
			if i > lo {
				b.WriteString(" OR ")
			}
			args = append(args, as[i], bs[i])
			b.WriteString(`(workspace_id = $1 AND head_a = $` + strconv.Itoa(len(args)-1) + ` AND head_b = $` + strconv.Itoa(len(args)) + ` AND ` + ix.ref + ` = $2)`)
		}
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("replace %s: %w", ix.pairs, err)
		}
	}
	return nil
}

func indexCustomer(ctx context.Context, q querier, wsID, id int64, replace bool, name, email string) error {
	return writeTerms(ctx, q, customerTerms, wsID, id, replace, recordTerms(name, email))
}

func indexOrganisation(ctx context.Context, q querier, wsID, id int64, replace bool, name, domain string) error {
	return writeTerms(ctx, q, organisationTerms, wsID, id, replace, recordTerms(name, domain))
}

// indexAllSearchTerms fills both indexes from the records already stored
// (run once, by migration 0024).
func indexAllSearchTerms(ctx context.Context, tx *Tx) error {
	for _, ix := range []termIndex{customerTerms, organisationTerms} {
		cols := "name, email"
		if ix == organisationTerms {
			cols = "name, domain"
		}
		rows, err := tx.QueryContext(ctx, `SELECT workspace_id, id, `+cols+` FROM `+ix.records+` ORDER BY id`)
		if err != nil {
			return fmt.Errorf("read %s: %w", ix.records, err)
		}
		type rec struct {
			ws, id int64
			a, b   string
		}
		all, err := collect(rows, func(r *sql.Rows) (rec, error) {
			var x rec
			return x, r.Scan(&x.ws, &x.id, &x.a, &x.b)
		})
		if err != nil {
			return fmt.Errorf("read %s: %w", ix.records, err)
		}
		for _, x := range all {
			// Words only: the pairs' tables come later (migration 0042
			// fills them from the words).
			if err := writeWords(ctx, tx, ix, x.ws, x.id, recordTerms(x.a, x.b)); err != nil {
				return err
			}
		}
	}
	return nil
}

// termRange is the range of words starting with w.
func termRange(w string) (lo, hi string) { return w, upperBound(w) }

// searchPlan is how one search reads its page: the word ranges matching
// fewer than searchRare records (intersected, cheapest first), the others
// (checked on each candidate); head, when no word is rare, is the word
// whose records the page walks through the head index (its range is
// common[0]); dense when no word is rare and none is long enough for that;
// none when some word matches nothing.
type searchPlan struct {
	rare   [][2]string
	pairs  [][2]string // buckets of the pairs index under searchRare (searchRarePairs), smallest first
	common [][2]string
	heads  []string // of the common words, "" when too short
	head   string
	pair   [2]string // when two common words have distinct heads: those heads, in byte order
	dense  bool
	none   bool
}

// wordHead is the first headRunes letters of w, "" when w is shorter.
func wordHead(w string) string {
	n := 0
	for i := range w {
		if n == headRunes {
			return w[:i]
		}
		n++
	}
	if n == headRunes {
		return w
	}
	return ""
}

// planSearch counts, in one round trip, the records each query word
// matches (up to searchRare; a word known to be common is not counted
// again, searchCounts).
func (s *Store) planSearch(ctx context.Context, ix termIndex, wsID int64, words []string) (searchPlan, error) {
	var p searchPlan
	ranges := make([][2]string, len(words))
	for i, w := range words {
		lo, hi := termRange(w)
		ranges[i] = [2]string{lo, hi}
	}
	counts, err := s.countSearch(ctx, ix.terms, wsID, searchRare, ranges, func(lo, hi string) string {
		return `term >= ` + lo + ` AND term < ` + hi
	})
	if err != nil {
		return p, fmt.Errorf("search %s: %w", ix.records, err)
	}
	order := make([]int, len(words))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return counts[a] - counts[b] })
	for _, i := range order {
		lo, hi := termRange(words[i])
		switch {
		case counts[i] == 0:
			p.none = true
			return p, nil
		case counts[i] < searchRare:
			p.rare = append(p.rare, [2]string{lo, hi})
		default:
			p.common = append(p.common, [2]string{lo, hi})
			p.heads = append(p.heads, wordHead(words[i]))
		}
	}
	if len(p.rare) > 0 {
		return p, nil
	}
	// All common: the longest word with a head drives the walk (the longer
	// the word, the fewer of its head's entries it skips); its range goes
	// first.
	drive := -1
	for i, w := range words {
		if wordHead(w) != "" && (drive < 0 || len(w) > len(words[drive])) {
			drive = i
		}
	}
	if drive < 0 {
		p.dense = true
		return p, nil
	}
	p.head = wordHead(words[drive])
	lo, _ := termRange(words[drive])
	at := slices.IndexFunc(p.common, func(r [2]string) bool { return r[0] == lo })
	p.common[0], p.common[at] = p.common[at], p.common[0]
	p.heads[0], p.heads[at] = p.heads[at], p.heads[0]
	// A second common word with another head: the page walks the records
	// holding both heads (the pairs index), the longest such word first.
	partner := -1
	for i, h := range p.heads[1:] {
		if h != "" && h != p.head && (partner < 0 || len(p.common[i+1][0]) > len(p.common[partner][0])) {
			partner = i + 1
		}
	}
	if partner > 0 && searchPairs {
		p.pair = [2]string{p.head, p.heads[partner]}
		if p.pair[1] < p.pair[0] {
			p.pair[0], p.pair[1] = p.pair[1], p.pair[0]
		}
		return s.searchRarePairs(ctx, ix, wsID, p)
	}
	return p, nil
}

// countOnce reads a search's counts (query, one row into dest): each is
// an index range read up to a LIMIT, whatever the values. On PostgreSQL
// the statement is planned without its values once per connection
// (genericPlans, as a list's seeks): planned for them at every call, the
// counts of a five-word organisation name and of its ten pairs of heads
// cost 1.1 ms of planning at 1M organisations, a fifth of the search's
// CPU.
func (s *Store) countOnce(ctx context.Context, query string, args, dest []any) error {
	if s.dialect != Postgres {
		return s.read.QueryRowContext(ctx, query, args...).Scan(dest...)
	}
	return s.withReadConn(ctx, func(pc *pgx.Conn) error {
		batch := &pgx.Batch{}
		batch.Queue(genericPlans)
		batch.Queue(query, args...)
		results := pc.SendBatch(ctx, batch)
		defer results.Close()
		if _, err := results.Exec(); err != nil {
			return fmt.Errorf("plan mode: %w", err)
		}
		if err := results.QueryRow().Scan(dest...); err != nil {
			return err
		}
		return results.Close()
	})
}

// searchOrList reads one page of a list of ix's records: the list query
// (with its args) when query is blank, else the search of query's words
// (searchQuery, columns and extra as there); nothing, as an empty list,
// when nothing can match, a query with no searchable word included.
func searchOrList[T any](ctx context.Context, s *Store, ix termIndex, wsID int64, query, columns, extra, list string, args []any,
	scan func(*sql.Rows) (T, error)) ([]T, error) {
	text, args, none, err := s.searchOrListQuery(ctx, ix, wsID, query, columns, extra, list, args)
	if err != nil || none {
		return []T{}, err
	}
	rows, err := s.read.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

// searchOrListQuery is the statement searchOrList runs (none when
// nothing can match).
func (s *Store) searchOrListQuery(ctx context.Context, ix termIndex, wsID int64, query, columns, extra, list string, args []any) (string, []any, bool, error) {
	if words := searchWords(nil, query); len(words) > 0 {
		p, err := s.planSearch(ctx, ix, wsID, words)
		if err != nil || p.none {
			return "", nil, true, err
		}
		text, args := searchQuery(ix, p, columns, extra, args)
		return text, args, false, nil
	}
	if strings.TrimSpace(query) != "" {
		return "", nil, true, nil // nothing searchable in it: no word, no match
	}
	return list, args, false, nil
}

// searchQuery builds the query of one page of a search: columns of the
// records (aliased r), restricted by extra (conditions on r, with
// arguments from $4 on), newest first before the id $2, at most $3.
// Arguments $1 (workspace) to $3 come first in the returned slice.
func searchQuery(ix termIndex, p searchPlan, columns, extra string, args []any) (string, []any) {
	has := func(alias string, r [2]string) string {
		args = append(args, r[0], r[1])
		n := len(args)
		return `EXISTS (SELECT 1 FROM ` + ix.terms + ` w WHERE w.` + ix.ref + ` = ` + alias + ` AND w.term >= $` + strconv.Itoa(n-1) +
			` AND w.term < $` + strconv.Itoa(n) + `)`
	}
	if p.dense {
		conds := []string{`r.workspace_id = $1`, `r.id < $2`}
		if extra != "" {
			conds = append(conds, extra)
		}
		for _, o := range p.common {
			conds = append(conds, has("r.id", o))
		}
		return `SELECT ` + columns + ` FROM ` + ix.records + ` r WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY r.id DESC LIMIT $3`, args
	}
	if p.pair[0] != "" && len(p.pairs) == 0 {
		return pairQuery(ix, p, columns, extra, args)
	}
	if p.head != "" && len(p.pairs) == 0 {
		// The driving word's head bucket, read in record order (newest
		// first) from the head index; its own range is checked on the
		// index entry (term || '' keeps the planners from reading the
		// range through the primary key and sorting it, which is the cost
		// this plan avoids). DISTINCT: a record may hold two words of the
		// range (lefevre, lefevre4999), adjacent in this order.
		args = append(args, p.head, p.common[0][0], p.common[0][1])
		n := len(args)
		conds := []string{`d.workspace_id = $1`, `substr(d.term, 1, 3) = $` + strconv.Itoa(n-2), `d.` + ix.ref + ` < $2`,
			`d.term || '' >= $` + strconv.Itoa(n-1), `d.term || '' < $` + strconv.Itoa(n)}
		for i, o := range p.common[1:] {
			if h := p.heads[i+1]; h != "" {
				// Probed through its own head bucket: in record order like
				// the walk, these probes read neighbouring index pages
				// (2-5× faster on PostgreSQL than the record's words).
				args = append(args, h, o[0], o[1])
				n := len(args)
				conds = append(conds, `EXISTS (SELECT 1 FROM `+ix.terms+` w WHERE w.workspace_id = $1 AND substr(w.term, 1, 3) = $`+strconv.Itoa(n-2)+
					` AND w.`+ix.ref+` = d.`+ix.ref+` AND w.term || '' >= $`+strconv.Itoa(n-1)+` AND w.term || '' < $`+strconv.Itoa(n)+`)`)
				continue
			}
			conds = append(conds, has("d."+ix.ref, o))
		}
		if extra != "" {
			conds = append(conds, `EXISTS (SELECT 1 FROM `+ix.records+` r WHERE r.id = d.`+ix.ref+` AND `+extra+`)`)
		}
		return `SELECT ` + columns + ` FROM ` + ix.records + ` r WHERE r.workspace_id = $1 AND r.id IN (SELECT DISTINCT d.` + ix.ref + ` FROM ` +
			ix.terms + ` d WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY d.` + ix.ref + ` DESC LIMIT $3) ORDER BY r.id DESC`, args
	}
	// The rare words' records: each word's range read once (a covering
	// index range), intersected; checking a second word by probing the
	// index for each record of the first cost several times more. Rare
	// buckets of the pairs index are intersected the same way (a record
	// is in a bucket once).
	sets := make([]string, 0, len(p.rare)+len(p.pairs))
	for _, r := range p.rare {
		args = append(args, r[0], r[1])
		n := len(args)
		sets = append(sets, `SELECT DISTINCT `+ix.ref+` AS cid FROM `+ix.terms+` WHERE workspace_id = $1 AND term >= $`+strconv.Itoa(n-1)+
			` AND term < $`+strconv.Itoa(n)+` AND `+ix.ref+` < $2`)
	}
	for _, pr := range p.pairs {
		args = append(args, pr[0], pr[1])
		n := len(args)
		sets = append(sets, `SELECT `+ix.ref+` AS cid FROM `+ix.pairs+` WHERE workspace_id = $1 AND head_a = $`+strconv.Itoa(n-1)+
			` AND head_b = $`+strconv.Itoa(n)+` AND `+ix.ref+` < $2`)
	}
	conds := []string{}
	for _, o := range p.common {
		conds = append(conds, has("c.cid", o))
	}
	if extra != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM `+ix.records+` r WHERE r.id = c.cid AND `+extra+`)`)
	}
	candidates := strings.Join(sets, ` INTERSECT `)
	where := ""
	if len(conds) > 0 {
		// Newest first before the checks, so that they stop once the page
		// is full: "societe042.example" checks about 51 of its 500
		// records for "example" instead of all 500. The LIMIT keeps both
		// planners from moving the checks under the sort (it cuts
		// nothing: a rare word's range holds fewer than searchRare
		// entries).
		args = append(args, searchRare)
		candidates = `SELECT cid FROM (` + candidates + `) AS i ORDER BY cid DESC LIMIT $` + strconv.Itoa(len(args))
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	return `SELECT ` + columns + ` FROM ` + ix.records + ` r WHERE r.workspace_id = $1 AND r.id IN (SELECT c.cid FROM (` +
		candidates + `) AS c` + where + ` ORDER BY c.cid DESC LIMIT $3) ORDER BY r.id DESC`, args
}
