package store

import (
	"context"
	"maps"
	"slices"

	"github.com/palier/palier/internal/ticket"
)

// Move is an escalation, a de-escalation or a return: the ticket changes
// tier and team and leaves its owner's queue for the receiving team.
type Move struct {
	Kind   ticket.EventKind // ticket.Escalated or ticket.DeEscalated
	TierID int64
	TeamID int64
	Data   ticket.EventData // an event.Handoff: from/to, reason, hand-off summary…
	// CustomFields are set on the ticket with the move (checklist answers
	// that are also custom fields); the others stay as they are.
	CustomFields map[string]string
	// Then, when set, runs last in the move's transaction with the stored
	// event (the vendor's hand-off email is queued there).
	Then TxHook
}

// MoveTicket applies a move in one transaction: the new placement, the
// stored counters (escalations and hand-offs), the timeline event carrying
// the hand-off summary, and who handed it off (they keep reading it).
func (s *Store) MoveTicket(ctx context.Context, wsID, ticketID, actorID int64, guard Guard, m Move) (ticket.Ticket, error) {
	var out ticket.Ticket
	err := s.inTicketTx(ctx, wsID, ticketID, guard, func(tx *Tx, t ticket.Ticket) error {
		// ticket.Move decides the placement and the counters.
		next := t.Move(m.Kind, m.TierID, m.TeamID)
		if len(m.CustomFields) > 0 {
			next.CustomFields = maps.Clone(next.CustomFields)
			if next.CustomFields == nil {
				next.CustomFields = map[string]string{}
			}
			maps.Copy(next.CustomFields, m.CustomFields)
		}
		if err := checkTicketRefs(ctx, tx, wsID, next); err != nil {
			return err
		}
		now := fromMS(ms(s.now()))
		if err := s.saveTicket(ctx, tx, &next, now); err != nil {
			return err
		}
		e, err := s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: t.ID, Kind: m.Kind, ActorAgentID: actorID, Data: m.Data}, now)
		if err != nil {
			return err
		}
		// Whoever hands the ticket off keeps sight of it (ticket.CanView).
		if actorID != 0 {
			if err := insertHandoff(ctx, tx, t.ID, actorID, now); err != nil {
				return err
			}
			if !slices.Contains(next.HandedOffBy, actorID) {
				next.HandedOffBy = append(slices.Clone(next.HandedOffBy), actorID)
			}
		}
		next.UpdatedAt = now
		out = next
		if m.Then != nil {
			return m.Then(ctx, tx, next, []ticket.Event{e})
		}
		return nil
	})
	return out, err
}
