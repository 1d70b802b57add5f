package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// timelineLimit bounds the events one page shows; the store caps a read
// at 1000 as well.
const timelineLimit = 1000

type ticketPage struct {
	base
	Sidebar  sidebar
	Header   ticketRow
	Customer customerPanel
	Events   []eventItem
	Cursor   int64
	Composer composer
	Props    properties
	Escalate *escalateForm // nil when the agent may not hand the ticket off
	Handoff  *handoff
	Swarm    swarmPanel
	// HandedOff: the reader handed this ticket off and follows it (reads,
	// notes) without working it any more.
	HandedOff bool
}

// swarmPanel lists who was invited to help and lets the owner's side
// invite more, one colleague or a whole team, with a question: the owner
// stays the customer's single contact. Under the swarming model it leads
// the side column and says why there is no escalation.
type swarmPanel struct {
	TicketID  int64
	Members   []string
	CanInvite bool
	Swarming  bool // the ticket is worked by swarming
	Invited   bool // the reader takes part without working the ticket
	Agents    []option
	Teams     []option
	// What was chosen and typed, rendered back after a refusal.
	Invitee, Question string
	Errors            formErrors
	Message           string
}

func newSwarm(rq *request, t ticket.Ticket) swarmPanel {
	sp := swarmPanel{TicketID: t.ID, CanInvite: ticket.CanWork(rq.actor, t), Swarming: rq.dir.ModelOf(t) == workspace.Swarming}
	sp.Invited = !sp.CanInvite && slices.Contains(t.Collaborators, rq.actor.AgentID)
	for _, id := range t.Collaborators {
		sp.Members = append(sp.Members, rq.dir.Member(id).Name)
	}
	for _, m := range rq.dir.Members {
		if m.Active && m.ID != t.OwnerID && !slices.Contains(t.Collaborators, m.ID) {
			sp.Agents = append(sp.Agents, option{"agent-" + idStr(m.ID), m.Name})
		}
	}
	for _, tm := range rq.dir.Teams {
		sp.Teams = append(sp.Teams, option{"team-" + idStr(tm.ID), tm.NameIn(rq.loc.Lang)})
	}
	return sp
}

// invitation reads the swarm form: the invitee select ("agent-7",
// "team-3"), or agent_id / team_id as plain fields, and the question.
func invitation(r *http.Request) (desk.Invitation, error) {
	in := desk.Invitation{Question: r.PostForm.Get("question")}
	agent, team := r.PostForm.Get("agent_id"), r.PostForm.Get("team_id")
	if kind, v, ok := strings.Cut(r.PostForm.Get("invitee"), "-"); ok {
		switch kind {
		case "agent":
			agent = v
		case "team":
			team = v
		default:
			return in, badParameter("invitee")
		}
	}
	var err error
	if in.AgentID, err = optionalInt(agent); err != nil {
		return in, badParameter("agent_id")
	}
	if in.TeamID, err = optionalInt(team); err != nil {
		return in, badParameter("team_id")
	}
	return in, nil
}

func optionalInt(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// invite adds a colleague or a team to the ticket's swarm; a refusal shows
// the ticket again with the reason next to the form.
func (s *server) invite(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	in, err := invitation(r)
	if err != nil {
		return err
	}
	_, err = s.d.Swarm(r.Context(), rq.actor, id, in)
	if fe, ok := rq.loc.fieldErrors(err); ok {
		p, loadErr := s.loadTicketPage(r, rq, id)
		if loadErr != nil {
			return loadErr
		}
		// The form has one select for the desk's agent_id and team_id.
		for _, name := range []string{"agent_id", "team_id"} {
			if m, ok := fe[name]; ok {
				fe["invitee"] = m
			}
		}
		p.Swarm.Invitee, p.Swarm.Question = r.PostForm.Get("invitee"), in.Question
		p.Swarm.Errors, p.Swarm.Message = fe, rq.loc.Error(err)
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "ticket", "", p)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+idStr(id)+"#swarm", http.StatusSeeOther)
	return nil
}

// customerPanel is the right column's "who is asking" box.
type customerPanel struct {
	C        customer.Customer
	Org      customer.Organisation
	Segment  string
	Language string
	Others   []ticketRow
}

// composer is the reply / internal note form under the timeline.
type composer struct {
	TicketID int64
	Mode     string // "reply" or "note"
	Body     string
	Status   string
	CanReply bool
	Sent     bool // just sent: the browser drops its saved draft
	Statuses []option
	Errors   formErrors
	Message  string
	// FilesHint states the attachment limits (attachments.go).
	FilesHint string
}

// properties is the ticket's editable fields, as strings so a refused
// form renders back what the agent typed.
type properties struct {
	TicketID                                  int64
	Status, Priority, Type, Tier, Team, Owner string
	Tags                                      string
	Fields                                    []fieldInput
	CanEdit                                   bool
	Saved                                     bool
	MeID                                      string
	Statuses, Priorities, Types, Tiers, Teams []option
	Owners                                    []option
	Errors                                    formErrors
	Message                                   string
	// Agents change a ticket's tier by escalating: they see the tier as
	// text beside the way to do it; leads and admins re-tier here.
	CanRetier   bool
	TierLabel   string
	CanEscalate bool
	// The sensitive flag is offered to those who may set or lift it.
	CanSetSensitive bool
	Sensitive       bool
}

// fieldInput is one typed custom field of the properties form.
type fieldInput struct {
	Key, Label, Kind, Value string
	Options                 []string
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		// An id that cannot exist is a missing page, like one the agent
		// may not see.
		return 0, errPageNotFound
	}
	return id, nil
}

func (s *server) ticketByNumber(w http.ResponseWriter, r *http.Request, rq *request) error {
	n, err := strconv.ParseInt(strings.TrimPrefix(r.PathValue("number"), "#"), 10, 64)
	if err != nil {
		return errPageNotFound
	}
	t, err := s.d.TicketByNumber(r.Context(), rq.actor, n)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *server) ticketPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.loadTicketPage(r, rq, id)
	if err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "ticket", "", p)
	return nil
}

// loadTicketPage gathers everything the ticket page shows. The desk
// refuses tickets the agent may not see as "not found".
func (s *server) loadTicketPage(r *http.Request, rq *request, id int64) (ticketPage, error) {
	ctx := r.Context()
	t, err := s.d.Ticket(ctx, rq.actor, id)
	if err != nil {
		return ticketPage{}, err
	}
	events, err := s.d.Timeline(ctx, rq.actor, id, 0, timelineLimit)
	if err != nil {
		return ticketPage{}, err
	}
	cp, err := s.customerPanel(ctx, rq, t)
	if err != nil {
		return ticketPage{}, err
	}
	sb, _, err := s.loadSidebar(ctx, rq, "")
	if err != nil {
		return ticketPage{}, err
	}
	p := ticketPage{base: s.base(r, rq, t.Reference+" · "+t.Subject, "inbox"), Sidebar: sb, Header: s.row(rq, t, cp.C.Name),
		Customer: cp, Events: timeline(rq, events, cp.C), Composer: newComposer(rq, t), Props: newProperties(rq, t)}
	if p.Events, err = s.withFiles(ctx, rq, t.ID, p.Events); err != nil {
		return ticketPage{}, err
	}
	p.Composer.FilesHint = s.filesHint(rq)
	p.Cursor = lastEvent(events, 0)
	p.Handoff = latestHandoff(rq, events)
	p.HandedOff = !ticket.CanWork(rq.actor, t) && slices.Contains(t.HandedOffBy, rq.actor.AgentID)
	p.Swarm = newSwarm(rq, t)
	// A swarmed ticket does not go up: the swarm panel replaces the
	// hand-off one (the desk refuses the escalation anyway).
	if ticket.CanWork(rq.actor, t) && !p.Swarm.Swarming {
		ef, err := s.newEscalate(ctx, rq, t)
		if err != nil {
			return ticketPage{}, err
		}
		p.Escalate = &ef
	}
	return p, nil
}

func lastEvent(events []ticket.Event, cur int64) int64 {
	if len(events) > 0 {
		return events[len(events)-1].ID
	}
	return cur
}

func (s *server) customerPanel(ctx context.Context, rq *request, t ticket.Ticket) (customerPanel, error) {
	c, err := s.d.Customer(ctx, rq.actor, t.CustomerID)
	if err != nil {
		return customerPanel{}, err
	}
	cp := customerPanel{C: c}
	if c.Segment != "" {
		cp.Segment = rq.loc.T("segment." + c.Segment)
	}
	if c.Language != "" {
		cp.Language = rq.loc.T("lang." + c.Language)
	}
	if c.OrganisationID != 0 {
		if cp.Org, err = s.d.Organisation(ctx, rq.actor, c.OrganisationID); err != nil && !problem.Is(err, problem.NotFound) {
			return cp, err
		}
	}
	// Only tickets this agent may see are listed: the desk filters them.
	others, _, err := s.d.Tickets(ctx, rq.actor, store.Filter{CustomerID: c.ID, Sort: "newest"}, "", 6)
	if err != nil {
		return cp, err
	}
	for _, o := range others {
		if o.ID != t.ID && len(cp.Others) < 5 {
			cp.Others = append(cp.Others, s.row(rq, o, c.Name))
		}
	}
	return cp, nil
}

func newComposer(rq *request, t ticket.Ticket) composer {
	c := composer{TicketID: t.ID, Mode: "reply", CanReply: ticket.CanWork(rq.actor, t)}
	if !c.CanReply {
		// Swarm collaborators post internal notes; the owner stays the
		// customer's single contact.
		c.Mode = "note"
	}
	for _, st := range ticket.Statuses {
		c.Statuses = append(c.Statuses, option{string(st), rq.loc.Status(st)})
	}
	return c
}

func newProperties(rq *request, t ticket.Ticket) properties {
	l := rq.loc
	a := rq.actor
	p := properties{TicketID: t.ID, Status: string(t.Status), Priority: t.Priority.String(),
		Type: rq.dir.RequestType(t.RequestTypeID).Key, Tier: idStr(t.TierID), Team: idStr(t.TeamID), Owner: idStr(t.OwnerID),
		Tags: strings.Join(t.Tags, ", "), CanEdit: ticket.CanWork(a, t), MeID: idStr(a.AgentID),
		CanSetSensitive: ticket.CanSetSensitive(a, t), Sensitive: t.Sensitive}
	tier := rq.dir.Tier(t.TierID)
	p.TierLabel = tier.Code + " · " + tier.NameIn(l.Lang)
	p.CanRetier = p.CanEdit && a.IsLeadOrAdmin()
	p.CanEscalate = p.CanEdit && rq.dir.ModelOf(t) != workspace.Swarming
	for _, st := range ticket.Statuses {
		p.Statuses = append(p.Statuses, option{string(st), l.Status(st)})
	}
	for _, pr := range ticket.PriorityNames() {
		p.Priorities = append(p.Priorities, option{pr, l.T("priority." + pr)})
	}
	p.Types = []option{{"", l.T("value.none")}}
	for _, rt := range rq.dir.RequestTypes {
		if rt.Active || rt.ID == t.RequestTypeID {
			p.Types = append(p.Types, option{rt.Key, rt.Name(l.Lang)})
		}
	}
	for _, tr := range rq.dir.Tiers {
		if !tr.SelfService() {
			p.Tiers = append(p.Tiers, option{idStr(tr.ID), tr.Code + " · " + tr.NameIn(l.Lang)})
		}
	}
	// Only choices that can work are offered: an agent keeps the ticket in
	// its tier (ticket.CanPlace, CanAssignTo); the current values show.
	p.Teams = []option{{"", l.T("value.none")}}
	for _, tm := range rq.dir.Teams {
		if tm.ID == t.TeamID || ticket.CanPlace(a, ticket.Ticket{TierID: t.TierID, TeamID: tm.ID}, tm.TierID) {
			p.Teams = append(p.Teams, option{idStr(tm.ID), tm.NameIn(l.Lang)})
		}
	}
	p.Owners = []option{{"", l.T("value.unassigned")}}
	for _, m := range rq.dir.Members {
		// Collaborators take part in swarms; they never own a ticket.
		if (m.Active && ticket.CanAssignTo(a, t, rq.dir.ActorOf(m))) || m.ID == t.OwnerID {
			p.Owners = append(p.Owners, option{idStr(m.ID), m.Name})
		}
	}
	for _, cf := range rq.dir.CustomFields {
		p.Fields = append(p.Fields, fieldInput{Key: cf.Key, Label: cf.Label(l.Lang), Kind: string(cf.Kind), Value: cf.Show(l.Lang, t.CustomFields[cf.Key]), Options: cf.Options})
	}
	return p
}

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// afterCursor is the last timeline event the page already shows, sent by
// htmx forms so a response appends only what is new (including what
// colleagues posted meanwhile).
func afterCursor(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.PostFormValue("after"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// updateFragment is what an htmx action sends back: the form it replaces
// plus out-of-band updates of the header, the timeline and its cursor.
type updateFragment struct {
	base
	Header   ticketRow
	Events   []eventItem
	Cursor   int64
	Composer composer
	Props    properties
	OOBProps bool
}

func (s *server) postMessage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	files, done, err := s.formFiles(w, r)
	defer done()
	if err != nil {
		return err
	}
	mode, body, status := r.PostFormValue("mode"), r.PostFormValue("body"), r.PostFormValue("status")
	if mode == "note" {
		_, _, err = s.d.NoteWith(r.Context(), rq.actor, id, body, files)
	} else {
		mode = "reply"
		_, _, err = s.d.ReplyWith(r.Context(), rq.actor, id, body, status, files)
	}
	if fe, ok := fileRefusal(rq, err); ok {
		return s.refuseMessage(w, r, rq, id, composer{Mode: mode, Body: body, Status: status, Errors: fe, Message: rq.loc.Error(err)})
	}
	if err != nil {
		return err
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/tickets/"+idStr(id)+"#composer", http.StatusSeeOther)
		return nil
	}
	return s.renderUpdate(w, r, rq, id, "message-posted", true)
}

// refuseMessage shows the composer again with what was typed and why it
// was refused, next to the field.
func (s *server) refuseMessage(w http.ResponseWriter, r *http.Request, rq *request, id int64, c composer) error {
	t, err := s.d.Ticket(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	fresh := newComposer(rq, t)
	c.TicketID, c.CanReply, c.Statuses, c.FilesHint = t.ID, fresh.CanReply, fresh.Statuses, s.filesHint(rq)
	if isHTMX(r) {
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "ticket", "composer", pair{L: rq.loc, V: c})
		return nil
	}
	p, err := s.loadTicketPage(r, rq, id)
	if err != nil {
		return err
	}
	p.Composer = c
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "ticket", "", p)
	return nil
}

// renderUpdate answers a successful htmx action on a ticket.
func (s *server) renderUpdate(w http.ResponseWriter, r *http.Request, rq *request, id int64, name string, sent bool) error {
	ctx := r.Context()
	t, err := s.d.Ticket(ctx, rq.actor, id)
	if problem.Is(err, problem.NotFound) {
		// The change moved the ticket out of the agent's sight (e.g. to a
		// tier they do not belong to): back to the inbox.
		w.Header().Set("HX-Redirect", "/")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err != nil {
		return err
	}
	after := afterCursor(r)
	events, err := s.d.Timeline(ctx, rq.actor, id, after, timelineLimit)
	if err != nil {
		return err
	}
	c, err := s.d.Customer(ctx, rq.actor, t.CustomerID)
	if err != nil {
		return err
	}
	u := updateFragment{base: s.base(r, rq, "", "inbox"), Header: s.row(rq, t, c.Name), Events: timeline(rq, events, c),
		Cursor: lastEvent(events, after), Composer: newComposer(rq, t), Props: newProperties(rq, t)}
	if u.Events, err = s.withFiles(ctx, rq, t.ID, u.Events); err != nil {
		return err
	}
	u.Composer.FilesHint = s.filesHint(rq)
	u.Composer.Sent = sent
	u.Props.Saved = !sent
	s.render(w, r, rq.loc, http.StatusOK, "ticket", name, u)
	return nil
}

func (s *server) saveProperties(w http.ResponseWriter, r *http.Request, rq *request) error {
	t, err := s.postedTicket(r, rq)
	if err != nil {
		return err
	}
	id := t.ID
	form := readProperties(r, rq, t)
	u, err := form.update(rq, t)
	if err == nil {
		_, err = s.d.UpdateTicket(r.Context(), rq.actor, id, u)
	}
	if fe, ok := rq.loc.fieldErrors(err); ok {
		form.Errors, form.Message = fe, rq.loc.Error(err)
		return s.refuseProperties(w, r, rq, id, problemStatus(err), form)
	}
	if problem.Is(err, problem.Forbidden) {
		// e.g. sensitive_not_allowed, use_escalation: said in the form.
		form.Message = rq.loc.Error(err)
		return s.refuseProperties(w, r, rq, id, http.StatusForbidden, form)
	}
	if err != nil {
		return err
	}
	if !isHTMX(r) {
		back := "/tickets/" + idStr(id)
		if _, err := s.d.Ticket(r.Context(), rq.actor, id); problem.Is(err, problem.NotFound) {
			back = "/" // the change moved the ticket out of the agent's sight
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	return s.renderUpdate(w, r, rq, id, "properties-saved", false)
}

func (s *server) refuseProperties(w http.ResponseWriter, r *http.Request, rq *request, id int64, status int, form properties) error {
	if isHTMX(r) {
		s.render(w, r, rq.loc, status, "ticket", "properties", pair{L: rq.loc, V: form})
		return nil
	}
	p, err := s.loadTicketPage(r, rq, id)
	if err != nil {
		return err
	}
	p.Props = form
	s.render(w, r, rq.loc, status, "ticket", "", p)
	return nil
}

// problemStatus is the HTTP status of a refusal: 403 for a placement
// outside the agent's tier (out_of_scope), 422 for a wrong value.
func problemStatus(err error) int {
	if p, ok := problem.As(err); ok && p.Kind == problem.Forbidden {
		return http.StatusForbidden
	}
	return http.StatusUnprocessableEntity
}

// readProperties reads the properties form over the ticket's current
// values, so the form renders back what was typed.
func readProperties(r *http.Request, rq *request, t ticket.Ticket) properties {
	p := newProperties(rq, t)
	get := func(name string, into *string) {
		if _, ok := r.PostForm[name]; ok {
			*into = strings.TrimSpace(r.PostForm.Get(name))
		}
	}
	get("status", &p.Status)
	get("priority", &p.Priority)
	get("request_type", &p.Type)
	get("tier_id", &p.Tier)
	get("team_id", &p.Team)
	get("owner_id", &p.Owner)
	get("tags", &p.Tags)
	if r.PostForm.Get("assign_me") != "" {
		p.Owner = p.MeID
	}
	// An unticked box is not posted: the marker says the box was there.
	// Whoever posts it without the right to is refused by the desk.
	if r.PostForm.Get("sensitive_field") != "" {
		p.Sensitive = r.PostForm.Get("sensitive") != ""
	}
	for i := range p.Fields {
		get("cf_"+p.Fields[i].Key, &p.Fields[i].Value)
	}
	return p
}

// update turns the form into a desk.Update holding only what changed, so
// saving an untouched field neither writes an event nor needs the right to
// change it.
func (p properties) update(rq *request, t ticket.Ticket) (desk.Update, error) {
	var u desk.Update
	f := problem.Fields{}
	if p.Status != string(t.Status) {
		u.Status = &p.Status
	}
	if p.Priority != t.Priority.String() {
		u.Priority = &p.Priority
	}
	if p.Type != rq.dir.RequestType(t.RequestTypeID).Key {
		u.RequestType = &p.Type
	}
	ids := []struct {
		name, value string
		cur         int64
		into        **int64
	}{{"tier_id", p.Tier, t.TierID, &u.TierID}, {"team_id", p.Team, t.TeamID, &u.TeamID}, {"owner_id", p.Owner, t.OwnerID, &u.OwnerID}}
	for _, it := range ids {
		var v int64
		if it.value != "" {
			n, err := strconv.ParseInt(it.value, 10, 64)
			if err != nil {
				f.Add(it.name, "unknown_value", "unknown value", "value", it.value)
				continue
			}
			v = n
		}
		if v != it.cur {
			*it.into = &v
		}
	}
	if p.Sensitive != t.Sensitive {
		u.Sensitive = &p.Sensitive
	}
	tags := splitTags(p.Tags)
	if !slices.Equal(tags, t.Tags) && !(len(tags) == 0 && len(t.Tags) == 0) {
		u.Tags = &tags
	}
	for _, fi := range p.Fields {
		v, ok := readField(rq, f, fi)
		if ok && v != t.CustomFields[fi.Key] {
			if u.CustomFields == nil {
				u.CustomFields = map[string]string{}
			}
			u.CustomFields[fi.Key] = v
		}
	}
	return u, f.Err()
}

// splitTags reads "a, b c" as tags; the desk normalises and validates them.
func splitTags(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.ToLower(strings.TrimSpace(p))
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// postedTicket reads the ticket a form was posted to — one the actor may
// see, else not found — and parses the form.
func (s *server) postedTicket(r *http.Request, rq *request) (ticket.Ticket, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return ticket.Ticket{}, err
	}
	t, err := s.d.Ticket(r.Context(), rq.actor, id)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if err := r.ParseForm(); err != nil {
		return ticket.Ticket{}, badParameter("form")
	}
	return t, nil
}
