package demo

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// TestDryRunOfTheDemosOwnRules: trying the demo's saved rules on its own
// tickets moves none of them. Tickets agents escalated since intake are
// compared with where routing placed them (their routed event), and
// counted apart; the dry run once reported 37–49 of 320 as "moved".
func TestDryRunOfTheDemosOwnRules(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	info, err := Load(ctx, s, testSeed)
	if err != nil {
		t.Fatal(err)
	}
	members, err := s.Members(ctx, info.WorkspaceID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var admin workspace.Member
	for _, m := range members {
		if m.Role == workspace.Admin {
			admin = m
			break
		}
	}
	d := desk.New(s, nil)
	a := storetest.Actor(t, s, admin)
	rs, err := d.RoutingRules(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.DryRun(ctx, a, rs, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != info.Tickets {
		t.Errorf("the admin's dry run tried %d tickets, the demo has %d", res.Total, info.Tickets)
	}
	if res.Moved != 0 {
		t.Errorf("the demo's own rules moved %d tickets (flows %+v), want 0", res.Moved, res.Flows)
	}
	if res.MovedByAgents == 0 {
		t.Error("the demo's agents escalate tickets: some should count as moved by agents")
	}
	t.Logf("%d tickets, %d moved by the rules, %d moved by agents since intake", res.Total, res.Moved, res.MovedByAgents)
}
