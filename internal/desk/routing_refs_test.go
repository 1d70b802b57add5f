package desk_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// refRules send fraud to team L2 and mark it sensitive, give bugs to
// AgentL2, and name every kind of reference: a tier, a team, a request
// type (in a condition and an action) and an agent. They are written with
// names only, as an API client or an older Palier writes them.
func refRules(f storetest.Fixture) routing.RuleSet {
	return routing.RuleSet{Rules: []routing.Rule{
		{ID: 1, Name: "Fraude", Enabled: true, When: routing.Condition{Field: "text", Op: "contains_words", Value: "frauduleux"},
			Then: routing.Actions{Tier: "L2", Team: f.Team["L2"].Name, MarkSensitive: true}},
		{ID: 2, Name: "Anomalies", Enabled: true, When: routing.Condition{Field: "request_type", Op: "in", Values: []string{"bug"}},
			Then: routing.Actions{Tier: "L2", Team: f.Team["L2"].Name, AssignAgent: f.AgentL2.ID}},
		{ID: 3, Name: "Accès", Enabled: false, When: routing.Condition{Field: "subject", Op: "contains_words", Value: "mot de passe"},
			Then: routing.Actions{RequestType: "access"}},
	}, Fallback: routing.Actions{Tier: "L1", Team: f.Team["L1"].Name}}
}

// logBuffer collects a service's log lines; the service logs from request
// goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// TestRenamesLeaveRulesWorking is the bug of issue 7: renaming a team made
// every rule fall back to the default route, fraud included. Rules name
// teams, tiers and request types by id, so renaming any of them changes
// nothing but the names the rules show.
func TestRenamesLeaveRulesWorking(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		if err := env.d.SaveRoutingRules(env.ctx, env.admin, refRules(env.f)); err != nil {
			t.Fatal(err)
		}
		stored, _, err := env.s.RoutingRules(env.ctx, env.f.WS.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a := stored.Rules[0].Then; a.TeamID != env.f.Team["L2"].ID || a.TierID != env.f.Tier["L2"].ID {
			t.Fatalf("rules must be stored by id: %+v", a)
		}
		if ids := stored.Rules[1].When.IDs; len(ids) != 1 || ids[0] != env.f.Type["bug"].ID {
			t.Fatalf("the request type test must hold its id: %v", ids)
		}

		team := env.f.Team["L2"]
		team.Name = "Équipe fraude"
		if err := env.d.UpdateTeam(env.ctx, env.admin, team); err != nil {
			t.Fatal(err)
		}
		tier := env.f.Tier["L2"]
		tier.Name = "Deuxième niveau"
		if err := env.d.UpdateTier(env.ctx, env.admin, tier); err != nil {
			t.Fatal(err)
		}
		rt := env.f.Type["bug"]
		rt.NameFR, rt.NameEN = "Bogue", "Defect"
		if err := env.d.UpdateRequestType(env.ctx, env.admin, rt); err != nil {
			t.Fatal(err)
		}

		if err := env.d.RoutingRulesError(env.ctx, env.admin); err != nil {
			t.Fatalf("renames must not break the rules: %v", err)
		}
		tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Paiement frauduleux", Body: "Un paiement frauduleux sur ma carte",
			RequestType: "billing", CustomerID: env.f.Customer["alice"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if tk.TeamID != team.ID || tk.TierID != tier.ID || !tk.Sensitive {
			t.Errorf("fraud after the rename: tier %d team %d sensitive %v, want %d %d true", tk.TierID, tk.TeamID, tk.Sensitive, tier.ID, team.ID)
		}
		rs, err := env.d.RoutingRules(env.ctx, env.admin)
		if err != nil {
			t.Fatal(err)
		}
		if got := rs.Rules[0].Then.Team; got != "Équipe fraude" {
			t.Errorf("the rules should show the team's new name, got %q", got)
		}
	})
}

// TestOldRuleSetsMoveToIds: a set stored with names only (before rules
// held ids) gets its ids on first read, once, audited, and then survives a
// rename.
func TestOldRuleSetsMoveToIds(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		v1, err := env.s.SaveRoutingRules(env.ctx, env.f.WS.ID, env.f.Admin.ID, refRules(env.f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.RoutingRules(env.ctx, env.admin); err != nil {
			t.Fatal(err)
		}
		stored, v2, err := env.s.RoutingRules(env.ctx, env.f.WS.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v2 != v1+1 || stored.Rules[0].Then.TeamID != env.f.Team["L2"].ID || stored.Fallback.TeamID != env.f.Team["L1"].ID {
			t.Fatalf("after the first read: version %d (was %d), rules %+v", v2, v1, stored.Rules[0].Then)
		}
		if _, err := env.d.RoutingRules(env.ctx, env.admin); err != nil {
			t.Fatal(err)
		}
		if _, v3, _ := env.s.RoutingRules(env.ctx, env.f.WS.ID); v3 != v2 {
			t.Errorf("a migrated set must not be migrated again: version %d → %d", v2, v3)
		}
		audit, err := env.d.AuditLog(env.ctx, env.admin, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) == 0 || audit[0].Action != "routing.migrate" {
			t.Errorf("the migration should be audited, last entries %+v", audit)
		}
	})
}

// TestDeactivatingWhatRulesUseIsRefused: deactivating a request type or an
// agent that a rule names would break the rules; it is refused with the
// rules that use it, and nothing changes. Tiers and teams cannot be
// deleted nor deactivated at all.
func TestDeactivatingWhatRulesUseIsRefused(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		if err := env.d.SaveRoutingRules(env.ctx, env.admin, refRules(env.f)); err != nil {
			t.Fatal(err)
		}
		refused := func(t *testing.T, err error, code, rules string) {
			t.Helper()
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Conflict || p.Code != code || p.Params["rules"] != rules {
				t.Fatalf("got %v, want 409 %s naming %s", err, code, rules)
			}
		}

		rt := env.f.Type["bug"]
		rt.Active = false
		refused(t, env.d.UpdateRequestType(env.ctx, env.admin, rt), "used_by_routing_rules", "2 (Anomalies)")
		access := env.f.Type["access"] // named by a disabled rule's action: enabling it later must work
		access.Active = false
		refused(t, env.d.UpdateRequestType(env.ctx, env.admin, access), "used_by_routing_rules", "3 (Accès)")
		agent, err := env.d.Member(env.ctx, env.admin, env.f.AgentL2.ID)
		if err != nil {
			t.Fatal(err)
		}
		agent.Active = false
		refused(t, env.d.UpdateMember(env.ctx, env.admin, agent), "used_by_routing_rules", "2 (Anomalies)")

		dir, err := env.d.Directory(env.ctx, env.admin)
		if err != nil {
			t.Fatal(err)
		}
		if !dir.RequestType(rt.ID).Active || !dir.RequestType(access.ID).Active || !dir.Member(agent.ID).Active {
			t.Fatal("a refused deactivation must change nothing")
		}

		// Once the rules stop naming them, they can go.
		rs := refRules(env.f)
		rs.Rules = rs.Rules[:1]
		if err := env.d.SaveRoutingRules(env.ctx, env.admin, rs); err != nil {
			t.Fatal(err)
		}
		if err := env.d.UpdateRequestType(env.ctx, env.admin, rt); err != nil {
			t.Fatalf("deactivating an unused request type: %v", err)
		}
		if err := env.d.UpdateMember(env.ctx, env.admin, agent); err != nil {
			t.Fatalf("deactivating an agent no rule names: %v", err)
		}
	})
}

// TestBrokenRulesAreNeverSilent: a stored set that no longer compiles (it
// names a team that is gone) sends tickets down the default route, but
// the editor's error, the health check and one error line per version say
// so.
func TestBrokenRulesAreNeverSilent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		var logs logBuffer
		d := desk.New(s, slog.New(slog.NewTextHandler(&logs, nil)))
		admin := storetest.Actor(t, s, f.Admin)
		if broken, err := d.BrokenRoutingRules(ctx); err != nil || len(broken) != 0 {
			t.Fatalf("no rule set yet: %v, %v", broken, err)
		}
		rs := refRules(f)
		rs.Rules[0].Then.TeamID = 999_999 // a team deleted behind the rules' back
		version, err := s.SaveRoutingRules(ctx, f.WS.ID, f.Admin.ID, rs)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			// A setup change recompiles the rules: still one line.
			tier := f.Tier["L3"]
			tier.Name = "Experts " + strings.Repeat("!", i)
			if err := d.UpdateTier(ctx, admin, tier); err != nil {
				t.Fatal(err)
			}
			tk, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Paiement frauduleux", Body: "frauduleux",
				RequestType: "billing", CustomerID: f.Customer["alice"].ID})
			if err != nil {
				t.Fatal(err)
			}
			if tk.TierID != f.Tier["L1"].ID {
				t.Errorf("with broken rules a ticket follows the default route, got tier %d", tk.TierID)
			}
		}
		if n := logs.count("level=ERROR"); n != 1 {
			t.Errorf("want one error line for the broken version, got %d:\n%s", n, logs.b.String())
		}
		p, ok := problem.As(d.RoutingRulesError(ctx, admin))
		if !ok || p.Code != "invalid_rules" || p.Fields["rules[0].then.team"].Code != "unknown_team_id" {
			t.Errorf("the editor should get the error on the team: %+v", p)
		}
		broken, err := d.BrokenRoutingRules(ctx)
		if err != nil || len(broken) != 1 || broken[0].WorkspaceID != f.WS.ID || broken[0].Version < version {
			t.Errorf("health check: %+v, %v", broken, err)
		}
		if err := d.RoutingRulesError(ctx, storetest.Actor(t, s, f.AgentL1)); !problem.Is(err, problem.Forbidden) {
			t.Errorf("agents cannot read the rules' errors: %v", err)
		}
	})
}

// TestDryRunRunsAsTheCaller: a lead of L1 only must not learn from hit
// counts which L2 tickets contain a word.
func TestDryRunRunsAsTheCaller(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		leadL1, err := env.d.CreateMember(env.ctx, env.admin, workspace.Member{Email: "lead.l1@acme.test", Name: "Lou Lead", Role: workspace.Lead,
			Active: true, TierIDs: []int64{env.f.Tier["L1"].ID}, TeamIDs: []int64{env.f.Team["L1"].ID}}, "")
		if err != nil {
			t.Fatal(err)
		}
		secret, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Projet Zéphyrine", Body: "Le rachat Zéphyrine est confidentiel.",
			RequestType: "bug", CustomerID: env.f.Customer["alice"].ID, TierID: env.f.Tier["L2"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if secret.TierID != env.f.Tier["L2"].ID {
			t.Fatalf("the secret ticket should be in L2, got tier %d", secret.TierID)
		}
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Mot secret", Enabled: true,
			When: routing.Condition{Field: "text", Op: "contains_words", Value: "zéphyrine"}, Then: routing.Actions{Tier: "L3"}}},
			Fallback: routing.Actions{Tier: "L1"}}
		hits := func(who workspace.Member) (int, int) {
			t.Helper()
			res, err := env.d.DryRun(env.ctx, storetest.Actor(t, env.s, who), rs, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, sm := range res.Samples {
				if sm.TicketID == secret.ID && who.ID == leadL1.ID {
					t.Errorf("the L1 lead's dry run read the L2 ticket")
				}
			}
			return res.Hits[0].Count, res.Total
		}
		if n, _ := hits(env.f.Admin); n != 1 {
			t.Errorf("the admin's dry run should find the word once, got %d", n)
		}
		if n, _ := hits(env.f.Lead); n != 1 {
			t.Errorf("a lead of L1 and L2 should find the word once, got %d", n)
		}
		n, total := hits(leadL1)
		if n != 0 {
			t.Errorf("a lead of L1 only must get no hit from an L2 ticket, got %d", n)
		}
		// #1000, #1004 (sensitive: leads see them), #1006 and #1001; not the L2 and L3 tickets.
		if total != 4 {
			t.Errorf("the L1 lead should try the 4 L1 tickets, tried %d", total)
		}
	})
}
