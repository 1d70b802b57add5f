package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// MaxHistory bounds how many recent tickets calibration reads: enough for
// stable estimates, small enough to read in seconds.
const MaxHistory = 20_000

// History reads the workspace's recent tickets for the simulator's
// calibration (leads and admins): when each arrived, its type, and the
// stretches it spent in each tier, taken from the tier moves on its
// timeline. A stretch runs until the ticket left the tier or was solved,
// so it includes time spent waiting for the customer.
func (d *Service) History(ctx context.Context, a auth.Actor, max int) ([]sim.HistoryTicket, error) {
	if err := requireLead(a); err != nil {
		return nil, err
	}
	if max <= 0 || max > MaxHistory {
		max = MaxHistory
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	code := map[int64]string{}
	for _, t := range dir.Tiers {
		code[t.ID] = t.Code
	}
	var out []sim.HistoryTicket
	cursor := ""
	for len(out) < max {
		page, next, err := d.store.Tickets(ctx, a.WorkspaceID, store.Filter{}, cursor, 200)
		if err != nil {
			return nil, err
		}
		for _, t := range page {
			// In time order: the walk below follows the ticket's life, and
			// a merge copies messages with the time they were written.
			events, err := d.store.EventsInTimeOrder(ctx, a.WorkspaceID, t.ID, 0, 0, 1000)
			if err != nil {
				return nil, fmt.Errorf("timeline of %s: %w", t.Reference, err)
			}
			out = append(out, historyOf(t, events, code, dir.RequestType(t.RequestTypeID).Key))
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return out, nil
}

// historyOf turns a ticket's timeline into the stretches each tier spent
// working it. A stretch starts when the tier first acts on the ticket (a
// reply, a note, taking it) — time in the queue before that is waiting, not
// work — and ends when the ticket leaves the tier or is solved, minus the
// time it spent pending or on hold (waiting for the customer or a third
// party).
func historyOf(t ticket.Ticket, events []ticket.Event, tierCode map[int64]string, typeKey string) sim.HistoryTicket {
	h := sim.HistoryTicket{Created: t.CreatedAt, Type: typeKey, Channel: t.Channel, Priority: t.Priority.String(),
		Escalations: t.EscalationCount, FirstContactResolved: t.FirstContactResolved}
	if t.SolvedAt != nil {
		h.Solved = *t.SolvedAt
	}
	w := spanWalker{}
	for _, e := range events {
		var move *event.TierChange
		switch d := e.Data.(type) {
		case event.TierChange:
			move = &d
		case event.Handoff:
			move = &event.TierChange{From: d.From, To: d.To}
		}
		switch {
		case move != nil:
			if w.tier == "" {
				w.tier = tierCode[move.From]
			}
			h.Spans = w.close(h.Spans, e.CreatedAt)
			w = spanWalker{tier: tierCode[move.To]}
		case e.Kind == ticket.AgentReply, e.Kind == ticket.InternalNote, e.Kind == ticket.OwnerChanged:
			w.act(e.CreatedAt)
		case e.Kind == ticket.StatusChanged:
			if c, ok := e.Data.(event.Change); ok {
				w.status(ticket.Status(c.To), e.CreatedAt)
			}
		}
	}
	if w.tier == "" {
		w.tier = tierCode[t.TierID]
	}
	end := h.Solved
	if end.IsZero() {
		end = w.last // an open ticket: count the work seen so far
	}
	h.Spans = w.close(h.Spans, end)
	return h
}

// spanWalker follows one tier's stretch of a timeline.
type spanWalker struct {
	tier         string
	first, last  time.Time // first and last action of the tier
	waitingSince time.Time // when the ticket went pending or on hold
	waited       time.Duration
}

func (w *spanWalker) act(at time.Time) {
	if w.first.IsZero() {
		w.first = at
	}
	w.last = at
}

func (w *spanWalker) status(s ticket.Status, at time.Time) {
	w.act(at)
	waiting := s == ticket.Pending || s == ticket.OnHold
	switch {
	case waiting && w.waitingSince.IsZero():
		w.waitingSince = at
	case !waiting && !w.waitingSince.IsZero():
		w.waited += at.Sub(w.waitingSince)
		w.waitingSince = time.Time{}
	}
}

// close ends the stretch at end and appends it when the tier did work.
func (w *spanWalker) close(spans []sim.TierSpan, end time.Time) []sim.TierSpan {
	if !w.waitingSince.IsZero() && end.After(w.waitingSince) {
		w.waited += end.Sub(w.waitingSince)
	}
	if w.tier == "" || w.tier == "L0" || w.first.IsZero() || !end.After(w.first) {
		return spans
	}
	work := end.Sub(w.first) - w.waited
	if work <= 0 {
		return spans
	}
	return append(spans, sim.TierSpan{Tier: w.tier, Start: w.first, End: w.first.Add(work)})
}
