package event_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
)

// examples holds one value of data for every kind of event: a kind added
// to ticket.EventKinds without a type here fails TestEveryKindHasAType.
var examples = map[ticket.EventKind]ticket.EventData{
	ticket.Created:          event.Created{Channel: "web"},
	ticket.CustomerMessage:  event.Message{Channel: "email"},
	ticket.AgentReply:       event.Message{Channel: "email"},
	ticket.InternalNote:     event.Message{Channel: "email", FromVendor: "support@vendor.example"},
	ticket.StatusChanged:    event.Change{From: "open", To: "solved"},
	ticket.PriorityChanged:  event.Change{From: "normal", To: "urgent"},
	ticket.OwnerChanged:     event.OwnerChange{From: 3, To: 4},
	ticket.TierChanged:      event.TierChange{From: 1, To: 2},
	ticket.TeamChanged:      event.TeamChange{To: 5},
	ticket.TypeChanged:      event.TypeChange{From: 6},
	ticket.TagsChanged:      event.TagsChange{From: []string{"a"}, To: []string{"a", "vip"}},
	ticket.FieldChanged:     event.Change{Field: "plan", From: "free", To: "pro"},
	ticket.SensitiveChanged: event.SensitiveChange{Sensitive: true},
	ticket.Routed: event.Routed{Rule: "Facturation", RuleID: 7, TierID: 2, TeamID: 3, RequireHuman: true,
		Reasons: []routing.Reason{{Path: "rules[0].when", Field: "subject", Op: "contains", Expected: "facture", Actual: "factures"}}},
	ticket.Escalated: event.Handoff{From: 1, To: 2, Direction: escalation.Up, Reason: "bug", VendorEmail: "v@x.example",
		Summary: &escalation.Summary{Direction: escalation.Up, From: "L1", To: "L2", Reason: "bug", Subject: "Export"}},
	ticket.DeEscalated:       event.Handoff{From: 2, To: 1, Direction: escalation.Down, Reason: "known fix"},
	ticket.SwarmJoined:       event.SwarmJoin{AgentID: 8, TeamID: 3, Question: "une idée ?"},
	ticket.AutoReply:         event.AutoReply{Rule: "default"},
	ticket.CallbackRequested: event.CallbackRequested{Number: "+33 6 12 34 56 78", Window: "en semaine 14 h – 17 h"},
	ticket.Merged:            event.TicketRef{TicketID: 9, Number: 1009},
	ticket.MergedInto:        event.TicketRef{TicketID: 10, Number: 1010},
	ticket.SplitTo:           event.TicketRef{TicketID: 11, Number: 1011, MessageID: 40},
	ticket.SplitFrom:         event.TicketRef{TicketID: 12, Number: 1012, MessageID: 40},
	ticket.Linked:            event.Link{TicketID: 13, Number: 1013, Relation: ticket.Parent},
	ticket.Unlinked:          event.Link{TicketID: 14, Number: 1014, Relation: ticket.Related},
}

// TestEveryKindHasAType: every kind's data survives its encoding, and reads
// back as the type it was written as.
func TestEveryKindHasAType(t *testing.T) {
	for _, k := range ticket.EventKinds {
		d, ok := examples[k]
		if !ok {
			t.Errorf("%s: no example data (add its type to package event and here)", k)
			continue
		}
		raw, err := event.Encode(ticket.Event{Kind: k, Data: d})
		if err != nil {
			t.Errorf("%s: %v", k, err)
			continue
		}
		back, err := event.Decode(k, event.Version, raw, nil)
		if _, isRaw := back.(event.Raw); err != nil || isRaw || !reflect.DeepEqual(back, d) {
			t.Errorf("%s: %s read back as %#v, %v; want %#v", k, raw, back, err, d)
		}
	}
}

// TestDataOfAnotherKindIsRefused: data is stored only under a kind that
// reads it as the same type.
func TestDataOfAnotherKindIsRefused(t *testing.T) {
	if _, err := event.Encode(ticket.Event{Kind: ticket.TierChanged, Data: event.TeamChange{To: 1}}); err == nil {
		t.Error("a team change was stored as a tier change")
	}
	if raw, err := event.Encode(ticket.Event{Kind: ticket.AgentReply}); raw != "{}" || err != nil {
		t.Errorf("no data = %q, %v", raw, err)
	}
}

// TestUnknownKindStillReads: a row of a kind this build does not know
// (written by a newer one) reads as it is, so the timeline still shows.
func TestUnknownKindStillReads(t *testing.T) {
	d, err := event.Decode("journey_attached", event.Version, `{"journey_id":3}`, nil)
	if err != nil || !slices.Equal(d.(event.Raw), event.Raw(`{"journey_id":3}`)) {
		t.Errorf("unknown kind = %#v, %v", d, err)
	}
	if _, err := event.Encode(ticket.Event{Kind: "journey_attached", Data: d}); err == nil {
		t.Error("raw data of an unknown kind was written")
	}
}

// BenchmarkDecodeRouted: a dry run decodes one routed event per sample
// ticket (up to 100k).
func BenchmarkDecodeRouted(b *testing.B) {
	raw, err := event.Encode(ticket.Event{Kind: ticket.Routed, Data: examples[ticket.Routed]})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := event.Decode(ticket.Routed, event.Version, raw, nil); err != nil {
			b.Fatal(err)
		}
	}
}
