package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
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
	Line   string
	At     time.Time
	Files  []fileItem // attachments.go
	// RetryURL is where the retry button of a reply whose email failed
	// posts (mailbox.go), "" otherwise.
	RetryURL string
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
	if first.Kind != ticket.SwarmJoined || first.Data["team_id"] == "" {
		return 1
	}
	n := 1
	for n < len(events) {
		e := events[n]
		if e.Kind != ticket.SwarmJoined || e.ActorAgentID != first.ActorAgentID || !e.CreatedAt.Equal(first.CreatedAt) ||
			e.Data["team_id"] != first.Data["team_id"] || e.Data["question"] != first.Data["question"] {
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
		names[i] = memberName(rq, e.Data["agent_id"])
	}
	agents := strings.Join(names, ", ")
	if team := run[0].Data["team_id"]; team != "" {
		return l.T("event.swarm_joined_team", "actor", actor, "agent", agents, "team", teamName(rq, team))
	}
	return l.T("event.swarm_joined", "actor", actor, "agent", agents)
}

func describe(rq *request, e ticket.Event, c customer.Customer) eventItem {
	l := rq.loc
	it := eventItem{ID: e.ID, At: e.CreatedAt, Body: e.Body}
	agent := rq.dir.Member(e.ActorAgentID).Name
	switch e.Kind {
	case ticket.CustomerMessage:
		it.Class, it.Label, it.Author = "customer", l.T("event.label.customer"), c.Name
		if e.ActorCustomerID == 0 && agent != "" {
			// An agent typed it in, e.g. while on the phone with the customer.
			it.Author = l.T("event.logged_by", "customer", c.Name, "agent", agent)
		}
		if cc := e.Data["from_cc"]; cc != "" { // someone copied on the ticket's mail
			it.Author = l.T("event.from_cc", "address", cc)
		}
		return it
	case ticket.AgentReply:
		it.Class, it.Label, it.Author = "reply", l.T("event.label.reply"), agent
		it.Detail = emailDetail(l, e)
		if e.Data["email_state"] == "failed" {
			it.RetryURL = "/tickets/" + strconv.FormatInt(e.TicketID, 10) + "/messages/" + strconv.FormatInt(e.ID, 10) + "/retry"
		}
		return it
	case ticket.InternalNote:
		it.Class, it.Label, it.Author = "note", l.T("event.label.note"), agent
		return it
	case ticket.AutoReply:
		it.Class, it.Label, it.Author = "reply", l.T("event.label.auto_reply"), l.T("event.system")
		return it
	}
	it.Class = "change"
	it.Line = changeLine(rq, e, agent)
	switch e.Kind {
	case ticket.Routed:
		it.Detail = routedReasons(rq, e)
	case ticket.Escalated, ticket.DeEscalated:
		it.Detail = e.Data["reason"]
	case ticket.SwarmJoined:
		if q := e.Data["question"]; q != "" {
			it.Detail = l.T("event.swarm_question", "question", q)
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
	from, to := e.Data["from"], e.Data["to"]
	switch e.Kind {
	case ticket.Created:
		ch := l.T("channel." + e.Data["channel"])
		if e.ActorAgentID != 0 {
			return l.T("event.created_by", "actor", agent, "channel", ch)
		}
		return l.T("event.created", "channel", ch)
	case ticket.StatusChanged:
		return l.T("event.status_changed", "actor", agent, "from", l.Status(ticket.Status(from)), "to", l.Status(ticket.Status(to)))
	case ticket.PriorityChanged:
		return l.T("event.priority_changed", "actor", agent, "from", l.T("priority."+from), "to", l.T("priority."+to))
	case ticket.OwnerChanged:
		return ownerLine(rq, agent, e)
	case ticket.TierChanged:
		return l.T("event.tier_changed", "actor", agent, "from", tierName(rq, from), "to", tierName(rq, to))
	case ticket.TeamChanged:
		return l.T("event.team_changed", "actor", agent, "from", teamName(rq, from), "to", teamName(rq, to))
	case ticket.TypeChanged:
		return l.T("event.type_changed", "actor", agent, "from", typeName(rq, from), "to", typeName(rq, to))
	case ticket.TagsChanged:
		return l.T("event.tags_changed", "actor", agent, "to", orNone(l, strings.ReplaceAll(to, ",", ", ")))
	case ticket.FieldChanged:
		label := e.Data["field"]
		if def, ok := rq.dir.CustomField(label); ok {
			label, to = def.Label(l.Lang), def.Show(l.Lang, to)
		}
		return l.T("event.field_changed", "actor", agent, "field", label, "to", orNone(l, to))
	case ticket.SensitiveChanged:
		if to == "true" {
			return l.T("event.sensitive_on", "actor", agent)
		}
		return l.T("event.sensitive_off", "actor", agent)
	case ticket.Routed:
		return routedLine(rq, e)
	case ticket.Escalated:
		return l.T("event.escalated", "actor", agent, "from", tierName(rq, from), "to", tierName(rq, to))
	case ticket.DeEscalated:
		return l.T("event.de_escalated", "actor", agent, "from", tierName(rq, from), "to", tierName(rq, to))
	case ticket.SwarmJoined:
		return swarmLine(rq, []ticket.Event{e})
	}
	return l.T("event.other", "actor", agent, "kind", string(e.Kind))
}

func ownerLine(rq *request, agent string, e ticket.Event) string {
	l := rq.loc
	from, to := e.Data["from"], e.Data["to"]
	switch {
	case to == "":
		return l.T("event.unassigned", "actor", agent, "from", memberName(rq, from))
	case to == strconv.FormatInt(e.ActorAgentID, 10):
		return l.T("event.took", "actor", agent)
	}
	return l.T("event.assigned", "actor", agent, "to", memberName(rq, to))
}

// routedLine explains where routing placed the ticket and why: "Routed to
// L1 · Niveau 1 — Support niveau 1 (default route)".
func routedLine(rq *request, e ticket.Event) string {
	l := rq.loc
	where := e.Data["tier"]
	if t := rq.dir.TierByCode(where); t.ID != 0 {
		where = tierLabel(rq, t.ID)
	}
	if team := e.Data["team"]; team != "" {
		where = l.T("event.where_team", "tier", where, "team", teamNamed(rq, team))
	}
	var why string
	switch rule := e.Data["rule"]; rule {
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

// The names below accept what events store: ids as text (tier, team,
// owner changes) or, from other writers, a tier code.

func tierName(rq *request, v string) string {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if t := rq.dir.Tier(id); t.ID != 0 {
			return t.Code
		}
	}
	return orNone(rq.loc, v)
}

func teamName(rq *request, v string) string {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if t := rq.dir.Team(id); t.ID != 0 {
			return t.NameIn(rq.loc.Lang)
		}
	}
	return orNone(rq.loc, v)
}

func typeName(rq *request, v string) string {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if t := rq.dir.RequestType(id); t.ID != 0 {
			return t.Name(rq.loc.Lang)
		}
	}
	return orNone(rq.loc, v)
}

func memberName(rq *request, v string) string {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if m := rq.dir.Member(id); m.ID != 0 {
			return m.Name
		}
	}
	return orNone(rq.loc, v)
}
