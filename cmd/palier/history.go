package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// maxHistory bounds how many recent tickets calibration reads: enough for
// stable estimates, small enough to read in seconds.
const maxHistory = 20_000

// loadHistory reads the first workspace's recent tickets for the simulator's
// calibration: when each arrived, its type, and the stretches it spent in
// each tier, taken from tier changes on its timeline.
func loadHistory(s *store.Store) func(context.Context) ([]sim.HistoryTicket, error) {
	return func(ctx context.Context) ([]sim.HistoryTicket, error) {
		ws, err := s.FirstWorkspace(ctx)
		if err != nil {
			return nil, err
		}
		tiers, err := s.Tiers(ctx, ws.ID)
		if err != nil {
			return nil, err
		}
		types, err := s.RequestTypes(ctx, ws.ID)
		if err != nil {
			return nil, err
		}
		code := map[string]string{}
		for _, t := range tiers {
			code[strconv.FormatInt(t.ID, 10)] = t.Code
		}
		typeKey := map[int64]string{}
		for _, rt := range types {
			typeKey[rt.ID] = rt.Key
		}
		var out []sim.HistoryTicket
		cursor := ""
		for len(out) < maxHistory {
			page, next, err := s.Tickets(ctx, ws.ID, store.Filter{}, cursor, 200)
			if err != nil {
				return nil, err
			}
			for _, t := range page {
				events, err := s.Events(ctx, ws.ID, t.ID, 0, 1000)
				if err != nil {
					return nil, fmt.Errorf("timeline of %s: %w", t.Reference, err)
				}
				out = append(out, historyOf(t, events, code, typeKey))
			}
			if next == "" {
				break
			}
			cursor = next
		}
		return out, nil
	}
}

func historyOf(t ticket.Ticket, events []ticket.Event, tierCode map[string]string, typeKey map[int64]string) sim.HistoryTicket {
	h := sim.HistoryTicket{Created: t.CreatedAt, Type: typeKey[t.RequestTypeID], Channel: t.Channel, Priority: t.Priority.String(),
		Escalations: t.EscalationCount, FirstContactResolved: t.FirstContactResolved}
	if t.SolvedAt != nil {
		h.Solved = *t.SolvedAt
	}
	// Walk the tier changes backwards from the current tier to find the
	// tier the ticket started in and when each stretch began.
	current := tierCode[strconv.FormatInt(t.TierID, 10)]
	start, tier := t.CreatedAt, ""
	for _, e := range events {
		var from, to string
		switch e.Kind {
		case ticket.TierChanged:
			from, to = tierCode[e.Data["from"]], tierCode[e.Data["to"]]
		case ticket.Escalated, ticket.DeEscalated:
			from, to = e.Data["from"], e.Data["to"]
		default:
			continue
		}
		if tier == "" {
			tier = from
		}
		h.Spans = append(h.Spans, sim.TierSpan{Tier: tier, Start: start, End: e.CreatedAt})
		tier, start = to, e.CreatedAt
	}
	if tier == "" {
		tier = current
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
