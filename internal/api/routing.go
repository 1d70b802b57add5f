package api

import (
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/optional"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
)

// Routing rules: leads and admins read them and try a set on past tickets
// (dry run); only admins save one. The rule set travels as routing's own
// JSON form, which was designed as plain data for storage, the admin UI and
// this API; the OpenAPI schemas describe it field by field.

// Dry-run bounds. A dry run reads at most maxDryRun tickets (the store's own
// bound, a few seconds of work); the moved tickets listed one by one are
// capped so that an answer stays small while the counts stay exact.
const (
	defaultDryRun = 1000
	maxDryRun     = 100_000
	maxMovedShown = 200
)

// ruleSetOut gives lists their empty JSON form rather than null, so that a
// client can iterate without a check.
func ruleSetOut(rs routing.RuleSet) routing.RuleSet {
	rs.Rules = nonNil(rs.Rules)
	return rs
}

func (a *API) getRoutingRules(c *call) (any, error) {
	return render(ruleSetOut)(a.desk.RoutingRules(c.r.Context(), c.actor))
}

// putRoutingRules replaces the whole rule set: rules are ordered and the
// first match wins, so a partial update could not say where a rule goes.
func (a *API) putRoutingRules(c *call) (any, error) {
	var in routing.RuleSet
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	if err := a.desk.SaveRoutingRules(ctx, c.actor, in); err != nil {
		return nil, err
	}
	return render(ruleSetOut)(a.desk.RoutingRules(ctx, c.actor))
}

// dryRunBody is a rule set to try and how many recent tickets to try it
// on. Without rules and fallback, the saved set is tried, which shows how
// far today's rules are from where tickets actually went.
type dryRunBody struct {
	Rules    *[]routing.Rule  `json:"rules"`
	Fallback *routing.Actions `json:"fallback"`
	Limit    *int             `json:"limit"`
}

// movedTicket is one ticket the rule set would place elsewhere.
type movedTicket struct {
	TicketID  int64             `json:"ticket_id"`
	Reference string            `json:"reference"`
	Subject   string            `json:"subject"`
	From      routing.Placement `json:"from"`
	To        routing.Placement `json:"to"`
	RuleID    int64             `json:"rule_id,omitempty"`
	RuleName  string            `json:"rule_name,omitempty"`
	Fallback  bool              `json:"fallback,omitempty"`
}

type dryRunOut struct {
	Total         int               `json:"total"`
	Moved         int               `json:"moved"`
	MovedByAgents int               `json:"moved_by_agents"`
	Hits          []routing.RuleHit `json:"hits"`
	Flows         []routing.Flow    `json:"flows"`
	MovedTickets  []movedTicket     `json:"moved_tickets"`
	// Truncated says the list stopped at maxMovedShown.
	Truncated bool `json:"moved_tickets_truncated"`
}

func (a *API) dryRun(c *call) (any, error) {
	var in dryRunBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit := defaultDryRun
	if in.Limit != nil {
		limit = *in.Limit
	}
	if limit < 1 || limit > maxDryRun {
		f := problem.Fields{}
		f.Add("limit", "out_of_range", "must be between 1 and 100000", "min", "1", "max", "100000")
		return nil, f.Err()
	}
	ctx := c.r.Context()
	rs, err := a.dryRunRules(c, in)
	if err != nil {
		return nil, err
	}
	res, err := a.desk.DryRun(ctx, c.actor, rs, limit)
	if err != nil {
		return nil, err
	}
	dir, err := a.desk.Directory(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	out := dryRunOut{Total: res.Total, Moved: res.Moved, MovedByAgents: res.MovedByAgents, Hits: nonNil(res.Hits), Flows: nonNil(res.Flows), MovedTickets: []movedTicket{}}
	for i, s := range res.Samples {
		if i >= len(res.Decisions) {
			break
		}
		d, before := res.Decisions[i], res.Before[i]
		if !routing.Moved(before, d) || !mayListSample(c.actor, dir, before, s.Input.Sensitive) {
			continue
		}
		if len(out.MovedTickets) == maxMovedShown {
			out.Truncated = true
			break
		}
		out.MovedTickets = append(out.MovedTickets, movedTicket{TicketID: s.TicketID, Reference: ticket.Ref(s.Number),
			Subject: s.Input.Subject, From: before, To: d.Placement(), RuleID: d.RuleID, RuleName: d.RuleName, Fallback: d.Fallback})
	}
	return out, nil
}

// dryRunRules is the rule set the body gives, or the saved one when it
// gives neither rules nor a fallback.
func (a *API) dryRunRules(c *call, in dryRunBody) (routing.RuleSet, error) {
	if in.Rules == nil && in.Fallback == nil {
		return a.desk.RoutingRules(c.r.Context(), c.actor)
	}
	var rs routing.RuleSet
	optional.Set(&rs.Rules, in.Rules)
	optional.Set(&rs.Fallback, in.Fallback)
	return rs, nil
}

// mayListSample tells whether a ticket of a dry run may be named to the
// caller. The counts cover every ticket, but a lead must not read the
// subjects of tiers they do not work in, nor sensitive tickets outside
// them. The sample carries no owner nor collaborators, so a ticket the
// caller sees only as a participant is left out: the list errs on the side
// of saying less.
func mayListSample(a auth.Actor, dir desk.Directory, at routing.Placement, sensitive bool) bool {
	if a.IsAdmin() {
		return true
	}
	inScope := a.InTier(dir.TierByCode(at.Tier).ID)
	for _, team := range dir.Teams {
		if at.Team != "" && team.Named(at.Team) && a.InTeam(team.ID) {
			inScope = true
		}
	}
	if sensitive {
		return inScope && a.IsLeadOrAdmin()
	}
	return inScope
}
