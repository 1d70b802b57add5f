package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/ticket"
)

// Callback requests (the contact form's last rung) and the settings of
// the help box's chat. The request itself is its ticket's
// callback_requested event; the callbacks row is the queue's index, done
// once a call is logged on the ticket.

// Callback is a callback request still to make, or made.
type Callback struct {
	ID          int64
	WorkspaceID int64
	TicketID    int64
	Number      string
	Window      string
	RequestedAt time.Time
	DoneAt      time.Time // zero while pending
}

// InsertCallback records a callback request on a ticket being opened, in
// its transaction: the callback_requested event, then the queue's row.
func (s *Store) InsertCallback(ctx context.Context, tx *Tx, wsID, ticketID, customerID int64, number, window string) error {
	now := fromMS(ms(s.now()))
	if _, err := s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: ticketID, Kind: ticket.CallbackRequested, ActorCustomerID: customerID,
		Data: event.CallbackRequested{Number: number, Window: window}}, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO callbacks (workspace_id, ticket_id, number, time_window, requested_at) VALUES ($1, $2, $3, $4, $5)`,
		wsID, ticketID, number, window, ms(now)); err != nil {
		return fmt.Errorf("insert callback: %w", err)
	}
	return nil
}

// CloseCallbacks marks done, in tx, every pending callback of a ticket: a
// call was logged on it (event eventID).
func (s *Store) CloseCallbacks(ctx context.Context, tx *Tx, wsID, ticketID, eventID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE callbacks SET done_at = $1, done_event_id = $2 WHERE workspace_id = $3 AND ticket_id = $4 AND done_at IS NULL`,
		ms(s.now()), eventID, wsID, ticketID); err != nil {
		return fmt.Errorf("close callbacks: %w", err)
	}
	return nil
}

// PendingCallbacks lists a workspace's callbacks still to make, oldest
// first, at most limit.
func (s *Store) PendingCallbacks(ctx context.Context, wsID int64, limit int) ([]Callback, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, ticket_id, number, time_window, requested_at FROM callbacks
		WHERE workspace_id = $1 AND done_at IS NULL ORDER BY requested_at, id LIMIT $2`, wsID, limit)
	if err != nil {
		return nil, fmt.Errorf("list callbacks: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Callback, error) {
		var c Callback
		var at int64
		err := r.Scan(&c.ID, &c.WorkspaceID, &c.TicketID, &c.Number, &c.Window, &at)
		c.RequestedAt = fromMS(at)
		return c, err
	})
}

// TicketCallbacks lists a ticket's callback requests, pending or done.
func (s *Store) TicketCallbacks(ctx context.Context, wsID, ticketID int64) ([]Callback, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, ticket_id, number, time_window, requested_at, COALESCE(done_at, 0) FROM callbacks
		WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY id`, wsID, ticketID)
	if err != nil {
		return nil, fmt.Errorf("list ticket callbacks: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Callback, error) {
		var c Callback
		var at, done int64
		err := r.Scan(&c.ID, &c.WorkspaceID, &c.TicketID, &c.Number, &c.Window, &at, &done)
		c.RequestedAt = fromMS(at)
		if done != 0 {
			c.DoneAt = fromMS(done)
		}
		return c, err
	})
}

// ChatEnabled reports whether a workspace offers live chat (yes unless an
// admin switched it off).
func (s *Store) ChatEnabled(ctx context.Context, wsID int64) (bool, error) {
	on := true
	err := s.read.QueryRowContext(ctx, `SELECT enabled FROM chat_settings WHERE workspace_id = $1`, wsID).Scan(&on)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("read chat settings: %w", err)
	}
	return on, nil
}

// SetChatEnabled switches a workspace's live chat on or off.
func (s *Store) SetChatEnabled(ctx context.Context, wsID int64, defaultWait time.Duration, on bool) error {
	if _, err := s.write.ExecContext(ctx, `INSERT INTO chat_settings (workspace_id, wait_ms, enabled) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET enabled = excluded.enabled`, wsID, defaultWait.Milliseconds(), on); err != nil {
		return fmt.Errorf("save chat settings: %w", err)
	}
	return nil
}
