package desk

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/event"
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
	// logged is the last rule set version whose compile failure was
	// logged, per workspace: one error line per version, not per ticket.
	logged map[int64]int64
}

type cachedEngine struct {
	version, setup int64 // rule set version and the setup it was compiled against
	engine         *routing.Engine
}

// maxDirectoryMembers is how many members the directory loads (see
// loadDirectory).
const maxDirectoryMembers = 1000

// RoutingEnv is what a workspace's rules are validated and evaluated
// against: its own tiers, teams and request types, and its business hours
// in its time zone.
func RoutingEnv(dir Directory) routing.Env {
	env := routing.Env{Priorities: ticket.PriorityNames(), Channels: ticket.Channels, Languages: workspace.Languages, Segments: customer.Segments}
	refs := &routing.Refs{}
	for _, t := range dir.Tiers {
		env.Tiers = append(env.Tiers, t.Code)
		refs.Tiers = append(refs.Tiers, routing.Ref{ID: t.ID, Name: t.Code})
	}
	for _, t := range dir.Teams {
		env.Teams = append(env.Teams, t.Names()...) // a rule may name a team in either language
		for _, n := range t.Names() {               // the reference name first: it is the one rules show
			refs.Teams = append(refs.Teams, routing.Ref{ID: t.ID, Name: n})
		}
	}
	for _, r := range dir.RequestTypes {
		env.RequestTypes = append(env.RequestTypes, r.Key)
		refs.RequestTypes = append(refs.RequestTypes, routing.Ref{ID: r.ID, Name: r.Key})
	}
	// Agents are never deleted (they are deactivated, which rules refuse):
	// a rule's agent is checked when the directory holds every member.
	if len(dir.Members) < maxDirectoryMembers {
		refs.Agents = []routing.Ref{}
		for _, m := range dir.Members {
			refs.Agents = append(refs.Agents, routing.Ref{ID: m.ID, Name: m.Name})
		}
	}
	env.Refs = refs
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

// savedRules reads the workspace's rule set with every reference resolved
// against its setup (see routing.Resolve): ids carry the current names.
// A set stored before rules named things by id is migrated to ids here,
// once, by whichever instance reads it first.
func (d *Service) savedRules(ctx context.Context, dir Directory) (routing.RuleSet, int64, error) {
	wsID := dir.Workspace.ID
	rs, version, err := d.store.RoutingRules(ctx, wsID)
	if err != nil {
		return rs, 0, err
	}
	if version == 0 {
		return DefaultRuleSet(), 0, nil
	}
	env := RoutingEnv(dir)
	resolved := routing.Resolve(rs, *env.Refs)
	if routing.CountIDs(resolved) > routing.CountIDs(rs) {
		migrated, err := d.store.MigrateRoutingRules(ctx, wsID, version, resolved)
		if err != nil {
			return rs, 0, err
		}
		if migrated {
			version++
			d.log.Info("routing rules now name tiers, teams and request types by id", "workspace", wsID, "version", version)
		}
	}
	return resolved, version, nil
}

func (d *Service) engine(ctx context.Context, dir Directory) (*routing.Engine, error) {
	wsID := dir.Workspace.ID
	version := dir.routing
	if !dir.routingRead { // a directory not from directory(): read it now
		var err error
		if version, err = d.store.RoutingVersion(ctx, wsID); err != nil {
			return nil, err
		}
	}
	d.engines.mu.Lock()
	c, ok := d.engines.engines[wsID]
	d.engines.mu.Unlock()
	if ok && c.version == version && c.setup == dir.version {
		return c.engine, nil
	}
	rs, version, err := d.savedRules(ctx, dir)
	if err != nil {
		return nil, err
	}
	eng, err := routing.Compile(rs, RoutingEnv(dir))
	if err != nil {
		// A saved set that no longer compiles must not stop tickets from
		// arriving: they follow the default route meanwhile. The editor
		// and /healthz/routing show it; the log says it once per version.
		d.logBroken(wsID, version, err)
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

// logBroken logs at error level that a workspace's saved rules do not
// compile, once per rule set version.
func (d *Service) logBroken(wsID, version int64, err error) {
	d.engines.mu.Lock()
	if d.engines.logged == nil {
		d.engines.logged = map[int64]int64{}
	}
	seen := d.engines.logged[wsID] == version
	d.engines.logged[wsID] = version
	d.engines.mu.Unlock()
	if !seen {
		d.log.Error("routing rules do not compile: every new ticket follows the default route until they are fixed",
			"workspace", wsID, "version", version, "err", err)
	}
}

// route runs the workspace's rules on a new ticket and applies the
// decision. Values the request set explicitly (tier, team, owner) win over
// the rules; the returned event records the rule that matched and why.
func (d *Service) route(ctx context.Context, dir Directory, t *ticket.Ticket, cust customer.Customer, body string, explicit ticket.Ticket) (ticket.Event, routing.Decision, error) {
	return d.routeFrom(ctx, dir, t, cust, body, explicit, "")
}

// routeFrom is route for a message sent to an inbound address, which
// rules may test.
func (d *Service) routeFrom(ctx context.Context, dir Directory, t *ticket.Ticket, cust customer.Customer, body string, explicit ticket.Ticket, inbound string) (ticket.Event, routing.Decision, error) {
	eng, err := d.engine(ctx, dir)
	if err != nil {
		return ticket.Event{}, routing.Decision{}, err
	}
	// A returning customer's open tickets and organisation are read only
	// when a rule tests them: each is a round trip to the database on the
	// intake's path, for a value nothing else uses.
	open := 0
	if cust.ID != 0 && eng.Tests(routing.FieldOpenTickets) { // a customer created with this ticket has none yet
		n, err := d.store.CountTickets(ctx, dir.Workspace.ID, store.Filter{CustomerID: cust.ID, ActiveOnly: true}, 1000)
		if err != nil {
			return ticket.Event{}, routing.Decision{}, err
		}
		open = n
	}
	in := routing.Ticket{Channel: t.Channel, RequestType: dir.RequestType(t.RequestTypeID).Key, Subject: t.Subject, Body: body,
		Segment: cust.Segment, Language: t.Language, Priority: t.Priority.String(), CustomFields: t.CustomFields,
		Sensitive: t.Sensitive, OpenTickets: open, CreatedAt: d.store.Now(), InboundAddress: inbound}
	if cust.OrganisationID != 0 && (eng.Tests(routing.FieldOrganisation) || cust.Segment == "" && eng.Tests(routing.FieldSegment)) {
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
	return ticket.Event{Kind: ticket.Routed, Data: RoutedData(dec, t.TierID, t.TeamID)}, dec, nil
}

// RoutedData is what a routed event records: the rule that matched (or
// "default"), where the ticket landed (by id: the dry run compares with
// them even after a rename), and the conditions that held, for the
// timeline to word in the reader's language.
func RoutedData(dec routing.Decision, tierID, teamID int64) event.Routed {
	data := event.Routed{Rule: dec.RuleName, RuleID: dec.RuleID, TierID: tierID, TeamID: teamID, Reasons: dec.Reasons,
		RequireHuman: dec.Actions.RequireHuman}
	if dec.Fallback {
		data.Rule, data.RuleID = "default", 0
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
		data := event.AutoReply{Rule: dec.RuleName}
		if dec.Fallback {
			data.Rule = "default"
		}
		return []ticket.Event{{Kind: ticket.AutoReply, Body: body, Data: data}}
	}
}

// apply carries a decision out. Compiled rules name things by id; the
// default route (compiled without the workspace) names its tier by code.
func (d *Service) apply(ctx context.Context, dir Directory, t *ticket.Ticket, a routing.Actions, explicit ticket.Ticket) error {
	tier := dir.Tier(a.TierID)
	if tier.ID == 0 {
		tier = dir.TierByCode(a.Tier)
	}
	if tier.ID != 0 && explicit.TierID == 0 {
		t.TierID = tier.ID
	}
	if explicit.TeamID == 0 {
		if team := dir.Team(a.TeamID); team.ID != 0 {
			t.TeamID = team.ID
		} else if a.Team != "" {
			for _, team := range dir.Teams {
				if team.Named(a.Team) {
					t.TeamID = team.ID
				}
			}
		}
	}
	if p, ok := ticket.ParsePriority(a.Priority); ok && a.Priority != "" {
		t.Priority = p
	}
	rt := dir.RequestType(a.RequestTypeID)
	if rt.ID == 0 {
		rt = dir.RequestTypeByKey(a.RequestType)
	}
	if rt.ID != 0 && t.RequestTypeID == 0 {
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
	_, rs, err := d.rulesNow(ctx, a)
	return rs, err
}

// rulesNow is the workspace's directory and its saved rule set, as the
// actor reads them.
func (d *Service) rulesNow(ctx context.Context, a auth.Actor) (Directory, routing.RuleSet, error) {
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return dir, routing.RuleSet{}, err
	}
	rs, _, err := d.savedRules(ctx, dir)
	return dir, rs, err
}

// RoutingRulesError is why the saved rules cannot apply (the invalid_rules
// problem, with every error by path), or nil when they can. While they
// cannot, every new ticket follows the default route.
func (d *Service) RoutingRulesError(ctx context.Context, a auth.Actor) error {
	if err := requireLead(a); err != nil {
		return err
	}
	dir, rs, err := d.rulesNow(ctx, a)
	if err != nil {
		return err
	}
	if _, err := routing.Compile(rs, RoutingEnv(dir)); err != nil {
		return rulesProblem(err)
	}
	return nil
}

// BrokenRules is a workspace whose saved rules cannot apply.
type BrokenRules struct {
	WorkspaceID int64 `json:"workspace_id"`
	Version     int64 `json:"version"`
	Errors      int   `json:"errors"`
}

// BrokenRoutingRules compiles every workspace's saved rules and lists those
// that cannot apply, for the health check.
func (d *Service) BrokenRoutingRules(ctx context.Context) ([]BrokenRules, error) {
	ids, err := d.store.RoutingWorkspaces(ctx)
	if err != nil {
		return nil, err
	}
	var out []BrokenRules
	for _, ws := range ids {
		dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: ws})
		if err != nil {
			return nil, err
		}
		rs, version, err := d.savedRules(ctx, dir)
		if err != nil {
			return nil, err
		}
		var verrs routing.ValidationErrors
		if _, err := routing.Compile(rs, RoutingEnv(dir)); errors.As(err, &verrs) {
			out = append(out, BrokenRules{WorkspaceID: ws, Version: version, Errors: len(verrs)})
		}
	}
	return out, nil
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
	env := RoutingEnv(dir)
	// Stored with ids, so that renaming what a rule names changes nothing.
	rs = routing.Resolve(rs, *env.Refs)
	if _, err := routing.Compile(rs, env); err != nil {
		return rulesProblem(err)
	}
	_, err = d.store.SaveRoutingRules(ctx, a.WorkspaceID, a.AgentID, rs)
	return err
}

// DryRunResult is what a rule set would have done to past tickets.
type DryRunResult struct {
	routing.DryRun
	Samples []store.RoutingSample `json:"-"`
	// Before is where routing placed each sample at intake (its routed
	// event; where it is now when it has none): what the rule set is
	// compared with, so that a ticket an agent escalated since does not
	// count as moved by the rules.
	Before []routing.Placement `json:"-"`
	// MovedByAgents counts the samples that are no longer where routing
	// placed them: agents escalated or moved them since.
	MovedByAgents int `json:"moved_by_agents"`
}

// DryRun evaluates a rule set, without saving it, over the last n tickets
// (up to 100,000) the caller may read, and reports which would land
// elsewhere than routing placed them (leads, admins). It runs as the
// caller: counts over tickets they cannot read would tell them which of
// those contain a word.
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
	samples, err := d.store.RoutingSamples(ctx, a.WorkspaceID, &a, n)
	if err != nil {
		return DryRunResult{}, err
	}
	res := DryRunResult{Samples: samples, Before: make([]routing.Placement, len(samples))}
	inputs := make([]routing.Ticket, len(samples))
	for i, s := range samples {
		now := routing.Placement{Tier: s.Tier, Team: s.Team}
		inputs[i], res.Before[i] = s.Input, intakePlacement(dir, s.Routed, now)
		if routing.Moved(res.Before[i], routing.Decision{Actions: routing.Actions{Tier: now.Tier, Team: now.Team}}) {
			res.MovedByAgents++
		}
	}
	res.DryRun = eng.DryRun(inputs, res.Before, 0)
	return res, nil
}

// intakePlacement is where a routed event says routing placed a ticket,
// in today's names; now when the ticket has no routed event.
func intakePlacement(dir Directory, at store.RoutedAt, now routing.Placement) routing.Placement {
	if !at.Found {
		return now
	}
	p := routing.Placement{Tier: dir.Tier(at.TierID).Code, Team: dir.Team(at.TeamID).Name}
	if p.Tier == "" {
		return now
	}
	return p
}

// rulesError is the invalid_rules problem together with the rule set's
// own errors: the API words the problem's fields, editors use the errors'
// places (routing.Place) to show each message beside its input.
type rulesError struct {
	p    *problem.Error
	errs routing.ValidationErrors
}

func (e *rulesError) Error() string   { return e.p.Error() }
func (e *rulesError) Unwrap() []error { return []error{e.p, e.errs} }

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
	return &rulesError{p: p, errs: verrs}
}
