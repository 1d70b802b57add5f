package ticket

import "time"

// EventKind names what happened on a ticket's timeline.
type EventKind string

// Timeline event kinds. The timeline is append-only: a change of owner, tier
// or team is a new event, never a silent overwrite.
const (
	Created          EventKind = "created"
	CustomerMessage  EventKind = "customer_message"
	AgentReply       EventKind = "agent_reply"
	InternalNote     EventKind = "internal_note"
	StatusChanged    EventKind = "status_changed"
	PriorityChanged  EventKind = "priority_changed"
	OwnerChanged     EventKind = "owner_changed"
	TierChanged      EventKind = "tier_changed"
	TeamChanged      EventKind = "team_changed"
	TypeChanged      EventKind = "type_changed"
	TagsChanged      EventKind = "tags_changed"
	FieldChanged     EventKind = "field_changed"
	SensitiveChanged EventKind = "sensitive_changed"
	Routed           EventKind = "routed"
	Escalated        EventKind = "escalated"
	DeEscalated      EventKind = "de_escalated"
	SwarmJoined      EventKind = "swarm_joined"
	// AutoReply is a templated answer sent by a routing rule, not by an
	// agent: it does not count as the first response.
	AutoReply EventKind = "auto_reply"
	// CallbackRequested is a customer asking to be called back (the
	// contact form's last rung): a number and when to call.
	CallbackRequested EventKind = "callback_requested"
	// Merged is on the ticket kept: another ticket (a duplicate) was
	// merged into it; MergedInto is on that duplicate, now closed.
	Merged     EventKind = "merged"
	MergedInto EventKind = "merged_into"
	// SplitTo is on the ticket a customer message was split from,
	// SplitFrom on the new ticket that message opened.
	SplitTo   EventKind = "split_to"
	SplitFrom EventKind = "split_from"
	// Linked and Unlinked record a link (related, parent/child) made or
	// removed, on both tickets' timelines.
	Linked   EventKind = "linked"
	Unlinked EventKind = "unlinked"
)

// EventKinds lists every kind of timeline event.
var EventKinds = []EventKind{Created, CustomerMessage, AgentReply, InternalNote, StatusChanged, PriorityChanged, OwnerChanged,
	TierChanged, TeamChanged, TypeChanged, TagsChanged, FieldChanged, SensitiveChanged, Routed, Escalated, DeEscalated,
	SwarmJoined, AutoReply, CallbackRequested, Merged, MergedInto, SplitTo, SplitFrom, Linked, Unlinked}

// Message reports whether the event carries a message (as opposed to a change).
func (k EventKind) Message() bool {
	return k == CustomerMessage || k == AgentReply || k == InternalNote
}

// Event is one entry on a ticket's timeline.
type Event struct {
	ID              int64
	TicketID        int64
	Kind            EventKind
	ActorAgentID    int64
	ActorCustomerID int64
	Body            string
	// Data is what the event records beyond its body (from/to of a
	// change, a hand-off and its summary…): one Go type per kind, in
	// package event, which also encodes and decodes it. nil when the
	// kind records nothing more.
	Data EventData
	// Email is what became of a message that went out or came in by
	// email; store reads it with the timeline, it is not part of the
	// event.
	Email     *EmailState
	CreatedAt time.Time
}

// EventData is the data of one kind of event (package event has the
// types). Kinds names the kinds it serves, so that an event's data cannot
// be stored under a kind that reads it differently.
type EventData interface {
	Kinds() []EventKind
}

// EmailState is what became of an event's email: the message id it went
// out (or came in) as and, for replies, its delivery state (queued, sent,
// failed) and the mail server's answer.
type EmailState struct {
	MessageID string
	State     string
	Answer    string
	// Via is "webhook" for a reply delivered to a connector's webhook
	// (the same states, the receiver's answer, the same retry); "" for
	// email.
	Via string
}
