package store

import (
	"context"
	"database/sql"
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
func (s *Store) SearchTickets(ctx context.Context, wsID int64, q TicketSearch) ([]TicketHit, bool, error) {
	if len(q.Matches) == 0 {
		return nil, false, nil
	}
	limit := clampLimit(q.Limit)
	if q.Offset < 0 || q.Offset >= SearchCandidates {
		return nil, false, nil
	}
	limit = min(limit, SearchCandidates-q.Offset)
	where, args := q.Filter.where(wsID)
	a := &sqlArgs{args: args}
	if !q.CreatedFrom.IsZero() {
		where += " AND created_at >= " + a.arg(ms(q.CreatedFrom))
	}
	if !q.CreatedBefore.IsZero() {
		where += " AND created_at < " + a.arg(ms(q.CreatedBefore))
	}
	var query string
	switch s.dialect {
	case SQLite:
		// CROSS JOIN keeps the full-text index as the outer loop, walked
		// newest first; the access and filter conditions are checked on
		// each match's ticket row.
		match := a.arg(ftsQuery(q.Matches, true, "{subject body}"))
		query = `SELECT ` + ticketColumns + `, c.score FROM (SELECT f.rowid AS cid, -bm25(ticket_fts, 3.0, 1.0) AS score
			FROM ticket_fts f CROSS JOIN tickets ON tickets.id = f.rowid
			WHERE ticket_fts MATCH ` + match + ` AND ` + where + ` ORDER BY f.rowid DESC LIMIT ` + a.arg(SearchCandidates) + `) c
			CROSS JOIN tickets ON tickets.id = c.cid`
	case Postgres:
		match := a.arg(tsQuery(q.Matches, true, ""))
		query = `SELECT ` + ticketColumns + `, c.score FROM (SELECT s.ticket_id AS cid, ts_rank('{0.1, 0.1, 0.4, 1.0}', s.search, m.q) AS score
			FROM ticket_search s JOIN tickets ON tickets.id = s.ticket_id CROSS JOIN (SELECT to_tsquery('simple', ` + match + `) AS q) m
			WHERE s.search @@ m.q AND ` + where + ` ORDER BY s.ticket_id DESC LIMIT ` + a.arg(SearchCandidates) + `) c
			JOIN tickets ON tickets.id = c.cid`
	}
	query += ` ORDER BY c.score DESC, tickets.id DESC LIMIT ` + a.arg(limit+1) + ` OFFSET ` + a.arg(q.Offset)
	rows, err := s.read.QueryContext(ctx, query, a.args...)
	if err != nil {
		return nil, false, fmt.Errorf("search tickets: %w", err)
	}
	hits, err := collect(rows, func(r *sql.Rows) (TicketHit, error) {
		var h TicketHit
		t, err := scanTicket(scoreScanner{r, &h.Score})
		h.Ticket = t
		return h, err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(hits) > limit && q.Offset+limit < SearchCandidates
	if len(hits) > limit {
		hits = hits[:limit]
	}
	list := make([]ticket.Ticket, len(hits))
	for i := range hits {
		list[i] = hits[i].Ticket
	}
	if err := s.fillCollaborators(ctx, list); err != nil {
		return nil, false, err
	}
	for i := range hits {
		hits[i].Ticket = list[i]
	}
	return hits, more, s.snippets(ctx, hits, q.Matches)
}

// scoreScanner scans a ticket row followed by its score.
type scoreScanner struct {
	r     *sql.Rows
	score *float64
}

func (s scoreScanner) Scan(dest ...any) error { return s.r.Scan(append(dest, s.score)...) }

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
