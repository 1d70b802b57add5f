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
)

// EventKinds lists every kind of timeline event.
var EventKinds = []EventKind{Created, CustomerMessage, AgentReply, InternalNote, StatusChanged, PriorityChanged, OwnerChanged,
	TierChanged, TeamChanged, TypeChanged, TagsChanged, FieldChanged, SensitiveChanged, Routed, Escalated, DeEscalated,
	SwarmJoined, AutoReply}

// Message reports whether the event carries a message (as opposed to a change).
func (k EventKind) Message() bool {
	return k == CustomerMessage || k == AgentReply || k == InternalNote
}

// Event is one entry on a ticket's timeline.
type Event struct {
	ID              int64             `json:"id"`
	TicketID        int64             `json:"ticket_id"`
	Kind            EventKind         `json:"kind"`
	ActorAgentID    int64             `json:"actor_agent_id,omitempty"`
	ActorCustomerID int64             `json:"actor_customer_id,omitempty"`
	Body            string            `json:"body,omitempty"`
	Data            map[string]string `json:"data,omitempty"` // e.g. from/to of a change
	CreatedAt       time.Time         `json:"created_at"`
}
