package api

import (
	"context"
	"strconv"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Merge, split and link tickets (desk/merge.go).

// linkJSON is a link as the API shows it: the other ticket's subject and
// status only when the caller may read it.
type linkJSON struct {
	TicketID  int64           `json:"ticket_id"`
	Number    int64           `json:"number"`
	Reference string          `json:"reference"`
	Relation  ticket.Relation `json:"relation"`
	Readable  bool            `json:"readable"`
	Subject   string          `json:"subject,omitempty"`
	Status    ticket.Status   `json:"status,omitempty"`
}

func linkOut(v desk.LinkView) linkJSON {
	out := linkJSON{TicketID: v.Link.OtherID, Number: v.Number, Reference: ticket.Ref(v.Number), Relation: v.Link.Relation}
	if v.Ticket != nil {
		out.Readable, out.Subject, out.Status = true, v.Ticket.Subject, v.Ticket.Status
	}
	return out
}

// getTicket serves one ticket with its links.
func (a *API) getTicket(c *call) (any, error) {
	return byID(c, a.desk.Ticket, renderWith(func(t ticket.Ticket) (ticketJSON, error) {
		links, err := a.desk.TicketLinks(c.r.Context(), c.actor, t.ID)
		out := ticketOut(t)
		out.Links = each(links, linkOut)
		return out, err
	}))
}

type mergeRequest struct {
	Sources []int64 `json:"sources"`
	Into    int64   `json:"into"`
}

func (a *API) mergeTickets(c *call) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in mergeRequest) (ticket.Ticket, error) {
		switch {
		case in.Into != 0 && len(in.Sources) > 0:
			f := problem.Fields{}
			f.Add("into", "exclusive", "give sources or into, not both")
			return ticket.Ticket{}, f.Err()
		case in.Into != 0:
			return a.desk.MergeTickets(ctx, actor, in.Into, []int64{id})
		}
		return a.desk.MergeTickets(ctx, actor, id, in.Sources)
	}, render(ticketOut))
}

type splitRequest struct {
	MessageID int64  `json:"message_id"`
	Subject   string `json:"subject"`
}

func (a *API) splitTicket(c *call) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in splitRequest) (ticket.Ticket, error) {
		return a.desk.SplitMessage(ctx, actor, id, in.MessageID, in.Subject)
	}, createdAt(c, ticketOut, ticketLocation))
}

func (a *API) listTicketLinks(c *call) (any, error) {
	return byID(c, a.desk.TicketLinks, render(listOf(linkOut)))
}

func (a *API) linkTickets(c *call) (any, error) {
	var in struct {
		TicketID int64  `json:"ticket_id"`
		Relation string `json:"relation"`
	}
	id, err := c.idAndBody(&in)
	if err != nil {
		return nil, err
	}
	if _, err := a.desk.LinkTickets(c.r.Context(), c.actor, id, in.TicketID, in.Relation); err != nil {
		return nil, err
	}
	out, err := a.linkAnswer(c, id, in.TicketID)
	if err == nil {
		c.created(ticketPath(id) + "/links/" + strconv.FormatInt(in.TicketID, 10))
	}
	return out, err
}

// linkAnswer is the link between two tickets as the caller sees it now.
func (a *API) linkAnswer(c *call, id, otherID int64) (any, error) {
	links, err := a.desk.TicketLinks(c.r.Context(), c.actor, id)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.Link.OtherID == otherID {
			return linkOut(l), nil
		}
	}
	return nil, ticket.ErrNotLinked
}

func (a *API) unlinkTickets(c *call) (any, error) {
	id, other, err := c.twoIDs("id", "other")
	if err != nil {
		return nil, err
	}
	before, err := a.linkAnswer(c, id, other)
	if err != nil {
		return nil, err
	}
	if _, err := a.desk.UnlinkTickets(c.r.Context(), c.actor, id, other); err != nil {
		return nil, err
	}
	return before, nil
}

func linkSchemas() map[string]any {
	link := object([]string{"ticket_id", "number", "reference", "relation", "readable"}, schema{
		"ticket_id": integer("The linked ticket."), "number": integer(""), "reference": str(`e.g. "#1042".`),
		"relation": enum("How the linked ticket stands to this one: related; parent (it is this ticket's parent); child (one of its children).", ticket.Relations),
		"readable": boolean("Whether you may read the linked ticket; when false, only its number is shown."),
		"subject":  str("Absent when not readable."),
		"status":   enum("Absent when not readable.", ticket.Statuses),
	})
	return map[string]any{
		"TicketLink":     link,
		"TicketLinkList": object([]string{"data"}, schema{"data": list(ref("TicketLink"), "Oldest link first.")}),
		"MergeRequest": object(nil, schema{
			"sources": ids("Tickets to merge into this one (duplicates of the same customer or organisation)."),
			"into":    integer("The ticket to merge this one into (instead of sources)."),
		}),
		"SplitRequest": object([]string{"message_id"}, schema{
			"message_id": integer("The customer message (its event id on this ticket's timeline)."),
			"subject":    str("The new ticket's subject; absent keeps this ticket's."),
		}),
		"LinkRequest": object([]string{"ticket_id"}, schema{
			"ticket_id": integer("The ticket to link to."),
			"relation":  enum("related (the default); parent: that ticket becomes this one's parent; child: it becomes one of its children.", ticket.Relations),
		}),
	}
}
