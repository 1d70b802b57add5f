package store

import (
	"database/sql"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A commit error says the change may be stored only when PostgreSQL's
// answer was lost; a refusal from PostgreSQL, a transaction already ended,
// or any SQLite error is a commit that did not happen.
func TestCommitErrorOutcome(t *testing.T) {
	refused := &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	for _, c := range []struct {
		name    string
		dialect Dialect
		err     error
		unknown bool
	}{
		{"postgres connection lost", Postgres, io.ErrUnexpectedEOF, true},
		{"postgres connection closed", Postgres, errors.New("conn closed"), true},
		{"postgres refused the commit", Postgres, refused, false},
		{"postgres transaction already ended", Postgres, sql.ErrTxDone, false},
		{"sqlite", SQLite, io.ErrUnexpectedEOF, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.dialect.commitError(c.err)
			if got := errors.Is(err, ErrOutcomeUnknown); got != c.unknown {
				t.Errorf("commitError(%v) = %v: outcome unknown %v, want %v", c.err, err, got, c.unknown)
			}
			if !errors.Is(err, c.err) {
				t.Errorf("commitError(%v) = %v lost the cause", c.err, err)
			}
		})
	}
	if err := Postgres.commitError(nil); err != nil {
		t.Errorf("commitError(nil) = %v", err)
	}
}
