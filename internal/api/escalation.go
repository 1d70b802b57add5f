package api

import (
	"context"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Escalation procedures say, per request type, where a ticket goes next
// and what must be collected before it does. Every member reads them (an
// agent sees the checklist before escalating); only admins change them.

// procedureBody is what an admin writes; the id comes from the address.
type procedureBody struct {
	RequestTypeID int64             `json:"request_type_id"`
	Name          string            `json:"name"`
	Steps         []escalation.Step `json:"steps"`
}

func (b procedureBody) procedure(id int64) escalation.Procedure {
	return escalation.Procedure{ID: id, RequestTypeID: b.RequestTypeID, Name: b.Name, Steps: b.Steps}
}

// procedureOut gives lists their empty JSON form rather than null.
func procedureOut(p escalation.Procedure) escalation.Procedure {
	steps := make([]escalation.Step, len(p.Steps))
	for i, s := range p.Steps {
		s.Required = nonNil(s.Required)
		steps[i] = s
	}
	p.Steps = steps
	return p
}

// listProcedures answers one page: a workspace has at most one procedure
// per request type, and the desk enforces it.
func (a *API) listProcedures(c *call) (any, error) {
	return render(func(list []escalation.Procedure) page[escalation.Procedure] {
		return onePage(each(list, procedureOut))
	})(a.desk.Procedures(c.r.Context(), c.actor))
}

// saveProcedure saves a procedure read from a body (id 0: a new one).
func (a *API) saveProcedure(ctx context.Context, actor auth.Actor, id int64, in procedureBody) (escalation.Procedure, error) {
	return a.desk.SaveProcedure(ctx, actor, in.procedure(id))
}

func (a *API) createProcedure(c *call) (any, error) {
	return fromBody(c, procedureBody{}, func(ctx context.Context, actor auth.Actor, in procedureBody) (escalation.Procedure, error) {
		return a.saveProcedure(ctx, actor, 0, in)
	}, createdAt(c, procedureOut, noLocation))
}

// updateProcedure replaces a procedure: its steps are ordered and their
// checklists too, so a partial update could not say what goes where.
func (a *API) updateProcedure(c *call) (any, error) {
	return withBody(c, a.saveProcedure, render(procedureOut))
}

// escalationGuide is what an agent reads before escalating a ticket: the
// procedure that applies and its next step, in both languages and in the
// caller's.
type escalationGuide struct {
	TicketID      int64  `json:"ticket_id"`
	Tier          string `json:"tier"`
	ProcedureID   int64  `json:"procedure_id,omitempty"` // absent: the built-in default
	ProcedureName string `json:"procedure_name"`
	Possible      bool   `json:"possible"`
	// Blocked says why escalating is not possible: "swarming" (the
	// ticket is worked by swarming: its owner keeps it and invites
	// experts), "no_step" (the procedure goes no higher from this tier) or
	// "not_allowed" (the caller may read the ticket but not work it, e.g.
	// a swarm invitee).
	Blocked string     `json:"blocked,omitempty"`
	Step    *guideStep `json:"step,omitempty"`
}

type guideStep struct {
	FromTier   string      `json:"from_tier"`
	ToTier     string      `json:"to_tier"`
	TeamID     int64       `json:"team_id,omitempty"`
	Guidance   string      `json:"guidance"`
	GuidanceFR string      `json:"guidance_fr"`
	GuidanceEN string      `json:"guidance_en"`
	Required   []guideItem `json:"required"`
}

type guideItem struct {
	Key     string              `json:"key"`
	Kind    escalation.ItemKind `json:"kind"`
	Label   string              `json:"label"`
	LabelFR string              `json:"label_fr"`
	LabelEN string              `json:"label_en"`
	Help    string              `json:"help,omitempty"`
	HelpFR  string              `json:"help_fr,omitempty"`
	HelpEN  string              `json:"help_en,omitempty"`
	// Provided is set for an item the ticket already meets, by the rule
	// escalating checks (desk.Checklist): the agent need not give it again.
	Provided bool `json:"provided"`
}

func (a *API) ticketEscalation(c *call) (any, error) {
	return byID(c, a.desk.Ticket, renderWith(func(t ticket.Ticket) (escalationGuide, error) { return a.guideOf(c, t) }))
}

// guideOf is the escalation guide of a ticket the caller may read.
func (a *API) guideOf(c *call, t ticket.Ticket) (escalationGuide, error) {
	ctx := c.r.Context()
	dir, err := a.desk.Directory(ctx, c.actor)
	if err != nil {
		return escalationGuide{}, err
	}
	proc, err := a.desk.Procedure(ctx, c.actor, t)
	if err != nil {
		return escalationGuide{}, err
	}
	step, ok, err := a.desk.NextStep(ctx, c.actor, t)
	if err != nil {
		return escalationGuide{}, err
	}
	out := escalationGuide{TicketID: t.ID, Tier: dir.Tier(t.TierID).Code, ProcedureID: proc.ID, ProcedureName: proc.Name}
	switch {
	case dir.ModelOf(t) == workspace.Swarming:
		out.Blocked = "swarming"
	case !ok:
		out.Blocked = "no_step"
	case !ticket.CanWork(c.actor, t):
		out.Blocked = "not_allowed"
	default:
		out.Possible = true
	}
	if ok {
		provided, err := a.desk.Checklist(ctx, c.actor, t, step)
		if err != nil {
			return escalationGuide{}, err
		}
		out.Step = stepGuide(c.lang, step, provided)
	}
	return out, nil
}

func stepGuide(lang string, s escalation.Step, provided []bool) *guideStep {
	g := &guideStep{FromTier: s.FromTier, ToTier: s.ToTier, TeamID: s.TeamID, Guidance: s.Guidance(lang),
		GuidanceFR: s.GuidanceFR, GuidanceEN: s.GuidanceEN, Required: make([]guideItem, len(s.Required))}
	for i, it := range s.Required {
		g.Required[i] = guideItem{Key: it.Key, Kind: it.Kind, Label: it.Label(lang), LabelFR: it.LabelFR, LabelEN: it.LabelEN,
			Help: it.Help(lang), HelpFR: it.HelpFR, HelpEN: it.HelpEN,
			Provided: provided[i]}
	}
	return g
}

// escalate moves a ticket up, down or back. The answer is the ticket as
// moved; the caller may no longer see it afterwards (an L1 agent who
// escalates to L2 lets go of it), so a later GET may answer 404.
func (a *API) escalate(c *call) (any, error) { return withBody(c, a.desk.Escalate, render(ticketOut)) }
