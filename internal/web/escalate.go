package web

import (
	"context"
	"net/http"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// escalateForm is the hand-off panel of the ticket page: the procedure's
// guidance and checklist for the ticket's tier, so the agent cannot hand
// off without what the next tier needs.
type escalateForm struct {
	TicketID  int64
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
}

// handoff is the latest hand-off summary, shown at the top of the ticket.
type handoff struct {
	Text string
	Down bool
}

func (s *server) newEscalate(ctx context.Context, rq *request, t ticket.Ticket) (escalateForm, error) {
	f := escalateForm{TicketID: t.ID, Direction: "up"}
	proc, err := s.d.Procedure(ctx, rq.actor, t)
	if err != nil {
		return f, err
	}
	l := rq.loc
	tier := rq.dir.Tier(t.TierID)
	if step, ok := proc.StepFrom(tier.Code); ok {
		f.Guidance, f.NextTier = step.Guidance(l.Lang), step.ToTier
		for _, it := range step.Required {
			ei := escalateItem{Key: it.Key, Label: it.Label(l.Lang), Help: it.Help(l.Lang), Kind: string(it.Kind), ErrName: "answers." + it.Key}
			if it.Kind == escalation.KindCustomField {
				ei.Value, ei.ErrName = t.CustomFields[it.Key], "custom_fields."+it.Key
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

func (s *server) escalate(w http.ResponseWriter, r *http.Request, rq *request) error {
	t, err := s.postedTicket(r, rq)
	if err != nil {
		return err
	}
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
	in := desk.EscalateInput{Direction: form.Direction, TargetTier: form.Target, Reason: form.Reason, Answers: map[string]string{}}
	for i, it := range form.Items {
		if it.Kind == string(escalation.KindAnswer) {
			v := r.PostForm.Get("answer_" + it.Key)
			form.Items[i].Value = v
			in.Answers[it.Key] = v
		}
	}
	_, err = s.d.Escalate(r.Context(), rq.actor, id, in)
	if fe, ok := rq.loc.fieldErrors(err); ok {
		form.Errors, form.Message = fe, rq.loc.Error(err)
		return s.refuseEscalate(w, r, rq, id, form)
	}
	if err != nil {
		return err
	}
	// The ticket usually leaves the agent's queue: back to the inbox unless
	// they can still see it.
	back := "/tickets/" + idStr(id)
	if _, err := s.d.Ticket(r.Context(), rq.actor, id); problem.Is(err, problem.NotFound) {
		back = "/"
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", back)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (s *server) refuseEscalate(w http.ResponseWriter, r *http.Request, rq *request, id int64, form escalateForm) error {
	if isHTMX(r) {
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "ticket", "escalate", pair{L: rq.loc, V: form})
		return nil
	}
	p, err := s.loadTicketPage(r, rq, id)
	if err != nil {
		return err
	}
	p.Escalate = &form
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "ticket", "", p)
	return nil
}

// ItemError returns the translated error of a checklist item, if any.
func (f escalateForm) ItemError(it escalateItem) string { return f.Errors[it.ErrName] }

// IsAnswer tells typed answers from values set elsewhere.
func (it escalateItem) IsAnswer() bool { return it.Kind == string(escalation.KindAnswer) }

// IsField tells custom field items, set in the properties form.
func (it escalateItem) IsField() bool { return it.Kind == string(escalation.KindCustomField) }
