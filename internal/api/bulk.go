package api

import (
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// Bulk actions: one change (and optionally one reply) on many tickets.

type bulkInput struct {
	TicketIDs []int64 `json:"ticket_ids"`
	desk.Update
	AddTags []string `json:"add_tags"`
	Reply   string   `json:"reply"`
	Note    bool     `json:"note"`
}

type bulkResultJSON struct {
	TicketID  int64      `json:"ticket_id"`
	Reference string     `json:"reference,omitempty"`
	OK        bool       `json:"ok"`
	Error     *errorJSON `json:"error,omitempty"`
}

func (a *API) bulkUpdateTickets(c *call) (any, error) {
	var in bulkInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := a.desk.BulkUpdate(c.r.Context(), c.actor, in.TicketIDs, desk.Bulk{Update: in.Update, AddTags: in.AddTags, Reply: in.Reply, Note: in.Note})
	if err != nil {
		return nil, err
	}
	out := struct {
		Data []bulkResultJSON `json:"data"`
	}{Data: make([]bulkResultJSON, 0, len(res))}
	for _, r := range res {
		j := bulkResultJSON{TicketID: r.TicketID, Reference: r.Reference, OK: r.Err == nil}
		if r.Err != nil {
			p, ok := problem.As(r.Err)
			if !ok || p.Kind == problem.Internal {
				// One ticket's fault is not the others': it is logged and
				// reported as an internal error of that ticket.
				a.log.Error("api: bulk update", "ticket", r.TicketID, "err", r.Err)
				p = errInternal
			}
			e := translate(c.lang, p)
			j.Error = &e
		}
		out.Data = append(out.Data, j)
	}
	return out, nil
}

func bulkSchemas() map[string]any {
	return map[string]any{
		"BulkUpdate": object([]string{"ticket_ids"}, with(ticketUpdateProps(), schema{
			"ticket_ids": ids("The tickets, up to 200; a repeated id is done once."),
			"add_tags":   list(str(""), "Tags added to each ticket's (tags replaces them)."),
			"reply":      str("Sent to each customer through their own channel, with the change (a status here is set with the reply)."),
			"note":       boolean("Post reply as an internal note instead."),
		})),
		"BulkResults": object([]string{"data"}, schema{"data": list(object([]string{"ticket_id", "ok"}, schema{
			"ticket_id": integer(""), "reference": str(""), "ok": boolean("Done."),
			"error": ref("ErrorDetail"),
		}), "One per ticket, in the order sent.")}),
	}
}
