package api

import (
	"encoding/json"
	"strconv"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// maxEvents bounds a timeline page; a ticket's whole history usually fits.
const maxEvents = 500

func ticketPath(id int64) string { return Prefix + "/tickets/" + strconv.FormatInt(id, 10) }

// ticketOut gives lists and maps their empty JSON form rather than null, so
// clients can iterate without a nil check.
func ticketOut(t ticket.Ticket) ticket.Ticket {
	if t.Tags == nil {
		t.Tags = []string{}
	}
	if t.Collaborators == nil {
		t.Collaborators = []int64{}
	}
	if t.CustomFields == nil {
		t.CustomFields = map[string]string{}
	}
	return t
}

func (a *API) createTicket(c *call) (any, error) {
	var in desk.NewTicket
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t, err := a.desk.CreateTicket(c.r.Context(), c.actor, in)
	if err != nil {
		return nil, err
	}
	c.created(ticketPath(t.ID))
	return ticketOut(t), nil
}

func (a *API) getTicket(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	t, err := a.desk.Ticket(c.r.Context(), c.actor, id)
	if err != nil {
		return nil, err
	}
	return ticketOut(t), nil
}

func (a *API) updateTicket(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in desk.Update
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t, err := a.desk.UpdateTicket(c.r.Context(), c.actor, id, in)
	if err != nil {
		return nil, err
	}
	return ticketOut(t), nil
}

// messageOut is the answer to a reply or a note: the new timeline entry and
// the ticket as it is after it (a reply may have changed its status).
type messageOut struct {
	Event  ticket.Event  `json:"event"`
	Ticket ticket.Ticket `json:"ticket"`
}

func (a *API) reply(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in struct {
		Body   string `json:"body"`
		Status string `json:"status"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e, t, err := a.desk.Reply(c.r.Context(), c.actor, id, in.Body, in.Status)
	if err != nil {
		return nil, err
	}
	c.status = 201
	return messageOut{Event: e, Ticket: ticketOut(t)}, nil
}

func (a *API) note(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e, t, err := a.desk.Note(c.r.Context(), c.actor, id, in.Body)
	if err != nil {
		return nil, err
	}
	c.status = 201
	return messageOut{Event: e, Ticket: ticketOut(t)}, nil
}

// assign sets or clears the owner. owner_id must be present: null
// unassigns, so a forgotten field must not be read as "unassign".
func (a *API) assign(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in struct {
		OwnerID json.RawMessage `json:"owner_id"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	owner, err := optionalID("owner_id", in.OwnerID)
	if err != nil {
		return nil, err
	}
	t, err := a.desk.UpdateTicket(c.r.Context(), c.actor, id, desk.Update{OwnerID: &owner})
	if err != nil {
		return nil, err
	}
	return ticketOut(t), nil
}

// optionalID reads a required field whose value is an id or null (0).
func optionalID(name string, raw json.RawMessage) (int64, error) {
	f := problem.Fields{}
	if len(raw) == 0 {
		f.Required(name)
		return 0, f.Err()
	}
	if string(raw) == "null" {
		return 0, nil
	}
	var id int64
	if err := json.Unmarshal(raw, &id); err != nil || id <= 0 {
		f.Add(name, "wrong_type", "must be an id or null", "expected", "integer")
		return 0, f.Err()
	}
	return id, nil
}

func (a *API) addCollaborator(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	var in struct {
		AgentID int64 `json:"agent_id"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.AgentID <= 0 {
		f := problem.Fields{}
		f.Required("agent_id")
		return nil, f.Err()
	}
	ctx := c.r.Context()
	if err := a.desk.Invite(ctx, c.actor, id, in.AgentID); err != nil {
		return nil, err
	}
	t, err := a.desk.Ticket(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	return ticketOut(t), nil
}

func (a *API) events(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	after := c.integer("after", 0)
	if cur := c.r.URL.Query().Get("cursor"); cur != "" {
		if after, err = parseIDCursor("events", cur); err != nil {
			return nil, err
		}
	}
	limit := int(c.integer("limit", 100))
	list, err := a.desk.Timeline(c.r.Context(), c.actor, id, after, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(list, limit, "events", func(e ticket.Event) int64 { return e.ID }), nil
}

func (a *API) listTickets(c *call) (any, error) {
	f, err := a.ticketFilter(c)
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	list, next, err := a.desk.Tickets(c.r.Context(), c.actor, f, c.r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return nil, err
	}
	p := page[ticket.Ticket]{Data: make([]ticket.Ticket, len(list))}
	for i, t := range list {
		p.Data[i] = ticketOut(t)
	}
	if next != "" {
		p.NextCursor = &next
	}
	return p, nil
}

// ticketFilter turns the list's query parameters (already checked against
// their declarations) into a store filter. Tier codes and request type keys
// are resolved against the workspace's directory, loaded only when needed.
func (a *API) ticketFilter(c *call) (store.Filter, error) {
	q := c.r.URL.Query()
	f := store.Filter{Sort: q.Get("sort"), TeamID: c.integer("team", 0), CustomerID: c.integer("customer", 0)}
	for _, s := range c.list("status") {
		f.Statuses = append(f.Statuses, ticket.Status(s))
	}
	var dir *desk.Directory
	directory := func() (*desk.Directory, error) {
		if dir == nil {
			d, err := a.desk.Directory(c.r.Context(), c.actor)
			if err != nil {
				return nil, err
			}
			dir = &d
		}
		return dir, nil
	}
	for _, v := range c.list("tier") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.TierIDs = append(f.TierIDs, id)
			continue
		}
		d, err := directory()
		if err != nil {
			return f, err
		}
		tier := d.TierByCode(v)
		if tier.ID == 0 {
			return f, badParameter("tier", v)
		}
		f.TierIDs = append(f.TierIDs, tier.ID)
	}
	if key := q.Get("type"); key != "" {
		d, err := directory()
		if err != nil {
			return f, err
		}
		if f.RequestTypeID = d.RequestTypeByKey(key).ID; f.RequestTypeID == 0 {
			return f, badParameter("type", key)
		}
	}
	switch owner := q.Get("owner"); owner {
	case "":
	case "me":
		f.OwnerID = c.actor.AgentID
	case "none":
		f.Unassigned = true
	default:
		id, err := strconv.ParseInt(owner, 10, 64)
		if err != nil || id <= 0 {
			return f, badParameter("owner", owner)
		}
		f.OwnerID = id
	}
	return f, nil
}
