package store_test

import (
	"encoding/json"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// Every admin change writes its audit entry in the same transaction: a
// change that lands is logged, with who made it; a change refused halfway
// (after its first statement ran) leaves neither the change nor an entry.
func TestAuditIsWrittenWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		latest := func() store.AuditEntry {
			t.Helper()
			log := must(s.AuditLog(ctx, f.WS.ID, 0, 1))(t)
			if len(log) == 0 {
				t.Fatal("empty audit log")
			}
			return log[0]
		}

		team := must(s.CreateTeam(ctx, f.WS.ID, f.Lead.ID, workspace.Team{TierID: f.Tier["L2"].ID, Name: "Payments"}))(t)
		e := latest()
		if e.Action != "team.create" || e.TargetType != "team" || e.TargetID != team.ID || e.ActorID != f.Lead.ID ||
			e.ActorName != f.Lead.Name || !e.CreatedAt.Equal(c.now) {
			t.Errorf("entry = %+v", e)
		}
		var details workspace.Team
		if err := json.Unmarshal(e.Details, &details); err != nil || details.Name != "Payments" {
			t.Errorf("details = %s (%v)", e.Details, err)
		}

		// The member row is updated first, then the unknown tier is refused:
		// the whole transaction rolls back.
		m := f.AgentL2
		m.Name, m.TierIDs = "Renamed", []int64{f.Other.Tier.ID}
		wantField(t, s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, m), "tier_ids", "unknown_value")
		if got := must(s.Member(ctx, f.WS.ID, m.ID))(t); got.Name != f.AgentL2.Name {
			t.Errorf("a refused update renamed the member to %q", got.Name)
		}
		if after := latest(); after.ID != e.ID {
			t.Errorf("a refused update was audited: %+v", after)
		}

		steps := []struct {
			action string
			do     func() error
		}{
			{"workspace.update", func() error {
				w := f.WS
				w.Name = "Acme Care"
				return s.UpdateWorkspace(ctx, f.Admin.ID, w)
			}},
			{"tier.create", func() error {
				_, err := s.CreateTier(ctx, f.Other.WS.ID, f.Other.Agent.ID, workspace.Tier{Code: "L2", Name: "Second", Position: 2})
				return err
			}},
			{"tier.update", func() error { return s.UpdateTier(ctx, f.WS.ID, f.Admin.ID, f.Tier["L3"]) }},
			{"team.update", func() error { return s.UpdateTeam(ctx, f.WS.ID, f.Admin.ID, team) }},
			{"request_type.create", func() error {
				_, err := s.CreateRequestType(ctx, f.WS.ID, f.Admin.ID, workspace.RequestType{Key: "gdpr", NameFR: "RGPD", NameEN: "GDPR", Active: true})
				return err
			}},
			{"request_type.update", func() error { return s.UpdateRequestType(ctx, f.WS.ID, f.Admin.ID, f.Type["bug"]) }},
			{"custom_field.create", func() error {
				_, err := s.CreateCustomField(ctx, f.WS.ID, f.Admin.ID, workspace.CustomField{Key: "order", LabelFR: "Commande", LabelEN: "Order", Kind: workspace.Text})
				return err
			}},
			{"agent.create", func() error {
				_, err := s.CreateMember(ctx, f.WS.ID, f.Admin.ID, workspace.Member{Email: "x@acme.test", Name: "X", Role: workspace.Agent, Active: true}, "")
				return err
			}},
			{"agent.update", func() error { return s.UpdateMember(ctx, f.WS.ID, f.Admin.ID, f.AgentL3) }},
			{"agent.password", func() error { return s.SetPassword(ctx, f.WS.ID, f.Admin.ID, f.AgentL3.ID, "h") }},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.action, err)
			}
			ws := f.WS.ID
			if st.action == "tier.create" {
				ws = f.Other.WS.ID
			}
			log := must(s.AuditLog(ctx, ws, 0, 1))(t)
			if len(log) != 1 || log[0].Action != st.action {
				t.Errorf("after %s the latest entry is %+v", st.action, log)
			}
		}
	})
}

func TestAuditLogPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		all := must(s.AuditLog(ctx, f.WS.ID, 0, 200))(t)
		if len(all) < 5 {
			t.Fatalf("seed wrote %d audit entries, want several", len(all))
		}
		var paged []int64
		before := int64(0)
		for {
			page := must(s.AuditLog(ctx, f.WS.ID, before, 2))(t)
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				paged = append(paged, e.ID)
			}
			before = page[len(page)-1].ID
		}
		var want []int64
		for i, e := range all {
			want = append(want, e.ID)
			if i > 0 && all[i-1].ID <= e.ID {
				t.Errorf("audit log not newest first: %d then %d", all[i-1].ID, e.ID)
			}
		}
		if !sameIDs(paged, want) || len(paged) != len(want) {
			t.Errorf("paged %v, want %v", paged, want)
		}
		for _, e := range must(s.AuditLog(ctx, f.Other.WS.ID, 0, 200))(t) {
			for _, mine := range all {
				if e.ID == mine.ID {
					t.Errorf("entry %d shows in both workspaces", e.ID)
				}
			}
		}
	})
}
