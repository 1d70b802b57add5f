package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// BenchmarkDryRun100k measures what an admin waits for when trying a rule
// set on the last 100,000 tickets: loading them from the database in
// routing's terms and evaluating 50 rules on each.
func BenchmarkDryRun100k(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			f := storetest.Seed(b, s)
			if _, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Tickets: 100_000, Seed: 1, Span: 90 * 24 * time.Hour}); err != nil {
				b.Fatal(err)
			}
			svc := desk.New(s, nil)
			admin := storetest.Actor(b, s, f.Admin)
			rs := benchRules(f)
			b.ResetTimer()
			for b.Loop() {
				res, err := svc.DryRun(ctx, admin, rs, 100_000)
				if err != nil {
					b.Fatal(err)
				}
				if res.Total != 100_000 {
					b.Fatalf("dry run saw %d tickets", res.Total)
				}
			}
		})
	}
}

func benchRules(f storetest.Fixture) routing.RuleSet {
	words := []string{"facture", "prélèvement", "remboursement", "connexion", "mot de passe", "webhook", "export", "fraude", "abonnement", "erreur"}
	var rules []routing.Rule
	for i := range 50 {
		rules = append(rules, routing.Rule{ID: int64(i + 1), Name: fmt.Sprintf("rule %d", i+1), Enabled: true,
			When: routing.Condition{All: []routing.Condition{
				{Field: "text", Op: "contains_words", Value: words[i%len(words)] + " urgent"},
				{Field: "channel", Op: "in", Values: []string{"email", "portal"}},
			}},
			Then: routing.Actions{Tier: "L2", Team: f.Team["L2"].Name}})
	}
	return routing.RuleSet{Rules: rules, Fallback: routing.Actions{Tier: "L1", Team: f.Team["L1"].Name}}
}
