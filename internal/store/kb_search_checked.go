package store

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/palier/palier/internal/kb"
)

// kbCheckedShare is the share of the articles searched from which a broad
// prefix of an every-word search is checked on the rows the other words
// find rather than looked up in the GIN index (migration 0050). Then at
// most 1/kbCheckedShare rows are read per candidate kept; below it, few
// rows pass and the walk would read many ("refund fo": 'refund' leaves
// ~2,400 English articles and few have a title word beginning "fo").
const kbCheckedShare = 0.2

// kbCheckedWord returns which word of an every-word search is checked on
// the candidate rows (see kbCheckedShare), -1 for none: a word with a
// prefix beginning more known terms than were looked up, when the term
// counts put its prefix in at least kbCheckedShare of the n articles
// searched, and when another word is left for the index to look up.
// titles says whether the search looks in titles only.
func (s *Store) kbCheckedWord(ctx context.Context, wsID int64, lang string, matches []kb.Match, n int, titles bool, memo kbPrefixMemo) (int, error) {
	if len(matches) < 2 || n == 0 {
		return -1, nil
	}
	for i := len(matches) - 1; i >= 0; i-- {
		m := matches[i]
		for j, p := range m.Prefixes {
			if j < len(m.PrefixTerms) && m.PrefixTerms[j] != nil {
				continue
			}
			inTitles := titles || utf8.RuneCountInString(p) < kb.MinBodyPrefix
			key := kbPrefixKey{p, inTitles}
			holding, ok := memo[key]
			if !ok {
				var err error
				if holding, err = s.kbPrefixDocs(ctx, wsID, lang, p, inTitles); err != nil {
					return -1, err
				}
				memo[key] = holding
			}
			if float64(holding) >= kbCheckedShare*float64(n) {
				return i, nil
			}
		}
	}
	return -1, nil
}

// kbPrefixMemo keeps the prefix counts one search has read (its title and
// body queries ask for the same).
type kbPrefixMemo map[kbPrefixKey]int64

type kbPrefixKey struct {
	prefix   string
	inTitles bool
}

// kbPrefixDocs sums the counts of the terms beginning with p, in titles
// or anywhere: an upper bound of the articles holding the prefix (one
// article may hold several of its terms), which is enough to tell a
// prefix in many articles from one in few.
func (s *Store) kbPrefixDocs(ctx context.Context, wsID int64, lang, p string, inTitles bool) (int64, error) {
	col := "docs"
	if inTitles {
		col = "titles"
	}
	langs := []string{lang}
	if lang == "" {
		langs = kb.Languages
	}
	var total int64
	for _, l := range langs {
		var n int64
		if err := s.read.QueryRowContext(ctx, `SELECT coalesce(sum(`+col+`), 0) FROM kb_term_docs
			WHERE workspace_id = $1 AND language = $2 AND term >= $3 AND term < $4`, wsID, l, p, upperBound(p)).Scan(&n); err != nil {
			return 0, fmt.Errorf("count search prefix: %w", err)
		}
		total += n
	}
	return total, nil
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
// set, appending them to cands: through the GIN index alone, or with a
// broad prefix checked on the rows when the term counts say it pays
// (kbCheckedWord).
func (s *Store) kbSearchRows(ctx context.Context, wsID int64, q kb.Query, matches []kb.Match, all, titles, mark bool, n int, status, visibility string,
	limit int, cands []kb.Candidate, memo kbPrefixMemo) ([]kb.Candidate, error) {
	checked := -1
	if all {
		var err error
		if checked, err = s.kbCheckedWord(ctx, wsID, q.Language, matches, n, titles, memo); err != nil {
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
