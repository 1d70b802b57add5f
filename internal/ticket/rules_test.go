package ticket

import (
	"testing"
	"time"
)

func TestReceive(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	earlier := now.Add(-time.Hour)
	const agent, other = 7, 9
	tests := []struct {
		name      string
		t         Ticket
		kind      EventKind
		agent     int64
		requested Status
		status    Status
		firstAt   *time.Time
		replier   int64
		fcr       bool
	}{
		{name: "customer reopens pending", t: Ticket{Status: Pending}, kind: CustomerMessage, status: Open},
		{name: "customer reopens on hold", t: Ticket{Status: OnHold}, kind: CustomerMessage, status: Open},
		{name: "customer reopens solved", t: Ticket{Status: Solved, FirstContactResolved: true, FirstReplierID: agent}, kind: CustomerMessage, status: Open, replier: agent},
		{name: "customer reopens closed", t: Ticket{Status: Closed}, kind: CustomerMessage, status: Open},
		{name: "customer leaves new as new", t: Ticket{Status: New}, kind: CustomerMessage, status: New},
		{name: "customer leaves open as open", t: Ticket{Status: Open}, kind: CustomerMessage, status: Open},
		{name: "first reply opens and sets first response", t: Ticket{Status: New}, kind: AgentReply, agent: agent, status: Open, firstAt: &now, replier: agent},
		{name: "later reply keeps first response and replier", t: Ticket{Status: Open, FirstResponseAt: &earlier, FirstReplierID: other}, kind: AgentReply, agent: agent, status: Open, firstAt: &earlier, replier: other},
		{name: "reply asks for pending", t: Ticket{Status: Open}, kind: AgentReply, agent: agent, requested: Pending, status: Pending, firstAt: &now, replier: agent},
		{name: "first replier solves at first contact", t: Ticket{Status: Open}, kind: AgentReply, agent: agent, requested: Solved, status: Solved, firstAt: &now, replier: agent, fcr: true},
		{name: "another agent solving is not first contact", t: Ticket{Status: Open, FirstResponseAt: &earlier, FirstReplierID: other}, kind: AgentReply, agent: agent, requested: Solved, status: Solved, firstAt: &earlier, replier: other},
		{name: "escalated ticket is not first contact", t: Ticket{Status: Open, EscalationCount: 1}, kind: AgentReply, agent: agent, requested: Solved, status: Solved, firstAt: &now, replier: agent},
		{name: "internal note changes nothing", t: Ticket{Status: New}, kind: InternalNote, agent: agent, status: New},
		{name: "note may set a status", t: Ticket{Status: Open}, kind: InternalNote, agent: agent, requested: OnHold, status: OnHold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.t.Receive(tt.kind, tt.agent, tt.requested, now)
			if got.Status != tt.status {
				t.Errorf("status = %s, want %s", got.Status, tt.status)
			}
			switch {
			case (got.FirstResponseAt == nil) != (tt.firstAt == nil):
				t.Errorf("first response = %v, want %v", got.FirstResponseAt, tt.firstAt)
			case got.FirstResponseAt != nil && !got.FirstResponseAt.Equal(*tt.firstAt):
				t.Errorf("first response = %v, want %v", *got.FirstResponseAt, *tt.firstAt)
			}
			if got.FirstReplierID != tt.replier {
				t.Errorf("first replier = %d, want %d", got.FirstReplierID, tt.replier)
			}
			if got.FirstContactResolved != tt.fcr {
				t.Errorf("first contact resolved = %v, want %v", got.FirstContactResolved, tt.fcr)
			}
		})
	}
}

func TestReassign(t *testing.T) {
	tests := []struct {
		name     string
		from, to int64
		handoffs int
	}{
		{"take an unowned ticket", 0, 3, 0},
		{"release a ticket", 3, 0, 0},
		{"keep the same owner", 3, 3, 0},
		{"pass to another agent", 3, 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Ticket{OwnerID: tt.from, HandoffCount: 2}.Reassign(tt.to)
			if got.OwnerID != tt.to || got.HandoffCount != 2+tt.handoffs {
				t.Errorf("owner %d, hand-offs %d; want %d, %d", got.OwnerID, got.HandoffCount, tt.to, 2+tt.handoffs)
			}
		})
	}
}

func TestMove(t *testing.T) {
	tests := []struct {
		name        string
		t           Ticket
		kind        EventKind
		status      Status
		escalations int
	}{
		{"escalate an owned open ticket", Ticket{Status: Open, OwnerID: 3}, Escalated, Open, 1},
		{"escalate a new ticket opens it", Ticket{Status: New}, Escalated, Open, 1},
		{"send down keeps the escalation count", Ticket{Status: Pending, OwnerID: 3}, DeEscalated, Pending, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.t.Move(tt.kind, 5, 6)
			if got.TierID != 5 || got.TeamID != 6 || got.OwnerID != 0 {
				t.Errorf("placement tier %d team %d owner %d; want 5, 6, nobody", got.TierID, got.TeamID, got.OwnerID)
			}
			if got.Status != tt.status || got.HandoffCount != 1 || got.EscalationCount != tt.escalations {
				t.Errorf("status %s, hand-offs %d, escalations %d; want %s, 1, %d", got.Status, got.HandoffCount, got.EscalationCount, tt.status, tt.escalations)
			}
		})
	}
}

func TestSettle(t *testing.T) {
	tests := []struct {
		name     string
		t        Ticket
		previous Status
		agent    int64
		want     bool
	}{
		{"first replier solves", Ticket{Status: Solved, FirstReplierID: 1}, Open, 1, true},
		{"someone else solves", Ticket{Status: Solved, FirstReplierID: 1}, Open, 2, false},
		{"nobody replied", Ticket{Status: Solved}, Open, 1, false},
		{"after a hand-off", Ticket{Status: Solved, FirstReplierID: 1, HandoffCount: 1}, Open, 1, false},
		{"already solved keeps the fact", Ticket{Status: Solved, FirstReplierID: 1, FirstContactResolved: true}, Solved, 2, true},
		{"closed keeps the fact", Ticket{Status: Closed, FirstContactResolved: true}, Solved, 2, true},
		{"reopened loses it", Ticket{Status: Open, FirstContactResolved: true}, Solved, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.t
			got.Settle(tt.previous, tt.agent)
			if got.FirstContactResolved != tt.want {
				t.Errorf("first contact resolved = %v, want %v", got.FirstContactResolved, tt.want)
			}
		})
	}
}
