// Package ticket owns tickets, their statuses and priorities, the
// append-only timeline, and who may see and change a ticket.
package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
)

// Status is where a ticket is in its life.
type Status string

// The statuses.
const (
	New     Status = "new"
	Open    Status = "open"
	Pending Status = "pending" // waiting for the customer
	OnHold  Status = "on_hold" // waiting for a third party
	Solved  Status = "solved"
	Closed  Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{New, Open, Pending, OnHold, Solved, Closed}

// Active reports whether a ticket in this status still needs work.
func (s Status) Active() bool { return s != Solved && s != Closed }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Priority orders the work; higher is more urgent. Stored as its number so
// that "most urgent first" is an index order.
type Priority int

// The priorities.
const (
	Low Priority = iota
	Normal
	High
	Urgent
)

var priorityNames = []string{"low", "normal", "high", "urgent"}

// PriorityNames lists the priority names from lowest to highest.
func PriorityNames() []string { return slices.Clone(priorityNames) }

func (p Priority) String() string {
	if p < Low || p > Urgent {
		return fmt.Sprintf("priority(%d)", int(p))
	}
	return priorityNames[p]
}

// ParsePriority parses a priority name.
func ParsePriority(s string) (Priority, bool) {
	i := slices.Index(priorityNames, s)
	return Priority(i), i >= 0
}

// MarshalText writes the priority's name.
func (p Priority) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a priority name.
func (p *Priority) UnmarshalText(b []byte) error {
	v, ok := ParsePriority(string(b))
	if !ok {
		return fmt.Errorf("unknown priority %q", b)
	}
	*p = v
	return nil
}

// Channels through which a ticket can arrive.
var Channels = []string{"email", "portal", "widget", "api", "phone", "chat", "web", "social"}

// Ticket is one customer request.
type Ticket struct {
	ID              int64             `json:"id"`
	Number          int64             `json:"number"`
	Reference       string            `json:"reference"`
	Subject         string            `json:"subject"`
	Status          Status            `json:"status"`
	Priority        Priority          `json:"priority"`
	RequestTypeID   int64             `json:"request_type_id,omitempty"`
	Channel         string            `json:"channel"`
	TierID          int64             `json:"tier_id"`
	TeamID          int64             `json:"team_id,omitempty"`
	OwnerID         int64             `json:"owner_id,omitempty"`
	CustomerID      int64             `json:"customer_id"`
	Language        string            `json:"language"`
	Sensitive       bool              `json:"sensitive"`
	Tags            []string          `json:"tags"`
	CustomFields    map[string]string `json:"custom_fields"`
	Collaborators   []int64           `json:"collaborator_ids"`
	EscalationCount int               `json:"escalation_count"`
	HandoffCount    int               `json:"handoff_count"`
	// FirstReplierID is the first agent who answered the customer.
	FirstReplierID int64 `json:"first_replier_id,omitempty"`
	// FirstContactResolved is stored when the ticket is solved: solved by
	// the agent who first replied, with no escalation and no hand-off.
	FirstContactResolved bool       `json:"first_contact_resolved"`
	CreatedAt            time.Time  `json:"created_at"`
	UpdatedAt            time.Time  `json:"updated_at"`
	FirstResponseAt      *time.Time `json:"first_response_at,omitempty"`
	SolvedAt             *time.Time `json:"solved_at,omitempty"`

	// HandedOffBy lists the agents who handed the ticket to another tier
	// (escalated it, sent it down, or opened it for a tier routing chose):
	// they keep reading it and may post internal notes (see CanView).
	HandedOffBy []int64 `json:"handed_off_by,omitempty"`

	// MergedIntoID is the ticket this one was merged into (it is then
	// closed, and what its customer writes lands there); 0 when it was
	// not merged. Read with a single ticket, not with lists.
	MergedIntoID int64 `json:"merged_into_id,omitempty"`
}

// Ref is the short human reference customers quote, e.g. "#1042".
func Ref(number int64) string { return fmt.Sprintf("#%d", number) }

// Limits on ticket content. Bodies are generous but bounded so one request
// cannot exhaust memory or the database.
const (
	MaxSubject = 250
	MaxBody    = 64 << 10
	MaxTags    = 20
	MaxTag     = 40
)

// CheckSubject validates a subject line.
func CheckSubject(f problem.Fields, name, s string) {
	checkText(f, name, s, MaxSubject, true)
	if strings.ContainsAny(s, "\r\n") {
		f.Add(name, "multiline", "must be one line")
	}
}

// CheckBody validates a message body.
func CheckBody(f problem.Fields, name, s string) { checkText(f, name, s, MaxBody, true) }

func checkText(f problem.Fields, name, s string, max int, required bool) {
	switch {
	case !utf8.ValidString(s):
		f.Add(name, "bad_utf8", "is not valid UTF-8 text")
	case required && strings.TrimSpace(s) == "":
		f.Required(name)
	case utf8.RuneCountInString(s) > max:
		f.Add(name, "too_long", "is too long", "max", fmt.Sprint(max))
	case strings.ContainsRune(s, 0):
		f.Add(name, "bad_text", "contains a NUL character")
	}
}

// NormalizeTags trims, lower-cases and de-duplicates tags, checking limits.
func NormalizeTags(f problem.Fields, name string, tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxTag || strings.ContainsAny(t, " ,<>\"'") {
			f.Add(name, "bad_tag", "tags are short words without spaces or commas", "value", t)
			continue
		}
		out = append(out, t)
	}
	if len(out) > MaxTags {
		f.Add(name, "too_many", "too many tags", "max", fmt.Sprint(MaxTags))
	}
	slices.Sort(out)
	return out
}

// WithTags is tags with add joined, each once, sorted like NormalizeTags
// (both lists already normalised).
func WithTags(tags, add []string) []string {
	out := slices.Clone(tags)
	for _, t := range add {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// Settle updates the stored facts that depend on a status change by an
// agent: whether the ticket counts as resolved at first contact.
func (t *Ticket) Settle(previous Status, agentID int64) {
	if t.Status == Solved && previous != Solved {
		t.FirstContactResolved = t.EscalationCount == 0 && t.HandoffCount == 0 &&
			t.FirstReplierID != 0 && t.FirstReplierID == agentID
	}
	if t.Status.Active() {
		t.FirstContactResolved = false
	}
}
