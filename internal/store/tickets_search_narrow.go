package store

import (
	"context"
	"fmt"
	"time"
)

// narrowProbe is how many documents a viewer may read at most, on SQLite,
// for a search without a tier filter to ask for their keys
// (sqAccessMatch). A viewer who reads r of D documents makes the plain walk
// read about SearchCandidates × D / r matches before its candidates are
// found (every match of the words when r < SearchCandidates: 118 ms of CPU
// for "facture paiement" at 1M tickets), the keyed walk about r: the keys
// pay while r < √(SearchCandidates × D), 31,623 at a million documents.
// The probe that counts r reads up to narrowProbe rowids (0.5–1 ms at 1M
// for the L1 agent, who reads far more): 5,000 keeps it small beside the
// plain walk's 7–12 ms, and at 25,000 documents and fewer every reading is
// cheap. Its answer is kept a minute (narrowViewers).
const narrowProbe = 5000

// sqAccessMatch is the FTS5 expression of the keys a search under f asks
// for: accessMatch under a tier filter; without one, the viewer's keys
// (viewerKeys) when they select fewer than narrowProbe documents, a
// bounded count that SQLite reads from the keys' posting lists alone.
func (s *Store) sqAccessMatch(ctx context.Context, f Filter) (string, error) {
	if len(f.TierIDs) > 0 {
		return f.accessMatch(), nil
	}
	keys := f.viewerKeys()
	if len(keys) == 0 {
		return "", nil
	}
	match := ftsAccessMatch(keys)
	narrow, ok := s.narrowViewers.get(match, time.Now(), narrowTTL)
	if !ok {
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM ticket_fts WHERE ticket_fts MATCH ? LIMIT ?)`,
			match, narrowProbe).Scan(&n); err != nil {
			return "", fmt.Errorf("search tickets: access keys: %w", err)
		}
		narrow = n < narrowProbe
		s.narrowViewers.put(match, narrow, time.Now(), narrowKept)
	}
	if !narrow {
		return "", nil
	}
	return match, nil
}

// narrowViewers keeps, for narrowTTL, whether a set of access keys selects
// fewer than narrowProbe documents, so that an agent's searches pay the
// probe once a minute rather than each time. A stale answer only chooses
// the slower reading for that minute: the keys themselves are read from
// the viewer at each search, and the ticket row still decides.
type narrowViewers = keptAnswers[bool]

const (
	// narrowTTL is how long a probe's answer is used.
	narrowTTL = time.Minute
	// narrowKept bounds the answers kept: past it they are all dropped
	// (a workspace's agents are far fewer).
	narrowKept = 4096
)
