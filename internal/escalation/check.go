package escalation

import (
	"slices"
	"strings"
)

// Direction is which way a hand-off moves a ticket.
type Direction string

// The directions. An empty Direction means Up.
const (
	Up     Direction = "up"     // escalate along the procedure
	Down   Direction = "down"   // de-escalate, e.g. with a known fix for L1 to deliver
	Return Direction = "return" // send back to the tier that handed it over
)

// Request is an agent's attempt to hand a ticket over, with what they have
// collected so far. Answers and custom fields are keyed like checklist items.
type Request struct {
	TicketTier string `json:"ticket_tier"`
	// TargetTier defaults, going up, to the next step of the procedure and,
	// going down, to the tier that normally escalates to the ticket's tier.
	// A return must name it: only the caller knows who sent the ticket.
	TargetTier      string            `json:"target_tier,omitempty"`
	Direction       Direction         `json:"direction,omitempty"`
	Reason          string            `json:"reason"`
	Answers         map[string]string `json:"answers,omitempty"`
	CustomFields    map[string]string `json:"custom_fields,omitempty"`
	AttachmentCount int               `json:"attachment_count"`
	// By is the display name of the agent handing over, for the summary.
	By string `json:"by,omitempty"`
}

func (r Request) direction() Direction {
	if r.Direction == "" {
		return Up
	}
	return r.Direction
}

// Missing names one item the agent still has to provide.
type Missing struct {
	Key     string   `json:"key"`
	Kind    ItemKind `json:"kind"`
	LabelFR string   `json:"label_fr"`
	LabelEN string   `json:"label_en"`
}

// Label returns the missing item's label in lang.
func (m Missing) Label(lang string) string { return label(lang, m.LabelFR, m.LabelEN, m.Key) }

// Field names the request field that fills the item in, for a refusal to
// point at: "answers.<key>" (attachments too: they have no field of their
// own), "custom_fields.<key>" or "reason".
func (m Missing) Field() string {
	switch m.Kind {
	case KindCustomField:
		return "custom_fields." + m.Key
	case KindReason:
		return "reason"
	}
	return "answers." + m.Key
}

// reasonItem is how a missing reason is named: every hand-off records why,
// in every direction.
var reasonItem = Missing{Key: "reason", Kind: KindReason, LabelFR: "Motif", LabelEN: "Reason"}

// Check works out which step a request takes and what is still missing
// before the hand-off; no missing item means ready. Going up, the step's
// checklist and a reason are required; going down or back, only a reason.
// A move that cannot happen (no step from the ticket's tier, a target on
// the wrong side, L0…) is a ValidationErrors whose paths name the request
// fields.
//
// Escalating past the next tier (L1 straight to L3) is allowed when the
// procedure leads there; the checklists of every step on the way apply, so
// that skipping a tier never skips the information that tier would have
// gathered.
func Check(p Procedure, r Request) (Step, []Missing, error) {
	var errs ValidationErrors
	dir := r.direction()
	if dir != Up && dir != Down && dir != Return {
		errs = append(errs, newError("direction", "unknown_direction", map[string]string{"value": string(r.Direction)}))
	}
	level, err := agentTier("ticket_tier", r.TicketTier)
	if err != nil {
		errs = append(errs, *err)
	}
	if len(errs) > 0 {
		return Step{}, nil, errs
	}
	var step Step
	switch dir {
	case Up:
		step, err = p.up(r.TicketTier, level, r.TargetTier)
	case Down:
		step, err = p.down(r.TicketTier, level, r.TargetTier)
	default:
		step, err = back(r.TicketTier, r.TargetTier)
	}
	if err != nil {
		return Step{}, nil, ValidationErrors{*err}
	}
	return step, missing(step, r), nil
}

// agentTier parses a tier where agents work (L1…L4).
func agentTier(path, code string) (int, *ValidationError) {
	level, ok := tierLevel(code)
	var e ValidationError
	switch {
	case code == "":
		e = newError(path, "missing_tier", nil)
	case !ok:
		e = newError(path, "bad_tier", map[string]string{"tier": code})
	case level < lowestAgentTier:
		e = newError(path, "self_service_tier", map[string]string{"tier": code})
	default:
		return level, nil
	}
	return 0, &e
}

// up finds the step, or the chain of steps merged into one, from the
// ticket's tier to the target.
func (p Procedure) up(from string, level int, target string) (Step, *ValidationError) {
	to, err := upTarget(from, level, target)
	if err != nil {
		return Step{}, err
	}
	s, ok := p.StepFrom(from)
	if !ok {
		e := newError("ticket_tier", "no_step", map[string]string{"tier": from})
		return Step{}, &e
	}
	if target == "" {
		// The step's checklist is the procedure's own; the caller may edit
		// the returned step without changing the procedure.
		s.Required = slices.Clone(s.Required)
		return s, nil
	}
	chain, ok := p.chain(from, level, to)
	if !ok {
		e := newError("target_tier", "target_not_reachable", map[string]string{"from": from, "to": target})
		return Step{}, &e
	}
	return merge(chain), nil
}

// upTarget checks an explicit target of an escalation, before the
// procedure, so that a wrong target is reported as such; it returns the
// target's level, 0 when none is named.
func upTarget(from string, level int, target string) (int, *ValidationError) {
	if target == "" {
		return 0, nil
	}
	to, err := agentTier("target_tier", target)
	if err != nil {
		return 0, err
	}
	if to <= level {
		e := newError("target_tier", "target_not_above", map[string]string{"tier": from})
		return 0, &e
	}
	return to, nil
}

// chain follows the procedure's steps from a tier until the target level.
// It reports false when a step is missing or jumps past the target. Each
// step must climb, so the walk ends even on an unvalidated procedure.
func (p Procedure) chain(from string, level, target int) ([]Step, bool) {
	var steps []Step
	for level < target {
		s, ok := p.StepFrom(from)
		next, valid := tierLevel(s.ToTier)
		if !ok || !valid || next <= level || next > target {
			return steps, false
		}
		steps = append(steps, s)
		from, level = s.ToTier, next
	}
	return steps, true
}

// merge turns consecutive steps into one: the first step's guidance (it is
// the agent at the current tier who reads it), the last step's receiving
// team and vendor, and every checklist item once, in the order of the way
// up.
func merge(steps []Step) Step {
	first, last := steps[0], steps[len(steps)-1]
	out := Step{
		FromTier: first.FromTier, ToTier: last.ToTier, TeamID: last.TeamID,
		GuidanceFR: first.GuidanceFR, GuidanceEN: first.GuidanceEN, VendorEmail: last.VendorEmail,
	}
	seen := map[string]bool{}
	for _, s := range steps {
		for _, it := range s.Required {
			if !seen[it.Key] {
				seen[it.Key] = true
				out.Required = append(out.Required, it)
			}
		}
	}
	return out
}

// down finds the tier to de-escalate to: the one named, else the highest
// tier whose step leads to the ticket's tier (where tickets usually come
// from), else the tier just below.
func (p Procedure) down(from string, level int, target string) (Step, *ValidationError) {
	if target == "" {
		target = p.below(from, level)
		if target == "" {
			e := newError("ticket_tier", "no_lower_tier", map[string]string{"tier": from})
			return Step{}, &e
		}
	}
	to, err := agentTier("target_tier", target)
	if err != nil {
		return Step{}, err
	}
	if to >= level {
		e := newError("target_tier", "target_not_below", map[string]string{"tier": from})
		return Step{}, &e
	}
	return Step{FromTier: from, ToTier: target}, nil
}

func (p Procedure) below(tier string, level int) string {
	best := 0
	for _, s := range p.Steps {
		if l, ok := tierLevel(s.FromTier); ok && s.ToTier == tier && l >= lowestAgentTier && l < level && l > best {
			best = l
		}
	}
	if best == 0 {
		best = level - 1
	}
	if best < lowestAgentTier {
		return ""
	}
	return tierCode(best)
}

// back checks a return to sender, which may go either way.
func back(from, target string) (Step, *ValidationError) {
	if target == "" {
		e := newError("target_tier", "missing_target", nil)
		return Step{}, &e
	}
	if _, err := agentTier("target_tier", target); err != nil {
		return Step{}, err
	}
	if target == from {
		e := newError("target_tier", "same_tier", map[string]string{"tier": from})
		return Step{}, &e
	}
	return Step{FromTier: from, ToTier: target}, nil
}

// Provided says, item by item, which of the step's checklist items the
// request already meets: the one rule a hand-off is checked against, and
// what a checklist shows as done before the agent submits. Whitespace
// does not count as an answer.
func Provided(step Step, r Request) []bool {
	out := make([]bool, len(step.Required))
	attachments := 0
	for i, it := range step.Required {
		switch it.Kind {
		case KindAnswer:
			out[i] = !blank(r.Answers[it.Key])
		case KindCustomField:
			out[i] = !blank(r.CustomFields[it.Key])
		case KindAttachment:
			// Attachments carry no kind to match items with, so n attachment
			// items need n files on the ticket.
			attachments++
			out[i] = attachments <= r.AttachmentCount
		}
	}
	return out
}

// missing lists the step's unmet checklist items, then the reason if it
// is blank.
func missing(step Step, r Request) []Missing {
	var out []Missing
	for i, ok := range Provided(step, r) {
		if !ok {
			it := step.Required[i]
			out = append(out, Missing{Key: it.Key, Kind: it.Kind, LabelFR: it.LabelFR, LabelEN: it.LabelEN})
		}
	}
	if blank(r.Reason) {
		out = append(out, reasonItem)
	}
	return out
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// MissingText is the refusal shown to the agent, naming every missing
// item in lang; it is empty when nothing is missing.
func MissingText(lang string, ms []Missing) string {
	if len(ms) == 0 {
		return ""
	}
	labels := make([]string, len(ms))
	for i, m := range ms {
		labels[i] = m.Label(lang)
	}
	return st(lang, "missing", "items", strings.Join(labels, st(lang, "missing_sep")))
}
