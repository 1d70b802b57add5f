package store

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/palier/palier/internal/kb"
)

// kbRowCost is how many GIN posting entries one row checked by
// kb_candidate_rows_checked costs, about (measured in psql at 100,000
// articles: "refund fo" in English titles, 250 rows checked against a
// prefix of 12,800 entries, 4 ms against 26; in bodies, ~1,300 rows
// against the same prefix, 62 ms against 32).
const kbRowCost = 20

// kbCheckedWord returns which word of an every-word search is checked on
// the candidate rows, -1 for none: a word with a prefix beginning more
// known terms than were looked up, when checking it on the rows the other
// words find costs less than its GIN match, which reads the posting list
// of every term it begins (in every language). The rows read are
// estimated from the term counts: the limit divided by the prefix's share
// of the articles searched, at most the articles the other words are
// expected to leave (their shares multiplied, as if independent). A
// prefix's count is the sum of its terms' (an upper bound). titles says
// whether the search looks in titles only.
func (s *Store) kbCheckedWord(ctx context.Context, wsID int64, lang string, matches []kb.Match, counts kbCounts, titles bool, limit int, memo kbPrefixMemo) (int, error) {
	n := float64(counts.in(lang))
	if len(matches) < 2 || n == 0 {
		return -1, nil
	}
	for i := len(matches) - 1; i >= 0; i-- {
		m := matches[i]
		for j, p := range m.Prefixes {
			if j < len(m.PrefixTerms) && m.PrefixTerms[j] != nil {
				continue
			}
			if kbPrefixMarked(p) {
				continue // one exact term: GIN skips through it
			}
			key := kbPrefixKey{p, titles || utf8.RuneCountInString(p) < kb.MinBodyPrefix}
			held, ok := memo[key]
			if !ok {
				var err error
				if held, err = s.kbPrefixDocs(ctx, wsID, lang, key); err != nil {
					return -1, err
				}
				memo[key] = held
			}
			if held.searched == 0 {
				continue
			}
			rows := float64(limit) * n / float64(held.searched)
			others := n
			for k, o := range matches {
				if k != i {
					others *= min(1, float64(kbWordCount(o, counts, titles, int64(n)))/n)
				}
			}
			if min(rows, others)*kbRowCost < float64(held.all) {
				return i, nil
			}
		}
	}
	return -1, nil
}

// kbPrefixMarked says whether prefix p is looked up as its title prefix
// mark (migration 0052) rather than as a prefix match.
func kbPrefixMarked(p string) bool {
	n := utf8.RuneCountInString(p)
	return n < kb.MinBodyPrefix && n <= kbTitlePrefixMarks
}

// kbWordCount estimates how many of the n articles searched hold word m
// (titles: in their title): the sum of its terms' counts, n when a prefix
// was not spelled as terms.
func kbWordCount(m kb.Match, counts kbCounts, titles bool, n int64) int64 {
	count := func(t string, inTitle bool) int64 {
		if titles || inTitle {
			return counts.titles[t]
		}
		return counts.docs[t]
	}
	var total int64
	for _, t := range m.Terms {
		total += count(t, false)
	}
	for j, p := range m.Prefixes {
		if j >= len(m.PrefixTerms) || m.PrefixTerms[j] == nil {
			return n
		}
		short := utf8.RuneCountInString(p) < kb.MinBodyPrefix
		for _, t := range m.PrefixTerms[j] {
			total += count(t, short)
		}
	}
	return total
}

// kbPrefixMemo keeps the prefix counts one search has read (its title and
// body queries ask for the same).
type kbPrefixMemo map[kbPrefixKey]kbPrefixCount

type kbPrefixKey struct {
	prefix   string
	inTitles bool
}

// kbPrefixCount is the sum of the counts of a prefix's terms in the
// language searched, and in every language (what its GIN match reads).
type kbPrefixCount struct{ searched, all int64 }

// kbPrefixDocs sums the counts of the terms beginning with key.prefix, in
// titles or anywhere: an upper bound of the articles holding the prefix
// (one article may hold several of its terms), which is enough to tell
// a prefix in many articles from one in few.
func (s *Store) kbPrefixDocs(ctx context.Context, wsID int64, lang string, key kbPrefixKey) (kbPrefixCount, error) {
	col := "docs"
	if key.inTitles {
		col = "titles"
	}
	var c kbPrefixCount
	for _, l := range kb.Languages {
		var n int64
		if err := s.read.QueryRowContext(ctx, `SELECT coalesce(sum(`+col+`), 0) FROM kb_term_docs
			WHERE workspace_id = $1 AND language = $2 AND term >= $3 AND term < $4`, wsID, l, key.prefix, upperBound(key.prefix)).Scan(&n); err != nil {
			return c, fmt.Errorf("count search prefix: %w", err)
		}
		c.all += n
		if lang == "" || l == lang {
			c.searched += n
		}
	}
	return c, nil
}

// kbRowPatterns spells word m for kb_candidate_rows_checked: LIKE patterns
// on the title's terms and on all the article's terms, the alternatives
// kbTSAlternatives spells for the index, matching the same articles.
func kbRowPatterns(m kb.Match, titles bool) (inTitle, anywhere []string) {
	whole := func(t string) string { return "% " + t + " %" }
	add := func(titleOnly bool, pattern string) {
		if titles || titleOnly {
			inTitle = append(inTitle, pattern)
		} else {
			anywhere = append(anywhere, pattern)
		}
	}
	for _, t := range m.Terms {
		add(false, whole(t))
	}
	for i, p := range m.Prefixes {
		short := utf8.RuneCountInString(p) < kb.MinBodyPrefix
		if i < len(m.PrefixTerms) && len(m.PrefixTerms[i]) > 0 {
			for _, t := range m.PrefixTerms[i] {
				add(short, whole(t))
			}
			continue
		}
		add(short, "% "+p+"%")
	}
	return inTitle, anywhere
}

// kbCheckedRows appends to cands at most limit articles matching the
// tsquery q and word m, checked on the rows (migration 0050).
func (s *Store) kbCheckedRows(ctx context.Context, wsID int64, lang, status, visibility, q string, m kb.Match, titles bool, limit int, cands []kb.Candidate) ([]kb.Candidate, error) {
	inTitle, anywhere := kbRowPatterns(m, titles)
	rows, err := s.read.QueryContext(ctx, `SELECT `+kbRankColumns+` FROM kb_candidate_rows_checked($2, $1::tsquery, $3, $4, $5, $6, $7, $8) x`,
		q, wsID, lang, status, visibility, limit, nonNil(inTitle), nonNil(anywhere)) // empty arrays, not NULL
	if err != nil {
		return nil, err
	}
	return scanKBCandidates(rows, cands)
}

// kbSearchRows finds at most limit candidates of an every-word search
// (all) or any-word search on PostgreSQL, in titles only when titles is
// set, appending them to cands: by walking the table when the search is
// one OR of alternatives held by many articles (kbTryWalk), through the
// GIN index alone, or with a broad prefix checked on the rows when the
// term counts say it pays (kbCheckedWord).
func (s *Store) kbSearchRows(ctx context.Context, wsID int64, q kb.Query, matches []kb.Match, all, titles, mark bool, counts kbCounts, status, visibility string,
	limit int, cands []kb.Candidate, memo kbPrefixMemo) ([]kb.Candidate, error) {
	if !all || len(matches) == 1 {
		found, ok, err := s.kbTryWalk(ctx, wsID, q.Language, status, visibility, matches, counts, titles, limit, cands, memo)
		if err != nil || ok {
			return found, err
		}
	}
	checked := -1
	if all {
		var err error
		if checked, err = s.kbCheckedWord(ctx, wsID, q.Language, matches, counts, titles, limit, memo); err != nil {
			return nil, err
		}
	}
	if checked < 0 {
		return s.kbCandidateRows(ctx, wsID, q.Language, status, visibility, kbTSSearch(matches, all, titles, q.Language, mark), limit, cands)
	}
	others := append(append([]kb.Match{}, matches[:checked]...), matches[checked+1:]...)
	return s.kbCheckedRows(ctx, wsID, q.Language, status, visibility, kbTSSearch(others, all, titles, q.Language, mark),
		matches[checked], titles, limit, cands)
}
