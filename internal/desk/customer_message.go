package desk

import (
	"context"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// ReceiveCustomerMessage adds a message the ticket's customer sent on
// channel to ticket id, through the one receive path every channel takes
// (receiveCustomerMessage): ticket.Receive decides what it does to the
// ticket (a pending or solved one reopens) and the owner is told. The demo
// writes its customers' answers here, so it cannot show a ticket the
// product would have left otherwise.
func (d *Service) ReceiveCustomerMessage(ctx context.Context, wsID, ticketID int64, channel, body string) (ticket.Ticket, error) {
	f := problem.Fields{}
	ticket.CheckBody(f, "body", body)
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	t, err := d.store.Ticket(ctx, wsID, ticketID)
	if err != nil {
		return t, err
	}
	return d.receiveCustomerMessage(ctx, wsID, t, nil, body, event.Message{Channel: channel}, nil, nil)
}
