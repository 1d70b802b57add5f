package event

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
)

// Names resolves what version 1 rows recorded by name: hand-offs named
// tiers by code, routed events by code and team name (the rows written
// before they also kept ids). 0 when nothing has that name any more.
type Names interface {
	TierID(code string) int64
	TeamID(name string) int64
}

// legacy reads a version 1 row: a flat JSON object of strings, ids as
// text, the hand-off summary and the routing reasons as JSON inside a
// string. The timeline is append-only, so these rows stay as they were
// written and are read here, once, into the typed form.
func legacy(kind ticket.EventKind, raw string, names Names) (ticket.EventData, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("decode %s event (version 1): %w", kind, err)
	}
	switch kind {
	case ticket.Created:
		return Created{Channel: m["channel"]}, nil
	case ticket.CustomerMessage, ticket.AgentReply, ticket.InternalNote:
		return Message{Channel: m["channel"], FromVendor: m["from_vendor"]}, nil
	case ticket.AutoReply:
		return AutoReply{Rule: m["rule"]}, nil
	case ticket.StatusChanged, ticket.PriorityChanged, ticket.FieldChanged:
		return Change{Field: m["field"], From: m["from"], To: m["to"]}, nil
	case ticket.OwnerChanged:
		return OwnerChange{From: id(m["from"]), To: id(m["to"])}, nil
	case ticket.TierChanged:
		return TierChange{From: id(m["from"]), To: id(m["to"])}, nil
	case ticket.TeamChanged:
		return TeamChange{From: id(m["from"]), To: id(m["to"])}, nil
	case ticket.TypeChanged:
		return TypeChange{From: id(m["from"]), To: id(m["to"])}, nil
	case ticket.TagsChanged:
		return TagsChange{From: tags(m["from"]), To: tags(m["to"])}, nil
	case ticket.SensitiveChanged:
		return SensitiveChange{Sensitive: m["to"] == "true"}, nil
	case ticket.Routed:
		r := Routed{Rule: m["rule"], RuleID: id(m["rule_id"]), TierID: id(m["tier_id"]), TeamID: id(m["team_id"]),
			RequireHuman: m["require_human"] == "true"}
		if r.TierID == 0 {
			r.TierID = tierID(m["tier"], names)
		}
		if r.TeamID == 0 && m["team"] != "" {
			r.TeamID = names.TeamID(m["team"])
		}
		if list := m["reason_list"]; list != "" {
			if err := json.Unmarshal([]byte(list), &r.Reasons); err != nil {
				return nil, fmt.Errorf("decode routed event (version 1) reasons: %w", err)
			}
		} else {
			r.Reasons = notation(m["reasons"])
		}
		return r, nil
	case ticket.Escalated, ticket.DeEscalated:
		h := Handoff{From: tierID(m["from"], names), To: tierID(m["to"], names), Direction: escalation.Direction(m["direction"]),
			Reason: m["reason"], VendorEmail: m["vendor_email"]}
		if s := m["summary"]; s != "" {
			h.Summary = new(escalation.Summary)
			if err := json.Unmarshal([]byte(s), h.Summary); err != nil {
				return nil, fmt.Errorf("decode %s event (version 1) summary: %w", kind, err)
			}
		}
		return h, nil
	case ticket.SwarmJoined:
		return SwarmJoin{AgentID: id(m["agent_id"]), TeamID: id(m["team_id"]), Question: m["question"]}, nil
	}
	return Raw(raw), nil
}

func id(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// tierID reads a tier as version 1 rows named it: by code, or (generated
// bulk data) by id as text.
func tierID(s string, names Names) int64 {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v
	}
	if s == "" {
		return 0
	}
	return names.TierID(s)
}

func tags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// notation keeps the reasons of the oldest routed rows, which have them
// only in rule notation (one per line), as reasons whose path is that
// text: the timeline shows them as they were written.
func notation(s string) []routing.Reason {
	var out []routing.Reason
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, routing.Reason{Path: line})
		}
	}
	return out
}
