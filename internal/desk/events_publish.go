package desk

import (
	"context"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Live events of ticket changes. Every desk function that changes a ticket
// runs a notifier hook in its transaction (notifications.go), which also
// records the ticket and the events written; once the change is committed,
// done publishes them: the new notifications on their agents' topics, the
// change on the ticket's topic (its open pages re-fetch their timeline),
// and on the inbox topic when lists may show the ticket differently.

// TicketEvent is the data of a ticket topic's event: which timeline events
// were written (the page compares with the last one it shows) and by whom.
type TicketEvent struct {
	TicketID    int64    `json:"ticket_id"`
	LastEventID int64    `json:"last_event_id"`
	Kinds       []string `json:"kinds"`
	ActorID     int64    `json:"actor_id,omitempty"`
}

// Live kinds on a ticket's topic: a message (reply, note, customer) was
// added, or only its properties changed.
const (
	LiveMessage = "message"
	LiveUpdated = "updated"
)

// done publishes what the change did, once it is committed; err is the
// change's outcome, and nothing is published for a change that did not
// happen.
func (n *notifier) done(err error) {
	if err != nil || n.ticket.ID == 0 {
		return
	}
	ws, t := n.dir.Workspace.ID, n.ticket
	data := TicketEvent{TicketID: t.ID, ActorID: n.actor}
	kind, inbox := LiveUpdated, false
	for _, e := range n.events {
		data.Kinds = append(data.Kinds, string(e.Kind))
		data.LastEventID = max(data.LastEventID, e.ID)
		if e.Kind.Message() {
			kind = LiveMessage
		}
		// A note changes no list; everything else may (status, tier,
		// owner, the order by last update).
		if e.Kind != ticket.InternalNote {
			inbox = true
		}
	}
	// The agents' notifications, then the ticket's events: published
	// together, in that order.
	events := append(n.notificationEvents(), liveEvent{ws: ws, topic: live.Ticket(t.ID), kind: kind, data: data})
	if inbox {
		events = append(events, liveEvent{ws: ws, topic: live.Inbox, kind: LiveUpdated, data: map[string]int64{"ticket_id": t.ID}})
	}
	n.d.publishAll(events...)
}

// Presence states an open ticket page reports.
const (
	PresenceViewing  = "viewing"
	PresenceReplying = "replying"
	PresenceLeft     = "left"
)

// PresenceKind is the live kind of a presence report on a ticket's topic.
const PresenceKind = "presence"

// PresenceEvent is who is on a ticket page, and doing what. Hello asks
// the other pages to report themselves at once (a page that just opened).
type PresenceEvent struct {
	AgentID int64  `json:"agent_id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Hello   bool   `json:"hello,omitempty"`
}

// Presence tells the other open pages of a ticket the actor may read that
// they are viewing it, replying, or gone. Nothing is stored: each page
// keeps the list with an expiry, so a page that vanishes without saying
// goodbye drops out of the others' lists by itself, on every instance.
func (d *Service) Presence(ctx context.Context, a auth.Actor, ticketID int64, state string, hello bool) error {
	if state != PresenceViewing && state != PresenceReplying && state != PresenceLeft {
		f := problem.Fields{}
		f.Add("state", "unknown_value", "must be viewing, replying or left", "value", state)
		return f.Err()
	}
	if _, err := d.Ticket(ctx, a, ticketID); err != nil {
		return err
	}
	d.publish(a.WorkspaceID, live.Ticket(ticketID), PresenceKind, PresenceEvent{AgentID: a.AgentID, Name: a.Name, State: state, Hello: hello})
	return nil
}
