package ticket

import "time"

// The rules below decide how a ticket changes when something happens to it.
// They are pure so that every way in (API, web, email, chat, the demo) follows
// the same rule; store only persists the ticket they return.

// Receive returns the ticket as a new message of this kind leaves it.
// requested is the status the author asked for with the message ("" for
// none, and always "" for customers). Without one, a customer's message
// reopens a pending, on-hold or solved ticket (it needs an agent again) and
// an agent's public reply opens a new ticket. An agent's first public reply
// sets the first-response time and the first replier.
func (t Ticket) Receive(kind EventKind, agentID int64, requested Status, now time.Time) Ticket {
	next := t
	switch {
	case requested != "":
		next.Status = requested
	case kind == CustomerMessage && t.Status != New && t.Status != Open:
		next.Status = Open
	case kind == AgentReply && t.Status == New:
		next.Status = Open
	}
	if kind == AgentReply && t.FirstResponseAt == nil {
		at := now
		next.FirstResponseAt = &at
	}
	if kind == AgentReply && t.FirstReplierID == 0 {
		next.FirstReplierID = agentID
	}
	next.Settle(t.Status, agentID)
	return next
}

// Reassign returns the ticket with a new owner (0 for nobody). Passing it
// from one agent to another is a hand-off; taking an unowned ticket or
// releasing one is not.
func (t Ticket) Reassign(ownerID int64) Ticket {
	next := t
	next.OwnerID = ownerID
	if t.OwnerID != 0 && ownerID != 0 && t.OwnerID != ownerID {
		next.HandoffCount++
	}
	return next
}

// Move returns the ticket after an escalation or a de-escalation (kind is
// Escalated or DeEscalated) to a tier and team. Every move between tiers
// is a hand-off, whoever held the ticket: the receiving tier starts over
// with it, so it leaves its owner's queue. A new ticket becomes open.
func (t Ticket) Move(kind EventKind, tierID, teamID int64) Ticket {
	next := t
	next.TierID, next.TeamID, next.OwnerID = tierID, teamID, 0
	next.HandoffCount++
	if kind == Escalated {
		next.EscalationCount++
	}
	if next.Status == New {
		next.Status = Open
	}
	return next
}
