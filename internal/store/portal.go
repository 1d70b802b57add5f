package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// What a signed-in customer reads and does in the help centre's "My
// requests": only their own tickets, always filtered by workspace and
// customer in SQL, so a guessed number or id finds nothing.

// CustomerTickets lists a customer's tickets, the latest changed first.
func (s *Store) CustomerTickets(ctx context.Context, wsID, customerID int64, limit int) ([]ticket.Ticket, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE workspace_id = $1 AND customer_id = $2
		ORDER BY updated_at DESC, id DESC LIMIT $3`, wsID, customerID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list customer tickets: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (ticket.Ticket, error) { return scanTicket(r) })
}

// CustomerTicket returns a customer's ticket by number, or not found when
// there is none or it is someone else's.
func (s *Store) CustomerTicket(ctx context.Context, wsID, customerID, number int64) (ticket.Ticket, error) {
	return s.ticketWhere(ctx, s.read, `number = $1 AND workspace_id = $2 AND customer_id = $3`, number, wsID, customerID)
}

// CustomerGuard refuses, on the locked row, a ticket that is not the
// customer's (an agent may have changed its customer meanwhile).
func CustomerGuard(customerID int64) Guard {
	return func(t ticket.Ticket) error {
		if t.CustomerID != customerID {
			return problem.NotFoundf("ticket")
		}
		return nil
	}
}

// ErrAlreadySolved refuses to solve a ticket that is no longer active.
var ErrAlreadySolved = problem.New(problem.Conflict, "already_solved", "this request is already solved")

// SolveByCustomer marks a customer's ticket solved by them (the rule is
// ticket.SolveByCustomer), with a status_changed event that names the
// customer as its author, and audits it, in one transaction.
func (s *Store) SolveByCustomer(ctx context.Context, wsID, customerID, ticketID int64) (ticket.Ticket, error) {
	var out ticket.Ticket
	err := s.inTx(ctx, func(tx *Tx) error {
		t, err := s.lockTicket(ctx, tx, wsID, ticketID, CustomerGuard(customerID))
		if err != nil {
			return err
		}
		next, ok := t.SolveByCustomer()
		if !ok {
			return ErrAlreadySolved
		}
		now := fromMS(ms(s.now()))
		if _, err := s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: t.ID, Kind: ticket.StatusChanged, ActorCustomerID: customerID,
			Data: event.Change{From: string(t.Status), To: string(next.Status)}}, now); err != nil {
			return err
		}
		if err := s.saveTicket(ctx, tx, &next, now); err != nil {
			return err
		}
		out = next
		return s.audit(ctx, tx, wsID, 0, "customer.solve", "ticket", t.ID, map[string]any{"customer_id": customerID, "number": t.Number})
	})
	return out, err
}

// CustomerAttachment returns an attachment a customer may download: on a
// public message (theirs, an agent's reply, an automatic answer) of their
// own ticket. Anything else is not found, whatever the reason.
func (s *Store) CustomerAttachment(ctx context.Context, wsID, customerID, id int64) (attachment.Attachment, error) {
	row := s.read.QueryRowContext(ctx, `SELECT a.id, a.ticket_id, a.event_id, a.filename, a.declared_type, a.sniffed_type, a.size, a.sha256, a.inline, a.created_at
		FROM attachments a
		JOIN tickets t ON t.id = a.ticket_id AND t.workspace_id = a.workspace_id
		JOIN events e ON e.id = a.event_id AND e.ticket_id = a.ticket_id
		WHERE a.id = $1 AND a.workspace_id = $2 AND t.customer_id = $3 AND e.kind IN ($4, $5, $6)`,
		id, wsID, customerID, string(ticket.CustomerMessage), string(ticket.AgentReply), string(ticket.AutoReply))
	a, err := scanAttachment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return a, problem.NotFoundf("attachment")
	}
	if err != nil {
		return a, fmt.Errorf("get attachment: %w", err)
	}
	return a, nil
}
