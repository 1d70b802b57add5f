package api

import "github.com/palier/palier/internal/desk"

// The phone channel: calls logged on a ticket, and callback requests that
// become routed tickets (desk/phone.go).

func (a *API) logCall(c *call) (any, error) {
	var in desk.Call
	id, err := c.idAndBody(&in)
	if err != nil {
		return nil, err
	}
	e, t, err := a.desk.LogCall(c.r.Context(), c.actor, id, in)
	if err != nil {
		return nil, err
	}
	return a.messageAnswer(c, e, t, 0)
}

func (a *API) requestCallback(c *call) (any, error) {
	return fromBody(c, desk.Callback{}, a.desk.RequestCallback, createdAt(c, ticketOut, ticketLocation))
}
