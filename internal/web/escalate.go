package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// escalateForm is the hand-off panel of the ticket page: the procedure's
// guidance and checklist for the ticket's tier, so the agent cannot hand
// off without what the next tier needs.
type escalateForm struct {
	TicketID  int64
	FromTier  string // the tier the page showed: a duplicate submit is refused, not moved twice
	Open      bool
	Direction string // "up" or "down"
	Target    string
	Reason    string
	Guidance  string
	NextTier  string
	Items     []escalateItem
	Targets   []option
	Errors    formErrors
	Message   string
}

// escalateItem is one checklist item. Answers are typed here; custom
// fields are set in the properties form and only shown.
type escalateItem struct {
	Key, Label, Help, Kind, Value string
	ErrName                       string // the desk's field name for its error
	// Provided: the ticket already meets the item, by the rule escalating
	// checks (desk.Checklist).
	Provided bool
	// Linked: the answer is also the ticket's text custom field of the
	// same key (the desk reads and fills them as one thing).
	Linked bool
}

// handoff is the latest hand-off summary, shown at the top of the ticket.
type handoff struct {
	Text string
	Down bool
}

func (s *server) newEscalate(ctx context.Context, rq *request, t ticket.Ticket) (escalateForm, error) {
	f := escalateForm{TicketID: t.ID, Direction: "up", FromTier: rq.dir.Tier(t.TierID).Code}
	proc, err := s.d.Procedure(ctx, rq.actor, t)
	if err != nil {
		return f, err
	}
	l := rq.loc
	tier := rq.dir.Tier(t.TierID)
	if step, ok := proc.StepFrom(tier.Code); ok {
		f.Guidance, f.NextTier = step.Guidance(l.Lang), step.ToTier
		provided, err := s.d.Checklist(ctx, rq.actor, t, step)
		if err != nil {
			return f, err
		}
		for i, it := range step.Required {
			ei := escalateItem{Key: it.Key, Label: it.Label(l.Lang), Help: it.Help(l.Lang), Kind: string(it.Kind), ErrName: "answers." + it.Key,
				Provided: provided[i]}
			if it.Kind == escalation.KindCustomField {
				ei.Value, ei.ErrName = t.CustomFields[it.Key], "custom_fields."+it.Key
			}
			if cf, ok := rq.dir.CustomField(it.Key); ok && it.Kind == escalation.KindAnswer && cf.Kind == workspace.Text {
				ei.Value, ei.Linked = t.CustomFields[it.Key], true
			}
			f.Items = append(f.Items, ei)
		}
	}
	f.Targets = []option{{"", l.T("escalate.target_default")}}
	for _, tr := range rq.dir.Tiers {
		if !tr.SelfService() && tr.ID != t.TierID {
			f.Targets = append(f.Targets, option{tr.Code, tr.Code + " · " + tr.NameIn(l.Lang)})
		}
	}
	return f, nil
}

// latestHandoff finds the summary of the last escalation or
// de-escalation: the receiving agent reads it instead of the whole thread.
func latestHandoff(rq *request, events []ticket.Event) *handoff {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Kind != ticket.Escalated && e.Kind != ticket.DeEscalated {
			continue
		}
		if sum, ok := desk.HandoffSummary(e); ok {
			return &handoff{Text: sum.Text(rq.loc.Lang), Down: e.Kind == ticket.DeEscalated}
		}
	}
	return nil
}

func (s *server) escalate(w http.ResponseWriter, r *http.Request, rq *request, t ticket.Ticket) error {
	id := t.ID
	form, err := s.newEscalate(r.Context(), rq, t)
	if err != nil {
		return err
	}
	form.Open = true
	form.Direction = r.PostForm.Get("direction")
	if form.Direction != "down" {
		form.Direction = "up"
	}
	form.Target = r.PostForm.Get("target_tier")
	form.Reason = r.PostForm.Get("reason")
	// The tier the agent saw when the form was drawn, not the one read
	// now: a second submit of the same form finds the ticket moved.
	if from := r.PostForm.Get("from_tier"); from != "" {
		form.FromTier = from
	}
	_, err = s.d.Escalate(r.Context(), rq.actor, id, form.input(r, form.Direction))
	if fe, ok := rq.loc.fieldErrors(err); ok {
		form.Errors, form.Message = fe, form.summary(rq, err)
		return s.refuseEscalate(w, r, rq, id, http.StatusUnprocessableEntity, form)
	}
	if problem.Is(err, problem.Conflict) {
		// Moved meanwhile (a double click, a colleague faster): say so
		// next to the form rather than on an error page.
		form.Message = rq.loc.Error(err)
		return s.refuseEscalate(w, r, rq, id, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	// The agent lands on what they handed off, told where it went and who
	// has it (see handoffNotice).
	seeOther(w, r, "/views/handed-off?moved="+idStr(id))
	return nil
}

// input is the hand-off the form posts. The answers to the checklist are
// kept in the form too, to show it again as typed on a refusal.
func (form *escalateForm) input(r *http.Request, direction string) desk.EscalateInput {
	in := desk.EscalateInput{Direction: direction, TargetTier: form.Target, Reason: form.Reason, Answers: map[string]string{},
		FromTier: form.FromTier}
	for i, it := range form.Items {
		if it.Kind == string(escalation.KindAnswer) {
			v := r.PostForm.Get("answer_" + it.Key)
			form.Items[i].Value = v
			in.Answers[it.Key] = v
		}
	}
	return in
}

// summary is the refusal's first line. A checklist refusal names what is
// missing there, in the form's order, so the agent reads the list at once
// rather than hunting for it under each input.
func (f escalateForm) summary(rq *request, err error) string {
	p, ok := problem.As(err)
	if !ok || p.Code != "escalation_incomplete" {
		return rq.loc.Error(err)
	}
	var names []string
	if _, ok := p.Fields["reason"]; ok {
		names = append(names, rq.loc.T("escalate.reason"))
	}
	for _, it := range f.Items {
		if _, ok := p.Fields[it.ErrName]; ok {
			names = append(names, it.Label)
		}
	}
	if len(names) == 0 {
		return rq.loc.Error(err)
	}
	return rq.loc.T("escalate.missing_items", "items", strings.Join(names, rq.loc.T("escalate.missing_sep")))
}

// refreshed is the escalate panel drawn again after the properties were
// saved, so a field filled there ticks its checklist item at once. What
// the agent had typed in the panel (posted along with the properties)
// stays, except where the field itself was just changed.
func (f escalateForm) refreshed(r *http.Request, changed map[string]string) escalateForm {
	f.Open = r.PostForm.Get("escalate_open") != ""
	if v, ok := r.PostForm["direction"]; ok && len(v) > 0 && v[0] == "down" {
		f.Direction = "down"
	}
	f.Target, f.Reason = r.PostForm.Get("target_tier"), r.PostForm.Get("reason")
	for i, it := range f.Items {
		if _, justSet := changed[it.Key]; justSet && it.Linked {
			continue
		}
		if v, ok := r.PostForm["answer_"+it.Key]; ok && it.IsAnswer() {
			f.Items[i].Value = v[0]
		}
	}
	return f
}

func (s *server) refuseEscalate(w http.ResponseWriter, r *http.Request, rq *request, id int64, status int, form escalateForm) error {
	return showTicketForm(s, w, r, rq, id, status, "escalate", form, func(p *ticketPage) { p.Escalate = &form })
}

// handoffNotice is the confirmation shown after a hand-off (or after
// opening a ticket that routing placed in another tier): where the ticket
// is now and who has it, read afresh through the access rule. A ticket the
// agent may no longer read (a sensitive one) is not described.
func (s *server) handoffNotice(ctx context.Context, rq *request, raw string) string {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return ""
	}
	l := rq.loc
	t, err := s.d.Ticket(ctx, rq.actor, id)
	if err != nil {
		return l.T("handoff.sent_hidden")
	}
	tier := rq.dir.Tier(t.TierID)
	team := ""
	if tm := rq.dir.Team(t.TeamID); tm.ID != 0 {
		team = l.T("handoff.sent_team", "team", tm.NameIn(l.Lang))
	}
	owner := l.T("handoff.unassigned")
	if m := rq.dir.Member(t.OwnerID); m.ID != 0 {
		owner = l.T("handoff.owner", "name", m.Name)
	}
	return l.T("handoff.sent", "ref", t.Reference, "tier", tier.Code+" · "+tier.NameIn(l.Lang), "team", team, "owner", owner) + " " + l.T("handoff.follow")
}

// ItemError returns the translated error of a checklist item, if any.
func (f escalateForm) ItemError(it escalateItem) string { return f.Errors[it.ErrName] }

// IsAnswer tells typed answers from values set elsewhere.
func (it escalateItem) IsAnswer() bool { return it.Kind == string(escalation.KindAnswer) }

// IsField tells custom field items, set in the properties form.
func (it escalateItem) IsField() bool { return it.Kind == string(escalation.KindCustomField) }
