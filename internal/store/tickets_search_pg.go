package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palier/palier/internal/kb"
)

// PostgreSQL reads a search's candidates one of two ways, and the planner
// chose between them badly when it had to weigh the words against the
// filter: a phrase of two rare words (509 matching tickets of a million)
// under an agent's access was joined to a scan of every ticket the agent
// may read (1.2–2 s at load), and a common word's plan under created_from
// flipped between runs. Its estimate of the words alone is good (357
// expected, 509 found; 107,845 expected, 150,000 found), so the search
// asks for that estimate and picks the reading itself:
//   - few matches: the index's matches first (pgMatchesFirst), each
//     checked against the filter by primary key, whatever the filter;
//   - many: the newest tickets the filter selects, each checked against
//     its document until SearchCandidates match, or the newest documents,
//     each match's ticket checked against the filter (TicketSearch.pgWalk).
// Reading m matches costs about m document checks; walking the newest
// tickets costs at least SearchCandidates × n / m checks for n documents
// (more when the filter rejects some): the first is cheaper while
// m ≤ √(SearchCandidates × n), 31,623 matches at a million tickets.
//
// An agent searching only tiers they do not work in skips the estimate:
// the access keys (migration 0058) make the index return only the matches
// the agent may read there, a small share of the words' (pgMatchesFirst
// with the keys of Filter.pgAccessQuery). An agent who may read few
// documents anywhere (their keys' estimate, beside the words', says so:
// pgFewMatches) has the matches read through their keys too.
//
// Both readings from the index spell a word being typed as the terms it
// begins (pgPrefixTerms), which GIN intersects by skipping, where it
// reads a prefix's every document first.

// pgSearchCandidates reads PostgreSQL's candidates of q the cheapest way
// its filter and the planner's estimate allow (see above).
func (s *Store) pgSearchCandidates(ctx context.Context, wsID int64, q TicketSearch) ([]candidate, error) {
	typed := tsQuery(q.Matches, true, "")
	keys, few, docsFirst, err := s.pgReading(ctx, wsID, q, typed)
	if err != nil {
		return nil, err
	}
	if keys != "" || few {
		tsq, err := s.pgSpelled(ctx, q.Matches, typed)
		if err != nil {
			return nil, err
		}
		return s.pgMatchesFirst(ctx, wsID, q, tsq, keys, keys != "")
	}
	// The walk checks documents one at a time, where a prefix is one
	// lookup in the document and its spelled terms one each: it reads the
	// words as typed (and needs no look-up of the prefixes).
	query, args := q.pgWalk(wsID, typed, docsFirst)
	return s.candidates(ctx, query, args, true)
}

// pgReading chooses how q's candidates are read (typed: its words as a
// tsquery): through the access keys (keys, a tsquery on the access
// column) when the filter names only tiers the viewer does not work in,
// or names none and the viewer may read few documents (pgFewMatches'
// narrow); else the index's matches first when the words match few
// documents (few), else the walk, from the documents when docsFirst
// (pgWalk).
func (s *Store) pgReading(ctx context.Context, wsID int64, q TicketSearch, typed string) (keys string, few, docsFirst bool, err error) {
	if keys := q.Filter.pgAccessQuery(); keys != "" && q.Filter.outOfTiers() {
		return keys, false, false, nil
	}
	var viewer string
	if len(q.Filter.TierIDs) == 0 {
		viewer = pgKeysQuery(q.Filter.viewerKeys())
	}
	e, err := s.pgFewMatches(ctx, typed, viewer, wsID)
	if err != nil {
		return "", false, false, err
	}
	if e.narrow {
		keys = viewer
	}
	return keys, e.few, e.mostDocs && !q.pgNarrows(), nil
}

// searchEstimates is what pgFewMatches reads from the planner's estimates.
type searchEstimates struct {
	few, narrow bool
	// mostDocs tells that the workspace holds at least half the documents
	// (pgWalk: else a walk of the newest documents reads mostly other
	// workspaces').
	mostDocs bool
}

// pgTicketQuery is a search's words as two tsqueries: match, which
// selects the documents, its typed prefixes spelled as the terms they
// begin where few do (pgPrefixTerms), and rank, the words as typed, which
// scores them. Both select the same documents; ts_rank counts a query's
// terms, so the score keeps the spelling it always had.
type pgTicketQuery struct{ match, rank string }

// pgSpelled is the pgTicketQuery of matches, whose typed tsquery is typed.
func (s *Store) pgSpelled(ctx context.Context, matches []kb.Match, typed string) (pgTicketQuery, error) {
	spelled, err := s.pgPrefixTerms(ctx, matches)
	if err != nil {
		return pgTicketQuery{}, err
	}
	return pgTicketQuery{match: pgSpelledQuery(spelled), rank: typed}, nil
}

// pgPrefixTerms returns matches with each prefix's terms looked up in the
// documents' vocabulary (migration 0065, which holds every term of every
// document): kb.Match.PrefixTerms, nil for a prefix beginning more than
// kb.MaxPrefixTerms terms or one that to_tsquery would read otherwise.
// GIN collects every document of a prefix into a bitmap before
// intersecting anything (124,540 for "rembou" at 1M tickets: 79 ms of CPU
// under an agent's access keys, 17 ms spelled out).
func (s *Store) pgPrefixTerms(ctx context.Context, matches []kb.Match) ([]kb.Match, error) {
	var prefixes, uppers []string
	for _, m := range matches {
		for _, p := range m.Prefixes {
			prefixes, uppers = append(prefixes, p), append(uppers, upperBound(p))
		}
	}
	if len(prefixes) == 0 {
		return matches, nil
	}
	// spelled: the term reads back as itself through the text parser, as
	// to_tsquery('simple') will read it ("e-mail" would become a phrase of
	// its parts, "o'neil" two words): a prefix with a term that does not
	// is kept as a prefix.
	rows, err := s.read.QueryContext(ctx, `SELECT p.i, t.term, tsvector_to_array(to_tsvector('simple', t.term)) = ARRAY[t.term::text]
		FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(prefix, upper, i)
		CROSS JOIN LATERAL (SELECT DISTINCT term FROM ticket_search_terms
			WHERE term >= p.prefix COLLATE "C" AND term < p.upper COLLATE "C" ORDER BY term LIMIT $3) t`,
		prefixes, uppers, kb.MaxPrefixTerms+1)
	if err != nil {
		return nil, fmt.Errorf("search tickets: prefixes: %w", err)
	}
	begun := make([][]string, len(prefixes))
	unspelled := make([]bool, len(prefixes))
	for rows.Next() {
		var i int
		var term string
		var spelled bool
		if err := rows.Scan(&i, &term, &spelled); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search tickets: prefixes: %w", err)
		}
		begun[i-1] = append(begun[i-1], term)
		unspelled[i-1] = unspelled[i-1] || !spelled
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("search tickets: prefixes: %w", err)
	}
	out := make([]kb.Match, len(matches))
	n := 0
	for i, m := range matches {
		m.PrefixTerms = make([][]string, len(m.Prefixes))
		for j := range m.Prefixes {
			if len(begun[n]) <= kb.MaxPrefixTerms && !unspelled[n] {
				// Empty, not nil, when none: the prefix matches nothing.
				m.PrefixTerms[j] = append([]string{}, begun[n]...)
			}
			n++
		}
		out[i] = m
	}
	return out, nil
}

// pgSpelledQuery is tsQuery with each prefix whose terms were looked up
// spelled as those terms.
func pgSpelledQuery(matches []kb.Match) string {
	parts := make([]string, len(matches))
	for i, m := range matches {
		var alts []string
		add := func(a string) {
			if !slices.Contains(alts, a) {
				alts = append(alts, a)
			}
		}
		for _, t := range m.Terms {
			add("'" + t + "'")
		}
		for j, p := range m.Prefixes {
			if j < len(m.PrefixTerms) && m.PrefixTerms[j] != nil {
				for _, t := range m.PrefixTerms[j] {
					add("'" + t + "'") // the word's own stem is often one of them
				}
				continue
			}
			add("'" + p + "':*")
		}
		if len(alts) == 0 {
			// Only prefixes, none begun by any term: the word matches
			// nothing, as its prefixes would.
			alts = append(alts, "'"+m.Prefixes[0]+"':*")
		}
		parts[i] = "(" + strings.Join(alts, " | ") + ")"
	}
	return strings.Join(parts, " & ")
}

// docCount is the number of search documents as PostgreSQL's statistics
// last counted them (pg_class.reltuples), read at most once a minute: it
// only sets the estimate's threshold (a square root), which a minute of
// new tickets does not move, and reading it cost a round trip per search.
type docCount struct {
	mu   sync.Mutex
	n    float64
	read time.Time
}

// docCountTTL is how long a document count is used before it is read again.
const docCountTTL = time.Minute

// pgSearchDocs returns the count of search documents, from the cache when
// the count is under a minute old. A count from before the first ANALYZE
// (-1, or 0 for an empty table) is not kept: the next search reads it
// again, so that statistics gathered meanwhile count at once (the tests
// analyse, then search).
func (s *Store) pgSearchDocs(ctx context.Context) (float64, error) {
	c := &s.searchDocs
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n > 0 && time.Since(c.read) < docCountTTL {
		return c.n, nil
	}
	var docs float64
	if err := s.read.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'ticket_search'::regclass`).Scan(&docs); err != nil {
		return 0, fmt.Errorf("search tickets: documents: %w", err)
	}
	c.n, c.read = docs, time.Now()
	return docs, nil
}

// pgFewMatches tells whether the planner expects few enough documents to
// hold every word of tsq for reading the matches first to be cheaper, and,
// given the viewer's keys (Filter.viewerKeys, as a tsquery), whether it
// expects few enough documents the viewer may read for reading the matches
// first through those keys to be (narrow). Both estimates come from one
// statement's plan, so that a narrow viewer costs no extra round trip.
//
// A viewer who may read almost nothing (an agent whose tiers hold a few
// tickets) found few readable tickets among the newest: either walk read
// every match of a common word in the whole table (0.6–1.2 s of server CPU
// for "facture paiement" at 1M tickets) where the keys' posting lists
// hold a handful. With the keys, the reading costs about the matches the
// viewer may read, m × k / n for m matches, k keyed documents of n; the
// walk about SearchCandidates × n / k document checks: the keys are read
// when k is under the words' threshold (then the first is always the
// smaller), or when many words match and the first is smaller. At 1M
// tickets (psql, the search's statements) an agent of tier L3 (67,701 keyed documents expected) read the
// common pair's 10,652 readable matches in 33–37 ms, where the walk took
// 87–111 ms; an agent of tier L4 (28,434) 28–29 against 206–259 ms; the L1
// agent (695,139) keeps the walk (bench/README.md, twelfth session).
//
// The same plan estimates the workspace's tickets (wsID), for the walk's
// choice of its first table (pgWalk): the newest documents are worth
// walking first only when most of them are the workspace's.
func (s *Store) pgFewMatches(ctx context.Context, tsq, keys string, wsID int64) (searchEstimates, error) {
	stmt, args := `SELECT 1 FROM ticket_search WHERE search @@ to_tsquery('simple', $1)`, []any{tsq}
	if keys != "" {
		stmt += ` UNION ALL SELECT 1 FROM ticket_search WHERE access @@ $2::tsquery`
		args = append(args, keys)
	}
	args = append(args, wsID)
	stmt += ` UNION ALL SELECT 1 FROM tickets WHERE workspace_id = $` + strconv.Itoa(len(args))
	rows, err := s.pgEstimates(ctx, stmt, args)
	if err != nil {
		return searchEstimates{}, err
	}
	if len(rows) != len(args) {
		return searchEstimates{}, fmt.Errorf("search tickets: estimate: %d branches for %d", len(rows), len(args))
	}
	docs, err := s.pgSearchDocs(ctx)
	if err != nil {
		return searchEstimates{}, err
	}
	// reltuples is -1 before the first ANALYZE: the estimate means little
	// then, and a small table is cheap either way.
	var e searchEstimates
	limit := math.Sqrt(SearchCandidates * docs)
	e.few = docs > 0 && rows[0] <= limit
	if keys != "" && docs > 0 {
		m, k := rows[0], max(rows[1], 1)
		e.narrow = k <= limit || !e.few && m*k/docs <= SearchCandidates*docs/k
	}
	e.mostDocs = docs > 0 && rows[len(rows)-1] >= docs/2
	return e, nil
}

// pgEstimates returns the planner's expected rows of each branch of
// stmt, a UNION ALL, in order (the caller checks their number).
func (s *Store) pgEstimates(ctx context.Context, stmt string, args []any) ([]float64, error) {
	var plan []byte
	if err := s.read.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) `+stmt, args...).Scan(&plan); err != nil {
		return nil, fmt.Errorf("search tickets: estimate: %w", err)
	}
	type node struct {
		Rows  float64 `json:"Plan Rows"`
		Plans []node  `json:"Plans"`
	}
	var out []struct{ Plan node }
	if err := json.Unmarshal(plan, &out); err != nil || len(out) != 1 {
		return nil, fmt.Errorf("search tickets: estimate: %q: %v", plan, err)
	}
	top := out[0].Plan
	rows := make([]float64, len(top.Plans))
	for i, p := range top.Plans {
		rows[i] = p.Rows
	}
	return rows, nil
}

// pgMatchesFirst reads the candidates from the index's matches: their ids
// (a bitmap of the index), then those tickets by primary key, checked
// against the whole filter (the viewer's access included), newest first.
// The ids are an array on purpose: as a join, the planner scanned every
// ticket the filter selects to hash them against the few matches. With
// keys (Filter.pgAccessQuery), the index also intersects the words with
// the documents' access keys (migration 0058): only what the viewer may
// read under the filter's tiers comes out of it.
//
// serial runs it in pgSerial's transaction. Without keys it is read only
// when the estimate says few matches (≤ √(SearchCandidates × documents)),
// and then its plan needs neither: the matches are an InitPlan, which the
// planner did not give workers even for 268,633 expected rows at 1M
// tickets, and the plan's cost, about 1.4 per expected match (148,753 for
// 107,619), stays under jit_above_cost's default of 100,000 at 31,623.
// Without the transaction the search saves three round trips (BEGIN, SET,
// ROLLBACK). The keyed reading has no estimate of its size: it keeps the
// transaction.
//
// The ranking's tsquery is a scalar subquery, parsed once: written inline,
// to_tsquery (stable, not immutable) was parsed again for each of the
// thousand candidates, 3–4 ms of the keyed reading's 28–31 ms of server
// CPU (the L1 agent's "facture paiement" under tier=L2, bench/README.md).
func (s *Store) pgMatchesFirst(ctx context.Context, wsID int64, q TicketSearch, tsq pgTicketQuery, keys string, serial bool) ([]candidate, error) {
	where, a := q.where(wsID)
	match, rank, lim := a.arg(tsq.match), a.arg(tsq.rank), a.arg(SearchCandidates)
	keyed := ""
	if keys != "" {
		keyed = ` AND access @@ ` + a.arg(keys) + `::tsquery`
	}
	return s.candidates(ctx, `SELECT c.id, `+pgRank("(SELECT to_tsquery('simple', "+rank+"))")+`
		FROM (SELECT id FROM tickets WHERE id = ANY(ARRAY(SELECT ticket_id FROM ticket_search WHERE search @@ to_tsquery('simple', `+match+`)`+keyed+`))
			AND `+where+` ORDER BY id DESC LIMIT `+lim+`) c
		JOIN ticket_search s ON s.ticket_id = c.id ORDER BY c.id DESC`, a.args, serial)
}

// pgSerial begins a read-only transaction whose queries run in their
// backend alone, without JIT compilation. A search's walk of a few
// thousand documents was planned with two parallel workers: each worker is
// a process started for the query, and at eight searches at once on two
// cores they add CPU (counted from the server's process tree) without
// adding cores. JIT compiles expressions for tens of milliseconds on plans
// whose estimated cost passes jit_above_cost, which the walks' estimates
// (every document, before LIMIT) sometimes did. The caller rolls back.
func (s *Store) pgSerial(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off`); err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	return tx, nil
}

// pgWalk is the statement of a search's walk (pgSearchCandidates: many
// matches) and its arguments. It walks the newest of one table and probes
// the other by primary key for each row, until SearchCandidates tickets
// pass both the filter and the words:
//   - tickets first (pgTicketsWalk) when the filter narrows the tickets
//     (pgNarrows): an index in id order serves it (tickets_status for
//     status=open), and only the tickets it keeps have their document read;
//   - documents first (pgDocsWalk) when it does not (no filter but the
//     viewer's access and a creation date from): then the walk over the
//     tickets passed nearly every ticket to the document check, a probe of
//     ticket_search's primary key (about 4 buffers) per ticket, 6,287 for
//     the admin's 1,000 candidates of "facture paiement" at 1M tickets;
//     walked newest first, the documents are checked where they lie (2,620
//     buffers for those 6,287) and only the 1,000 matches probe their
//     ticket. Server CPU per statement, alone: admin 9–10 → 4–5.5 ms,
//     L1 agent 14.5–18.5 → 8.5–10.5 ms (bench/README.md, twelfth session).
//
// Under a narrowing filter the documents first would read every document
// the filter rejects: tier=L2 (a fifth of the tickets) measured 26–27 ms
// against 17–18 tickets first.
//
// Documents first also needs the workspace to hold most documents
// (docsFirst, from pgFewMatches' estimates): the newest documents of a
// small workspace's search are mostly other workspaces', every one a
// probe of its ticket. The admin of a one-ticket workspace searching
// "facture paiement" beside a million-ticket one read them for 0.5 s of
// CPU (15 s on a cold connection) where the tickets first take 1 ms.
func (q TicketSearch) pgWalk(wsID int64, typed string, docsFirst bool) (string, []any) {
	where, a := q.where(wsID)
	match, lim := a.arg(typed), a.arg(SearchCandidates)
	if !docsFirst {
		return pgTicketsWalk(where, match, lim), a.args
	}
	return pgDocsWalk(where, match, lim), a.args
}

// pgNarrows tells whether the search's filter, its viewer left aside,
// selects fewer tickets than the workspace's: any condition of the list's
// (Filter.base, so that a condition added there counts here too), a tier
// or a creation date before. A creation date from does not: the newest
// tickets, where both walks start, are the ones created last.
func (q TicketSearch) pgNarrows() bool {
	return len(q.Filter.TierIDs) > 0 || !q.CreatedBefore.IsZero() ||
		q.Filter.base(&sqlArgs{args: []any{nil}}) != "workspace_id = $1"
}

// pgTicketsWalk walks the newest tickets the filter (where) selects,
// through whichever index orders them (tickets_status for status=open, the
// primary key…), and checks each one's document. The document check is a
// LATERAL subquery behind OFFSET 0, so that the planner cannot turn the
// walk into a merge join that checks every document newest first whatever
// the filter (23,461 documents for 1,000 open matches) or into reading
// every open ticket's document and sorting (45,296); it still picks the
// walk's index.
func pgTicketsWalk(where, match, lim string) string {
	return `SELECT tickets.id, r.rank FROM tickets CROSS JOIN LATERAL (
			SELECT ` + pgRank("to_tsquery('simple', "+match+")") + ` AS rank FROM ticket_search s
			WHERE s.ticket_id = tickets.id AND s.search @@ to_tsquery('simple', ` + match + `) OFFSET 0) r
		WHERE ` + where + ` ORDER BY tickets.id DESC LIMIT ` + lim
}

// pgDocsWalk walks the newest documents, checks each against the words,
// and probes the ticket of each match against the filter (where, the
// viewer's access included), in a LATERAL subquery behind OFFSET 0 for the
// same reason as pgTicketsWalk's, the other way round.
func pgDocsWalk(where, match, lim string) string {
	return `SELECT s.ticket_id, ` + pgRank("to_tsquery('simple', "+match+")") + ` FROM ticket_search s
		CROSS JOIN LATERAL (SELECT 1 FROM tickets WHERE tickets.id = s.ticket_id AND ` + where + ` OFFSET 0) t
		WHERE s.search @@ to_tsquery('simple', ` + match + `) ORDER BY s.ticket_id DESC LIMIT ` + lim
}

// pgRank is a document's score (s.search, the ticket_search row s) for
// the words of tsquery: the subject (weight A) counts most, then the
// messages (B); every reading ranks with it.
func pgRank(tsquery string) string {
	return `ts_rank('{0.1, 0.1, 0.4, 1.0}', s.search, ` + tsquery + `)`
}
