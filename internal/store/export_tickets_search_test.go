package store

import (
	"context"
	"fmt"
)

// ForgetTicketSearch takes the database back to before migration 0033,
// tickets kept: its index dropped and its version forgotten.
func ForgetTicketSearch(ctx context.Context, s *Store) error {
	stmts := []string{`DROP TABLE ticket_search`}
	if s.dialect == SQLite {
		// And migration 0045's keys, which rebuild the index after 0033.
		stmts = []string{`DROP TABLE ticket_fts`, `DROP VIEW ticket_access_keys`}
		for _, tr := range []string{"ticket", "collaborator_in", "collaborator_out", "handoff_in", "handoff_out"} {
			stmts = append(stmts, `DROP TRIGGER ticket_access_key_`+tr)
		}
		stmts = append(stmts, `DELETE FROM schema_migrations WHERE version = '0045_search_access'`)
	} else {
		// And migration 0058's keys, which add a column to its documents.
		stmts = append(stmts, `DROP VIEW ticket_access_keys`,
			`DROP FUNCTION ticket_access_key_ticket, ticket_access_key_reader, ticket_search_access_default CASCADE`,
			`DROP FUNCTION ticket_access_key_refresh, ticket_access_key`,
			`DELETE FROM schema_migrations WHERE version = '0058_search_access_keys'`,
			// And 0064, which redefines 0058's functions, and 0065's
			// vocabulary of the documents, and 0071–0072, which redefine both.
			`DROP TABLE ticket_search_terms`, `DROP FUNCTION ticket_search_terms_add`,
			`DELETE FROM schema_migrations WHERE version IN ('0064_search_access_refresh', '0065_ticket_search_terms',
				'0071_intake_key_inlined', '0072_search_terms_probe')`)
	}
	for _, stmt := range append(stmts, `DELETE FROM schema_migrations WHERE version = '0033_ticket_search'`) {
		if _, err := s.write.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// BulkWord is the i-th word of BulkLoad's vocabulary in lang ("fr" or
// "en"): the higher i, the rarer (benchmarks pick rare words from it).
func BulkWord(lang string, i int) string {
	if lang == "fr" {
		return bulkWordsFR[i]
	}
	return bulkWordsEN[i]
}

// PGWalkStatements are q's walks on PostgreSQL (TicketSearch.pgWalk) and
// their arguments: the one the search chooses (from the planner's
// estimates, as the search does), the tickets first and the documents
// first.
func PGWalkStatements(ctx context.Context, s *Store, wsID int64, q TicketSearch) (chosen, tickets, docs string, args []any, err error) {
	typed := tsQuery(q.Matches, true, "")
	_, _, docsFirst, err := s.pgReading(ctx, wsID, q, typed)
	if err != nil {
		return "", "", "", nil, err
	}
	chosen, args = q.pgWalk(wsID, typed, docsFirst)
	where, a := q.where(wsID)
	match, lim := a.arg(typed), a.arg(SearchCandidates)
	return chosen, pgTicketsWalk(where, match, lim), pgDocsWalk(where, match, lim), args, nil
}

// SearchKeys are the access keys q's search reads its candidates through,
// "" for none: a tsquery on PostgreSQL (pgReading), an FTS5 expression on
// SQLite (sqAccessMatch).
func SearchKeys(ctx context.Context, s *Store, wsID int64, q TicketSearch) (string, error) {
	if s.dialect == Postgres {
		keys, _, _, err := s.pgReading(ctx, wsID, q, tsQuery(q.Matches, true, ""))
		return keys, err
	}
	return s.sqAccessMatch(ctx, q.Filter)
}

// KeyedCandidates are q's candidates as "id score", newest first, read from
// the index's matches through keys (none when ""): pgMatchesFirst on
// PostgreSQL, the full-text walk on SQLite.
func KeyedCandidates(ctx context.Context, s *Store, wsID int64, q TicketSearch, keys string) ([]string, error) {
	var cs []candidate
	var err error
	if s.dialect == Postgres {
		var tsq pgTicketQuery
		if tsq, err = s.pgSpelled(ctx, q.Matches, tsQuery(q.Matches, true, "")); err != nil {
			return nil, err
		}
		cs, err = s.pgMatchesFirst(ctx, wsID, q, tsq, keys, keys != "")
	} else {
		cs, err = s.sqCandidates(ctx, wsID, q, keys)
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprint(c.id, " ", c.score)
	}
	return out, err
}
