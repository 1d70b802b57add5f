package desk_test

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// Intake by email reads the setup and routing versions and the customer in
// one statement. Two instances share one database: what one changes (the
// routing rules, a request type, a customer) holds on the other's next
// ticket, and a known customer's address finds them rather than a copy.
func TestIntakeByEmailSeesAnotherInstancesChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		one, other := desk.New(s, nil), desk.New(s, nil)
		admin := storetest.Actor(t, s, f.Admin)
		alice := f.Customer["alice"]
		// Instance one caches the directory and the default route.
		first, err := one.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Un wombat", Body: "Bonjour", CustomerEmail: "  " + alice.Email + " "})
		if err != nil {
			t.Fatal(err)
		}
		if first.CustomerID != alice.ID || tierCode(f, first.TierID) != "L1" {
			t.Fatalf("first ticket: customer %d tier %s, want alice (%d) in L1", first.CustomerID, tierCode(f, first.TierID), alice.ID)
		}
		// Instance other changes the rules: the setup stays as it was.
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Wombats", Enabled: true,
			When: routing.Condition{Field: "text", Op: "contains_words", Value: "wombat"},
			Then: routing.Actions{Tier: "L2", Team: f.Team["L2"].Name}}}, Fallback: routing.Actions{Tier: "L1"}}
		if err := other.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatal(err)
		}
		tk, err := one.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Encore un wombat", Body: "Bonjour", CustomerEmail: alice.Email})
		if err != nil {
			t.Fatal(err)
		}
		if tierCode(f, tk.TierID) != "L2" || tk.CustomerID != alice.ID {
			t.Errorf("after the rules changed: tier %s customer %d, want L2 by the new rule, alice (%d)", tierCode(f, tk.TierID), tk.CustomerID, alice.ID)
		}
		// Instance other changes the setup: a new request type.
		if _, err := other.CreateRequestType(ctx, admin, workspace.RequestType{Key: "marsupial", NameFR: "Marsupial", NameEN: "Marsupial", Active: true}); err != nil {
			t.Fatal(err)
		}
		tk, err = one.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Un wombat encore", Body: "Bonjour", CustomerEmail: "nouvelle.wombat@new.example", RequestType: "marsupial"})
		if err != nil {
			t.Fatalf("after the setup changed: %v", err)
		}
		if tk.CustomerID == 0 || tk.CustomerID == alice.ID || tierCode(f, tk.TierID) != "L2" {
			t.Errorf("a new address: customer %d tier %s, want a new customer in L2", tk.CustomerID, tierCode(f, tk.TierID))
		}
	})
}
