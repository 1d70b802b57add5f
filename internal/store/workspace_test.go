package store_test

import (
	"testing"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// Instances run Migrate at every start: a second run must change nothing.
func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		for range 2 {
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
		}
		var versions, distinct int
		if err := s.DB().QueryRowContext(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&versions, &distinct); err != nil {
			t.Fatal(err)
		}
		if versions == 0 || versions != distinct {
			t.Errorf("schema_migrations has %d rows for %d versions, want one row per version", versions, distinct)
		}
		if _, err := s.Ticket(t.Context(), f.WS.ID, f.Ticket["L1"].ID); err != nil {
			t.Errorf("data lost by a second Migrate: %v", err)
		}
	})
}

func TestWorkspaceSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		first := must(s.FirstWorkspace(ctx))(t)
		if first.ID != f.WS.ID {
			t.Errorf("FirstWorkspace = %d, want the oldest %d", first.ID, f.WS.ID)
		}
		w := f.WS
		w.Name, w.SupportModel, w.Languages, w.DefaultLanguage = "Acme Help", workspace.Hybrid, []string{"en"}, "en"
		if err := s.UpdateWorkspace(ctx, f.Admin.ID, w); err != nil {
			t.Fatal(err)
		}
		got := must(s.Workspace(ctx, w.ID))(t)
		if got.Name != "Acme Help" || got.SupportModel != workspace.Hybrid || len(got.Languages) != 1 || got.DefaultLanguage != "en" {
			t.Errorf("after update: %+v", got)
		}
		w.DefaultLanguage = "de"
		wantField(t, s.UpdateWorkspace(ctx, f.Admin.ID, w), "default_language", "unknown_value")
		_, err := s.Workspace(ctx, 999999)
		wantProblem(t, err, problem.NotFound, "workspace_not_found")
	})
}

func TestFirstWorkspaceOnEmptyDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, err := s.FirstWorkspace(t.Context())
		wantProblem(t, err, problem.NotFound, "workspace_not_found")
	})
}

func TestTiers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tiers := must(s.Tiers(ctx, f.WS.ID))(t)
		var codes []string
		for _, tr := range tiers {
			codes = append(codes, tr.Code)
		}
		if len(codes) != 5 || codes[0] != "L0" || codes[4] != "L4" {
			t.Errorf("tiers = %v, want L0…L4 in order", codes)
		}
		if l4 := f.Tier["L4"]; !l4.External || l4.VendorEmail != "support@vendor.example" {
			t.Errorf("L4 = %+v, want the external vendor", l4)
		}

		l2 := f.Tier["L2"]
		l2.Name, l2.TargetShare = "Spécialistes", 0.2
		if err := s.UpdateTier(ctx, f.WS.ID, f.Admin.ID, l2); err != nil {
			t.Fatal(err)
		}
		for _, tr := range must(s.Tiers(ctx, f.WS.ID))(t) {
			if tr.ID == l2.ID && (tr.Name != "Spécialistes" || tr.TargetShare != 0.2) {
				t.Errorf("after update: %+v", tr)
			}
		}
		// Another tenant's tier cannot be edited through this workspace.
		other := f.Other.Tier
		other.Name = "Hijacked"
		wantProblem(t, s.UpdateTier(ctx, f.WS.ID, f.Admin.ID, other), problem.NotFound, "tier_not_found")
		if got := must(s.Tiers(ctx, f.Other.WS.ID))(t)[0].Name; got == "Hijacked" {
			t.Error("another workspace's tier was renamed")
		}
	})
}

// Every admin object refuses bad input with a stable problem code, the same
// on both databases.
func TestAdminValidationAndConflicts(t *testing.T) {
	cases := []struct {
		name        string
		do          func(t *testing.T, s *store.Store, f storetest.Fixture) error
		kind        problem.Kind
		code        string // problem code, for non-validation problems
		field, want string // field and field code, for validation problems
	}{
		{"tier with an unknown code", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTier(t.Context(), f.WS.ID, f.Admin.ID, workspace.Tier{Code: "L9", Name: "Nine"}))
		}, problem.Invalid, "", "code", "unknown_value"},
		{"tier target share above 100%", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTier(t.Context(), f.WS.ID, f.Admin.ID, workspace.Tier{Code: "L1", Name: "One", TargetShare: 1.5}))
		}, problem.Invalid, "", "target_share", "out_of_range"},
		{"tier code already used", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTier(t.Context(), f.WS.ID, f.Admin.ID, workspace.Tier{Code: "L2", Name: "Again"}))
		}, problem.Conflict, "tier_exists", "", ""},
		{"team without a name", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTeam(t.Context(), f.WS.ID, f.Admin.ID, workspace.Team{TierID: f.Tier["L1"].ID, Name: "  "}))
		}, problem.Invalid, "", "name_fr", "required"},
		{"team name already used", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTeam(t.Context(), f.WS.ID, f.Admin.ID, workspace.Team{TierID: f.Tier["L1"].ID, Name: "Experts"}))
		}, problem.Invalid, "", "name_fr", "taken"},
		{"renaming a team to a used name", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			tm := f.Team["L1"]
			tm.Name = "Experts"
			return s.UpdateTeam(t.Context(), f.WS.ID, f.Admin.ID, tm)
		}, problem.Invalid, "", "name_fr", "taken"},
		{"team in another workspace's tier", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTeam(t.Context(), f.WS.ID, f.Admin.ID, workspace.Team{TierID: f.Other.Tier.ID, Name: "Sneaky"}))
		}, problem.Invalid, "", "tier_id", "unknown_value"},
		{"team moved to another workspace's tier", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			tm := f.Team["L2"]
			tm.TierID = f.Other.Tier.ID
			return s.UpdateTeam(t.Context(), f.WS.ID, f.Admin.ID, tm)
		}, problem.Invalid, "", "tier_id", "unknown_value"},
		{"team with another workspace's agent", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTeam(t.Context(), f.WS.ID, f.Admin.ID, workspace.Team{TierID: f.Tier["L1"].ID, Name: "Mixed", MemberIDs: []int64{f.Other.Agent.ID}}))
		}, problem.Invalid, "", "member_ids", "unknown_value"},
		{"team with an unknown skill", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateTeam(t.Context(), f.WS.ID, f.Admin.ID, workspace.Team{TierID: f.Tier["L1"].ID, Name: "Skilled", SkillIDs: []int64{987654}}))
		}, problem.Invalid, "", "skill_ids", "unknown_value"},
		{"updating an unknown team", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return s.UpdateTeam(t.Context(), f.WS.ID, f.Admin.ID, workspace.Team{ID: 987654, TierID: f.Tier["L1"].ID, Name: "Ghost"})
		}, problem.NotFound, "team_not_found", "", ""},
		{"request type with a bad key", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateRequestType(t.Context(), f.WS.ID, f.Admin.ID, workspace.RequestType{Key: "Bad Key", NameFR: "x", NameEN: "x"}))
		}, problem.Invalid, "", "key", "bad_key"},
		{"request type key already used", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateRequestType(t.Context(), f.WS.ID, f.Admin.ID, workspace.RequestType{Key: "billing", NameFR: "Factu", NameEN: "Bill"}))
		}, problem.Invalid, "", "key", "taken"},
		{"updating another workspace's request type", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			rt := f.Type["bug"]
			return s.UpdateRequestType(t.Context(), f.Other.WS.ID, f.Other.Agent.ID, rt)
		}, problem.NotFound, "request_type_not_found", "", ""},
		{"select field without options", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateCustomField(t.Context(), f.WS.ID, f.Admin.ID, workspace.CustomField{Key: "plan", LabelFR: "Offre", LabelEN: "Plan", Kind: workspace.Select}))
		}, problem.Invalid, "", "options", "required"},
		{"custom field of an unknown kind", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateCustomField(t.Context(), f.WS.ID, f.Admin.ID, workspace.CustomField{Key: "plan", LabelFR: "Offre", LabelEN: "Plan", Kind: "colour"}))
		}, problem.Invalid, "", "kind", "unknown_value"},
		{"member with a bad email", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateMember(t.Context(), f.WS.ID, f.Admin.ID, workspace.Member{Email: "not-an-email", Name: "X", Role: workspace.Agent, Active: true}, ""))
		}, problem.Invalid, "", "email", "bad_email"},
		{"member with an unknown role", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateMember(t.Context(), f.WS.ID, f.Admin.ID, workspace.Member{Email: "x@acme.test", Name: "X", Role: "boss", Active: true}, ""))
		}, problem.Invalid, "", "role", "unknown_value"},
		{"member email already used, in any case", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateMember(t.Context(), f.WS.ID, f.Admin.ID, workspace.Member{Email: " L1@Acme.TEST ", Name: "Copy", Role: workspace.Agent, Active: true}, ""))
		}, problem.Invalid, "", "email", "taken"},
		{"member email used in another workspace", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateMember(t.Context(), f.WS.ID, f.Admin.ID, workspace.Member{Email: f.Other.Agent.Email, Name: "Copy", Role: workspace.Agent, Active: true}, ""))
		}, problem.Invalid, "", "email", "taken"},
		{"member in another workspace's tier", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return errOf(s.CreateMember(t.Context(), f.WS.ID, f.Admin.ID, workspace.Member{Email: "new@acme.test", Name: "New", Role: workspace.Agent, Active: true,
				TierIDs: []int64{f.Other.Tier.ID}}, ""))
		}, problem.Invalid, "", "tier_ids", "unknown_value"},
		{"member moved into an unknown team", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			m := f.AgentL2
			m.TeamIDs = []int64{987654}
			return s.UpdateMember(t.Context(), f.WS.ID, f.Admin.ID, m)
		}, problem.Invalid, "", "team_ids", "unknown_value"},
		{"updating another workspace's member", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			m := f.Other.Agent
			m.TierIDs = nil
			return s.UpdateMember(t.Context(), f.WS.ID, f.Admin.ID, m)
		}, problem.NotFound, "agent_not_found", "", ""},
		{"password of another workspace's member", func(t *testing.T, s *store.Store, f storetest.Fixture) error {
			return s.SetPassword(t.Context(), f.WS.ID, f.Admin.ID, f.Other.Agent.ID, "x")
		}, problem.NotFound, "agent_not_found", "", ""},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := must(s.AuditLog(t.Context(), f.WS.ID, 0, 1))(t)
				err := c.do(t, s, f)
				if c.field != "" {
					wantField(t, err, c.field, c.want)
				} else {
					wantProblem(t, err, c.kind, c.code)
				}
				// A refused change leaves no trace in the audit log.
				after := must(s.AuditLog(t.Context(), f.WS.ID, 0, 1))(t)
				if len(after) != len(before) || (len(after) > 0 && after[0].ID != before[0].ID) {
					t.Errorf("a refused change was audited: %+v", after)
				}
			})
		}
	})
}

func TestTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		team := must(s.CreateTeam(ctx, f.WS.ID, f.Admin.ID, workspace.Team{TierID: f.Tier["L2"].ID, Name: "Billing experts",
			SkillIDs: []int64{f.Type["billing"].ID, f.Type["billing"].ID}, MemberIDs: []int64{f.AgentL2.ID}}))(t)
		team.TierID = f.Tier["L3"].ID
		team.SkillIDs = []int64{f.Type["bug"].ID, f.Type["access"].ID}
		team.MemberIDs = []int64{f.AgentL3.ID, f.Lead.ID}
		team.Description = "Escalations about invoices"
		if err := s.UpdateTeam(ctx, f.WS.ID, f.Admin.ID, team); err != nil {
			t.Fatal(err)
		}
		var got workspace.Team
		for _, tm := range must(s.Teams(ctx, f.WS.ID))(t) {
			if tm.ID == team.ID {
				got = tm
			}
		}
		if got.TierID != f.Tier["L3"].ID || got.Description != "Escalations about invoices" ||
			!sameIDs(got.SkillIDs, team.SkillIDs) || !sameIDs(got.MemberIDs, team.MemberIDs) {
			t.Errorf("team after update = %+v, want %+v", got, team)
		}
		// The team's tier now counts among its members' tiers.
		if a := storetest.Actor(t, s, f.Lead); !a.InTier(f.Tier["L3"].ID) {
			t.Errorf("lead's tiers %v lack L3, the tier of a team they joined", a.TierIDs)
		}
		// Teams of another workspace stay there.
		if others := must(s.Teams(ctx, f.Other.WS.ID))(t); len(others) != 0 {
			t.Errorf("other workspace lists teams %+v", others)
		}
	})
}

func TestRequestTypesAndCustomFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		rt := f.Type["access"]
		rt.NameEN, rt.Active = "Login", false
		if err := s.UpdateRequestType(ctx, f.WS.ID, f.Admin.ID, rt); err != nil {
			t.Fatal(err)
		}
		types := must(s.RequestTypes(ctx, f.WS.ID))(t)
		if len(types) != 3 || types[0].Key != "access" || types[0].NameEN != "Login" || types[0].Active {
			t.Errorf("request types = %+v, want access renamed and inactive first", types)
		}
		// The support model of a type is stored, read back and changed;
		// a type that says nothing follows the workspace ("").
		if types[1].Model != "" {
			t.Errorf("a new request type's model = %q, want \"\"", types[1].Model)
		}
		incident := must(s.CreateRequestType(ctx, f.WS.ID, f.Admin.ID, workspace.RequestType{Key: "incident", NameFR: "Incident", NameEN: "Incident",
			Active: true, Model: workspace.Swarming}))(t)
		rt.Model = workspace.Tiered
		if err := s.UpdateRequestType(ctx, f.WS.ID, f.Admin.ID, rt); err != nil {
			t.Fatal(err)
		}
		models := map[string]workspace.SupportModel{}
		for _, x := range must(s.RequestTypes(ctx, f.WS.ID))(t) {
			models[x.Key] = x.Model
		}
		if models["incident"] != workspace.Swarming || models["access"] != workspace.Tiered || models["bug"] != "" {
			t.Errorf("models = %v, want incident swarming, access tiered, bug following the workspace", models)
		}
		incident.Model = workspace.Hybrid
		wantField(t, s.UpdateRequestType(ctx, f.WS.ID, f.Admin.ID, incident), "model", "unknown_value")

		plan := must(s.CreateCustomField(ctx, f.WS.ID, f.Admin.ID, workspace.CustomField{Key: "plan", LabelFR: "Offre", LabelEN: "Plan",
			Kind: workspace.Select, Options: []string{"free", "pro"}, Position: 2}))(t)
		must(s.CreateCustomField(ctx, f.WS.ID, f.Admin.ID, workspace.CustomField{Key: "order", LabelFR: "Commande", LabelEN: "Order", Kind: workspace.Number, Position: 1}))(t)
		plan.Options, plan.Position = []string{"free", "pro", "enterprise"}, 0
		if err := s.UpdateCustomField(ctx, f.WS.ID, f.Admin.ID, plan); err != nil {
			t.Fatal(err)
		}
		fields := must(s.CustomFields(ctx, f.WS.ID))(t)
		if len(fields) != 2 || fields[0].Key != "plan" || len(fields[0].Options) != 3 || fields[1].Key != "order" {
			t.Errorf("custom fields = %+v, want plan (3 options) then order", fields)
		}
		_, err := s.CreateCustomField(ctx, f.WS.ID, f.Admin.ID, workspace.CustomField{Key: "plan", LabelFR: "x", LabelEN: "x", Kind: workspace.Text})
		wantField(t, err, "key", "taken")
		// The same key is free in another workspace.
		if _, err := s.CreateCustomField(ctx, f.Other.WS.ID, 0, workspace.CustomField{Key: "plan", LabelFR: "x", LabelEN: "x", Kind: workspace.Text}); err != nil {
			t.Errorf("key of another workspace refused: %v", err)
		}
	})
}

func TestMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		m := must(s.CreateMember(ctx, f.WS.ID, f.Admin.ID, workspace.Member{Email: "  Nina@ACME.test ", Name: "Nina Nouvelle", Role: workspace.Agent,
			Active: true, TierIDs: []int64{f.Tier["L1"].ID}, TeamIDs: []int64{f.Team["L2"].ID}}, ""))(t)
		if m.Email != "nina@acme.test" {
			t.Errorf("email stored as %q, want trimmed lower case", m.Email)
		}
		got := must(s.Member(ctx, f.WS.ID, m.ID))(t)
		if !sameIDs(got.TierIDs, []int64{f.Tier["L1"].ID}) || !sameIDs(got.TeamIDs, []int64{f.Team["L2"].ID}) {
			t.Errorf("member tiers %v teams %v", got.TierIDs, got.TeamIDs)
		}
		a := storetest.Actor(t, s, got)
		if !sameIDs(a.TierIDs, []int64{f.Tier["L1"].ID, f.Tier["L2"].ID}) {
			t.Errorf("actor tiers = %v, want L1 (direct) and L2 (through team)", a.TierIDs)
		}

		// TeamIDs nil leaves team memberships alone; an empty list clears them.
		got.Name, got.Role, got.TeamIDs = "Nina N.", workspace.Lead, nil
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, got); err != nil {
			t.Fatal(err)
		}
		if after := must(s.Member(ctx, f.WS.ID, m.ID))(t); after.Name != "Nina N." || after.Role != workspace.Lead || len(after.TeamIDs) != 1 {
			t.Errorf("after update: %+v", after)
		}
		got.TeamIDs = []int64{}
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, got); err != nil {
			t.Fatal(err)
		}
		if after := must(s.Member(ctx, f.WS.ID, m.ID))(t); len(after.TeamIDs) != 0 {
			t.Errorf("teams after clearing = %v", after.TeamIDs)
		}

		list := must(s.Members(ctx, f.WS.ID, 0))(t)
		if len(list) != 6 {
			t.Errorf("Members lists %d, want the 5 seeded and Nina", len(list))
		}
		for _, x := range list {
			if x.ID == f.Other.Agent.ID {
				t.Error("Members lists another workspace's agent")
			}
		}
		if n := must(s.CountMembers(ctx))(t); n != 7 {
			t.Errorf("CountMembers = %d, want 7 across both workspaces", n)
		}
		wsID, byEmail, err := s.MemberByEmail(ctx, "LEAD@acme.test")
		if err != nil || wsID != f.WS.ID || byEmail.ID != f.Lead.ID {
			t.Errorf("MemberByEmail = %d %d %v", wsID, byEmail.ID, err)
		}
		_, err = s.Member(ctx, f.WS.ID, f.Other.Agent.ID)
		wantProblem(t, err, problem.NotFound, "agent_not_found")
	})
}

// A deactivated member can neither log in nor act, and the check is made
// against the database, not a cached copy.
func TestDeactivatedMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		wsID, id, hash, err := s.Credentials(ctx, " L1@acme.test")
		if err != nil || wsID != f.WS.ID || id != f.AgentL1.ID || hash == "" {
			t.Fatalf("Credentials = %d %d %q %v", wsID, id, hash, err)
		}
		m := f.AgentL1
		m.Active = false
		if err := s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m); err != nil {
			t.Fatal(err)
		}
		_, _, _, err = s.Credentials(ctx, m.Email)
		wantProblem(t, err, problem.NotFound, "agent_not_found")
		_, err = s.Actor(ctx, m.ID)
		wantProblem(t, err, problem.Unauthorized, "unauthenticated")
	})
}
