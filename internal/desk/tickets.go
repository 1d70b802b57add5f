package desk

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/optional"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// NewTicket is a request to open a ticket, from an agent or the API.
type NewTicket struct {
	Subject       string            `json:"subject"`
	Body          string            `json:"body"`
	CustomerID    int64             `json:"customer_id,omitempty"`
	CustomerEmail string            `json:"customer_email,omitempty"` // found or created when no id is given
	CustomerName  string            `json:"customer_name,omitempty"`
	Priority      string            `json:"priority,omitempty"`
	RequestType   string            `json:"request_type,omitempty"` // key
	Channel       string            `json:"channel,omitempty"`
	TierID        int64             `json:"tier_id,omitempty"`
	TeamID        int64             `json:"team_id,omitempty"`
	OwnerID       int64             `json:"owner_id,omitempty"`
	Language      string            `json:"language,omitempty"`
	Sensitive     bool              `json:"sensitive,omitempty"`
	Tags          []string          `json:"tags,omitempty"`
	CustomFields  map[string]string `json:"custom_fields,omitempty"`
}

// CreateTicket validates, places and stores a new ticket. The returned
// ticket is durably stored.
func (d *Service) CreateTicket(ctx context.Context, a auth.Actor, in NewTicket) (ticket.Ticket, error) {
	return d.createTicket(ctx, a, in, intake{})
}

// intake is what a customer-facing channel adds to CreateTicket: the first
// message is the customer's own words, and a hook runs in the ticket's
// transaction (the contact form attaches the visitor's journey).
type intake struct {
	fromCustomer bool
	inTx         store.TxHook
}

func (d *Service) createTicket(ctx context.Context, a auth.Actor, in NewTicket, via intake) (ticket.Ticket, error) {
	if err := notForCollaborators(a); err != nil {
		return ticket.Ticket{}, err
	}
	var dir Directory
	var lookup customerLookup
	var err error
	if in.CustomerID != 0 || in.CustomerEmail != "" {
		dir, lookup, err = d.directoryAndCustomer(ctx, a.WorkspaceID, in.CustomerID, in.CustomerEmail)
	} else {
		dir, err = d.Directory(ctx, a)
	}
	if err != nil {
		return ticket.Ticket{}, err
	}
	f := problem.Fields{}
	t := ticket.Ticket{Subject: strings.TrimSpace(in.Subject), Status: ticket.New, Priority: ticket.Normal, Channel: in.Channel,
		TierID: in.TierID, TeamID: in.TeamID, OwnerID: in.OwnerID, CustomerID: in.CustomerID, Language: in.Language, Sensitive: in.Sensitive}
	ticket.CheckSubject(f, "subject", in.Subject)
	ticket.CheckBody(f, "body", in.Body)
	if t.Channel == "" {
		t.Channel = "api"
	} else if !slices.Contains(ticket.Channels, t.Channel) {
		f.Add("channel", "unknown_value", "unknown channel", "value", t.Channel)
	}
	if in.Priority != "" {
		p, ok := ticket.ParsePriority(in.Priority)
		if !ok {
			f.Add("priority", "unknown_value", "must be low, normal, high or urgent", "value", in.Priority)
		}
		t.Priority = p
	}
	if in.RequestType != "" {
		rt := dir.RequestTypeByKey(in.RequestType)
		if rt.ID == 0 {
			f.Add("request_type", "unknown_value", "unknown request type", "value", in.RequestType)
		}
		t.RequestTypeID = rt.ID
	}
	if t.Language != "" && !slices.Contains(workspace.Languages, t.Language) {
		f.Add("language", "unknown_value", "unsupported language", "value", t.Language)
	}
	t.Tags = ticket.NormalizeTags(f, "tags", in.Tags)
	t.CustomFields = checkCustomFields(f, dir, in.CustomFields)
	if in.CustomerID == 0 && in.CustomerEmail == "" {
		f.Required("customer_id")
	}
	if t.TierID != 0 && dir.Tier(t.TierID).ID == 0 {
		f.Add("tier_id", "unknown_value", "unknown tier", "value", strconv.FormatInt(t.TierID, 10))
	}
	// Team and owner are checked here as well as by the store, so that a
	// caller gets every faulty field at once, before any work is done.
	if t.TeamID != 0 && dir.Team(t.TeamID).ID == 0 {
		f.Add("team_id", "unknown_value", "unknown team", "value", strconv.FormatInt(t.TeamID, 10))
	}
	if t.OwnerID != 0 {
		checkOwner(f, dir, t.OwnerID)
	}
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	cust, isNew, err := resolveCustomer(in, lookup)
	if err != nil {
		return ticket.Ticket{}, err
	}
	t.CustomerID = cust.ID
	var newCustomer *customer.Customer
	if isNew {
		newCustomer = &cust
	}
	if t.Language == "" {
		t.Language = cust.Language
	}
	if t.Language == "" {
		t.Language = dir.Workspace.DefaultLanguage
	}
	explicit := t
	routed, dec, err := d.route(ctx, dir, &t, cust, in.Body, explicit)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if err := checkPlacement(a, dir, in, t); err != nil {
		return ticket.Ticket{}, err
	}
	// Opening a ticket does not bypass the tiers: when routing places it
	// in a tier the creator does not work in, it waits there for that
	// tier, and the creator keeps reading it as one who handed it off. A
	// sensitive ticket of the creator's own tier, which they could not
	// read otherwise, is theirs to work.
	handedOff := false
	if !a.IsAdmin() && !ticket.CanView(a, t) {
		if t.OwnerID == 0 && (a.InTier(t.TierID) || a.InTeam(t.TeamID)) {
			t.OwnerID = a.AgentID
		} else {
			handedOff = true
		}
	}
	nt := d.notifier(dir, a.AgentID)
	t, err = d.store.CreateTicket(ctx, a.WorkspaceID, store.NewTicket{Ticket: t, Body: in.Body, ActorAgentID: a.AgentID,
		Events: []ticket.Event{routed}, NewCustomer: newCustomer, Then: autoReply(dec, cust), HandedOff: handedOff,
		FirstIsCustomer: via.fromCustomer, InTx: nt.createHook(t, via.inTx)})
	nt.doneCreated(t, err)
	return t, err
}

// checkPlacement refuses the placement a new ticket's creator asked for
// (tier, team, owner) when it is outside what they may place (see
// ticket.CanPlace and CanAssignTo); t is the ticket as routed, with those
// choices applied. What routing decides on its own is not the creator's
// choice and is never refused.
func checkPlacement(a auth.Actor, dir Directory, in NewTicket, t ticket.Ticket) error {
	f := problem.Fields{}
	if (in.TierID != 0 || in.TeamID != 0) && !ticket.CanPlace(a, t, dir.Team(t.TeamID).TierID) {
		name, code := "tier_id", "tier_out_of_scope"
		if in.TierID == 0 {
			name, code = "team_id", "team_out_of_scope"
		}
		f.Add(name, code, "you may only place a ticket in a tier you work in, with a team of that tier")
	}
	if in.OwnerID != 0 && !ticket.CanAssignTo(a, t, dir.ActorOf(dir.Member(in.OwnerID))) {
		f.Add("owner_id", "owner_out_of_scope", "this agent does not work in the ticket's tier or team, or you do not")
	}
	return outOfScope(f)
}

// outOfScope is the refusal of a placement across tiers: forbidden, with
// the field that asked for it.
func outOfScope(f problem.Fields) error {
	if len(f) == 0 {
		return nil
	}
	return &problem.Error{Kind: problem.Forbidden, Code: "out_of_scope",
		Message: "agents move tickets to another tier by escalating them", Fields: map[string]problem.Field(f)}
}

// ActorOf returns a member as the access rule sees them: their tiers
// (direct, and those of their teams) and teams, as store.Actor loads them
// at sign-in.
func (dir Directory) ActorOf(m workspace.Member) auth.Actor {
	a := auth.Actor{AgentID: m.ID, WorkspaceID: dir.Workspace.ID, Name: m.Name, Email: m.Email, Role: m.Role,
		TierIDs: slices.Clone(m.TierIDs), TeamIDs: slices.Clone(m.TeamIDs)}
	for _, id := range m.TeamIDs {
		if tier := dir.Team(id).TierID; tier != 0 && !slices.Contains(a.TierIDs, tier) {
			a.TierIDs = append(a.TierIDs, tier)
		}
	}
	return a
}

// customerLookup is the customer of a new ticket's id or email, read
// together with the directory: found, or not.
type customerLookup struct {
	customer customer.Customer
	found    bool
}

// resolveCustomer is the ticket's customer as lookup found them, by id or
// by email. An unknown id is refused; an unknown email yields a validated
// customer to create together with the ticket (isNew), never before it.
func resolveCustomer(in NewTicket, lookup customerLookup) (c customer.Customer, isNew bool, err error) {
	switch {
	case lookup.found:
		return lookup.customer, false, nil
	case in.CustomerID != 0:
		f := problem.Fields{}
		f.Add("customer_id", "unknown_value", "unknown customer")
		return c, false, f.Err()
	}
	name := strings.TrimSpace(in.CustomerName)
	if name == "" {
		name, _, _ = strings.Cut(in.CustomerEmail, "@")
	}
	c = customer.Customer{Name: name, Email: strings.ToLower(strings.TrimSpace(in.CustomerEmail)), Language: in.Language}
	if err := c.Validate(); err != nil {
		if p, ok := problem.As(err); ok {
			f := problem.Fields{}
			for k, v := range p.Fields { // report under the ticket's own field names
				f.Add("customer_"+k, v.Code, v.Message)
			}
			return c, true, f.Err()
		}
		return c, true, err
	}
	return c, true, nil
}

// teamFor picks the team of a tier that handles a request type, else the
// tier's first team.
func teamFor(dir Directory, tierID, requestTypeID int64) int64 {
	var first int64
	for _, team := range dir.Teams {
		if team.TierID != tierID {
			continue
		}
		if requestTypeID != 0 && slices.Contains(team.SkillIDs, requestTypeID) {
			return team.ID
		}
		if first == 0 {
			first = team.ID
		}
	}
	return first
}

// checkCustomFields is the one validation of custom field values, for a new
// ticket and for an update alike: every key must name a field of the
// workspace and every value suit its kind ("" is accepted: on an update it
// clears the field). Problems go into f under custom_fields.<key>; the
// valid values are returned.
func checkCustomFields(f problem.Fields, dir Directory, values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		def, ok := dir.CustomField(k)
		if !ok {
			f.Add("custom_fields."+k, "unknown_field", "unknown custom field")
			continue
		}
		if code, msg := def.CheckValue(v); code != "" {
			f.Add("custom_fields."+k, code, msg)
			continue
		}
		out[k] = v
	}
	return out
}

// Ticket returns a ticket the actor may see. Tickets the actor may not see
// are reported as not found, so ids do not leak what exists.
func (d *Service) Ticket(ctx context.Context, a auth.Actor, id int64) (ticket.Ticket, error) {
	return onlyVisible(a, ticket.CanView, "ticket")(d.store.Ticket(ctx, a.WorkspaceID, id))
}

// TicketByNumber returns a visible ticket by its reference number.
func (d *Service) TicketByNumber(ctx context.Context, a auth.Actor, number int64) (ticket.Ticket, error) {
	return onlyVisible(a, ticket.CanView, "ticket")(d.store.TicketByNumber(ctx, a.WorkspaceID, number))
}

// Timeline returns a visible ticket's events after an event id.
func (d *Service) Timeline(ctx context.Context, a auth.Actor, ticketID, after int64, limit int) ([]ticket.Event, error) {
	if _, err := d.Ticket(ctx, a, ticketID); err != nil {
		return nil, err
	}
	return d.store.Events(ctx, a.WorkspaceID, ticketID, after, limit)
}

// Tickets lists one page of the tickets the actor may see.
func (d *Service) Tickets(ctx context.Context, a auth.Actor, f store.Filter, cursor string, limit int) ([]ticket.Ticket, string, error) {
	f.Viewer = &a
	return d.store.Tickets(ctx, a.WorkspaceID, f, cursor, limit)
}

// CountTickets counts visible tickets, up to max.
func (d *Service) CountTickets(ctx context.Context, a auth.Actor, f store.Filter, max int) (int, error) {
	f.Viewer = &a
	return d.store.CountTickets(ctx, a.WorkspaceID, f, max)
}

// Update is a partial change of a ticket's fields; nil means "leave".
type Update struct {
	Status       *string           `json:"status,omitempty"`
	Priority     *string           `json:"priority,omitempty"`
	RequestType  *string           `json:"request_type,omitempty"` // key, "" clears
	TierID       *int64            `json:"tier_id,omitempty"`
	TeamID       *int64            `json:"team_id,omitempty"`  // 0 clears
	OwnerID      *int64            `json:"owner_id,omitempty"` // 0 unassigns
	Sensitive    *bool             `json:"sensitive,omitempty"`
	Tags         *[]string         `json:"tags,omitempty"`
	CustomFields map[string]string `json:"custom_fields,omitempty"`
}

// UpdateTicket changes a ticket's fields, recording each change on the
// timeline. Only actors who may work the ticket can change it; marking a
// ticket sensitive or lifting the flag is for leads and admins, and for the
// owner (who keeps seeing it); agents keep a ticket in its tier (another
// tier's team or an agent outside its tier and team is out_of_scope).
func (d *Service) UpdateTicket(ctx context.Context, a auth.Actor, id int64, u Update) (ticket.Ticket, error) {
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return ticket.Ticket{}, err
	}
	ch, err := u.change(dir)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if ch.Empty() {
		return d.Ticket(ctx, a, id)
	}
	return d.applyChange(ctx, a, dir, id, ch, func(cur ticket.Ticket) error { return checkChange(dir, a, cur, ch) })
}

// applyChange writes a change of a ticket's fields the actor may see, once
// guard accepts the ticket as it is when written; those it must notify are
// notified.
func (d *Service) applyChange(ctx context.Context, a auth.Actor, dir Directory, id int64, ch store.Change, guard store.Guard) (ticket.Ticket, error) {
	nt := d.notifier(dir, a.AgentID)
	ch.Then = nt.hook(ch.Then)
	t, err := d.store.UpdateTicket(ctx, a.WorkspaceID, id, a.AgentID, func(cur ticket.Ticket) error {
		if !ticket.CanView(a, cur) {
			return problem.NotFoundf("ticket")
		}
		return guard(cur)
	}, ch)
	nt.done(err)
	return t, err
}

// checkChange is who may make a change to a ticket as it is now: those who
// may work it; marking it sensitive or lifting the flag is for leads,
// admins and its owner; agents keep a ticket in its tier (another tier's
// team, or an agent outside its tier and team, is out_of_scope).
func checkChange(dir Directory, a auth.Actor, cur ticket.Ticket, ch store.Change) error {
	if ch.Empty() {
		return nil
	}
	// Before the right to work it, so that whoever reads the ticket
	// without that right (an invitee) is told this precise refusal.
	if ch.Sensitive != nil && !ticket.CanSetSensitive(a, cur) {
		return errSensitive
	}
	if !ticket.CanWork(a, cur) {
		return errForbidden
	}
	if err := ticket.CheckNotMerged(cur); err != nil {
		return err
	}
	// Agents move tickets between tiers by escalating, which collects
	// what the next tier needs and counts the hand-off; a plain field
	// change would skip all of that. Leads and admins may re-tier.
	if ch.TierID != nil && *ch.TierID != cur.TierID && !a.IsLeadOrAdmin() {
		return errUseEscalation
	}
	if len(ch.AddTags) > 0 && len(ticket.WithTags(cur.Tags, ch.AddTags)) > ticket.MaxTags {
		return problem.Fields{"tags": {Code: "too_many", Message: "too many tags", Params: map[string]string{"max": strconv.Itoa(ticket.MaxTags)}}}.Err()
	}
	next := cur
	optional.Set(&next.TierID, ch.TierID)
	optional.Set(&next.TeamID, ch.TeamID)
	f := problem.Fields{}
	if ch.TeamID != nil && *ch.TeamID != cur.TeamID && !ticket.CanPlace(a, next, dir.Team(next.TeamID).TierID) {
		f.Add("team_id", "team_out_of_scope", "this team belongs to another tier: escalate the ticket instead")
	}
	if ch.OwnerID != nil && *ch.OwnerID != 0 && *ch.OwnerID != cur.OwnerID && !ticket.CanAssignTo(a, next, dir.ActorOf(dir.Member(*ch.OwnerID))) {
		f.Add("owner_id", "owner_out_of_scope", "this agent does not work in the ticket's tier or team, or you do not")
	}
	return outOfScope(f)
}

var (
	errUseEscalation = problem.New(problem.Forbidden, "use_escalation", "agents move a ticket to another tier by escalating it")
	errSensitive     = problem.New(problem.Forbidden, "sensitive_not_allowed",
		"only leads, admins and the ticket's owner may mark it sensitive or lift the flag")
)

func (u Update) change(dir Directory) (store.Change, error) {
	f := problem.Fields{}
	var ch store.Change
	if u.Status != nil {
		st := ticket.Status(*u.Status)
		if !st.Valid() {
			f.Add("status", "unknown_value", "unknown status", "value", *u.Status)
		}
		ch.Status = &st
	}
	if u.Priority != nil {
		p, ok := ticket.ParsePriority(*u.Priority)
		if !ok {
			f.Add("priority", "unknown_value", "must be low, normal, high or urgent", "value", *u.Priority)
		}
		ch.Priority = &p
	}
	if u.RequestType != nil {
		var id int64
		if *u.RequestType != "" {
			id = dir.RequestTypeByKey(*u.RequestType).ID
			if id == 0 {
				f.Add("request_type", "unknown_value", "unknown request type", "value", *u.RequestType)
			}
		}
		ch.RequestTypeID = &id
	}
	if u.TierID != nil {
		if dir.Tier(*u.TierID).ID == 0 {
			f.Add("tier_id", "unknown_value", "unknown tier", "value", strconv.FormatInt(*u.TierID, 10))
		}
		ch.TierID = u.TierID
	}
	if u.TeamID != nil {
		if *u.TeamID != 0 && dir.Team(*u.TeamID).ID == 0 {
			f.Add("team_id", "unknown_value", "unknown team", "value", strconv.FormatInt(*u.TeamID, 10))
		}
		ch.TeamID = u.TeamID
	}
	if u.OwnerID != nil {
		if *u.OwnerID != 0 {
			checkOwner(f, dir, *u.OwnerID)
		}
		ch.OwnerID = u.OwnerID
	}
	ch.Sensitive = u.Sensitive
	if u.Tags != nil {
		tags := ticket.NormalizeTags(f, "tags", *u.Tags)
		ch.Tags = &tags
	}
	if len(u.CustomFields) > 0 {
		ch.CustomFields = checkCustomFields(f, dir, u.CustomFields)
	}
	return ch, f.Err()
}

// Reply sends a public answer to the customer, optionally setting a status
// (e.g. solved) in the same step.
func (d *Service) Reply(ctx context.Context, a auth.Actor, id int64, body, status string) (ticket.Event, ticket.Ticket, error) {
	return d.message(ctx, a, id, post{kind: ticket.AgentReply, body: body, status: status}, nil)
}

// Note posts an internal note, visible to agents only. Swarm collaborators
// may post notes on tickets they cannot otherwise work.
func (d *Service) Note(ctx context.Context, a auth.Actor, id int64, body string) (ticket.Event, ticket.Ticket, error) {
	return d.message(ctx, a, id, post{kind: ticket.InternalNote, body: body}, nil)
}

// post is an agent's message on a ticket, with what is written with it.
type post struct {
	kind         ticket.EventKind
	body, status string
	// change is applied with the message (a macro's actions), after
	// guard accepted the ticket as it is when written.
	change store.Change
	guard  func(cur ticket.Ticket) error
	// count runs in the message's transaction (a macro's use).
	count store.TxHook
}

func (d *Service) message(ctx context.Context, a auth.Actor, id int64, p post, files []attachment.Attachment) (ticket.Event, ticket.Ticket, error) {
	if err := checkMessage(p.body, p.status); err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return ticket.Event{}, ticket.Ticket{}, err
	}
	nt := d.notifier(dir, a.AgentID)
	ch := p.change
	ch.Then = nt.hook(d.attachHook(a.WorkspaceID, files, chainHooks(p.count, d.emailReply(a.WorkspaceID, p.kind), d.connectorReply(a.WorkspaceID, p.kind))))
	e, t, err := d.store.AddMessageChange(ctx, a.WorkspaceID, id, func(cur ticket.Ticket) error {
		if !ticket.CanView(a, cur) {
			return problem.NotFoundf("ticket")
		}
		if err := checkPost(a, cur, p.kind); err != nil {
			return err
		}
		if p.guard != nil {
			return p.guard(cur)
		}
		return nil
	}, ticket.Event{Kind: p.kind, ActorAgentID: a.AgentID, Body: p.body}, ticket.Status(p.status), ch)
	nt.done(err)
	return e, t, err
}

func checkMessage(body, status string) error {
	f := problem.Fields{}
	ticket.CheckBody(f, "body", body)
	checkStatus(f, status)
	return f.Err()
}

// checkStatus checks a status set with a message ("" leaves it).
func checkStatus(f problem.Fields, status string) {
	if st := ticket.Status(status); status != "" && !st.Valid() {
		f.Add("status", "unknown_value", "unknown status", "value", status)
	}
}
