package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// TxHook runs inside a store write transaction, after the store's own
// writes, with the stored ticket and the events just written: a channel
// records the message that caused them, the outbox queues what must be
// sent. An error rolls everything back.
type TxHook func(ctx context.Context, tx *Tx, t ticket.Ticket, events []ticket.Event) error

// Mail directions and outbound states.
const (
	MailIn     = "in"
	MailOut    = "out"
	MailQueued = "queued"
	MailSent   = "sent"
	MailFailed = "failed"
)

// ErrDuplicateMail reports a message already received by the workspace
// (same Message-ID): the delivery is acknowledged and nothing is stored.
var ErrDuplicateMail = errors.New("this message was already received")

// AddInboundAddress lets a workspace receive mail at an address.
func (s *Store) AddInboundAddress(ctx context.Context, wsID int64, address string) error {
	address = strings.ToLower(strings.TrimSpace(address))
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO inbound_addresses (address, workspace_id, created_at) VALUES ($1, $2, $3)`,
			address, wsID, ms(s.now()))
		if isUniqueViolation(err) {
			return problem.New(problem.Conflict, "address_taken", "this address already receives mail for a workspace")
		}
		return err
	})
}

// InboundWorkspace returns the workspace that receives mail at an address,
// or a not-found problem.
func (s *Store) InboundWorkspace(ctx context.Context, address string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT workspace_id FROM inbound_addresses WHERE address = $1`,
		strings.ToLower(strings.TrimSpace(address))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, problem.NotFoundf("inbound address")
	}
	return id, err
}

// InboundAddresses lists a workspace's receiving addresses, oldest first.
func (s *Store) InboundAddresses(ctx context.Context, wsID int64) ([]string, error) {
	return inboundAddresses(ctx, s.read, wsID)
}

func inboundAddresses(ctx context.Context, q querier, wsID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT address FROM inbound_addresses WHERE workspace_id = $1 ORDER BY created_at, address LIMIT 100`, wsID)
	if err != nil {
		return nil, fmt.Errorf("inbound addresses: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (string, error) {
		var a string
		return a, r.Scan(&a)
	})
}

// MailReceived reports whether a workspace already stored an inbound
// message with this Message-ID.
func (s *Store) MailReceived(ctx context.Context, wsID int64, messageID string) (bool, error) {
	return exists(ctx, s.read, `SELECT count(*) FROM mail_messages WHERE workspace_id = $1 AND message_id = $2 AND direction = $3`,
		wsID, messageID, MailIn), nil
}

// TicketForMessageIDs returns the ticket a message threads onto: the ticket
// of the first of ids that is one of the workspace's messages, the desk's
// own outgoing ones first. It returns 0 when none is known.
func (s *Store) TicketForMessageIDs(ctx context.Context, wsID int64, ids []string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := []any{wsID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT message_id, direction, ticket_id FROM mail_messages
		WHERE workspace_id = $1 AND message_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("thread by message id: %w", err)
	}
	type hit struct {
		dir    string
		ticket int64
	}
	found := map[string]hit{}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id string
		var h hit
		err := r.Scan(&id, &h.dir, &h.ticket)
		found[id] = h
		return struct{}{}, err
	}); err != nil {
		return 0, err
	}
	for _, dir := range []string{MailOut, MailIn} {
		for _, id := range ids {
			if h, ok := found[id]; ok && h.dir == dir {
				return h.ticket, nil
			}
		}
	}
	return 0, nil
}

// RecordInboundMail records, in the caller's transaction, the inbound
// message an event came from. A Message-ID the workspace already stored
// returns ErrDuplicateMail (and the caller's transaction rolls back).
func (s *Store) RecordInboundMail(ctx context.Context, tx *Tx, wsID, ticketID, eventID int64, messageID string) error {
	now := ms(s.now())
	_, err := tx.ExecContext(ctx, `INSERT INTO mail_messages (workspace_id, ticket_id, event_id, direction, message_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, wsID, ticketID, nullID(eventID), MailIn, messageID, now)
	if isUniqueViolation(err) {
		return ErrDuplicateMail
	}
	if err != nil {
		return fmt.Errorf("record inbound mail: %w", err)
	}
	return nil
}

// OutboundMail is what the outbox needs to email one agent reply, read in
// the reply's transaction.
type OutboundMail struct {
	Customer  customer.Customer
	From      string   // the workspace's first receiving address, "" if none
	Thread    []string // Message-IDs of the ticket's mail, oldest first
	LastInbox string   // the customer's latest message, for In-Reply-To
}

// OutboundContext reads, in the caller's transaction, who a reply on a
// ticket goes to and the ticket's mail thread.
func (s *Store) OutboundContext(ctx context.Context, tx *Tx, wsID int64, t ticket.Ticket) (OutboundMail, error) {
	var o OutboundMail
	c, err := scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1 AND workspace_id = $2`, t.CustomerID, wsID))
	if err != nil {
		return o, fmt.Errorf("reply customer: %w", err)
	}
	o.Customer = c
	addrs, err := inboundAddresses(ctx, tx, wsID)
	if err != nil {
		return o, err
	}
	if len(addrs) > 0 {
		o.From = addrs[0]
	}
	// The newest 20 messages of the thread are plenty for References.
	rows, err := tx.QueryContext(ctx, `SELECT message_id, direction FROM mail_messages WHERE ticket_id = $1 AND workspace_id = $2 ORDER BY id DESC LIMIT 20`, t.ID, wsID)
	if err != nil {
		return o, fmt.Errorf("mail thread: %w", err)
	}
	type msg struct{ id, dir string }
	list, err := collect(rows, func(r *sql.Rows) (msg, error) {
		var m msg
		return m, r.Scan(&m.id, &m.dir)
	})
	if err != nil {
		return o, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		o.Thread = append(o.Thread, list[i].id)
		if list[i].dir == MailIn {
			o.LastInbox = list[i].id
		}
	}
	return o, nil
}

// RecordOutboundMail records, in the caller's transaction, a message the
// desk will send for an event, in state queued.
func (s *Store) RecordOutboundMail(ctx context.Context, tx *Tx, wsID, ticketID, eventID int64, messageID string) error {
	now := ms(s.now())
	_, err := tx.ExecContext(ctx, `INSERT INTO mail_messages (workspace_id, ticket_id, event_id, direction, message_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, wsID, ticketID, nullID(eventID), MailOut, messageID, MailQueued, now)
	if err != nil {
		return fmt.Errorf("record outbound mail: %w", err)
	}
	return nil
}

// SetMailState records the send state of an outgoing message and the SMTP
// server's last answer.
func (s *Store) SetMailState(ctx context.Context, wsID int64, messageID, state, answer string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mail_messages SET state = $1, answer = $2, updated_at = $3
			WHERE workspace_id = $4 AND message_id = $5 AND direction = $6`, state, clip(answer, 1000), ms(s.now()), wsID, messageID, MailOut)
		return err
	})
}

// MailState returns an outgoing message's state and last answer.
func (s *Store) MailState(ctx context.Context, wsID int64, messageID string) (state, answer string, err error) {
	return outgoingState(ctx, s.write, "message", `SELECT state, answer FROM mail_messages WHERE workspace_id = $1 AND message_id = $2 AND direction = $3`,
		wsID, messageID, MailOut)
}

// scanFailedMessage scans the row of an outgoing email or webhook delivery
// to send again (its fields into dest, then its state): one that does not
// exist is not found, one that did not fail is refused with notFailed.
func scanFailedMessage(row *sql.Row, notFailed *problem.Error, dest ...any) error {
	var state string
	err := row.Scan(append(dest, &state)...)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.NotFoundf("message")
	}
	if err != nil {
		return fmt.Errorf("retry outgoing message: %w", err)
	}
	if state != MailFailed {
		return notFailed
	}
	return nil
}

// outgoingState reads the state and last answer of an outgoing email or
// webhook delivery (query selects them); one that does not exist is a
// not-found problem naming what.
func outgoingState(ctx context.Context, q querier, what, query string, args ...any) (state, answer string, err error) {
	err = q.QueryRowContext(ctx, query, args...).Scan(&state, &answer)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", problem.NotFoundf(what)
	}
	return state, answer, err
}

// attachMailState shows on each timeline event the email it came from or
// went out as (Event.Email): its message id, and for replies its state
// (queued, sent, failed) and the SMTP server's words. Events are
// append-only, so the changing send state lives beside them.
func (s *Store) attachMailState(ctx context.Context, wsID, ticketID int64, events []ticket.Event) error {
	if len(events) == 0 {
		return nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT event_id, message_id, direction, state, answer FROM mail_messages
		WHERE ticket_id = $1 AND workspace_id = $2 AND event_id BETWEEN $3 AND $4`, ticketID, wsID, events[0].ID, events[len(events)-1].ID)
	if err != nil {
		return fmt.Errorf("mail state: %w", err)
	}
	type row struct {
		event                  int64
		id, dir, state, answer string
	}
	list, err := collect(rows, func(r *sql.Rows) (row, error) {
		var x row
		return x, r.Scan(&x.event, &x.id, &x.dir, &x.state, &x.answer)
	})
	if err != nil {
		return err
	}
	byEvent := map[int64]row{}
	for _, x := range list {
		byEvent[x.event] = x
	}
	for i := range events {
		x, ok := byEvent[events[i].ID]
		if !ok {
			continue
		}
		st := &ticket.EmailState{MessageID: x.id}
		if x.dir == MailOut {
			st.State, st.Answer = x.state, x.answer
		}
		events[i].Email = st
	}
	return nil
}
