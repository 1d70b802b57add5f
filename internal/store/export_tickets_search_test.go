package store

import "context"

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

// FourthSession is q read as the fourth session did: without SQLite's
// access keys and PostgreSQL's estimate of the matches (benchmarks compare).
func FourthSession(q TicketSearch) TicketSearch {
	q.fourthSession = true
	return q
}
