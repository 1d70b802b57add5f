// Package notify decides who is told about what happened on a ticket: the
// pure rules behind the notification centre and its emails. It reads the
// timeline events a change wrote and the ticket as it is afterwards, and
// answers with one notice per agent at most; package desk stores them in
// the change's transaction, and the edges render them.
//
// Two rules hold for every notice: nobody is told of their own action, and
// nobody is told about a ticket they may not read (ticket.CanView on the
// ticket after the change).
package notify

import (
	"slices"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/ticket"
)

// Kind is what a notification is about.
type Kind string

const (
	Assigned        Kind = "assigned"         // a ticket was assigned to you
	HandoffReceived Kind = "handoff_received" // your tier or team received a hand-off
	SwarmInvited    Kind = "swarm_invited"    // you were invited to a ticket's swarm
	Mentioned       Kind = "mentioned"        // you were @mentioned in an internal note
	CustomerReplied Kind = "customer_replied" // the customer answered your ticket
	HandoffSolved   Kind = "handoff_solved"   // a ticket you handed off was solved
	HandoffReturned Kind = "handoff_returned" // a ticket you handed off came back to your tier
)

// Kinds lists every kind, in the order settings show them.
var Kinds = []Kind{Assigned, HandoffReceived, SwarmInvited, Mentioned, CustomerReplied, HandoffSolved, HandoffReturned}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Pref is how an agent wants to hear of one kind of event.
type Pref struct {
	InApp bool `json:"in_app"`
	Email bool `json:"email"`
}

// Default is the preference of an agent who has not chosen: every kind in
// the app; by email only what asks for action away from the screen (a
// ticket that became yours, and the end of one you handed off).
func Default(k Kind) Pref {
	return Pref{InApp: true, Email: k == Assigned || k == HandoffSolved}
}

// Member is an agent who may be told: who they are for the access rule,
// and the name a mention uses.
type Member struct {
	Actor  auth.Actor
	Name   string
	Active bool
}

// Change is what one committed write did to a ticket.
type Change struct {
	ActorID int64         // the agent who acted; 0 for a customer or the system
	Ticket  ticket.Ticket // the ticket after the change
	Events  []ticket.Event
}

// Notice is one agent to tell about one thing.
type Notice struct {
	AgentID  int64
	Kind     Kind
	TicketID int64
	EventID  int64 // the timeline event it comes from
	ActorID  int64 // who did it (0: the customer or the system)
}

// OnCreate says whether opening ticket t can tell anyone anything: of a
// new ticket's events (created, the first message, routed, an auto-reply)
// only its owner hears, as assigned. Intake skips the notification step,
// and keeps its fastest write path, for the tickets that wait unassigned.
func OnCreate(t ticket.Ticket) bool { return t.OwnerID != 0 }

// Decide lists who is told what about a change, at most one notice per
// agent (the first that applies, in the order of the change's events and,
// within one event, the more personal first), never the actor, never an
// inactive member, never someone who may not read the ticket.
func Decide(c Change, members []Member) []Notice {
	byID := make(map[int64]Member, len(members))
	for _, m := range members {
		byID[m.Actor.AgentID] = m
	}
	t := c.Ticket
	var out []Notice
	told := map[int64]bool{}
	tell := func(agentID int64, k Kind, e ticket.Event) {
		m, ok := byID[agentID]
		if !ok || !m.Active || agentID == c.ActorID || told[agentID] || !ticket.CanView(m.Actor, t) {
			return
		}
		told[agentID] = true
		out = append(out, Notice{AgentID: agentID, Kind: k, TicketID: t.ID, EventID: e.ID, ActorID: c.ActorID})
	}
	for _, e := range c.Events {
		switch e.Kind {
		case ticket.Created:
			if t.OwnerID != 0 {
				tell(t.OwnerID, Assigned, e)
			}
		case ticket.OwnerChanged:
			if c, ok := event.As[event.OwnerChange](e); ok && c.To != 0 {
				tell(c.To, Assigned, e)
			}
		case ticket.Escalated, ticket.DeEscalated:
			// A ticket handed back to a tier that had handed it off (sent
			// down to L1 after L1 escalated it, or returned up to L2 after
			// L2 sent it down): who handed it off there hears it is back.
			for _, id := range t.HandedOffBy {
				if m, ok := byID[id]; ok && receives(m.Actor, t) {
					tell(id, HandoffReturned, e)
				}
			}
			for _, m := range members {
				if receives(m.Actor, t) {
					tell(m.Actor.AgentID, HandoffReceived, e)
				}
			}
		case ticket.SwarmJoined:
			if j, ok := event.As[event.SwarmJoin](e); ok && j.AgentID != 0 {
				tell(j.AgentID, SwarmInvited, e)
			}
		case ticket.InternalNote:
			for _, id := range Mentions(e.Body, members) {
				tell(id, Mentioned, e)
			}
		case ticket.CustomerMessage:
			if e.ActorCustomerID != 0 && t.OwnerID != 0 {
				tell(t.OwnerID, CustomerReplied, e)
			}
		case ticket.StatusChanged:
			if c, ok := event.As[event.Change](e); ok && c.To == string(ticket.Solved) && c.From != string(ticket.Closed) {
				for _, id := range t.HandedOffBy {
					tell(id, HandoffSolved, e)
				}
			}
		}
	}
	return out
}

// receives reports whether a member is of the tier or team a ticket was
// handed to: the team when the hand-off named one, else the whole tier.
func receives(a auth.Actor, t ticket.Ticket) bool {
	if a.IsCollaborator() {
		return false
	}
	if t.TeamID != 0 {
		return a.InTeam(t.TeamID)
	}
	return a.InTier(t.TierID)
}
