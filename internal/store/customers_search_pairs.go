package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The pairs of word heads (migration 0042) in a search whose words are
// all common (customers_search.go): which pairs a whole name's words make
// hold few records, and the page walked through one pair.

// pairsCounted bounds the entries the pair buckets' count reads in all,
// shared by the pairs of the query's heads: about what counting five
// common words reads (5 × searchRare); a whole name of five common words
// has ten pairs, each counted up to 1,000. Index entries counted cost a
// tenth of records probed: at 6,000 (600 a pair) the whole name above
// missed its second bucket (611) and probed 308 records instead of 8,
// 1.3–2 ms more of PostgreSQL's CPU than the wider count cost.
const pairsCounted = 10000

// searchRarePairs counts, when the common words have three heads or more
// (so that the longest two make one pair of several), the records of
// each pair of heads (the pairs index's buckets, up to searchRare, fewer
// when there are many pairs: pairsCounted in all), in one more round
// trip. A bucket under that count is read whole and intersected, as a
// rare word's range is: every word of a whole name is common ("Maison
// Tournesol Distribution Orléans Ltd": each word in 1 of 8 to 1 of 79 of
// 1M organisations), yet two of its pairs hold 308 and 611 records, and
// their intersection 8, where the walk of the longest two words' pair read
// 2,123 and probed each (12 ms of PostgreSQL's CPU). A bucket that is
// empty means no record holds both heads: nothing matches.
func (s *Store) searchRarePairs(ctx context.Context, ix termIndex, wsID int64, p searchPlan) (searchPlan, error) {
	var heads []string
	for _, h := range p.heads {
		if h != "" && !slices.Contains(heads, h) {
			heads = append(heads, h)
		}
	}
	if len(heads) < 3 {
		return p, nil
	}
	slices.Sort(heads)
	var pairs [][2]string
	for i, a := range heads {
		for _, b := range heads[i+1:] {
			pairs = append(pairs, [2]string{a, b})
		}
	}
	limit := min(searchRare, pairsCounted/len(pairs))
	counts, err := s.countSearch(ctx, ix.pairs, wsID, limit, pairs, func(a, b string) string {
		return `head_a = ` + a + ` AND head_b = ` + b
	})
	if err != nil {
		return p, fmt.Errorf("search %s: %w", ix.records, err)
	}
	order := make([]int, len(pairs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return counts[a] - counts[b] })
	for _, i := range order {
		switch {
		case counts[i] == 0:
			return searchPlan{none: true}, nil
		case counts[i] < limit && len(p.pairs) < 2:
			// The two smallest: a third bucket would cost its whole read
			// to remove candidates the probes of the words remove anyway.
			p.pairs = append(p.pairs, pairs[i])
		}
	}
	return p, nil
}

// pairQuery is searchQuery when two common words have distinct heads: the
// page walks the records holding both heads (their bucket of the pairs
// index, newest first) and probes each word's own range among the
// record's words, except a word that is its head (the pair already says
// the record holds it). Two common words that seldom go together read
// their few near-matches instead of one word's whole bucket.
//
// The probe is by record (index ref, term: the range is the index
// condition), not through the word's head bucket: there PostgreSQL
// filtered the range on each entry and, for "thomas julie", merged the
// walk with 3,000 entries of the "jul" bucket; by record, 1.2-1.5 ms of
// CPU per call instead of 1.5-2.9 at 1M customers (SQLite a little less
// too).
func pairQuery(ix termIndex, p searchPlan, columns, extra string, args []any) (string, []any) {
	args = append(args, p.pair[0], p.pair[1])
	n := len(args)
	conds := []string{`d.workspace_id = $1`, `d.head_a = $` + strconv.Itoa(n-1), `d.head_b = $` + strconv.Itoa(n), `d.` + ix.ref + ` < $2`}
	for i, o := range p.common {
		h := p.heads[i]
		if o[0] == h && (h == p.pair[0] || h == p.pair[1]) {
			continue
		}
		args = append(args, o[0], o[1])
		n := len(args)
		conds = append(conds, `EXISTS (SELECT 1 FROM `+ix.terms+` w WHERE w.`+ix.ref+` = d.`+ix.ref+` AND w.term >= $`+strconv.Itoa(n-1)+` AND w.term < $`+strconv.Itoa(n)+`)`)
	}
	if extra != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM `+ix.records+` r WHERE r.id = d.`+ix.ref+` AND `+extra+`)`)
	}
	return `SELECT ` + columns + ` FROM ` + ix.records + ` r WHERE r.workspace_id = $1 AND r.id IN (SELECT d.` + ix.ref + ` FROM ` +
		ix.pairs + ` d WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY d.` + ix.ref + ` DESC LIMIT $3) ORDER BY r.id DESC`, args
}
