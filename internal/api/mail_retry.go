package api

// retryEmail sends a reply's failed email again: POST
// /tickets/{id}/messages/{mid}/retry, mid being the reply's event id.
func (a *API) retryEmail(c *call) (any, error) {
	id, mid, err := c.twoIDs("id", "mid")
	if err == nil {
		err = c.noBody()
	}
	if err != nil {
		return nil, err
	}
	e, t, err := a.desk.RetryEmail(c.r.Context(), c.actor, id, mid)
	if err != nil {
		return nil, err
	}
	return messageOut{Event: eventOut(e), Ticket: ticketOut(t)}, nil
}
