package desk

import (
	"context"

	"github.com/palier/palier/internal/live"
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
func (n *notifier) done(ctx context.Context, err error) {
	if err != nil || n.ticket.ID == 0 {
		return
	}
	n.publishNotifications(ctx)
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
	n.d.publish(ctx, ws, live.Ticket(t.ID), kind, data)
	if inbox {
		n.d.publish(ctx, ws, live.Inbox, LiveUpdated, map[string]int64{"ticket_id": t.ID})
	}
}
