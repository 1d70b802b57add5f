// Package escalation holds the rules of tiered support: for each request
// type, the steps up (L1 → L2 → L3, optionally L4, an outside vendor), when
// an agent should take them, and what must be collected before the hand-off,
// so that the receiving tier never asks the customer to explain twice. It is
// pure domain logic: plain JSON-serialisable data and functions, no storage.
package escalation

import (
	"slices"

	"github.com/palier/palier/internal/i18n"
)

// ItemKind says where a checklist item's value comes from.
type ItemKind string

// The item kinds. KindReason never appears in a procedure: Check uses it to
// name a missing reason alongside missing checklist items, so that the agent
// sees everything to fill in at once.
const (
	KindCustomField ItemKind = "custom_field" // a ticket custom field, by its key
	KindAnswer      ItemKind = "answer"       // a free-text answer, e.g. "steps_tried"
	KindAttachment  ItemKind = "attachment"   // one file attached to the ticket
	KindReason      ItemKind = "reason"
)

// Item is one piece of information required before a hand-off.
type Item struct {
	// Key is the custom field's key for KindCustomField, or the answer's
	// key (e.g. "steps_tried") for KindAnswer; for KindAttachment it only
	// names the item.
	Key     string   `json:"key"`
	Kind    ItemKind `json:"kind"`
	LabelFR string   `json:"label_fr"`
	LabelEN string   `json:"label_en"`
	HelpFR  string   `json:"help_fr,omitempty"`
	HelpEN  string   `json:"help_en,omitempty"`
}

// Label returns the item's label in lang, or in the other language when it
// has none in lang, or its key when it has no label at all.
func (it Item) Label(lang string) string { return label(lang, it.LabelFR, it.LabelEN, it.Key) }

// Help returns the item's help text in lang, falling back likewise.
func (it Item) Help(lang string) string { return i18n.Either(lang, it.HelpEN, it.HelpFR) }

// Step is one move up the tiers.
type Step struct {
	FromTier string `json:"from_tier"` // "L1"…"L3"
	ToTier   string `json:"to_tier"`   // "L2"…"L4", above FromTier
	// TeamID is the receiving team; 0 lets the target tier's default team
	// take the ticket.
	TeamID int64 `json:"team_id,omitempty"`
	// Guidance tells the agent when to take this step.
	GuidanceFR string `json:"guidance_fr,omitempty"`
	GuidanceEN string `json:"guidance_en,omitempty"`
	Required   []Item `json:"required"`
	// VendorEmail, for a step to L4 only, overrides the L4 tier's address.
	VendorEmail string `json:"vendor_email,omitempty"`
}

// Guidance returns when to take the step, in lang.
func (s Step) Guidance(lang string) string { return i18n.Either(lang, s.GuidanceEN, s.GuidanceFR) }

// Procedure is the escalation path of one request type.
type Procedure struct {
	ID            int64  `json:"id"`
	RequestTypeID int64  `json:"request_type_id"` // 0: the default procedure
	Name          string `json:"name"`
	Steps         []Step `json:"steps"`
}

// Select returns the procedure of requestTypeID, else the default one
// (RequestTypeID 0). The flag is false when neither exists.
func Select(procs []Procedure, requestTypeID int64) (Procedure, bool) {
	if requestTypeID != 0 {
		if i := slices.IndexFunc(procs, func(p Procedure) bool { return p.RequestTypeID == requestTypeID }); i >= 0 {
			return procs[i], true
		}
	}
	i := slices.IndexFunc(procs, func(p Procedure) bool { return p.RequestTypeID == 0 })
	if i < 0 {
		return Procedure{}, false
	}
	return procs[i], true
}

// StepFrom returns the step up from tier.
func (p Procedure) StepFrom(tier string) (Step, bool) {
	i := slices.IndexFunc(p.Steps, func(s Step) bool { return s.FromTier == tier })
	if i < 0 {
		return Step{}, false
	}
	return p.Steps[i], true
}

// Tier codes are "L0"…"L4"; the digit is the level, so the order of tiers
// is the order of their digits.
const (
	lowestAgentTier = 1 // L0 is self-service and has no agents
	highestTier     = 4
)

// tierLevel returns the level of a tier code.
func tierLevel(code string) (int, bool) {
	if len(code) != 2 || code[0] != 'L' || code[1] < '0' || code[1] > '0'+highestTier {
		return 0, false
	}
	return int(code[1] - '0'), true
}

// tierCode is the inverse of tierLevel.
func tierCode(level int) string { return "L" + string(rune('0'+level)) }

// label is i18n.Either with a last resort, so that a checklist item is always
// named by something the agent can act on.
func label(lang, fr, en, key string) string {
	if l := i18n.Either(lang, en, fr); l != "" {
		return l
	}
	return key
}
