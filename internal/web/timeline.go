package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/text"
	"github.com/palier/palier/internal/ticket"
)

// eventItem is one timeline entry ready to render: a message with its
// author and body, or a change described in one translated line.
type eventItem struct {
	ID     int64
	Class  string // "customer", "reply", "note" or "change"
	Detail string // a change's explanation: routing reasons, escalation reason
	Author string
	Label  string
	Body   string
	// Quoted is what the writer's mail client added under the message
	// (quoted history, signature), folded away under Body.
	Quoted string
	Line   string
	At     time.Time
	Files  []fileItem // attachments.go
	// RetryURL is where the retry button of a reply whose email failed
	// posts (mailbox.go), "" otherwise.
	RetryURL string
	// SplitURL is where "Split into a new ticket" posts for a customer
	// message (ticket_links.go), "" otherwise.
	SplitURL string
}

// timeline turns events into items for the reader. A team invited to a
// swarm reads as one line, not one per member.
func timeline(rq *request, events []ticket.Event, c customer.Customer) []eventItem {
	out := make([]eventItem, 0, len(events))
	for i := 0; i < len(events); {
		n := swarmRun(events[i:])
		it := describe(rq, events[i], c)
		if n > 1 {
			it.Line = swarmLine(rq, events[i:i+n])
		}
		out = append(out, it)
		i += n
	}
	return out
}

// swarmRun counts the events at the head of events that one team
// invitation wrote: swarm_joined events of the same inviter, team and
// question, at the same instant. It is at least 1.
func swarmRun(events []ticket.Event) int {
	first := events[0]
	j, ok := event.As[event.SwarmJoin](first)
	if !ok || j.TeamID == 0 {
		return 1
	}
	n := 1
	for n < len(events) {
		e := events[n]
		other, ok := event.As[event.SwarmJoin](e)
		if !ok || e.ActorAgentID != first.ActorAgentID || !e.CreatedAt.Equal(first.CreatedAt) ||
			other.TeamID != j.TeamID || other.Question != j.Question {
			break
		}
		n++
	}
	return n
}

// swarmLine says who invited whom, and as which team: "Nadia invited Karim
// (team Experts) to the swarm". The question goes in the detail.
func swarmLine(rq *request, run []ticket.Event) string {
	l := rq.loc
	actor := rq.dir.Member(run[0].ActorAgentID).Name
	if actor == "" {
		actor = l.T("event.system")
	}
	names := make([]string, len(run))
	for i, e := range run {
		j, _ := event.As[event.SwarmJoin](e)
		names[i] = memberName(rq, j.AgentID)
	}
	agents := strings.Join(names, ", ")
	if j, _ := event.As[event.SwarmJoin](run[0]); j.TeamID != 0 {
		return l.T("event.swarm_joined_team", "actor", actor, "agent", agents, "team", teamName(rq, j.TeamID))
	}
	return l.T("event.swarm_joined", "actor", actor, "agent", agents)
}

func describe(rq *request, e ticket.Event, c customer.Customer) eventItem {
	l := rq.loc
	it := eventItem{ID: e.ID, At: e.CreatedAt, Body: e.Body}
	agent := rq.dir.Member(e.ActorAgentID).Name
	if e.ActorAgentID == 0 && e.ActorCustomerID != 0 && e.ActorCustomerID == c.ID {
		agent = c.Name // the customer did it (solved from the help centre)
	}
	switch e.Kind {
	case ticket.CustomerMessage:
		it.Class, it.Label, it.Author = "customer", l.T("event.label.customer"), c.Name
		if e.ActorCustomerID == 0 && agent != "" {
			// An agent typed it in, e.g. while on the phone with the customer.
			it.Author = l.T("event.logged_by", "customer", c.Name, "agent", agent)
		}
		if m, ok := event.As[event.Message](e); ok && m.FromCc != "" { // someone copied on the ticket's mail
			it.Author = l.T("event.from_cc", "address", m.FromCc)
		}
		it.Body, it.Quoted = text.SplitQuoted(e.Body)
		return it
	case ticket.AgentReply:
		it.Class, it.Label, it.Author = "reply", l.T("event.label.reply"), agent
		it.Detail = emailDetail(l, e)
		if e.Email != nil && e.Email.State == "failed" {
			it.RetryURL = "/tickets/" + strconv.FormatInt(e.TicketID, 10) + "/messages/" + strconv.FormatInt(e.ID, 10) + "/retry"
		}
		return it
	case ticket.InternalNote:
		it.Class, it.Label, it.Author = "note", l.T("event.label.note"), agent
		if m, ok := event.As[event.Message](e); ok && m.FromVendor != "" { // the vendor's mail
			it.Body, it.Quoted = text.SplitQuoted(e.Body)
		}
		return it
	case ticket.AutoReply:
		it.Class, it.Label, it.Author = "reply", l.T("event.label.auto_reply"), l.T("event.system")
		return it
	}
	it.Class = "change"
	it.Line = changeLine(rq, e, agent)
	switch d := e.Data.(type) {
	case event.Routed:
		it.Detail = routedReasons(rq, d)
	case event.Handoff:
		it.Detail = d.Reason
	case event.SwarmJoin:
		if d.Question != "" {
			it.Detail = l.T("event.swarm_question", "question", d.Question)
		}
	}
	return it
}

// changeLine is the one-line account of a change: "Nadia changed status
// from open to solved".
func changeLine(rq *request, e ticket.Event, agent string) string {
	l := rq.loc
	if agent == "" {
		agent = l.T("event.system")
	}
	switch d := e.Data.(type) {
	case event.Created:
		ch := l.T("channel." + d.Channel)
		if e.ActorAgentID != 0 {
			return l.T("event.created_by", "actor", agent, "channel", ch)
		}
		return l.T("event.created", "channel", ch)
	case event.Change:
		switch e.Kind {
		case ticket.StatusChanged:
			return l.T("event.status_changed", "actor", agent, "from", l.Status(ticket.Status(d.From)), "to", l.Status(ticket.Status(d.To)))
		case ticket.PriorityChanged:
			return l.T("event.priority_changed", "actor", agent, "from", l.T("priority."+d.From), "to", l.T("priority."+d.To))
		}
		label, to := d.Field, d.To
		if def, ok := rq.dir.CustomField(label); ok {
			label, to = def.Label(l.Lang), def.Show(l.Lang, to)
		}
		return l.T("event.field_changed", "actor", agent, "field", label, "to", orNone(l, to))
	case event.OwnerChange:
		return ownerLine(rq, agent, e.ActorAgentID, d)
	case event.TierChange:
		return l.T("event.tier_changed", "actor", agent, "from", tierName(rq, d.From), "to", tierName(rq, d.To))
	case event.TeamChange:
		return l.T("event.team_changed", "actor", agent, "from", teamName(rq, d.From), "to", teamName(rq, d.To))
	case event.TypeChange:
		return l.T("event.type_changed", "actor", agent, "from", typeName(rq, d.From), "to", typeName(rq, d.To))
	case event.TagsChange:
		return l.T("event.tags_changed", "actor", agent, "to", orNone(l, strings.Join(d.To, ", ")))
	case event.SensitiveChange:
		if d.Sensitive {
			return l.T("event.sensitive_on", "actor", agent)
		}
		return l.T("event.sensitive_off", "actor", agent)
	case event.Routed:
		return routedLine(rq, d)
	case event.Handoff:
		key := "event.escalated"
		if e.Kind == ticket.DeEscalated {
			key = "event.de_escalated"
		}
		return l.T(key, "actor", agent, "from", tierName(rq, d.From), "to", tierName(rq, d.To))
	case event.SwarmJoin:
		return swarmLine(rq, []ticket.Event{e})
	case event.CallbackRequested:
		return l.T("event.callback_requested", "actor", agent, "number", d.Number, "window", d.Window)
	case event.TicketRef, event.Link:
		return refLine(rq, e, agent)
	}
	return l.T("event.other", "actor", agent, "kind", string(e.Kind))
}

func ownerLine(rq *request, agent string, actorID int64, d event.OwnerChange) string {
	l := rq.loc
	switch {
	case d.To == 0:
		return l.T("event.unassigned", "actor", agent, "from", memberName(rq, d.From))
	case d.To == actorID:
		return l.T("event.took", "actor", agent)
	}
	return l.T("event.assigned", "actor", agent, "to", memberName(rq, d.To))
}

// routedLine explains where routing placed the ticket and why: "Routed to
// L1 · Niveau 1 — Support niveau 1 (default route)".
func routedLine(rq *request, d event.Routed) string {
	l := rq.loc
	var where string
	if d.TierID != 0 {
		where = tierLabel(rq, d.TierID)
	}
	if d.TeamID != 0 {
		where = l.T("event.where_team", "tier", where, "team", teamName(rq, d.TeamID))
	}
	var why string
	switch rule := d.Rule; rule {
	case "default":
		why = l.T("route.default")
	case "requested":
		why = l.T("route.requested")
	case "":
		why = l.T("route.unknown")
	default:
		why = l.T("route.rule", "rule", rule)
	}
	if where == "" {
		return l.T("event.routed_why", "why", why)
	}
	return l.T("event.routed", "where", where, "why", why)
}

func orNone(l *locale, s string) string {
	if s == "" {
		return l.T("value.none")
	}
	return s
}

// The names of what events name by id, in the reader's language now; "—"
// (none) for 0, and the id itself for something since removed.

func tierName(rq *request, id int64) string {
	if t := rq.dir.Tier(id); t.ID != 0 {
		return t.Code
	}
	return idOrNone(rq.loc, id)
}

func teamName(rq *request, id int64) string {
	if t := rq.dir.Team(id); t.ID != 0 {
		return t.NameIn(rq.loc.Lang)
	}
	return idOrNone(rq.loc, id)
}

func typeName(rq *request, id int64) string {
	if t := rq.dir.RequestType(id); t.ID != 0 {
		return t.Name(rq.loc.Lang)
	}
	return idOrNone(rq.loc, id)
}

func memberName(rq *request, id int64) string {
	if m := rq.dir.Member(id); m.ID != 0 {
		return m.Name
	}
	return idOrNone(rq.loc, id)
}

func idOrNone(l *locale, id int64) string {
	if id == 0 {
		return l.T("value.none")
	}
	return strconv.FormatInt(id, 10)
}
