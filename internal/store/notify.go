package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL LISTEN/NOTIFY carries live events between Palier instances
// that share one database (package live). The database is only the relay:
// nothing is stored, and a listener that reconnects has missed what was
// said meanwhile, which its subscribers learn from the live package.

// ErrNotifyUnsupported is returned by Notify and Listen on SQLite: a SQLite
// database has one Palier instance, whose events never leave the process.
var ErrNotifyUnsupported = errors.New("store: LISTEN/NOTIFY needs PostgreSQL")

// MaxNotifyPayload is PostgreSQL's limit on a notification's payload, less
// a margin: pg_notify refuses 8000 bytes and more.
const MaxNotifyPayload = 7900

// channelName is what a LISTEN channel may be called here: a plain
// identifier, because LISTEN takes no bind parameter.
var channelName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Notify sends payload to every session listening on channel, including
// those of other instances. Inside PostgreSQL's rules, it is delivered at
// once (this statement commits alone).
//
// Its transaction commits without waiting for the WAL flush
// (synchronous_commit off for it alone, set_config's third argument): a
// NOTIFY takes a transaction id, so with the default durability each one
// waited for its own fsync — two per ticket taken in, outside the group
// commit, more than the ticket itself. A notification is not data: one
// lost in a crash is one a reconnecting listener reloads anyway (live).
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.dialect != Postgres {
		return ErrNotifyUnsupported
	}
	if !channelName.MatchString(channel) {
		return fmt.Errorf("store: notify: bad channel name %q", channel)
	}
	if len(payload) > MaxNotifyPayload {
		return fmt.Errorf("store: notify: payload of %d bytes exceeds %d", len(payload), MaxNotifyPayload)
	}
	if _, err := s.write.ExecContext(ctx, `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("store: notify %s: %w", channel, err)
	}
	return nil
}

// Listen holds one connection of its own LISTENing on channel and calls
// deliver with each payload, in order, until ctx ends or the connection
// fails. ready is called once the LISTEN is in place, so a caller knows
// from when on nothing is missed. It returns ctx's error when cancelled,
// else the connection's.
func (s *Store) Listen(ctx context.Context, channel string, ready func(), deliver func(payload string)) error {
	if s.dialect != Postgres {
		return ErrNotifyUnsupported
	}
	if !channelName.MatchString(channel) {
		return fmt.Errorf("store: listen: bad channel name %q", channel)
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: listen %s: connect: %w", channel, err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: listen: unexpected driver connection %T", dc)
		}
		c := pc.Conn()
		// The name was checked against channelName above.
		if _, err := c.Exec(ctx, "LISTEN "+channel); err != nil {
			return fmt.Errorf("listen %s: %w", channel, err)
		}
		if ready != nil {
			ready()
		}
		for {
			n, err := c.WaitForNotification(ctx)
			if err != nil {
				return err
			}
			deliver(n.Payload)
		}
	})
	// A connection that has LISTENed must never go back to the pool: mark
	// it bad so database/sql closes it.
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("store: listen %s: %w", channel, err)
}
