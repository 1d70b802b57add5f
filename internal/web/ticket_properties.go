package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

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

func (s *server) saveProperties(w http.ResponseWriter, r *http.Request, rq *request, t ticket.Ticket) error {
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
	return s.renderUpdate(w, r, rq, id, "properties-saved", false, u.CustomFields)
}

func (s *server) refuseProperties(w http.ResponseWriter, r *http.Request, rq *request, id int64, status int, form properties) error {
	return showTicketForm(s, w, r, rq, id, status, "properties", form, func(p *ticketPage) { p.Props = form })
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
