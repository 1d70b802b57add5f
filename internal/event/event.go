// Package event gives each kind of timeline event a Go type for what it
// records, and the one encoding those types are stored and served in.
//
// The encoding is the types' JSON: ids as numbers (tiers, teams, agents
// and request types are named by id; readers name them in their own
// language when they show them), nothing encoded inside a string, and
// field names that mean one thing across every type, so that the API can
// serve any event's data as one documented object (api's EventData
// schema).
//
// To add a kind of event:
//  1. name it in package ticket (a constant and a place in EventKinds);
//  2. give it a type here (or reuse one whose fields fit) whose Kinds
//     method lists it, with JSON names unique across types for a new
//     meaning;
//  3. add the type to registry below (a test fails for a kind without one);
//  4. document its fields in api's EventData schema (checkDocumented fails
//     on an undocumented field).
//
// Rows written before the typed encoding (Version) are read by legacy.go;
// a new kind has no such rows and needs nothing there.
package event

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
)

// Version is the encoding Encode writes. Rows of version 1 hold the old
// flat map of strings (see legacy.go); the store keeps each row's version
// beside its data.
const Version = 2

// Created is how a ticket came in.
type Created struct {
	Channel string `json:"channel,omitempty"`
}

// Message is a message's channel when it came or went by another way than
// the desk (email), and the vendor who wrote it when it came from one.
type Message struct {
	Channel    string `json:"channel,omitempty"`
	FromVendor string `json:"from_vendor,omitempty"`
	// Connector names the channel connector a message came through, and
	// Author who wrote it there when not the ticket's customer (a public
	// thread others join).
	// FromCc is the address, copied on the ticket's mail, that wrote a
	// customer message (not the ticket's customer).
	FromCc    string `json:"from_cc,omitempty"`
	Connector string `json:"connector,omitempty"`
	Author    string `json:"author,omitempty"`
	// A logged phone call (an internal note on channel phone): its
	// direction (inbound, outbound), the number and how long it lasted.
	Call            string `json:"call,omitempty"`
	Number          string `json:"number,omitempty"`
	DurationSeconds int    `json:"duration_seconds,omitempty"`
	// MergedFrom is the number of the ticket a message was first written
	// on, when it came with a merge.
	MergedFrom int64 `json:"merged_from_number,omitempty"`
}

// AutoReply names the routing rule whose template produced the reply.
type AutoReply struct {
	Rule string `json:"rule,omitempty"`
}

// Change is a change of a value shown by name: a status, a priority (its
// name), or the text of a custom field (Field is its key).
type Change struct {
	Field string `json:"field,omitempty"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// OwnerChange is a new owner; 0 is nobody.
type OwnerChange struct {
	From int64 `json:"from_agent_id,omitempty"`
	To   int64 `json:"to_agent_id,omitempty"`
}

// TierChange is a change of tier outside a hand-off (a lead re-tiering).
type TierChange struct {
	From int64 `json:"from_tier_id,omitempty"`
	To   int64 `json:"to_tier_id,omitempty"`
}

// TeamChange is a change of team; 0 is none.
type TeamChange struct {
	From int64 `json:"from_team_id,omitempty"`
	To   int64 `json:"to_team_id,omitempty"`
}

// TypeChange is a change of request type; 0 is none.
type TypeChange struct {
	From int64 `json:"from_type_id,omitempty"`
	To   int64 `json:"to_type_id,omitempty"`
}

// TagsChange is a new set of tags.
type TagsChange struct {
	From []string `json:"from_tags,omitempty"`
	To   []string `json:"to_tags,omitempty"`
}

// SensitiveChange turns the sensitive flag on or off.
type SensitiveChange struct {
	Sensitive bool `json:"sensitive"`
}

// Routed is where routing placed a ticket at intake and why: the rule that
// matched ("default" for the fallback route, "requested" when the caller
// chose), the conditions that held, and whether a person must handle it.
type Routed struct {
	Rule         string           `json:"rule,omitempty"`
	RuleID       int64            `json:"rule_id,omitempty"`
	TierID       int64            `json:"tier_id,omitempty"`
	TeamID       int64            `json:"team_id,omitempty"`
	Reasons      []routing.Reason `json:"reasons,omitempty"`
	RequireHuman bool             `json:"require_human,omitempty"`
}

// Handoff is an escalation, a de-escalation or a return between tiers,
// with the hand-off summary the receiving tier reads.
type Handoff struct {
	From        int64                `json:"from_tier_id,omitempty"`
	To          int64                `json:"to_tier_id,omitempty"`
	Direction   escalation.Direction `json:"direction,omitempty"`
	Reason      string               `json:"reason,omitempty"`
	VendorEmail string               `json:"vendor_email,omitempty"`
	Summary     *escalation.Summary  `json:"summary,omitempty"`
}

// SwarmJoin is an agent invited to swarm on a ticket (the event's actor
// invited them), with their team when the team was invited, and what the
// inviter asked.
type SwarmJoin struct {
	AgentID  int64  `json:"agent_id,omitempty"`
	TeamID   int64  `json:"team_id,omitempty"`
	Question string `json:"question,omitempty"`
}

// CallbackRequested is a customer's request to be called back: the
// number to call and the time window they chose (a free text such as
// "weekdays 14:00-17:00", in their words).
type CallbackRequested struct {
	Number string `json:"number,omitempty"`
	Window string `json:"window,omitempty"`
}

// TicketRef names the other ticket of a merge or a split; MessageID is
// the customer message a split took (its id on the original ticket).
type TicketRef struct {
	TicketID  int64 `json:"other_ticket_id"`
	Number    int64 `json:"other_ticket_number"`
	MessageID int64 `json:"message_id,omitempty"`
}

// Link is a link made or removed, as the timeline's ticket reads it:
// Relation parent means the other ticket is its parent.
type Link struct {
	TicketID int64           `json:"other_ticket_id"`
	Number   int64           `json:"other_ticket_number"`
	Relation ticket.Relation `json:"relation"`
}

// Raw is the data of a kind this build has no type for (a row written by a
// newer version): kept as it is so that the timeline still reads. It
// cannot be written.
type Raw json.RawMessage

// MarshalJSON writes the data as it was read.
func (r Raw) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("{}"), nil
	}
	return r, nil
}

// Kinds lists the kinds each type serves.
func (Created) Kinds() []ticket.EventKind { return []ticket.EventKind{ticket.Created} }
func (Message) Kinds() []ticket.EventKind {
	return []ticket.EventKind{ticket.CustomerMessage, ticket.AgentReply, ticket.InternalNote}
}
func (AutoReply) Kinds() []ticket.EventKind { return []ticket.EventKind{ticket.AutoReply} }
func (Change) Kinds() []ticket.EventKind {
	return []ticket.EventKind{ticket.StatusChanged, ticket.PriorityChanged, ticket.FieldChanged}
}
func (OwnerChange) Kinds() []ticket.EventKind     { return []ticket.EventKind{ticket.OwnerChanged} }
func (TierChange) Kinds() []ticket.EventKind      { return []ticket.EventKind{ticket.TierChanged} }
func (TeamChange) Kinds() []ticket.EventKind      { return []ticket.EventKind{ticket.TeamChanged} }
func (TypeChange) Kinds() []ticket.EventKind      { return []ticket.EventKind{ticket.TypeChanged} }
func (TagsChange) Kinds() []ticket.EventKind      { return []ticket.EventKind{ticket.TagsChanged} }
func (SensitiveChange) Kinds() []ticket.EventKind { return []ticket.EventKind{ticket.SensitiveChanged} }
func (Routed) Kinds() []ticket.EventKind          { return []ticket.EventKind{ticket.Routed} }
func (Handoff) Kinds() []ticket.EventKind {
	return []ticket.EventKind{ticket.Escalated, ticket.DeEscalated}
}
func (SwarmJoin) Kinds() []ticket.EventKind { return []ticket.EventKind{ticket.SwarmJoined} }
func (Raw) Kinds() []ticket.EventKind       { return nil }
func (TicketRef) Kinds() []ticket.EventKind {
	return []ticket.EventKind{ticket.Merged, ticket.MergedInto, ticket.SplitTo, ticket.SplitFrom}
}
func (Link) Kinds() []ticket.EventKind { return []ticket.EventKind{ticket.Linked, ticket.Unlinked} }
func (CallbackRequested) Kinds() []ticket.EventKind {
	return []ticket.EventKind{ticket.CallbackRequested}
}

// registry holds one decoder per kind, built from the types' Kinds.
var registry = map[ticket.EventKind]func([]byte) (ticket.EventData, error){}

func register[T ticket.EventData]() {
	var zero T
	for _, k := range zero.Kinds() {
		if _, dup := registry[k]; dup {
			panic("event: two types for " + string(k))
		}
		registry[k] = func(raw []byte) (ticket.EventData, error) {
			var v T
			err := json.Unmarshal(raw, &v)
			return v, err
		}
	}
}

func init() {
	register[Created]()
	register[Message]()
	register[AutoReply]()
	register[Change]()
	register[OwnerChange]()
	register[TierChange]()
	register[TeamChange]()
	register[TypeChange]()
	register[TagsChange]()
	register[SensitiveChange]()
	register[Routed]()
	register[Handoff]()
	register[SwarmJoin]()
	register[CallbackRequested]()
	register[TicketRef]()
	register[Link]()
}

// Encode is an event's data as stored (version Version): "{}" for none
// (zero data encodes as "{}" too, and reads back as none).
// Data of a type that does not serve the event's kind is refused, so a
// row always decodes to the type its kind names.
func Encode(e ticket.Event) (string, error) {
	if e.Data == nil {
		return "{}", nil
	}
	if !slices.Contains(e.Data.Kinds(), e.Kind) {
		return "", fmt.Errorf("event: %T is not the data of a %s event", e.Data, e.Kind)
	}
	raw, err := json.Marshal(e.Data)
	if err != nil {
		return "", fmt.Errorf("encode %s event: %w", e.Kind, err)
	}
	return string(raw), nil
}

// Decode reads an event's stored data of the given version. Names
// resolves the tier codes and team names that version 1 rows hold where
// the typed encoding holds ids (it is not called for version 2 rows).
func Decode(kind ticket.EventKind, version int, raw string, names Names) (ticket.EventData, error) {
	if raw == "" || raw == "{}" {
		return nil, nil
	}
	if version < Version {
		return legacy(kind, raw, names)
	}
	dec, ok := registry[kind]
	if !ok {
		return Raw(raw), nil
	}
	d, err := dec([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("decode %s event: %w", kind, err)
	}
	return d, nil
}

// As returns an event's data as T, and whether it is one (the zero T when
// the event records nothing or something else).
func As[T ticket.EventData](e ticket.Event) (T, bool) {
	d, ok := e.Data.(T)
	return d, ok
}
