package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestRoutingSamplesFollowTheAccessRule: a dry run's samples are the
// tickets the caller may read, as ticket.CanView says, each with where
// its routed event says routing placed it.
func TestRoutingSamplesFollowTheAccessRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		routed, err := s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
			Ticket: ticket.Ticket{Subject: "Routé", Channel: "email", Status: ticket.New, TierID: f.Tier["L2"].ID, TeamID: f.Team["L2"].ID,
				CustomerID: f.Customer["bob"].ID, Language: "en"},
			Body: "body", FirstIsCustomer: true,
			Events: []ticket.Event{{Kind: ticket.Routed, Data: event.Routed{Rule: "x", TierID: f.Tier["L1"].ID, TeamID: f.Team["L1"].ID}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		all, _, err := s.Tickets(ctx, f.WS.ID, store.Filter{}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"admin", "lead", "agentL1", "agentL2", "agentL3"} {
			a := storetest.Actor(t, s, f.Members()[who])
			samples, err := s.RoutingSamples(ctx, f.WS.ID, &a, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []int64
			for _, sm := range samples {
				got = append(got, sm.TicketID)
			}
			for _, tk := range all {
				if ticket.CanView(a, tk) {
					want = append(want, tk.ID)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: samples %v, CanView allows %v", who, got, want)
			}
		}
		samples, err := s.RoutingSamples(ctx, f.WS.ID, nil, 1)
		if err != nil || len(samples) != 1 {
			t.Fatalf("newest sample: %v, %v", samples, err)
		}
		want := store.RoutedAt{Found: true, TierID: f.Tier["L1"].ID, TeamID: f.Team["L1"].ID}
		if sm := samples[0]; sm.TicketID != routed.ID || sm.Routed != want || sm.Tier != "L2" {
			t.Errorf("sample %+v, want routed at %+v and now in L2", sm, want)
		}
	})
}

// TestMigrateRoutingRulesOnlyFromItsVersion: the migration to ids writes
// only over the version it read, so two instances cannot both write.
func TestMigrateRoutingRulesOnlyFromItsVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		rs := routing.RuleSet{Rules: []routing.Rule{}, Fallback: routing.Actions{Tier: "L1"}}
		v, err := s.SaveRoutingRules(ctx, f.WS.ID, f.Admin.ID, rs)
		if err != nil {
			t.Fatal(err)
		}
		rs.Fallback.TierID = f.Tier["L1"].ID
		if ok, err := s.MigrateRoutingRules(ctx, f.WS.ID, v, rs); !ok || err != nil {
			t.Fatalf("first migration: %v, %v", ok, err)
		}
		if ok, err := s.MigrateRoutingRules(ctx, f.WS.ID, v, rs); ok || err != nil {
			t.Fatalf("a second migration from the same version must do nothing: %v, %v", ok, err)
		}
		got, version, err := s.RoutingRules(ctx, f.WS.ID)
		if err != nil || version != v+1 || got.Fallback.TierID != f.Tier["L1"].ID {
			t.Errorf("after migrating: version %d, %+v, %v", version, got.Fallback, err)
		}
	})
}
