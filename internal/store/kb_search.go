package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/textsearch"
)

// indexKBArticle writes an article's analysed terms into the database's
// full-text index and the workspace vocabulary. It runs inside the
// transaction that writes the article, so the index never disagrees with
// the row.
func (s *Store) indexKBArticle(ctx context.Context, tx *Tx, wsID int64, a kb.Article, replace bool, d kbDocDeltas) error {
	ix := kb.Index(a)
	if _, err := tx.ExecContext(ctx, `UPDATE kb_articles SET body_text = $1, title_terms = $2, body_terms = $3 WHERE id = $4`,
		ix.Text, ix.TitleTerms, ix.BodyTerms, a.ID); err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return s.writeKBIndex(ctx, tx, wsID, a, ix, replace, d)
}

// writeKBIndex writes the index entries of an article whose row already
// holds its analysed terms (ix); PostgreSQL's tsvector is set here on
// updates and in the INSERT for new articles. The article's terms are
// counted into d, which the caller writes before the transaction ends.
func (s *Store) writeKBIndex(ctx context.Context, tx *Tx, wsID int64, a kb.Article, ix kb.Indexed, replace bool, d kbDocDeltas) error {
	d.add(a.Language, ix.TitleTerms, ix.BodyTerms, 1)
	switch s.dialect {
	case SQLite:
		if replace {
			if _, err := tx.ExecContext(ctx, `DELETE FROM kb_fts WHERE rowid = $1`, a.ID); err != nil {
				return fmt.Errorf("unindex article: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_fts (rowid, title, body) VALUES ($1, $2, $3)`,
			a.ID, ix.TitleTerms, ix.BodyTerms); err != nil {
			return fmt.Errorf("index article: %w", err)
		}
	case Postgres:
		if !replace {
			break
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kb_articles SET search = kb_search_vector($1, $2, $3) WHERE id = $4`,
			ix.TitleTerms, ix.BodyTerms, a.Language, a.ID); err != nil {
			return fmt.Errorf("index article: %w", err)
		}
	}
	return s.addKBTerms(ctx, tx, wsID, ix.TitleTerms+" "+ix.BodyTerms)
}

// addKBTerms adds the terms a workspace has not indexed yet to its
// vocabulary. Terms are never removed: a stale one only makes a typo
// expand to a term that matches nothing.
func (s *Store) addKBTerms(ctx context.Context, tx *Tx, wsID int64, terms string) error {
	uniq := strings.Fields(terms)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	const chunk = 200
	for len(uniq) > 0 {
		n := min(chunk, len(uniq))
		var b strings.Builder
		args := make([]any, 0, 1+2*n)
		args = append(args, wsID)
		b.WriteString(`INSERT INTO kb_terms (workspace_id, term, rterm) VALUES `)
		for i, t := range uniq[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($1, $%d, $%d)", 2+2*i, 3+2*i)
			args = append(args, t, reverse(t))
		}
		b.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("add search terms: %w", err)
		}
		uniq = uniq[n:]
	}
	return nil
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// upperBound is the smallest string greater than every string starting
// with p, in byte order (p is never empty).
func upperBound(p string) string {
	r, size := utf8.DecodeLastRuneInString(p)
	return p[:len(p)-size] + string(r+1)
}

// ResolveKBQuery matches each query word against the workspace's
// vocabulary (see kb.Match): its stem; while typed, its prefix and the
// known terms it extends ("facturat" → "factur"); and when nothing is
// known of a word of textsearch.FuzzyMinLen letters or more, the known
// terms one typo away.
func (s *Store) ResolveKBQuery(ctx context.Context, wsID int64, words []textsearch.QueryWord) ([]kb.Match, error) {
	out := make([]kb.Match, len(words))
	for i, w := range words {
		m := kb.Match{Terms: []string{w.Term}}
		candidates := []string{w.Term}
		if w.Prefix {
			// Known terms the typed word already extends by a suffix
			// ("facturat" → "factur"), at most a few letters longer.
			for n := max(4, len(w.Folded)-maxSuffix); n < len(w.Folded); n++ {
				candidates = append(candidates, w.Folded[:n])
			}
		}
		known, err := s.kbKnownTerms(ctx, wsID, candidates)
		if err != nil {
			return nil, err
		}
		found := slices.Contains(known, w.Term)
		if w.Prefix {
			for _, t := range known {
				if !slices.Contains(m.Terms, t) {
					m.Terms = append(m.Terms, t)
				}
			}
			m.Prefixes = []string{w.Folded}
			if !strings.HasPrefix(w.Folded, w.Term) {
				m.Prefixes = append(m.Prefixes, w.Term)
			}
			if !found {
				found = len(known) > 0
			}
			m.PrefixTerms = make([][]string, len(m.Prefixes))
			for j, p := range m.Prefixes {
				begun, err := s.kbPrefixTerms(ctx, wsID, p)
				if err != nil {
					return nil, err
				}
				found = found || len(begun) > 0
				if len(begun) <= kb.MaxPrefixTerms {
					// Empty, not nil, when none: a prefix matching
					// nothing is narrow.
					m.PrefixTerms[j] = append([]string{}, begun...)
				}
			}
		}
		if !found && w.Fuzzy {
			near, err := s.kbTermsNear(ctx, wsID, w.Term, w.Folded)
			if err != nil {
				return nil, err
			}
			m.Terms = append(m.Terms, near...)
		}
		out[i] = m
	}
	return out, nil
}

// kbKnownTerms returns those of terms the workspace's vocabulary holds.
func (s *Store) kbKnownTerms(ctx context.Context, wsID int64, terms []string) ([]string, error) {
	var b strings.Builder
	args := []any{wsID}
	for i, t := range terms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+2)
		args = append(args, t)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT term FROM kb_terms WHERE workspace_id = $1 AND term IN (`+b.String()+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("look up search terms: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (t string, err error) { err = r.Scan(&t); return t, err })
}

// kbPrefixTerms returns the known terms beginning with p, at most
// kb.MaxPrefixTerms+1 of them (more tells only that there are many).
func (s *Store) kbPrefixTerms(ctx context.Context, wsID int64, p string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT term FROM kb_terms WHERE workspace_id = $1 AND term >= $2 AND term < $3
		ORDER BY term LIMIT $4`, wsID, p, upperBound(p), kb.MaxPrefixTerms+1)
	if err != nil {
		return nil, fmt.Errorf("look up search prefix: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (t string, err error) { err = r.Scan(&t); return t, err })
}

// maxNear bounds how many known terms a typo may stand for.
const maxNear = 8

// maxSuffix is how many letters longer than a known stem a typed word may
// be and still be taken for an inflection of it.
const maxSuffix = 4

// kbTermsNear returns known terms one typo from t, the stem of the typed
// word, or that the typed word begins with after one typo (see
// textsearch.StemWithin1: a typo can change how a word stems). One edit
// leaves either the first or the last half of a word intact, so the
// candidates are the terms sharing t's first half (forwards index) or last
// half (reversed index).
func (s *Store) kbTermsNear(ctx context.Context, wsID int64, t, word string) ([]string, error) {
	r := []rune(t)
	half := len(r) / 2
	if half == 0 {
		return nil, nil
	}
	head := string(r[:half])
	tail := reverse(string(r[len(r)-half:]))
	rows, err := s.read.QueryContext(ctx, `SELECT term FROM kb_terms WHERE workspace_id = $1 AND term >= $2 AND term < $3
		UNION SELECT term FROM kb_terms WHERE workspace_id = $1 AND rterm >= $4 AND rterm < $5`,
		wsID, head, upperBound(head), tail, upperBound(tail))
	if err != nil {
		return nil, fmt.Errorf("look up near terms: %w", err)
	}
	all, err := collect(rows, func(r *sql.Rows) (v string, err error) { err = r.Scan(&v); return v, err })
	if err != nil {
		return nil, err
	}
	var near []string
	for _, c := range all {
		if c != t && (textsearch.Within1(c, t) || textsearch.StemWithin1(c, word, maxSuffix)) {
			near = append(near, c)
		}
	}
	slices.Sort(near)
	if len(near) > maxNear {
		near = near[:maxNear]
	}
	return near, nil
}

// KBSearch finds the articles matching every word of q (each word through
// any of its resolved terms or prefixes), best first: the database's
// full-text rank with title matches weighing more than body matches,
// boosted by helpful votes and views. When no article has every word, the
// articles with the most words come first instead, so a question typed in
// a sentence still finds its answer.
func (s *Store) KBSearch(ctx context.Context, wsID int64, q kb.Query, matches []kb.Match) ([]kb.Hit, error) {
	if len(matches) == 0 {
		return nil, nil
	}
	counts, held, err := s.kbSearchCounts(ctx, wsID, q.Language, matches)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(held, false) {
		hits, err := s.kbSearch(ctx, wsID, q, matches, true, counts)
		if err != nil || len(hits) > 0 || len(matches) == 1 {
			return hits, err
		}
	} else if !slices.Contains(held, true) {
		return nil, nil
	}
	return s.kbSearch(ctx, wsID, q, matches, false, counts)
}

// kbCandidates bounds how many matching articles one search ranks. On
// SQLite they come from two sources, articles matching in their title and
// articles matching anywhere, each newest first; on PostgreSQL, twice as
// many matches in the order of the GIN index's bitmap (storage order; see
// kb_candidate_rows in migration 0040). A query matching more articles than
// that (a two-letter prefix on a large knowledge base) ranks a subset
// rather than all: as-you-type stays fast, and the next keystroke narrows
// the match.
const kbCandidates = 100

// kbTitlesFirst is the number of articles (in the language searched)
// from which PostgreSQL looks for title matches before body matches (see
// kbSearch): below it every match list is short, and one query costs less
// than two.
const kbTitlesFirst = 2000

// kbSearch fetches the candidates with their analysed terms and ranks them
// in Go (rankKB), the same on both databases. The databases only find the
// matches: FTS5's bm25() counted, for every query, all the articles
// matching each term and prefix to weigh it (a walk of whole posting lists,
// most of a search's time at 100,000 articles), where the candidates
// themselves tell that well enough.
func (s *Store) kbSearch(ctx context.Context, wsID int64, q kb.Query, matches []kb.Match, all bool, counts kbCounts) ([]kb.Hit, error) {
	limit := q.Limit
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	status, visibility := "published", "public"
	if q.Reader == kb.Agent {
		status, visibility = "", ""
	}
	var cands []kb.Candidate
	var err error
	switch s.dialect {
	case SQLite:
		// The workspace and reader filters are checked on the article row,
		// not in the MATCH: filter tokens matching every article would make
		// FTS5 walk their whole posting lists. CROSS JOIN keeps the
		// full-text index as the outer loop: without statistics SQLite may
		// otherwise scan the workspace's articles and probe the index for
		// each (10x slower at 20,000 articles).
		cand := `SELECT * FROM (SELECT ` + kbRankColumns + ` FROM kb_fts f CROSS JOIN kb_articles x ON x.id = f.rowid
			WHERE kb_fts MATCH %s AND x.workspace_id = $3 AND ($4 = '' OR x.language = $4)
			AND (($5 = '' AND x.status <> 'archived') OR x.status = $5) AND ($6 = '' OR x.visibility = $6)
			ORDER BY f.rowid DESC LIMIT $7)`
		var rows *sql.Rows
		rows, err = s.read.QueryContext(ctx, fmt.Sprintf(cand, "$1")+` UNION ALL `+fmt.Sprintf(cand, "$2"),
			kbFTSQuery(matches, all, "{title}"), kbFTSQuery(matches, all, "{title body}"), wsID, q.Language, status, visibility, kbCandidates)
		if err == nil {
			cands, err = scanKBCandidates(rows, nil)
		}
	case Postgres:
		cands, err = s.kbPostgresCandidates(ctx, wsID, q, matches, all, status, visibility, counts)
	}
	if err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	if len(cands) == 0 {
		return nil, nil
	}
	hits := kb.Rank(cands, matches, counts.in(q.Language), limit)
	// Titles, and the text snippets are cut from: only for the page
	// returned.
	ids := make([]any, len(hits))
	marks := make([]string, len(hits))
	for i, h := range hits {
		ids[i], marks[i] = h.ID, fmt.Sprintf("$%d", i+1)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, title, body_text FROM kb_articles WHERE id IN (`+strings.Join(marks, ", ")+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	type shown struct{ title, text string }
	page := map[int64]shown{}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id int64
		var v shown
		err := r.Scan(&id, &v.title, &v.text)
		page[id] = v
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	for i := range hits {
		v := page[hits[i].ID]
		hits[i].Title, hits[i].Snippet = v.title, kb.Snippet(hits[i].Language, v.text, matches)
	}
	return hits, nil
}

// kbRankColumns are the rank's inputs only: titles and text are read for
// the page returned.
const kbRankColumns = `x.id, x.language, x.title_terms, x.body_terms, x.helpful, x.not_helpful, x.views`

// kbPostgresCandidates finds a search's candidates on PostgreSQL, title
// matches first, on the marked title terms (migration 0040). A GIN match
// builds the bitmap of every matching article before LIMIT applies: for a
// term in half the articles ("factur" in a billing knowledge base), most
// of a search. In titles the same term is an order of magnitude rarer,
// and when titles alone fill the candidates the body matches would rank
// below them anyway (a title match weighs titleWeight body matches), so
// they are not looked for. A small knowledge base has no such bitmap:
// there one query costs less than two.
func (s *Store) kbPostgresCandidates(ctx context.Context, wsID int64, q kb.Query, matches []kb.Match, all bool, status, visibility string, counts kbCounts) ([]kb.Candidate, error) {
	var cands []kb.Candidate
	var err error
	mark := kbLanguageMarkFilters(counts, q.Language)
	memo := kbPrefixMemo{}
	if counts.in(q.Language) > kbTitlesFirst {
		cands, err = s.kbSearchRows(ctx, wsID, q, matches, all, true, mark, counts, status, visibility, kbCandidates, nil, memo)
		if err != nil || len(cands) == kbCandidates {
			return cands, err
		}
	}
	return s.kbSearchRows(ctx, wsID, q, matches, all, false, mark, counts, status, visibility, 2*kbCandidates-len(cands), cands, memo)
}

// kbLanguageMarkFilters reports whether a search in lang should look up
// the language's mark (migration 0048) in the full-text index: only when
// the language holds at most half of the workspace's articles. The mark
// keeps the index from returning the other language's articles, which
// pays when they are the many (an English search on a French knowledge
// base read four or five French rows per English candidate); in the
// language of most articles it removes few rows and costs the longest
// posting list of the index, intersected on every search (at 100,000
// articles, 80 % of them French, leaving it out of French searches
// halved the index scan of "electricite comp"). The language is checked
// on the row either way.
func kbLanguageMarkFilters(counts kbCounts, lang string) bool {
	return lang != "" && 2*counts.in(lang) <= counts.in("")
}

// kbCandidateRows appends to cands at most limit articles matching the
// tsquery q.
func (s *Store) kbCandidateRows(ctx context.Context, wsID int64, lang, status, visibility, q string, limit int, cands []kb.Candidate) ([]kb.Candidate, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+kbRankColumns+` FROM kb_candidate_rows($2, $1::tsquery, $3, $4, $5, $6) x`,
		q, wsID, lang, status, visibility, limit)
	if err != nil {
		return nil, err
	}
	return scanKBCandidates(rows, cands)
}

// kbTSSearch spells a search for PostgreSQL (kbTSQuery), in one language
// through the articles' language marks (migration 0048) when mark is set.
func kbTSSearch(matches []kb.Match, all, titles bool, lang string, mark bool) string {
	q := kbTSQuery(matches, all, titles)
	if mark && slices.Contains(kb.Languages, lang) {
		q = "(" + q + ") & '=" + lang + "'"
	}
	return q
}

// scanKBCandidates appends the candidates of rows to cands, each article
// once.
func scanKBCandidates(rows *sql.Rows, cands []kb.Candidate) ([]kb.Candidate, error) {
	seen := map[int64]bool{}
	for _, c := range cands {
		seen[c.ID] = true
	}
	err := eachRow(rows, func(r *sql.Rows) error {
		var c kb.Candidate
		if err := r.Scan(&c.ID, &c.Language, &c.TitleTerms, &c.BodyTerms, &c.Helpful, &c.NotHelpful, &c.Views); err != nil {
			return err
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			cands = append(cands, c)
		}
		return nil
	})
	return cands, err
}

func eachRow(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ftsQuery spells the search for FTS5: every word (or, when all is false,
// any word) as the OR of its terms and prefixes in the given columns.
// Terms are letters and digits only (textsearch tokens), quoted so none
// reads as an operator.
func ftsQuery(matches []kb.Match, all bool, columns string) string {
	return ftsSpell(matches, all, columns, func(m kb.Match) []string { return alternatives(m, `"%s"`, `"%s" *`) })
}

// ftsSpell joins each word's alternatives (OR) and the words (AND when all
// is set, else OR) into an FTS5 query over columns.
func ftsSpell(matches []kb.Match, all bool, columns string, alts func(kb.Match) []string) string {
	join := " OR "
	if all {
		join = " AND "
	}
	var b strings.Builder
	b.WriteString(columns + " : (")
	for i, m := range matches {
		if i > 0 {
			b.WriteString(join)
		}
		b.WriteString("(" + strings.Join(alts(m), " OR ") + ")")
	}
	b.WriteString(")")
	return b.String()
}

// tsQuery spells the search as a PostgreSQL tsquery; weight "A" restricts
// it to titles.
func tsQuery(matches []kb.Match, all bool, weight string) string {
	join := " | "
	if all {
		join = " & "
	}
	parts := make([]string, len(matches))
	for i, m := range matches {
		parts[i] = "(" + strings.Join(alternatives(m, `'%s'`+weightSuffix(weight, ":"), `'%s':*`+weight), " | ") + ")"
	}
	return strings.Join(parts, join)
}

// kbFTSQuery spells a knowledge-base search for FTS5 as ftsQuery does,
// except that a prefix shorter than kb.MinBodyPrefix matches titles only,
// as on PostgreSQL (kbTSQuery): both databases find the same articles.
func kbFTSQuery(matches []kb.Match, all bool, columns string) string {
	return ftsSpell(matches, all, columns, func(m kb.Match) []string {
		return kbAlternatives(m, `"%s"`, `"%s" *`, `{title} : "%s" *`)
	})
}

// kbTSQuery spells a knowledge-base search as a PostgreSQL tsquery (in
// its input syntax: the terms are analysed already). A prefix shorter
// than kb.MinBodyPrefix is looked up among the marked title terms only
// (migration 0040); with titles set, every term and prefix is.
func kbTSQuery(matches []kb.Match, all, titles bool) string {
	join := " | "
	if all {
		join = " & "
	}
	parts := make([]string, len(matches))
	for i, m := range matches {
		parts[i] = "(" + strings.Join(kbTSAlternatives(m, titles), " | ") + ")"
	}
	return strings.Join(parts, join)
}

// kbTSAlternatives spells each term and prefix of a word for kbTSQuery. A
// prefix beginning few known terms is spelled as those terms: GIN reads
// one posting list per exact term, and intersects the words of a query
// skipping through them, where a prefix match reads every matching entry
// into a bitmap first (at 100,000 articles, "electricite comp" took three
// times as long as its spelled-out twin). A short prefix beginning more
// is spelled as its title prefix mark (migration 0052), one exact term
// too.
func kbTSAlternatives(m kb.Match, titles bool) []string {
	term, prefix, short := `'%s'`, `'%s':*`, `'~%s':*`
	if titles {
		term, prefix = `'~%s'`, `'~%s':*`
	}
	out := make([]string, 0, len(m.Terms)+len(m.Prefixes))
	for _, t := range m.Terms {
		out = append(out, fmt.Sprintf(term, t))
	}
	for i, p := range m.Prefixes {
		shortPrefix := utf8.RuneCountInString(p) < kb.MinBodyPrefix
		if i < len(m.PrefixTerms) && len(m.PrefixTerms[i]) > 0 {
			spell := term
			if shortPrefix {
				spell = `'~%s'`
			}
			for _, t := range m.PrefixTerms[i] {
				out = append(out, fmt.Sprintf(spell, t))
			}
			continue
		}
		if kbPrefixMarked(p) {
			out = append(out, fmt.Sprintf(`'^%s'`, p))
		} else if shortPrefix {
			out = append(out, fmt.Sprintf(short, p))
		} else {
			out = append(out, fmt.Sprintf(prefix, p))
		}
	}
	return out
}

// kbTitlePrefixMarks is the longest prefix of a title term marked in the
// search vector (migration 0052: "^c", "^ca", "^car"); a short prefix
// longer than that (were kb.MinBodyPrefix raised) is matched as a prefix.
const kbTitlePrefixMarks = 3

// kbAlternatives spells each term and prefix of a word, a prefix shorter
// than kb.MinBodyPrefix with short.
func kbAlternatives(m kb.Match, term, prefix, short string) []string {
	var out []string
	for _, t := range m.Terms {
		out = append(out, fmt.Sprintf(term, t))
	}
	for _, p := range m.Prefixes {
		if utf8.RuneCountInString(p) < kb.MinBodyPrefix {
			out = append(out, fmt.Sprintf(short, p))
		} else {
			out = append(out, fmt.Sprintf(prefix, p))
		}
	}
	return out
}

func weightSuffix(weight, sep string) string {
	if weight == "" {
		return ""
	}
	return sep + weight
}

func alternatives(m kb.Match, term, prefix string) []string {
	var out []string
	for _, t := range m.Terms {
		out = append(out, fmt.Sprintf(term, t))
	}
	for _, p := range m.Prefixes {
		out = append(out, fmt.Sprintf(prefix, p))
	}
	return out
}
