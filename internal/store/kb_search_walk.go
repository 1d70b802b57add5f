package store

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/palier/palier/internal/kb"
)

// kbWalkRowCost and kbWalkTitleRowCost are how many GIN posting entries
// one row read by kb_candidate_rows_walked (migration 0051) costs, about,
// when the patterns read the body's terms and when they read the title's
// only. Measured in psql at 100,000 articles, warm, load ~5: GIN builds
// its bitmap at ~1 µs per entry ('factur', 45,048 entries: 34–48 ms; the
// titles' '~fo':*, 12,143: 19 ms), the walk reads a row in ~1.5 µs with
// title patterns (800 rows: 1.2 ms) and ~4.5 µs with body patterns.
const (
	kbWalkRowCost      = 4.5
	kbWalkTitleRowCost = 1.5
)

// kbWalkMargin is how much cheaper than the GIN match the expected walk
// must be to be tried: the walk is bounded to the GIN match's cost, and a
// walk that does not fill the page is wasted (the GIN match then runs),
// so it is tried only when it should need a fraction of its bound.
const kbWalkMargin = 2

// kbWalk says whether the walk is chosen from the term counts, or (in
// tests, to compare the two ways of finding candidates) never or always,
// then reading at most kbWalkForced rows.
var (
	kbWalk       = kbWalkAuto
	kbWalkForced int64
)

type kbWalkMode int

const (
	kbWalkAuto kbWalkMode = iota
	kbWalkNever
	kbWalkAlways
)

// kbWalkRows returns how many rows of the table a walk may read to find
// limit candidates of a search whose words are alternatives (any word, or
// a single word), 0 when the GIN match should be used. The share of the
// workspace's articles the search finds is estimated from the term counts
// as its most common word's (a prefix's count being the sum of its
// terms'); the GIN match's cost, as the posting entries of every term and
// prefix in every language (the language searched scaled to all, for
// terms).
func (s *Store) kbWalkRows(ctx context.Context, wsID int64, lang string, matches []kb.Match, counts kbCounts, titles bool, limit int, rowCost float64, memo kbPrefixMemo) (int64, error) {
	if kbWalk == kbWalkNever {
		return 0, nil
	}
	all := float64(counts.in(""))
	searched := float64(counts.in(lang))
	if all == 0 || searched == 0 {
		return 0, nil
	}
	var best, entries float64
	for _, m := range matches {
		held, posted, err := s.kbWordDocs(ctx, wsID, lang, m, counts, titles, memo)
		if err != nil {
			return 0, err
		}
		best = max(best, float64(held))
		entries += posted
	}
	bound := int64(entries / rowCost)
	if kbWalk == kbWalkAlways {
		return kbWalkForced, nil
	}
	if best == 0 {
		return 0, nil
	}
	expected := float64(limit) * all / best
	if expected*rowCost*kbWalkMargin > entries {
		return 0, nil
	}
	return bound, nil
}

// kbWordDocs estimates, for word m of a search in lang (titles: in titles
// only), how many articles of the language searched hold it, and how many
// GIN posting entries its match reads, in every language: the sums of
// its terms' counts, a prefix not spelled as terms counted from
// kb_term_docs (kbPrefixDocs).
func (s *Store) kbWordDocs(ctx context.Context, wsID int64, lang string, m kb.Match, counts kbCounts, titles bool, memo kbPrefixMemo) (held int64, entries float64, err error) {
	// The counts of terms are of the language searched; GIN reads every
	// language's entries, about in proportion.
	scale := float64(counts.in("")) / float64(counts.in(lang))
	// A term may be both the word's stem and one of its prefix's terms
	// ("factur"): its posting list is read once.
	seen := map[string]bool{}
	count := func(t string, inTitle bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		n := counts.docs[t]
		if titles || inTitle {
			n = counts.titles[t]
		}
		held += n
		entries += float64(n) * scale
	}
	for _, t := range m.Terms {
		count(t, false)
	}
	for j, p := range m.Prefixes {
		short := utf8.RuneCountInString(p) < kb.MinBodyPrefix
		if j < len(m.PrefixTerms) && m.PrefixTerms[j] != nil {
			for _, t := range m.PrefixTerms[j] {
				count(t, short)
			}
			continue
		}
		key := kbPrefixKey{p, titles || short}
		c, ok := memo[key]
		if !ok {
			if c, err = s.kbPrefixDocs(ctx, wsID, lang, key); err != nil {
				return 0, 0, err
			}
			memo[key] = c
		}
		held += c.searched
		entries += float64(c.all)
	}
	return held, entries, nil
}

// kbWalkedRows appends to cands the first limit articles, in storage
// order, matching any of the LIKE patterns inTitle on their title's terms
// or anywhere on all their terms (kbRowPatterns), reading at most maxRows rows of the table; ok is false, and
// cands unchanged, when the rows read held fewer than limit (the GIN match
// must then find them: the walk stopped before the end of the table).
func (s *Store) kbWalkedRows(ctx context.Context, wsID int64, lang, status, visibility string, inTitle, anywhere []string, limit int, maxRows int64, cands []kb.Candidate) ([]kb.Candidate, bool, error) {
	// The rows a block holds, from the table's statistics (any estimate
	// will do: a walk that stops short only falls back to the index).
	rows, err := s.read.QueryContext(ctx, `SELECT `+kbRankColumns+` FROM kb_candidate_rows_walked($1, $2, $3, $4, $5, $6, $7,
		(SELECT CASE WHEN reltuples > 0 AND relpages > 0 THEN least(ceil($8::bigint * relpages::float8 / reltuples), 4294967294)::bigint
		ELSE least($8::bigint, 4294967294) END
		FROM pg_class WHERE oid = 'kb_articles'::regclass)) x`,
		wsID, lang, status, visibility, limit, nonNil(inTitle), nonNil(anywhere), maxRows)
	if err != nil {
		return cands, false, fmt.Errorf("walk articles: %w", err)
	}
	walked, err := scanKBCandidates(rows, nil)
	if err != nil || len(walked) < limit {
		return cands, false, err
	}
	seen := map[int64]bool{}
	for _, c := range cands {
		seen[c.ID] = true
	}
	for _, c := range walked {
		if !seen[c.ID] {
			cands = append(cands, c)
		}
	}
	return cands, true, nil
}

// kbTryWalk finds a search's candidates by walking the table
// (kbWalkedRows) when the term counts say it costs less than the GIN
// match (kbWalkRows); ok is false when the GIN match must run instead.
func (s *Store) kbTryWalk(ctx context.Context, wsID int64, lang, status, visibility string, matches []kb.Match, counts kbCounts, titles bool,
	limit int, cands []kb.Candidate, memo kbPrefixMemo) ([]kb.Candidate, bool, error) {
	var inTitle, anywhere []string
	for _, m := range matches {
		t, a := kbRowPatterns(m, titles)
		inTitle, anywhere = append(inTitle, t...), append(anywhere, a...)
	}
	rowCost := kbWalkRowCost
	if len(anywhere) == 0 {
		rowCost = kbWalkTitleRowCost
	}
	maxRows, err := s.kbWalkRows(ctx, wsID, lang, matches, counts, titles, limit, rowCost, memo)
	if err != nil || maxRows == 0 {
		return cands, false, err
	}
	return s.kbWalkedRows(ctx, wsID, lang, status, visibility, inTitle, anywhere, limit, maxRows, cands)
}
