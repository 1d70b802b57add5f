package mail_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// The envelope recipient is a value routing rules test: mail to
// facturation@ follows the billing rule, mail to support@ does not; and a
// message with payment data is seen sensitive by the rules.
func TestInboundAddressRoutesMail(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		if err := s.AddInboundAddress(ctx, h.f.WS.ID, "facturation@acme.example"); err != nil {
			t.Fatal(err)
		}
		admin := storetest.Actor(t, s, h.f.Admin)
		rs, err := h.d.RoutingRules(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		rs.Rules = append([]routing.Rule{
			{Name: "Données bancaires", Enabled: true, When: routing.Condition{Field: routing.FieldSensitive, Op: routing.OpIs, Value: "true"},
				Then: routing.Actions{Tier: "L3"}},
			{Name: "Facturation", Enabled: true, When: routing.Condition{Field: routing.FieldInboundAddress, Op: routing.OpIs, Value: "facturation@acme.example"},
				Then: routing.Actions{Tier: "L2"}},
		}, rs.Rules...)
		if err := h.d.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct {
			to, body, tier, rule string
		}{
			{"facturation@acme.example", "Bonjour, ma facture de mars est en double.", "L2", "Facturation"},
			{"Facturation@Acme.example", "Bonjour, encore une question de facture.", "L2", "Facturation"},
			{"support@acme.example", "Bonjour, l'application plante au démarrage.", "", ""},
			{"facturation@acme.example", "Remboursez-moi sur FR76 3000 6000 0112 3456 7890 189 svp.", "L3", "Données bancaires"},
		} {
			from := fmt.Sprintf("client.route%d@exemple.fr", i)
			raw := fmt.Sprintf("From: %s\nTo: %s\nSubject: Question %d\nMessage-ID: <route-%d@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
				from, c.to, i, i, c.body)
			if err := h.send(from, []string{c.to}, raw); err != nil {
				t.Fatal(err)
			}
			cust, err := s.CustomerByEmail(ctx, h.f.WS.ID, from)
			if err != nil {
				t.Fatal(err)
			}
			list, _, err := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
			if err != nil || len(list) != 1 {
				t.Fatalf("%d tickets, %v", len(list), err)
			}
			evs, _ := s.Events(ctx, h.f.WS.ID, list[0].ID, 0, 100)
			var rule string
			for _, e := range evs {
				if e.Kind == "routed" {
					r, _ := event.As[event.Routed](e)
					rule = r.Rule
				}
			}
			if c.rule != "" && (rule != c.rule || list[0].TierID != h.f.Tier[c.tier].ID) {
				t.Errorf("mail to %s: rule %q tier %d, want %q and %s", c.to, rule, list[0].TierID, c.rule, c.tier)
			}
			if c.rule == "" && (rule == "Facturation" || rule == "Données bancaires") {
				t.Errorf("mail to %s matched %q", c.to, rule)
			}
		}
	})
}
