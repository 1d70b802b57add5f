package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// What the PostgreSQL batcher makes of an error (batch_pg.go): whether the
// connection goes on after it (a refused statement) or is lost (FATAL, a
// network error: the outcome is unknown), and whether the statement
// itself is outdated (the connection is replaced, to prepare it again) or
// only one batch's data or moment was refused (the connection is kept).
func TestBatcherClassifiesPostgreSQLErrors(t *testing.T) {
	pg := func(severity, code string) error {
		return fmt.Errorf("insert ticket: %w", &pgconn.PgError{Severity: severity, Code: code})
	}
	for _, tc := range []struct {
		name              string
		err               error
		refused, outdated bool
	}{
		{"NUL byte in text", pg("ERROR", "22021"), true, false},
		{"unique violation", pg("ERROR", "23505"), true, false},
		{"deadlock with another instance", pg("ERROR", "40P01"), true, false},
		{"result type changed by a migration", pg("ERROR", "0A000"), true, true},
		{"prepared statement gone", pg("ERROR", "26000"), true, true},
		{"table dropped", pg("ERROR", "42P01"), true, true},
		{"column dropped", pg("ERROR", "42703"), true, true},
		{"backend terminated", pg("FATAL", "57P01"), false, false},
		{"server crashed", pg("PANIC", "XX000"), false, false},
		{"connection reset", errors.New("read: connection reset by peer"), false, false},
		{"no error", nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := statementRefused(tc.err); got != tc.refused {
				t.Errorf("statementRefused = %v, want %v", got, tc.refused)
			}
			if got := statementOutdated(tc.err); got != tc.outdated {
				t.Errorf("statementOutdated = %v, want %v", got, tc.outdated)
			}
		})
	}
}
