package desk

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// engineCache keeps each workspace's compiled rule set. Instances compare
// the stored version on each use (one indexed read), so a rule change saved
// on one instance takes effect on all of them at their next ticket.
type engineCache struct {
	mu      sync.Mutex
	engines map[int64]cachedEngine
}

type cachedEngine struct {
	version, setup int64 // rule set version and the setup it was compiled against
	engine         *routing.Engine
}

// RoutingEnv is what a workspace's rules are validated and evaluated
// against: its own tiers, teams and request types, and its business hours
// in its time zone.
func RoutingEnv(dir Directory) routing.Env {
	env := routing.Env{Priorities: ticket.PriorityNames(), Channels: ticket.Channels, Languages: workspace.Languages, Segments: customer.Segments}
	for _, t := range dir.Tiers {
		env.Tiers = append(env.Tiers, t.Code)
	}
	for _, t := range dir.Teams {
		env.Teams = append(env.Teams, t.Names()...) // a rule may name a team in either language
	}
	for _, r := range dir.RequestTypes {
		env.RequestTypes = append(env.RequestTypes, r.Key)
	}
	loc, err := time.LoadLocation(dir.Workspace.Timezone)
	if err != nil {
		loc = time.UTC
	}
	// Saved hours were validated; unreadable ones count as always open
	// rather than stopping tickets from arriving.
	hours, err := workspace.ParseHours(dir.Workspace.BusinessHours)
	if err != nil || hours.Always {
		return env // the zero BusinessHours is always inside
	}
	env.BusinessHours.Location = loc
	for d, h := range hours.Days {
		env.BusinessHours.Days[d] = routing.DayHours{Open: h.Open, Close: h.Close}
	}
	return env
}

// DefaultRuleSet is the rule set of a workspace that has not written one:
// no rules, every ticket to L1.
func DefaultRuleSet() routing.RuleSet {
	return routing.RuleSet{Rules: []routing.Rule{}, Fallback: routing.Actions{Tier: "L1"}}
}

func (d *Service) engine(ctx context.Context, dir Directory) (*routing.Engine, error) {
	wsID := dir.Workspace.ID
	version, err := d.store.RoutingVersion(ctx, wsID)
	if err != nil {
		return nil, err
	}
	d.engines.mu.Lock()
	c, ok := d.engines.engines[wsID]
	d.engines.mu.Unlock()
	if ok && c.version == version && c.setup == dir.version {
		return c.engine, nil
	}
	rs, version, err := d.store.RoutingRules(ctx, wsID)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		rs = DefaultRuleSet()
	}
	eng, err := routing.Compile(rs, RoutingEnv(dir))
	if err != nil {
		// A saved set that no longer compiles (a team was renamed) must not
		// stop tickets from arriving: fall back to the default route.
		d.log.Warn("routing rules do not compile; using the default route", "workspace", wsID, "err", err)
		if eng, err = routing.Compile(DefaultRuleSet(), routing.Env{}); err != nil {
			return nil, err
		}
	}
	d.engines.mu.Lock()
	if d.engines.engines == nil {
		d.engines.engines = map[int64]cachedEngine{}
	}
	d.engines.engines[wsID] = cachedEngine{version: version, setup: dir.version, engine: eng}
	d.engines.mu.Unlock()
	return eng, nil
}

// route runs the workspace's rules on a new ticket and applies the
// decision. Values the request set explicitly (tier, team, owner) win over
// the rules; the returned event records the rule that matched and why.
func (d *Service) route(ctx context.Context, dir Directory, t *ticket.Ticket, cust customer.Customer, body string, explicit ticket.Ticket) (ticket.Event, routing.Decision, error) {
	eng, err := d.engine(ctx, dir)
	if err != nil {
		return ticket.Event{}, routing.Decision{}, err
	}
	open := 0
	if cust.ID != 0 { // a customer created with this ticket has none yet
		n, err := d.store.CountTickets(ctx, dir.Workspace.ID, store.Filter{CustomerID: cust.ID, ActiveOnly: true}, 1000)
		if err != nil {
			return ticket.Event{}, routing.Decision{}, err
		}
		open = n
	}
	in := routing.Ticket{Channel: t.Channel, RequestType: dir.RequestType(t.RequestTypeID).Key, Subject: t.Subject, Body: body,
		Segment: cust.Segment, Language: t.Language, Priority: t.Priority.String(), CustomFields: t.CustomFields,
		Sensitive: t.Sensitive, OpenTickets: open, CreatedAt: time.Now()}
	if cust.OrganisationID != 0 {
		if o, err := d.store.Organisation(ctx, dir.Workspace.ID, cust.OrganisationID); err == nil {
			in.Organisation = o.Name
			if in.Segment == "" {
				in.Segment = o.Segment
			}
		}
	}
	dec := eng.Route(in)
	if err := d.apply(ctx, dir, t, dec.Actions, explicit); err != nil {
		return ticket.Event{}, dec, err
	}
	if t.TeamID == 0 { // a rule without a team: the tier's team for the request type
		t.TeamID = teamFor(dir, t.TierID, t.RequestTypeID)
	}
	var team string
	if t.TeamID != 0 {
		team = dir.Team(t.TeamID).Name
	}
	data := RoutedData(dec, dir.Tier(t.TierID).Code, team)
	return ticket.Event{Kind: ticket.Routed, Data: data}, dec, nil
}

// RoutedData is what a routed event records: the rule that matched (or
// "default"), where the ticket landed, and the conditions that held.
func RoutedData(dec routing.Decision, tierCode, teamName string) map[string]string {
	data := map[string]string{"tier": tierCode}
	if teamName != "" {
		data["team"] = teamName
	}
	if dec.Fallback {
		data["rule"] = "default"
	} else {
		data["rule"] = dec.RuleName
		data["rule_id"] = strconv.FormatInt(dec.RuleID, 10)
	}
	var why []string
	for _, r := range dec.Reasons {
		why = append(why, r.String())
	}
	if len(why) > 0 {
		data["reasons"] = strings.Join(why, "\n")
	}
	if dec.Actions.RequireHuman {
		data["require_human"] = "true"
	}
	return data
}

// autoReply returns the rule's templated answer for a ticket once it has
// its reference; it is recorded on the timeline as sent (delivery by email
// follows the channels).
func autoReply(dec routing.Decision, cust customer.Customer) func(ticket.Ticket) []ticket.Event {
	if strings.TrimSpace(dec.Actions.AutoReply) == "" {
		return nil
	}
	return func(t ticket.Ticket) []ticket.Event {
		body := routing.RenderAutoReply(dec.Actions.AutoReply, routing.ReplyValues{TicketReference: t.Reference, TicketSubject: t.Subject, CustomerName: cust.Name})
		data := map[string]string{"rule": dec.RuleName}
		if dec.Fallback {
			data["rule"] = "default"
		}
		return []ticket.Event{{Kind: ticket.AutoReply, Body: body, Data: data}}
	}
}

func (d *Service) apply(ctx context.Context, dir Directory, t *ticket.Ticket, a routing.Actions, explicit ticket.Ticket) error {
	if tier := dir.TierByCode(a.Tier); tier.ID != 0 && explicit.TierID == 0 {
		t.TierID = tier.ID
	}
	if a.Team != "" && explicit.TeamID == 0 {
		for _, team := range dir.Teams {
			if team.Named(a.Team) {
				t.TeamID = team.ID
			}
		}
	}
	if p, ok := ticket.ParsePriority(a.Priority); ok && a.Priority != "" {
		t.Priority = p
	}
	if rt := dir.RequestTypeByKey(a.RequestType); rt.ID != 0 && t.RequestTypeID == 0 {
		t.RequestTypeID = rt.ID
	}
	if len(a.AddTags) > 0 {
		t.Tags = ticket.NormalizeTags(problem.Fields{}, "tags", append(t.Tags, a.AddTags...))
	}
	if a.MarkSensitive {
		t.Sensitive = true
	}
	if explicit.OwnerID != 0 {
		return nil
	}
	switch {
	case a.AssignAgent != 0 && mayAssign(dir.Member(a.AssignAgent)):
		t.OwnerID = a.AssignAgent
	case a.AssignStrategy != "" && t.TeamID != 0:
		id, err := d.store.AssignCandidate(ctx, dir.Workspace.ID, t.TeamID, a.AssignStrategy)
		if err != nil {
			return err
		}
		t.OwnerID = id
	}
	return nil
}

// RoutingRules returns the workspace's rule set (leads and admins).
func (d *Service) RoutingRules(ctx context.Context, a auth.Actor) (routing.RuleSet, error) {
	if err := requireLead(a); err != nil {
		return routing.RuleSet{}, err
	}
	rs, version, err := d.store.RoutingRules(ctx, a.WorkspaceID)
	if version == 0 && err == nil {
		rs = DefaultRuleSet()
	}
	return rs, err
}

// SaveRoutingRules validates and saves a rule set (admins). Every faulty
// condition is reported with its path, e.g. "rules[2].when.all[1].value".
func (d *Service) SaveRoutingRules(ctx context.Context, a auth.Actor, rs routing.RuleSet) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return err
	}
	if _, err := routing.Compile(rs, RoutingEnv(dir)); err != nil {
		return rulesProblem(err)
	}
	_, err = d.store.SaveRoutingRules(ctx, a.WorkspaceID, a.AgentID, rs)
	return err
}

// DryRunResult is what a rule set would have done to past tickets.
type DryRunResult struct {
	routing.DryRun
	Samples []store.RoutingSample `json:"-"`
}

// DryRun evaluates a rule set, without saving it, over the last n tickets
// (up to 100,000) and reports which would land elsewhere (leads, admins).
func (d *Service) DryRun(ctx context.Context, a auth.Actor, rs routing.RuleSet, n int) (DryRunResult, error) {
	if err := requireLead(a); err != nil {
		return DryRunResult{}, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return DryRunResult{}, err
	}
	eng, err := routing.Compile(rs, RoutingEnv(dir))
	if err != nil {
		return DryRunResult{}, rulesProblem(err)
	}
	samples, err := d.store.RoutingSamples(ctx, a.WorkspaceID, n)
	if err != nil {
		return DryRunResult{}, err
	}
	inputs := make([]routing.Ticket, len(samples))
	before := make([]routing.Placement, len(samples))
	for i, s := range samples {
		inputs[i], before[i] = s.Input, routing.Placement{Tier: s.Tier, Team: s.Team}
	}
	return DryRunResult{DryRun: eng.DryRun(inputs, before, 0), Samples: samples}, nil
}

func rulesProblem(err error) error {
	var verrs routing.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	// Parameters travel along so that the edges can word each message in
	// the caller's language.
	p := &problem.Error{Kind: problem.Invalid, Code: "invalid_rules", Message: "the routing rules are invalid", Fields: map[string]problem.Field{}}
	for _, v := range verrs {
		if _, seen := p.Fields[v.Path]; !seen {
			p.Fields[v.Path] = problem.Field{Code: v.Code, Message: v.Message, Params: v.Params}
		}
	}
	return p
}
