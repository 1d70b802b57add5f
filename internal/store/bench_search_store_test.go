package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
)

// dropSecondaryIndexes drops the indexes of the tables BulkLoad fills
// that no constraint needs, and returns their definitions.
func dropSecondaryIndexes(b *testing.B, s *store.Store) []string {
	ctx := context.Background()
	rows, err := s.DB().QueryContext(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename IN ('tickets', 'events', 'ticket_search', 'ticket_collaborators', 'customers', 'customer_terms')
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`)
	if err != nil {
		b.Fatal(err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			b.Fatal(err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Close(); err != nil {
		b.Fatal(err)
	}
	for _, n := range names {
		if _, err := s.DB().ExecContext(ctx, `DROP INDEX `+n); err != nil {
			b.Fatal(err)
		}
	}
	return defs
}

// rebuildIndexes creates the dropped indexes again and analyses the tables.
func rebuildIndexes(b *testing.B, s *store.Store, defs []string) {
	ctx := context.Background()
	started := time.Now()
	for _, def := range defs {
		if _, err := s.DB().ExecContext(ctx, def); err != nil {
			b.Fatalf("%s: %v", def, err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "postgres: %d indexes built and analysed in %s\n", len(defs), time.Since(started).Round(time.Millisecond))
}
