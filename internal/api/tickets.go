package api

import (
	"context"
	"encoding/json"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// maxEvents bounds a timeline page; a ticket's whole history usually fits.
const maxEvents = 500

func ticketPath(id int64) string { return pathOf("/tickets", id) }

// ticketLocation is where a ticket just created is read.
func ticketLocation(t ticketJSON) string { return ticketPath(t.ID) }

// ticketJSON is a ticket as the API shows it. It is the API's own type
// rather than ticket.Ticket so that a field added to the domain type for
// internal use does not silently join the public contract: a field appears
// here, and in the OpenAPI schema, on purpose.
type ticketJSON struct {
	ID              int64             `json:"id"`
	Number          int64             `json:"number"`
	Reference       string            `json:"reference"`
	Subject         string            `json:"subject"`
	Status          ticket.Status     `json:"status"`
	Priority        ticket.Priority   `json:"priority"`
	RequestTypeID   int64             `json:"request_type_id,omitempty"`
	Channel         string            `json:"channel"`
	TierID          int64             `json:"tier_id"`
	TeamID          int64             `json:"team_id,omitempty"`
	OwnerID         int64             `json:"owner_id,omitempty"`
	CustomerID      int64             `json:"customer_id"`
	Language        string            `json:"language"`
	Sensitive       bool              `json:"sensitive"`
	Tags            []string          `json:"tags"`
	CustomFields    map[string]string `json:"custom_fields"`
	Collaborators   []int64           `json:"collaborator_ids"`
	EscalationCount int               `json:"escalation_count"`
	HandoffCount    int               `json:"handoff_count"`
	FirstContact    bool              `json:"first_contact_resolved"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	FirstResponseAt *time.Time        `json:"first_response_at,omitempty"`
	SolvedAt        *time.Time        `json:"solved_at,omitempty"`
	Search          *ticketMatchJSON  `json:"search,omitempty"` // answers to ?q= only (tickets_search.go)
	// MergedInto is the ticket this one was merged into; Links are its
	// links, with one ticket only (links.go).
	MergedInto int64      `json:"merged_into,omitempty"`
	Links      []linkJSON `json:"links,omitempty"`
}

// ticketOut converts a ticket for an answer, with lists and maps in their
// empty JSON form rather than null so clients can iterate without a check.
func ticketOut(t ticket.Ticket) ticketJSON {
	out := ticketJSON{ID: t.ID, Number: t.Number, Reference: t.Reference, Subject: t.Subject, Status: t.Status, Priority: t.Priority,
		RequestTypeID: t.RequestTypeID, Channel: t.Channel, TierID: t.TierID, TeamID: t.TeamID, OwnerID: t.OwnerID,
		CustomerID: t.CustomerID, Language: t.Language, Sensitive: t.Sensitive, Tags: t.Tags, CustomFields: t.CustomFields,
		Collaborators: t.Collaborators, EscalationCount: t.EscalationCount, HandoffCount: t.HandoffCount, FirstContact: t.FirstContactResolved,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, FirstResponseAt: t.FirstResponseAt, SolvedAt: t.SolvedAt, MergedInto: t.MergedIntoID}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Collaborators == nil {
		out.Collaborators = []int64{}
	}
	if out.CustomFields == nil {
		out.CustomFields = map[string]string{}
	}
	return out
}

func (a *API) createTicket(c *call) (any, error) {
	return fromBody(c, desk.NewTicket{}, a.desk.CreateTicket, createdAt(c, ticketOut, ticketLocation))
}

func (a *API) updateTicket(c *call) (any, error) {
	return withBody(c, a.desk.UpdateTicket, render(ticketOut))
}

// messageOut is the answer to a reply or a note: the new timeline entry and
// the ticket as it is after it (a reply may have changed its status).
type messageOut struct {
	Event       eventJSON        `json:"event"`
	Ticket      ticketJSON       `json:"ticket"`
	Attachments []attachmentJSON `json:"attachments,omitempty"`
}

func (a *API) reply(c *call) (any, error) {
	var in struct {
		Body   string `json:"body"`
		Status string `json:"status"`
	}
	return a.postMessage(c, &in, func(ctx context.Context, id int64, files []desk.Upload) (ticket.Event, ticket.Ticket, error) {
		return a.desk.ReplyWith(ctx, c.actor, id, in.Body, in.Status, files)
	})
}

func (a *API) note(c *call) (any, error) {
	var in struct {
		Body string `json:"body"`
	}
	return a.postMessage(c, &in, func(ctx context.Context, id int64, files []desk.Upload) (ticket.Event, ticket.Ticket, error) {
		return a.desk.NoteWith(ctx, c.actor, id, in.Body, files)
	})
}

// postMessage reads a reply's or a note's body into in (JSON, or multipart
// with files), has the desk post it on the ticket at the path's id, and
// answers 201 with the message and its files.
func (a *API) postMessage(c *call, in any, post func(ctx context.Context, id int64, files []desk.Upload) (ticket.Event, ticket.Ticket, error)) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	files, done, err := c.decodeMessage(a, in)
	defer done()
	if err != nil {
		return nil, err
	}
	e, t, err := post(c.r.Context(), id, files)
	if err != nil {
		return nil, err
	}
	return a.messageAnswer(c, e, t, len(files))
}

// assign sets or clears the owner. owner_id must be present: null
// unassigns, so a forgotten field must not be read as "unassign".
func (a *API) assign(c *call) (any, error) {
	var in struct {
		OwnerID json.RawMessage `json:"owner_id"`
	}
	id, err := c.idAndBody(&in)
	if err != nil {
		return nil, err
	}
	owner, err := optionalID("owner_id", in.OwnerID)
	if err != nil {
		return nil, err
	}
	return render(ticketOut)(a.desk.UpdateTicket(c.r.Context(), c.actor, id, desk.Update{OwnerID: &owner}))
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

// addCollaborator invites one agent (agent_id) or every active member of a
// team (team_id) to the ticket's swarm, with an optional question; the desk
// refuses both at once, and neither.
func (a *API) addCollaborator(c *call) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in desk.Invitation) (ticket.Ticket, error) {
		if _, err := a.desk.Swarm(ctx, actor, id, in); err != nil {
			return ticket.Ticket{}, err
		}
		return a.desk.Ticket(ctx, actor, id)
	}, render(ticketOut))
}

func (a *API) events(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	// In the time each event was written (merge copies among the rest);
	// the cursor is the last event of the page, after an id for polling.
	after := c.integer("after", 0)
	cursor, err := parseIDCursor("events", c.r.URL.Query().Get("cursor"))
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", 100))
	list, err := a.desk.TimelineInTimeOrder(c.r.Context(), c.actor, id, after, cursor, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(each(list, eventOut), limit, "events", func(e eventJSON) int64 { return e.ID }), nil
}

func (a *API) listTickets(c *call) (any, error) {
	if q := c.r.URL.Query(); q.Has("q") || q.Has("created_from") || q.Has("created_before") {
		return a.searchTickets(c)
	}
	limit := int(c.integer("limit", defaultLimit))
	return ticketPage(a.desk.FindTickets(c.r.Context(), c.actor, ticketQuery(c), c.r.URL.Query().Get("cursor"), limit))
}

// ticketPage answers a page of tickets cut by the desk.
func ticketPage(list []ticket.Ticket, next string, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return keysetPage(list, next, ticketOut), nil
}

// ticketQuery turns the list's query parameters (already checked against
// their declarations) into the desk's query; the desk resolves tier codes
// and request type keys.
func ticketQuery(c *call) desk.TicketQuery {
	q := c.r.URL.Query()
	out := desk.TicketQuery{Sort: q.Get("sort"), TeamID: c.integer("team", 0), CustomerID: c.integer("customer", 0),
		Tiers: c.list("tier"), Owner: q.Get("owner"), HandedOffByMe: q.Get("handed_off_by") == "me", RequestType: q.Get("type")}
	for _, s := range c.list("status") {
		out.Statuses = append(out.Statuses, ticket.Status(s))
	}
	return out
}
