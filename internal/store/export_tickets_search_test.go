package store

import "context"

// ForgetTicketSearch takes the database back to before migration 0033,
// tickets kept: its index dropped and its version forgotten.
func ForgetTicketSearch(ctx context.Context, s *Store) error {
	drop := `DROP TABLE ticket_search`
	if s.dialect == SQLite {
		drop = `DROP TABLE ticket_fts`
	}
	for _, stmt := range []string{drop, `DELETE FROM schema_migrations WHERE version = '0033_ticket_search'`} {
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
