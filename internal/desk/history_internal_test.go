package desk

import (
	"testing"
	"time"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/ticket"
)

func TestHistoryCountsWorkNotWaiting(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	solved := at(6 * time.Hour)
	tk := ticket.Ticket{CreatedAt: t0, TierID: 2, SolvedAt: &solved, EscalationCount: 1}
	ev := func(kind ticket.EventKind, d time.Duration, data ticket.EventData) ticket.Event {
		return ticket.Event{Kind: kind, CreatedAt: at(d), Data: data}
	}
	events := []ticket.Event{
		ev(ticket.Created, 0, nil),
		ev(ticket.CustomerMessage, 0, nil),
		ev(ticket.Routed, 0, event.Routed{TierID: 1}),
		ev(ticket.OwnerChanged, 10*time.Minute, event.OwnerChange{To: 7}), // L1 takes it after 10 min in the queue
		ev(ticket.AgentReply, 20*time.Minute, nil),
		ev(ticket.StatusChanged, 20*time.Minute, event.Change{From: "open", To: "pending"}), // waits for the customer
		ev(ticket.CustomerMessage, 2*time.Hour, nil),
		ev(ticket.StatusChanged, 2*time.Hour, event.Change{From: "pending", To: "open"}),
		ev(ticket.Escalated, 3*time.Hour, event.Handoff{From: 1, To: 2}),
		ev(ticket.OwnerChanged, 5*time.Hour, event.OwnerChange{To: 9}), // L2 picks it up two hours later
		ev(ticket.StatusChanged, 6*time.Hour, event.Change{From: "open", To: "solved"}),
	}
	h := historyOf(tk, events, map[int64]string{1: "L1", 2: "L2"}, "billing")
	want := []struct {
		tier string
		work time.Duration
	}{
		{"L1", 3*time.Hour - 10*time.Minute - (2*time.Hour - 20*time.Minute)},
		{"L2", time.Hour},
	}
	if len(h.Spans) != len(want) {
		t.Fatalf("spans = %+v, want %d", h.Spans, len(want))
	}
	for i, w := range want {
		if got := h.Spans[i]; got.Tier != w.tier || got.End.Sub(got.Start) != w.work {
			t.Errorf("span %d = %s %s, want %s %s", i, got.Tier, got.End.Sub(got.Start), w.tier, w.work)
		}
	}
	if h.Type != "billing" || !h.Solved.Equal(solved) || h.Escalations != 1 {
		t.Errorf("history = %+v", h)
	}
}

func TestHistoryReadsTierChanges(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tk := ticket.Ticket{CreatedAt: t0, TierID: 3}
	events := []ticket.Event{
		{Kind: ticket.AgentReply, CreatedAt: t0.Add(time.Minute)},
		{Kind: ticket.TierChanged, CreatedAt: t0.Add(time.Hour), Data: event.TierChange{From: 1, To: 3}},
		{Kind: ticket.AgentReply, CreatedAt: t0.Add(2 * time.Hour)},
		{Kind: ticket.AgentReply, CreatedAt: t0.Add(3 * time.Hour)},
	}
	h := historyOf(tk, events, map[int64]string{1: "L1", 3: "L3"}, "")
	if len(h.Spans) != 2 || h.Spans[0].Tier != "L1" || h.Spans[1].Tier != "L3" || h.Spans[1].End.Sub(h.Spans[1].Start) != time.Hour {
		t.Errorf("spans = %+v", h.Spans)
	}
}
