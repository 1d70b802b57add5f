package api

import "github.com/palier/palier/internal/desk"

// The phone channel: calls logged on a ticket, and callback requests that
// become routed tickets (desk/phone.go).

func (a *API) logCall(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in desk.Call
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e, t, err := a.desk.LogCall(c.r.Context(), c.actor, id, in)
	if err != nil {
		return nil, err
	}
	return a.messageAnswer(c, e, t, 0)
}

func (a *API) requestCallback(c *call) (any, error) {
	var in desk.Callback
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t, err := a.desk.RequestCallback(c.r.Context(), c.actor, in)
	if err != nil {
		return nil, err
	}
	c.created(ticketPath(t.ID))
	return ticketOut(t), nil
}
