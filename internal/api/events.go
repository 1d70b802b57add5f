package api

import (
	"time"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/ticket"
)

// eventJSON is a timeline entry as the API serves it. Data is the event's
// typed data (package event) in the encoding it is stored in: one object
// whose fields EventData documents.
type eventJSON struct {
	ID              int64            `json:"id"`
	TicketID        int64            `json:"ticket_id"`
	Kind            ticket.EventKind `json:"kind"`
	ActorAgentID    int64            `json:"actor_agent_id,omitempty"`
	ActorCustomerID int64            `json:"actor_customer_id,omitempty"`
	Body            string           `json:"body,omitempty"`
	Data            ticket.EventData `json:"data,omitempty"`
	Email           *emailJSON       `json:"email,omitempty"`
	CreatedAt       time.Time        `json:"created_at"`
}

type emailJSON struct {
	MessageID string `json:"message_id"`
	State     string `json:"state,omitempty"`
	Answer    string `json:"answer,omitempty"`
	Via       string `json:"via,omitempty"`
}

func eventOut(e ticket.Event) eventJSON {
	out := eventJSON{ID: e.ID, TicketID: e.TicketID, Kind: e.Kind, ActorAgentID: e.ActorAgentID, ActorCustomerID: e.ActorCustomerID,
		Body: e.Body, Data: e.Data, CreatedAt: e.CreatedAt}
	if m := e.Email; m != nil {
		out.Email = &emailJSON{MessageID: m.MessageID, State: m.State, Answer: m.Answer, Via: m.Via}
	}
	return out
}

// eventSchemas documents eventJSON. EventData lists every field any kind
// records (package event keeps one meaning per name), with the kinds that
// carry it; a field a kind adds must be listed here, or checkDocumented
// fails.
func eventSchemas() map[string]any {
	tierID := func(desc string) schema { return integer(desc + " (tier id; see /tiers).") }
	return map[string]any{
		"Event": object([]string{"id", "ticket_id", "kind", "created_at"}, schema{
			"id": integer(""), "ticket_id": integer(""),
			"kind":              enum("", ticket.EventKinds),
			"actor_agent_id":    integer("The agent who acted, if any."),
			"actor_customer_id": integer("The customer who wrote, if any."),
			"body":              str("The message, for messages."),
			"data":              ref("EventData"),
			"email": object([]string{"message_id"}, schema{
				"message_id": str("The Message-ID it went out or came in as."),
				"state":      enum("Replies: where sending stands.", []string{"queued", "sent", "failed"}),
				"answer":     str("Replies: the mail server's words on the last attempt, when it refused or failed."),
				"via":        enum("webhook: the reply went to the webhook of the connector the ticket came from (message_id is the one sent; answer is the receiver's); absent for email.", []string{"webhook"}),
			}),
			"created_at": when(""),
		}),
		"EventData": object(nil, schema{
			"channel":          str("created: how the ticket came in; messages: email when it came or went by email."),
			"from_vendor":      str("internal_note: the outside vendor whose email it is."),
			"connector":        str("customer_message: the channel connector it came through (channel social)."),
			"author":           str("customer_message: who wrote it on the connector's thread, when not the ticket's customer."),
			"call":             str("internal_note on channel phone: the call's direction, inbound or outbound."),
			"number":           str("internal_note on channel phone: the other party's number; callback_requested: the number to call."),
			"duration_seconds": integer("internal_note on channel phone: how long the call lasted."),
			"rule":             str("routed, auto_reply: the routing rule's name, \"default\" for the fallback route, \"requested\" when the caller chose."),
			"rule_id":          integer("routed: the rule's id (absent for the fallback route)."),
			"field":            str("field_changed: the custom field's key."),
			"from":             str("status_changed, priority_changed, field_changed: the value before (a status, a priority, the field's text)."),
			"to":               str("status_changed, priority_changed, field_changed: the value after."),
			"from_agent_id":    integer("owner_changed: the owner before (absent: nobody)."),
			"to_agent_id":      integer("owner_changed: the owner after (absent: nobody)."),
			"from_tier_id":     tierID("tier_changed, escalated, de_escalated: where the ticket was"),
			"to_tier_id":       tierID("tier_changed, escalated, de_escalated: where it went"),
			"from_team_id":     integer("team_changed: the team before (absent: none)."),
			"to_team_id":       integer("team_changed: the team after (absent: none)."),
			"from_type_id":     integer("type_changed: the request type before (absent: none)."),
			"to_type_id":       integer("type_changed: the request type after (absent: none)."),
			"from_tags":        list(schema{"type": "string"}, "tags_changed: the tags before."),
			"to_tags":          list(schema{"type": "string"}, "tags_changed: the tags after."),
			"sensitive":        boolean("sensitive_changed: whether the ticket is now sensitive."),
			"tier_id":          tierID("routed: where routing placed the ticket"),
			"team_id":          integer("routed: the team it placed it with; swarm_joined: the team invited, when a whole team was."),
			"reasons": list(object([]string{"path", "op"}, schema{
				"path": str("Where the condition is in the rule set, e.g. rules[3].when.all[1]."), "field": str(""), "op": str(""),
				"expected": str(""), "actual": str("The ticket's value, or for text ops the words found."),
				"negated": boolean("The condition held because the one under a \"not\" did not."),
			}), "routed: the conditions that held."),
			"require_human":       boolean("routed: the rule asks for a person to handle the ticket."),
			"direction":           enum("escalated, de_escalated.", []escalation.Direction{escalation.Up, escalation.Down, escalation.Return}),
			"reason":              str("escalated, de_escalated: why."),
			"vendor_email":        str("escalated: the outside vendor the hand-off was emailed to."),
			"summary":             ref("HandoffSummary"),
			"agent_id":            integer("swarm_joined: the agent invited (the actor is who invited them)."),
			"question":            str("swarm_joined: what the inviter asked, when they asked something."),
			"window":              str("callback_requested: when the customer asked to be called, in their words (number: the number to call)."),
			"merged_from_number":  integer("customer_message, agent_reply, internal_note: the number of the ticket the message was first written on, when a merge brought it here (created_at is when it was written)."),
			"other_ticket_id":     integer("merged: the ticket merged into this one; merged_into: the ticket this one was merged into; split_to / split_from: the new ticket / the original; linked, unlinked: the other ticket."),
			"other_ticket_number": integer("merged, merged_into, split_to, split_from, linked, unlinked: the other ticket's number."),
			"message_id":          integer("split_to, split_from: the customer message split off (its event id on the original ticket)."),
			"relation":            enum("linked, unlinked: how the other ticket stands to this one (parent: it is this ticket's parent; child: one of its children).", ticket.Relations),
		}),
	}
}
