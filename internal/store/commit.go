package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrOutcomeUnknown says a commit was sent but its answer never came back
// (the connection to PostgreSQL was cut, or the request's time ran out
// while PostgreSQL was committing): the changes may be stored or not. The
// edges must not tell the user "nothing was saved" then, nor retry on
// their behalf: a ticket sent again would be a second ticket.
var ErrOutcomeUnknown = errors.New("the commit's outcome is unknown")

// commitError wraps the error of a commit. PostgreSQL answers a commit it
// refused (a deferred constraint, a serialization failure) with an error
// of its own and has then rolled everything back; database/sql refuses a
// transaction already ended before sending anything. Anything else on
// PostgreSQL means the answer was lost, not that nothing was stored.
// SQLite commits inside this process: its error is the outcome.
func (d Dialect) commitError(err error) error {
	if err == nil {
		return nil
	}
	if d == Postgres && !errors.Is(err, sql.ErrTxDone) {
		if _, refused := errors.AsType[*pgconn.PgError](err); !refused {
			return fmt.Errorf("commit: %w: %w", ErrOutcomeUnknown, err)
		}
	}
	return fmt.Errorf("commit: %w", err)
}
