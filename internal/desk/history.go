package desk

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/palier/palier/internal/auth"
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
	code := map[string]string{}
	for _, t := range dir.Tiers {
		code[strconv.FormatInt(t.ID, 10)] = t.Code
	}
	var out []sim.HistoryTicket
	cursor := ""
	for len(out) < max {
		page, next, err := d.store.Tickets(ctx, a.WorkspaceID, store.Filter{}, cursor, 200)
		if err != nil {
			return nil, err
		}
		for _, t := range page {
			events, err := d.store.Events(ctx, a.WorkspaceID, t.ID, 0, 1000)
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

func historyOf(t ticket.Ticket, events []ticket.Event, tierCode map[string]string, typeKey string) sim.HistoryTicket {
	h := sim.HistoryTicket{Created: t.CreatedAt, Type: typeKey, Channel: t.Channel, Priority: t.Priority.String(),
		Escalations: t.EscalationCount, FirstContactResolved: t.FirstContactResolved}
	if t.SolvedAt != nil {
		h.Solved = *t.SolvedAt
	}
	start, tier := t.CreatedAt, ""
	for _, e := range events {
		if e.Kind != ticket.TierChanged && e.Kind != ticket.Escalated && e.Kind != ticket.DeEscalated {
			continue
		}
		from, to := codeOf(tierCode, e.Data["from"]), codeOf(tierCode, e.Data["to"])
		if tier == "" {
			tier = from
		}
		h.Spans = append(h.Spans, sim.TierSpan{Tier: tier, Start: start, End: e.CreatedAt})
		tier, start = to, e.CreatedAt
	}
	if tier == "" {
		tier = tierCode[strconv.FormatInt(t.TierID, 10)]
	}
	end := h.Solved
	if end.IsZero() {
		end = time.Now()
	}
	if tier != "" && tier != "L0" {
		h.Spans = append(h.Spans, sim.TierSpan{Tier: tier, Start: start, End: end})
	}
	return h
}

// codeOf reads a tier from event data, which names it by id (tier changes)
// or by code (escalations).
func codeOf(tierCode map[string]string, v string) string {
	if c, ok := tierCode[v]; ok {
		return c
	}
	return v
}
