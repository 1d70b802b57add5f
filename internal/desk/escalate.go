package desk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// EscalateInput is an agent's request to hand a ticket to another tier.
type EscalateInput struct {
	Direction  string            `json:"direction"`             // up (default), down, return
	TargetTier string            `json:"target_tier,omitempty"` // L2…; default: the procedure's next step
	Reason     string            `json:"reason"`
	Answers    map[string]string `json:"answers,omitempty"` // checklist answers by item key
	// FromTier is the tier the caller believes the ticket is at (L1…).
	// When given, a ticket that is elsewhere by now (a duplicate submit,
	// a colleague faster) is refused with tier_changed instead of being
	// moved a second time.
	FromTier string `json:"from_tier,omitempty"`
}

// errTierChanged refuses a hand-off whose expected tier is not the
// ticket's any more: nothing moves twice.
var errTierChanged = problem.New(problem.Conflict, "tier_changed",
	"the ticket is no longer at the tier you expected: it was moved meanwhile")

// Procedure returns the escalation procedure that applies to a ticket: its
// request type's own, else the workspace default, else the built-in one.
func (d *Service) Procedure(ctx context.Context, a auth.Actor, t ticket.Ticket) (escalation.Procedure, error) {
	procs, err := d.store.EscalationProcedures(ctx, a.WorkspaceID)
	if err != nil {
		return escalation.Procedure{}, err
	}
	if p, ok := escalation.Select(procs, t.RequestTypeID); ok {
		return p, nil
	}
	lang := a.Language
	if lang == "" {
		lang = t.Language
	}
	return escalation.DefaultProcedure(lang), nil
}

// Escalate hands a ticket to another tier following its procedure. Going
// up, every checklist item must be provided first: the refusal names each
// missing item, and nothing changes. The receiving team sees the hand-off
// summary at the top of the ticket. A ticket worked by swarming does not go
// up (swarming_model, a Conflict): its owner invites experts instead.
func (d *Service) Escalate(ctx context.Context, a auth.Actor, id int64, in EscalateInput) (ticket.Ticket, error) {
	// Only texts given are checked here (length, encoding): a blank one is
	// a missing checklist item, which the refusal below names with the
	// others.
	f := problem.Fields{}
	if strings.TrimSpace(in.Reason) != "" {
		ticket.CheckBody(f, "reason", in.Reason)
	}
	for k, v := range in.Answers {
		if strings.TrimSpace(v) != "" {
			ticket.CheckBody(f, "answers."+k, v)
		}
	}
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if in.FromTier != "" && dir.TierByCode(in.FromTier).ID == 0 {
		f.Add("from_tier", "unknown_value", "this workspace has no such tier", "value", in.FromTier)
		return ticket.Ticket{}, f.Err()
	}
	t, err := d.Ticket(ctx, a, id)
	if err != nil {
		return t, err
	}
	// Checked before the right to work it: whoever just handed the ticket
	// off still reads it, and their duplicate submit is a conflict.
	if in.FromTier != "" && dir.Tier(t.TierID).Code != in.FromTier {
		return ticket.Ticket{}, errTierChanged.With("tier", dir.Tier(t.TierID).Code)
	}
	if !ticket.CanWork(a, t) {
		return ticket.Ticket{}, errForbidden
	}
	if err := ticket.CheckNotMerged(t); err != nil {
		return ticket.Ticket{}, err
	}
	direction := escalation.Direction(in.Direction)
	if direction == "" {
		direction = escalation.Up
	}
	// Checked before the checklist: under swarming nothing the agent could
	// fill in would make an escalation possible.
	if dir.ModelOf(t) == workspace.Swarming && escalatesUp(dir, t, direction, in.TargetTier) {
		return t, errSwarmingModel
	}
	proc, err := d.Procedure(ctx, a, t)
	if err != nil {
		return t, err
	}
	req, err := d.checklistRequest(ctx, a, dir, t, in.Answers)
	if err != nil {
		return t, err
	}
	req.TargetTier, req.Direction, req.Reason = in.TargetTier, direction, in.Reason
	step, missing, err := escalation.Check(proc, req)
	if err != nil {
		return t, escalationProblem(err, "escalation_not_possible", "this hand-off is not possible")
	}
	if direction == escalation.Return {
		if err := d.checkReturn(ctx, a, dir, t, step.ToTier); err != nil {
			return t, err
		}
	}
	if len(missing) > 0 {
		return t, missingProblem(missing)
	}
	// Check has resolved the destination in every direction (a
	// de-escalation without a target goes to the tier below), so the
	// step's ToTier is where the ticket goes; its FromTier is where it is.
	target := dir.TierByCode(step.ToTier)
	if target.ID == 0 {
		f := problem.Fields{}
		f.Add("target_tier", "unknown_value", "this workspace has no such tier", "value", step.ToTier)
		return t, f.Err()
	}
	teamID := step.TeamID
	if teamID == 0 || dir.Team(teamID).TierID != target.ID {
		teamID = teamFor(dir, target.ID, t.RequestTypeID)
	}
	first, err := d.firstMessage(ctx, a, t.ID)
	if err != nil {
		return t, err
	}
	// What the customer tried alone before contact (their journey) travels
	// with the hand-off, worded in the escalating agent's language.
	lang := a.Language
	if lang == "" {
		lang = dir.Workspace.DefaultLanguage
	}
	tried, err := d.journeyTried(ctx, a.WorkspaceID, t.ID, lang)
	if err != nil {
		return t, err
	}
	summary := escalation.BuildSummary(step, req, t.Subject, first, tried)
	summary.From, summary.To = dir.Tier(t.TierID).Code, target.Code
	kind := ticket.Escalated
	if direction != escalation.Up {
		kind = ticket.DeEscalated
	}
	data := event.Handoff{From: t.TierID, To: target.ID, Direction: direction, Reason: in.Reason, Summary: &summary}
	if target.External {
		data.VendorEmail = target.VendorEmail
	}
	nt := d.notifier(dir, a.AgentID)
	t, err = d.store.MoveTicket(ctx, a.WorkspaceID, id, a.AgentID, func(cur ticket.Ticket) error {
		// Two submits read the ticket at the same tier; the store runs them
		// one after the other, and the second finds it moved.
		if cur.TierID != t.TierID {
			return errTierChanged.With("tier", dir.Tier(cur.TierID).Code)
		}
		if !ticket.CanWork(a, cur) {
			return errForbidden
		}
		return ticket.CheckNotMerged(cur)
	}, store.Move{Kind: kind, TierID: target.ID, TeamID: teamID, Data: data, CustomFields: answeredFields(dir, t, step, in.Answers),
		Then: nt.hook(d.vendorHandoff(dir, target, summary))})
	nt.done(err)
	return t, err
}

// checklistRequest is what the ticket brings to a hand-off's checklist:
// the answers given (with the text custom fields that answer items of
// the same key), its custom fields, and its files, which meet the
// attachment items.
func (d *Service) checklistRequest(ctx context.Context, a auth.Actor, dir Directory, t ticket.Ticket, answers map[string]string) (escalation.Request, error) {
	attached, err := d.store.CountAttachments(ctx, a.WorkspaceID, t.ID)
	if err != nil {
		return escalation.Request{}, err
	}
	return escalation.Request{TicketTier: dir.Tier(t.TierID).Code, Answers: withFieldAnswers(dir, t, answers), CustomFields: t.CustomFields,
		By: a.Name, AttachmentCount: attached}, nil
}

// Checklist says which of the step's items the ticket already provides,
// by the rule Escalate enforces (escalation.Provided): a custom field it
// has a value for, an answer its text custom field of the same key
// holds, an attachment item met by a file on the ticket. The API's guide
// and the web's escalate form show it, so neither decides it again.
func (d *Service) Checklist(ctx context.Context, a auth.Actor, t ticket.Ticket, step escalation.Step) ([]bool, error) {
	if !ticket.CanView(a, t) {
		return nil, problem.NotFoundf("ticket")
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	req, err := d.checklistRequest(ctx, a, dir, t, nil)
	if err != nil {
		return nil, err
	}
	return escalation.Provided(step, req), nil
}

// withFieldAnswers reads a checklist answer and the text custom field of
// the same key as one thing: an item left blank is answered by the field
// already filled in on the ticket (say, "error_message" saved in the
// properties), so the agent does not type it twice.
func withFieldAnswers(dir Directory, t ticket.Ticket, answers map[string]string) map[string]string {
	out := make(map[string]string, len(answers))
	for k, v := range answers {
		out[k] = v
	}
	for _, cf := range dir.CustomFields {
		if cf.Kind == workspace.Text && strings.TrimSpace(out[cf.Key]) == "" && strings.TrimSpace(t.CustomFields[cf.Key]) != "" {
			out[cf.Key] = t.CustomFields[cf.Key]
		}
	}
	return out
}

// answeredFields is the other way round: a checklist answer typed in the
// escalate form fills the text custom field of the same key, written with
// the move so a refused hand-off writes nothing. Only text fields take
// free-text answers; the step's answer items alone are copied.
func answeredFields(dir Directory, t ticket.Ticket, step escalation.Step, answers map[string]string) map[string]string {
	var set map[string]string
	for _, it := range step.Required {
		v := strings.TrimSpace(answers[it.Key])
		cf, ok := dir.CustomField(it.Key)
		if it.Kind != escalation.KindAnswer || !ok || cf.Kind != workspace.Text || v == "" || v == t.CustomFields[it.Key] {
			continue
		}
		if set == nil {
			set = map[string]string{}
		}
		set[it.Key] = v
	}
	return set
}

// checkReturn holds a return to the tiers the ticket came from: going
// back down is always possible, going back up only to a tier the ticket
// was at before (routed there, or handed off from there). Anything else
// up is an escalation, which goes through the procedure and its checklist.
func (d *Service) checkReturn(ctx context.Context, a auth.Actor, dir Directory, t ticket.Ticket, to string) error {
	if dir.TierByCode(to).Position <= dir.Tier(t.TierID).Position {
		return nil
	}
	events, err := d.store.Events(ctx, a.WorkspaceID, t.ID, 0, 1000)
	if err != nil {
		return err
	}
	if slices.Contains(pastTiers(dir, events), to) {
		return nil
	}
	return &problem.Error{Kind: problem.Invalid, Code: "escalation_not_possible", Message: "this hand-off is not possible",
		Fields: map[string]problem.Field{"target_tier": {Code: "return_not_visited",
			Message: "the ticket never was at " + to + ": escalate it instead", Params: map[string]string{"tier": to}}}}
}

// pastTiers lists the tier codes a ticket's timeline shows it was at:
// where routing placed it, and where every move and re-tiering took it
// from.
func pastTiers(dir Directory, events []ticket.Event) []string {
	var out []string
	for _, e := range events {
		var id int64
		switch d := e.Data.(type) {
		case event.Routed:
			id = d.TierID
		case event.Handoff:
			id = d.From
		case event.TierChange:
			id = d.From
		}
		if code := dir.Tier(id).Code; code != "" && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

func (d *Service) firstMessage(ctx context.Context, a auth.Actor, ticketID int64) (string, error) {
	events, err := d.store.Events(ctx, a.WorkspaceID, ticketID, 0, 10)
	if err != nil {
		return "", err
	}
	for _, e := range events {
		if e.Kind == ticket.CustomerMessage {
			return e.Body, nil
		}
	}
	return "", nil
}

// missingProblem names every missing checklist item, each as a field the
// UI can point at ("answers.steps_tried"); the items themselves travel as
// the problem's Detail for the edge to word in the caller's language.
func missingProblem(missing []escalation.Missing) error {
	p := &problem.Error{Kind: problem.Invalid, Code: "escalation_incomplete",
		Message: escalation.MissingText("en", missing), Fields: map[string]problem.Field{}, Detail: missing}
	for _, m := range missing {
		p.Fields[m.Field()] = problem.Field{Code: "required", Message: m.LabelEN + " is required",
			Params: map[string]string{"label_fr": m.LabelFR, "label_en": m.LabelEN}}
	}
	return p
}

// escalationProblem turns validation errors into a problem with one field
// per path. The parameters travel along so that the edges can word the
// message in the caller's language.
func escalationProblem(err error, code, message string) error {
	var verrs escalation.ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) == 0 {
		return err
	}
	p := &problem.Error{Kind: problem.Invalid, Code: code, Message: message, Fields: map[string]problem.Field{}}
	for _, v := range verrs {
		if _, seen := p.Fields[v.Path]; !seen {
			p.Fields[v.Path] = problem.Field{Code: v.Code, Message: v.Message, Params: v.Params}
		}
	}
	return p
}

// HandoffSummary is the summary carried by an escalation event.
func HandoffSummary(e ticket.Event) (escalation.Summary, bool) {
	if h, ok := event.As[event.Handoff](e); ok && h.Summary != nil {
		return *h.Summary, true
	}
	return escalation.Summary{}, false
}

// Procedures lists the workspace's escalation procedures (every member may
// read them: agents see the checklist before escalating).
func (d *Service) Procedures(ctx context.Context, a auth.Actor) ([]escalation.Procedure, error) {
	return d.store.EscalationProcedures(ctx, a.WorkspaceID)
}

// SaveProcedure validates and saves an escalation procedure (admins).
func (d *Service) SaveProcedure(ctx context.Context, a auth.Actor, p escalation.Procedure) (escalation.Procedure, error) {
	if err := requireAdmin(a); err != nil {
		return p, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return p, err
	}
	var tiers, fields []string
	for _, t := range dir.Tiers {
		tiers = append(tiers, t.Code)
	}
	for _, c := range dir.CustomFields {
		fields = append(fields, c.Key)
	}
	if err := p.Validate(tiers, fields); err != nil {
		return p, escalationProblem(err, "invalid_procedure", "the escalation procedure is invalid")
	}
	if p.RequestTypeID != 0 && dir.RequestType(p.RequestTypeID).ID == 0 {
		f := problem.Fields{}
		f.Add("request_type_id", "unknown_value", "unknown request type")
		return p, f.Err()
	}
	// One procedure per request type (and one default): Select would
	// silently ignore a second one.
	procs, err := d.store.EscalationProcedures(ctx, a.WorkspaceID)
	if err != nil {
		return p, err
	}
	for _, other := range procs {
		if other.RequestTypeID == p.RequestTypeID && other.ID != p.ID {
			f := problem.Fields{}
			f.Add("request_type_id", "taken", "this request type already has a procedure", "procedure_id", strconv.FormatInt(other.ID, 10))
			return p, f.Err()
		}
	}
	return d.store.SaveEscalationProcedure(ctx, a.WorkspaceID, a.AgentID, p)
}

// NextStep returns the procedure step an escalation of the ticket would
// take now, for showing the guidance and checklist before the agent
// escalates. ok is false when the ticket's tier has no step up, and when
// the ticket is worked by swarming (it does not go up; Directory.ModelOf
// tells the two apart).
func (d *Service) NextStep(ctx context.Context, a auth.Actor, t ticket.Ticket) (escalation.Step, bool, error) {
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return escalation.Step{}, false, err
	}
	if dir.ModelOf(t) == workspace.Swarming {
		return escalation.Step{}, false, nil
	}
	p, err := d.Procedure(ctx, a, t)
	if err != nil {
		return escalation.Step{}, false, err
	}
	step, ok := p.StepFrom(dir.Tier(t.TierID).Code)
	if ok && dir.TierByCode(step.ToTier).ID == 0 {
		ok = false // the procedure names a tier this workspace does not have
	}
	return step, ok, nil
}
