package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

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

// Notify queues payloads for every session listening on channel, including
// those of other instances, and returns without waiting for them to be
// sent: done (if not nil) is called once with the outcome of the statement
// that carried them, from the goroutine that sent it (or before Notify
// returns, when too much already waits: errNoticeQueueFull), and must not
// block. A bad channel or payload is refused at once (Notify's error; done
// is not called), and nothing of the call is queued. The queue keeps
// payloads until they are sent: the caller must not change them. Inside
// PostgreSQL's rules, what is sent is delivered at once (its statement
// commits alone).
//
// Its transaction commits without waiting for the WAL flush
// (synchronous_commit off for it alone, set_config's third argument): a
// NOTIFY takes a transaction id, so with the default durability each one
// waited for its own fsync — two per ticket taken in, outside the group
// commit, more than the ticket itself. A notification is not data: one
// lost in a crash is one a reconnecting listener reloads anyway (live).
//
// Notifications queued at the same time share one statement (noticeQueue):
// each was a round trip and a transaction of its own, two per ticket
// taken in. The payloads of one call stay together, in order, in one
// statement, and calls are sent in the order they were queued. A caller
// used to wait for that statement: a new ticket's answer then waited for a
// second round trip after its commit, for an event no caller reads back
// (bench/README.md, sixteenth session).
// PostgreSQL delivers identical notifications (same channel and payload)
// of one transaction once: for live events, which say "this changed, look
// again", two identical ones at the same instant mean no more than one.
func (s *Store) Notify(channel string, payloads []string, done func(error)) error {
	if s.dialect != Postgres {
		return ErrNotifyUnsupported
	}
	if !channelName.MatchString(channel) {
		return fmt.Errorf("store: notify: bad channel name %q", channel)
	}
	for _, p := range payloads {
		if len(p) > MaxNotifyPayload {
			return fmt.Errorf("store: notify: payload of %d bytes exceeds %d", len(p), MaxNotifyPayload)
		}
	}
	if len(payloads) == 0 {
		if done != nil {
			done(nil)
		}
		return nil
	}
	report := func(err error) {
		if done == nil {
			return
		}
		if err != nil {
			err = fmt.Errorf("store: notify %s: %w", channel, err)
		}
		done(err)
	}
	s.notices.add(s, notice{channel: channel, payloads: payloads, done: report})
	return nil
}

// notice is one call's notifications waiting for their statement.
type notice struct {
	channel  string
	payloads []string
	done     func(error)
}

// noticeQueue sends the notifications that arrive while a statement is in
// flight together, in the next one, in the order they arrived. A flush
// runs on a goroutine of its own that ends when nothing is left to send,
// so there is nothing to stop at Close. The zero value is ready to use.
type noticeQueue struct {
	mu       sync.Mutex
	pending  []notice
	queued   int // payloads in pending
	flushing bool
}

// maxNotices bounds one statement's payloads (a call with more is sent
// alone).
const maxNotices = 256

// maxQueuedNotices bounds what waits: callers no longer wait for their
// statement, so a database that answers slowly must not make the queue
// grow without end. A call beyond it fails at once.
const maxQueuedNotices = 64 * maxNotices

// errNoticeQueueFull says a call was refused because too much waits.
var errNoticeQueueFull = errors.New("too many notifications waiting for the database")

// noticeTimeout bounds one statement: a wedged database fails its
// notifications rather than holding the queue for ever.
const noticeTimeout = 30 * time.Second

func (q *noticeQueue) add(s *Store, n notice) {
	q.mu.Lock()
	if q.queued+len(n.payloads) > maxQueuedNotices {
		q.mu.Unlock()
		n.done(errNoticeQueueFull)
		return
	}
	q.pending = append(q.pending, n)
	q.queued += len(n.payloads)
	start := !q.flushing
	q.flushing = true
	q.mu.Unlock()
	if start {
		go q.flush(s)
	}
}

// next takes the calls of the next statement: as many as fit in
// maxNotices payloads, and at least one.
func (q *noticeQueue) next() []notice {
	q.mu.Lock()
	defer q.mu.Unlock()
	k, size := 0, 0
	for k < len(q.pending) && (k == 0 || size+len(q.pending[k].payloads) <= maxNotices) {
		size += len(q.pending[k].payloads)
		k++
	}
	batch := q.pending[:k:k]
	q.pending = q.pending[k:]
	q.queued -= size
	if k == 0 {
		q.flushing, q.pending = false, nil
	}
	return batch
}

func (q *noticeQueue) flush(s *Store) {
	for {
		batch := q.next()
		if len(batch) == 0 {
			return
		}
		var channels, payloads []string
		for _, n := range batch {
			for _, p := range n.payloads {
				channels, payloads = append(channels, n.channel), append(payloads, p)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), noticeTimeout)
		// unnest reads the arrays in order, and PostgreSQL delivers one
		// transaction's notifications in the order they were sent.
		_, err := s.write.ExecContext(ctx, `SELECT set_config('synchronous_commit', 'off', true), pg_notify(c, p)
			FROM unnest($1::text[], $2::text[]) AS n(c, p)`, channels, payloads)
		cancel()
		for _, n := range batch {
			n.done(err)
		}
	}
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
