package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/palier/palier/internal/ticket"
)

// SearchTicketsVersion is SearchTickets, or with before the search as it
// was before the fourth session (for benchmarks side by side).
func SearchTicketsVersion(ctx context.Context, s *Store, wsID int64, q TicketSearch, before bool) ([]TicketHit, bool, error) {
	if before {
		return s.searchTicketsBefore(ctx, wsID, q)
	}
	return s.SearchTickets(ctx, wsID, q)
}

// searchTicketsBefore is SearchTickets as the third session left it: one
// query whose candidates are the index's matches checked one by one
// against the whole filter, the viewer's access as an OR of alternatives.
func (s *Store) searchTicketsBefore(ctx context.Context, wsID int64, q TicketSearch) ([]TicketHit, bool, error) {
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
