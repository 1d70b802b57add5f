package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// A search first counts, up to a limit, the entries of each query word's
// range and of each pair of heads' bucket (planSearch, searchRarePairs):
// the counts choose how the page is read. A count costs what it reads, so
// the dear ones are those that reach their limit, the common words ("sarl",
// "lyon", "gmail": at 1M organisations a five-word name read 10,000 word
// entries and nearly as many pair entries, 2.4 of its 2.9 ms of CPU). They
// are also the ones that stay true: a word common in a workspace stays
// common while its records last. So a count that reached its limit is
// kept for searchCountTTL and not read again; any other is read at every
// search (a rare word's count is cheap and may grow at the next record; a
// word matching nothing must find the record created a moment later).
//
// A kept count only chooses the reading: were the word no longer common
// (its records deleted meanwhile), the page would walk where it could have
// read a range, and find the same records.

// searchCountTTL is how long a count that reached its limit is trusted.
const searchCountTTL = 10 * time.Minute

// searchCountsMost bounds the counts kept (a word, its prefixes as they are
// typed and the pairs of whole names: a few per query).
const searchCountsMost = 16384

// searchCountsKept turns the kept counts on (the benchmark turns them off
// to measure a search that counts everything).
var searchCountsKept = true

// countSearch counts, in one round trip, the entries of table in workspace
// wsID matching cond(a, b) for each pair of values, up to limit each (cond
// is given the two values' placeholders). A value whose entries were
// found at least limit times within searchCountTTL is not read again: its
// count is limit.
func (s *Store) countSearch(ctx context.Context, table string, wsID int64, limit int, values [][2]string, cond func(a, b string) string) ([]int, error) {
	counts := make([]int, len(values))
	keys := make([]string, len(values))
	now := time.Now()
	var parts []string
	var dest []any
	args := []any{wsID, limit}
	for i, v := range values {
		keys[i] = table + "\x00" + strconv.FormatInt(wsID, 10) + "\x00" + v[0] + "\x00" + v[1]
		if n, ok := s.searchCounts.get(keys[i], now, searchCountTTL); ok && n >= limit && searchCountsKept {
			counts[i] = limit
			keys[i] = "" // kept already
			continue
		}
		args = append(args, v[0], v[1])
		parts = append(parts, `(SELECT count(*) FROM (SELECT 1 FROM `+table+` WHERE workspace_id = $1 AND `+
			cond(`$`+strconv.Itoa(len(args)-1), `$`+strconv.Itoa(len(args)))+` LIMIT $2) m)`)
		dest = append(dest, &counts[i])
	}
	if len(parts) == 0 {
		return counts, nil
	}
	if err := s.countOnce(ctx, `SELECT `+strings.Join(parts, ", "), args, dest); err != nil {
		return nil, err
	}
	for i, n := range counts {
		if keys[i] != "" && n >= limit {
			s.searchCounts.put(keys[i], n, now, searchCountsMost)
		}
	}
	return counts, nil
}
