package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/textsearch"
	"github.com/palier/palier/internal/ticket"
)

// TicketSearch is a full-text search of tickets: every word of Matches
// (each through any of its terms or prefixes) in the subject or a message
// of a ticket the filter selects, the filter's viewer included.
type TicketSearch struct {
	Filter  Filter // Sort is ignored: best matches come first
	Matches []kb.Match
	// CreatedFrom and CreatedBefore, when set, bound the creation time.
	CreatedFrom, CreatedBefore time.Time
	Offset, Limit              int
}

// TicketHit is one search result: the ticket, its subject and the best
// passage of its messages as HTML-escaped text with the matched words in
// <mark>, and which kind of message the passage comes from.
type TicketHit struct {
	Ticket      ticket.Ticket
	Score       float64
	SubjectHTML string
	Snippet     string
	SnippetKind ticket.EventKind
}

// SearchCandidates bounds how many matching tickets one search ranks: the
// most recent matches the viewer may read, in id order (newest first),
// which both indexes produce by walking their posting lists backwards. A
// query that matches more (a common word over a million tickets) ranks
// its newest SearchCandidates matches: searches stay fast, and recent
// tickets are what an agent looks for; another word narrows the match.
const SearchCandidates = 1000

// SearchTickets returns one page of the tickets matching q, best first,
// and whether more follow. The filter's viewer restricts the matches in
// the query itself (Filter.where, the SQL twin of ticket.CanView), before
// any snippet is made: a ticket the viewer may not read is never read.
//
// It reads the candidates (at most SearchCandidates, newest first, with
// their scores), ranks them here, and only then reads the page's tickets
// and passages.
func (s *Store) SearchTickets(ctx context.Context, wsID int64, q TicketSearch) ([]TicketHit, bool, error) {
	if len(q.Matches) == 0 {
		return nil, false, nil
	}
	limit := clampLimit(q.Limit)
	if q.Offset < 0 || q.Offset >= SearchCandidates {
		return nil, false, nil
	}
	limit = min(limit, SearchCandidates-q.Offset)
	cands, err := s.searchCandidates(ctx, wsID, q)
	if err != nil {
		return nil, false, err
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		return cmp.Compare(y.id, x.id)
	})
	if q.Offset >= len(cands) {
		return nil, false, nil
	}
	page := cands[q.Offset:min(len(cands), q.Offset+limit)]
	more := len(cands) > q.Offset+limit
	hits, err := s.ticketHits(ctx, page)
	if err != nil {
		return nil, false, err
	}
	return hits, more, s.snippets(ctx, hits, q.Matches)
}

// candidate is a matching ticket and its score.
type candidate struct {
	id    int64
	score float64
}

// searchCandidates returns the newest SearchCandidates tickets matching q
// that its filter (the viewer's access included) selects, with their
// scores.
func (s *Store) searchCandidates(ctx context.Context, wsID int64, q TicketSearch) ([]candidate, error) {
	if s.dialect == Postgres {
		return s.pgSearchCandidates(ctx, wsID, q)
	}
	keys, err := s.sqAccessMatch(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	return s.sqCandidates(ctx, wsID, q, keys)
}

// sqCandidates reads SQLite's candidates of q from its full-text index,
// whose walk asks for keys too (an FTS5 expression on the access column)
// unless keys is "".
func (s *Store) sqCandidates(ctx context.Context, wsID int64, q TicketSearch, keys string) ([]candidate, error) {
	where, a := q.where(wsID)
	// CROSS JOIN keeps the full-text index as the outer loop, walked
	// newest first, stopped at SearchCandidates; the access and filter
	// conditions are checked on each match's ticket row. The candidates'
	// indexed terms are ranked here (docRanker), not by bm25(). The access
	// keys (sqAccessMatch) make the walk skip, in the index, the matches the
	// viewer may not read or the tier filter excludes.
	fts := ftsQuery(q.Matches, true, "{subject body}")
	if keys != "" {
		fts += " AND " + keys
	}
	match := a.arg(fts)
	rows, err := s.read.QueryContext(ctx, `SELECT f.rowid, f.subject, f.body FROM ticket_fts f CROSS JOIN tickets ON tickets.id = f.rowid
		WHERE ticket_fts MATCH `+match+` AND `+where+` ORDER BY f.rowid DESC LIMIT `+a.arg(SearchCandidates), a.args...)
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	defer rows.Close()
	out := make([]candidate, 0, SearchCandidates)
	ranker := newDocRanker(q.Matches, SearchCandidates)
	for rows.Next() {
		var c candidate
		var subject, body string
		if err := rows.Scan(&c.id, &subject, &body); err != nil {
			return nil, fmt.Errorf("search tickets: %w", err)
		}
		out = append(out, c)
		ranker.add(subject, body)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	for i, sc := range ranker.scores() {
		out[i].score = sc
	}
	return out, nil
}

// where is the search's whole filter as one condition on tickets: the
// list's (the viewer's access included) and the creation dates. The
// viewer's swarms and hand-offs are probed per ticket: a search tests its
// matches, and as sets PostgreSQL hashed all of the L1 agent's 58,764
// hand-offs at 1M tickets (about 30 ms) to test a few thousand matches.
func (q TicketSearch) where(wsID int64) (string, *sqlArgs) {
	where, args := q.Filter.whereProbed(wsID, true)
	a := &sqlArgs{args: args}
	if !q.CreatedFrom.IsZero() {
		where += " AND created_at >= " + a.arg(ms(q.CreatedFrom))
	}
	if !q.CreatedBefore.IsZero() {
		where += " AND created_at < " + a.arg(ms(q.CreatedBefore))
	}
	return where, a
}

// outOfTiers tells whether every tier the filter names is one its viewer
// (an agent) does not work in: then what the viewer may read there is
// only their own tickets, their swarms and hand-offs, and their teams'
// tickets in those tiers, a small share of the matches. The newest
// tickets would hold few of them and a walk would widen to every match of
// a common word: PostgreSQL reads them from the index first, through the
// access keys (pgSearchCandidates).
func (f Filter) outOfTiers() bool {
	v := f.Viewer
	if v == nil || v.IsAdmin() || len(f.TierIDs) == 0 {
		return false
	}
	for _, t := range f.TierIDs {
		if slices.Contains(v.TierIDs, t) {
			return false
		}
	}
	return true
}

// candidates returns the (id, score) rows of query. With serial, on
// PostgreSQL, the query runs without parallel workers or JIT compilation:
// the planner gave a walk of some thousand documents two workers, whose
// start-up (and the gather) cost more CPU than the walk itself saved in
// time, and a search is one of many at once (see pgSerial).
func (s *Store) candidates(ctx context.Context, query string, args []any, serial bool) ([]candidate, error) {
	var out []candidate
	read := querier(s.read)
	if serial && s.dialect == Postgres {
		tx, err := s.pgSerial(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		read = tx
	}
	rows, err := read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.score); err != nil {
			return nil, fmt.Errorf("search tickets: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	return out, nil
}

// ticketHits reads the tickets of a page of candidates, in its order.
func (s *Store) ticketHits(ctx context.Context, page []candidate) ([]TicketHit, error) {
	if len(page) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(page))
	for i, c := range page {
		ids[i] = c.id
	}
	byID, err := s.ticketsByID(ctx, 0, ids)
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	hits := make([]TicketHit, 0, len(page))
	for _, c := range page {
		if t, ok := byID[c.id]; ok {
			hits = append(hits, TicketHit{Ticket: t, Score: c.score})
		}
	}
	return hits, nil
}

// snippets fills each hit's highlighted subject and best passage: the
// message with the most matched words (the latest among equals).
func (s *Store) snippets(ctx context.Context, hits []TicketHit, matches []kb.Match) error {
	if len(hits) == 0 {
		return nil
	}
	a := &sqlArgs{}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.Ticket.ID
	}
	in := a.in(ids)
	rows, err := s.read.QueryContext(ctx, `SELECT ticket_id, kind, body FROM events WHERE ticket_id IN `+in+` AND kind IN (`+
		a.arg(string(ticket.CustomerMessage))+`, `+a.arg(string(ticket.AgentReply))+`, `+a.arg(string(ticket.InternalNote))+`) ORDER BY ticket_id, id`, a.args...)
	if err != nil {
		return fmt.Errorf("search snippets: %w", err)
	}
	type best struct {
		marks   int
		snippet string
		kind    ticket.EventKind
	}
	bests := map[int64]*best{}
	lang := map[int64]string{}
	for _, h := range hits {
		lang[h.Ticket.ID] = h.Ticket.Language
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind, body string
		if err := rows.Scan(&id, &kind, &body); err != nil {
			return fmt.Errorf("search snippets: %w", err)
		}
		sn := kb.Snippet(lang[id], body, matches)
		marks := strings.Count(sn, "<mark>")
		if b := bests[id]; b == nil || marks >= b.marks && marks > 0 {
			bests[id] = &best{marks, sn, ticket.EventKind(kind)}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search snippets: %w", err)
	}
	for i := range hits {
		h := &hits[i]
		h.SubjectHTML = kb.Snippet(h.Ticket.Language, h.Ticket.Subject, matches)
		if b := bests[h.Ticket.ID]; b != nil {
			h.Snippet, h.SnippetKind = b.snippet, b.kind
		}
	}
	return nil
}

// SearchCursor spells the cursor of the page after offset.
func SearchCursor(offset int) string { return "s" + strconv.Itoa(offset) }

// ParseSearchCursor reads a SearchCursor ("" is the first page).
func ParseSearchCursor(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(c, "s"))
	if err != nil || !strings.HasPrefix(c, "s") || n < 0 || n >= SearchCandidates {
		return 0, false
	}
	return n, true
}

// minExtended is the shortest stem a typed word is taken to extend:
// "passw" must not find "passe" through "pass".
const minExtended = 5

// TicketQueryMatches analyses a search typed by an agent. A ticket's text
// is stemmed in the ticket's language, and the agent's query may be in
// either: each word matches its French stem, its English stem and the
// combined rule's (textsearch.Stem with no language), so "factures" finds
// French tickets about a facture and "invoices" English ones about an
// invoice. The word being typed (the last, without a space after it)
// also matches as a prefix of words and stems, and as the stems it
// already extends ("facturat" → "factur"), as the knowledge base does.
func TicketQueryMatches(q string) []kb.Match {
	words := textsearch.ParseQuery("", q)
	out := make([]kb.Match, 0, len(words))
	for _, w := range words {
		m := kb.Match{}
		add := func(list *[]string, v string) {
			if v != "" && !slices.Contains(*list, v) {
				*list = append(*list, v)
			}
		}
		for _, lang := range []string{"fr", "en", ""} {
			add(&m.Terms, textsearch.Stem(lang, w.Folded))
		}
		if w.Prefix {
			add(&m.Prefixes, w.Folded)
			for _, t := range m.Terms {
				if !strings.HasPrefix(w.Folded, t) {
					add(&m.Prefixes, t)
				}
			}
			r := []rune(w.Folded)
			for n := max(minExtended, len(r)-maxSuffix); n < len(r); n++ {
				add(&m.Terms, string(r[:n]))
			}
		}
		out = append(out, m)
	}
	return out
}

// ticketsByID reads the tickets of ids (of workspace wsID unless 0: the
// ids already came from one) with their collaborators, by id; an id with
// no ticket is absent from the map.
func (s *Store) ticketsByID(ctx context.Context, wsID int64, ids []int64) (map[int64]ticket.Ticket, error) {
	a := &sqlArgs{}
	query := `SELECT ` + ticketColumns + ` FROM tickets WHERE id IN ` + a.in(ids)
	if wsID != 0 {
		query += ` AND workspace_id = ` + a.arg(wsID)
	}
	list, err := s.listedTickets(ctx, query, a.args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]ticket.Ticket, len(list))
	for _, t := range list {
		byID[t.ID] = t
	}
	return byID, nil
}
