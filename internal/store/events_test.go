package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestOldEventRowsReadTyped: rows written before typed events (a flat map
// of strings, tiers named by code in hand-offs and routing, ids as text,
// the hand-off summary and the routing reasons as JSON inside a string)
// stay as they were — the timeline is append-only — and read back as the
// same types new rows have, tier codes and team names resolved to ids.
func TestOldEventRowsReadTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := f.Ticket["L2"]
		l1, l2 := f.Tier["L1"].ID, f.Tier["L2"].ID
		old := []struct {
			kind ticket.EventKind
			data string
			want ticket.EventData
		}{
			{ticket.Created, `{"channel":"email"}`, event.Created{Channel: "email"}},
			{ticket.CustomerMessage, `{}`, nil},
			{ticket.InternalNote, `{"channel":"email","from_vendor":"support@vendor.example"}`,
				event.Message{Channel: "email", FromVendor: "support@vendor.example"}},
			{ticket.Routed, `{"rule":"Facturation","rule_id":"7","tier":"L1","team":"` + f.Team["L1"].Name + `","reasons":"subject contains facture",` +
				`"reason_list":"[{\"path\":\"rules[0].when\",\"field\":\"subject\",\"op\":\"contains\",\"expected\":\"facture\",\"actual\":\"facture\"}]","require_human":"true"}`,
				event.Routed{Rule: "Facturation", RuleID: 7, TierID: l1, TeamID: f.Team["L1"].ID, RequireHuman: true,
					Reasons: []routing.Reason{{Path: "rules[0].when", Field: "subject", Op: "contains", Expected: "facture", Actual: "facture"}}}},
			{ticket.Routed, `{"rule":"bulk","tier":"` + id(l1) + `"}`, event.Routed{Rule: "bulk", TierID: l1}},
			{ticket.StatusChanged, `{"from":"new","to":"open"}`, event.Change{From: "new", To: "open"}},
			{ticket.FieldChanged, `{"field":"plan","from":"","to":"pro"}`, event.Change{Field: "plan", To: "pro"}},
			{ticket.OwnerChanged, `{"from":"","to":"` + id(f.AgentL1.ID) + `"}`, event.OwnerChange{To: f.AgentL1.ID}},
			{ticket.TierChanged, `{"from":"` + id(l1) + `","to":"` + id(l2) + `"}`, event.TierChange{From: l1, To: l2}},
			{ticket.TagsChanged, `{"from":"","to":"refund,vip"}`, event.TagsChange{To: []string{"refund", "vip"}}},
			{ticket.SensitiveChanged, `{"from":"false","to":"true"}`, event.SensitiveChange{Sensitive: true}},
			{ticket.Escalated, `{"from":"L1","to":"L2","direction":"up","reason":"Bug confirmé","vendor_email":"",` +
				`"summary":"{\"direction\":\"up\",\"from\":\"L1\",\"to\":\"L2\",\"reason\":\"Bug confirmé\",\"subject\":\"Export\",\"tried\":[\"cache\"]}"}`,
				event.Handoff{From: l1, To: l2, Direction: escalation.Up, Reason: "Bug confirmé",
					Summary: &escalation.Summary{Direction: escalation.Up, From: "L1", To: "L2", Reason: "Bug confirmé", Subject: "Export", Tried: []string{"cache"}}}},
			{ticket.SwarmJoined, `{"agent_id":"` + id(f.AgentL3.ID) + `","team_id":"` + id(f.Team["L2"].ID) + `","question":"Une idée ?"}`,
				event.SwarmJoin{AgentID: f.AgentL3.ID, TeamID: f.Team["L2"].ID, Question: "Une idée ?"}},
		}
		before := len(eventsOf(t, s, f.WS.ID, tk.ID))
		for _, o := range old {
			// As the version before typed events wrote them: no data_version.
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO events (workspace_id, ticket_id, kind, body, data, created_at) VALUES ($1, $2, $3, '', $4, $5)`,
				f.WS.ID, tk.ID, string(o.kind), o.data, time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
		}
		got := eventsOf(t, s, f.WS.ID, tk.ID)[before:]
		if len(got) != len(old) {
			t.Fatalf("%d events read, want %d", len(got), len(old))
		}
		for i, o := range old {
			if got[i].Kind != o.kind || !reflect.DeepEqual(got[i].Data, o.want) {
				t.Errorf("%s %s read as %#v, want %#v", o.kind, o.data, got[i].Data, o.want)
			}
		}
		// A new row of the same kind reads the same.
		must(s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.Lead.ID, nil, store.Change{TierID: ptr(l1)}))(t)
		all := eventsOf(t, s, f.WS.ID, tk.ID)
		if last := all[len(all)-1]; last.Data != (event.TierChange{From: l2, To: l1}) {
			t.Errorf("new tier change read as %#v", last.Data)
		}
	})
}
