package api

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Customers and organisations: create, read, partial update, search and
// page through them.
func TestCustomersAndOrganisations(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var org customer.Organisation
		e.must(e.send("agentL1", "POST", Prefix+"/organisations", map[string]any{"name": "Initech", "segment": "b2b", "domain": "initech.example"}), 201, &org)
		var c customer.Customer
		a := e.send("agentL1", "POST", Prefix+"/customers", map[string]any{
			"name": "Peter Gibbons", "email": "Peter@Initech.example", "language": "en", "segment": "b2b", "organisation_id": org.ID,
		})
		e.must(a, 201, &c)
		if a.header.Get("Location") != idPath("/customers", c.ID) || c.Email != "peter@initech.example" {
			t.Errorf("created %+v at %q", c, a.header.Get("Location"))
		}
		// A partial update keeps what it does not name.
		var upd customer.Customer
		e.must(e.send("agentL1", "PATCH", idPath("/customers", c.ID), map[string]any{"phone": "+1 555 0100"}), 200, &upd)
		if upd.Phone != "+1 555 0100" || upd.Name != "Peter Gibbons" || upd.OrganisationID != org.ID {
			t.Errorf("updated = %+v", upd)
		}
		var got customer.Customer
		e.must(e.get("agentL1", idPath("/customers", c.ID)), 200, &got)
		if got != upd {
			t.Errorf("read back %+v, want %+v", got, upd)
		}
		var orgUpd customer.Organisation
		e.must(e.send("agentL1", "PATCH", idPath("/organisations", org.ID), map[string]any{"segment": "vip"}), 200, &orgUpd)
		if orgUpd.Segment != "vip" || orgUpd.Name != "Initech" {
			t.Errorf("organisation = %+v", orgUpd)
		}
		// A taken email is a field error, and writes nothing.
		before := e.rowCounts()
		a = e.send("agentL1", "POST", Prefix+"/customers", map[string]any{"name": "Other Peter", "email": "peter@initech.example"})
		if a.status != 422 || a.errorBody().Fields["email"].Code != "taken" || !maps.Equal(before, e.rowCounts()) {
			t.Errorf("duplicate email: %s", a)
		}

		var byOrg page[customer.Customer]
		e.must(e.get("agentL1", Prefix+"/customers?organisation="+itoa(org.ID)), 200, &byOrg)
		if len(byOrg.Data) != 1 || byOrg.Data[0].ID != c.ID {
			t.Errorf("customers of Initech: %+v", byOrg.Data)
		}
		var byText page[customer.Customer]
		e.must(e.get("agentL1", Prefix+"/customers?q=GIBB"), 200, &byText)
		if len(byText.Data) != 1 || byText.Data[0].ID != c.ID {
			t.Errorf("customers matching gibb: %+v", byText.Data)
		}
		// Pages of one walk every customer once, newest first.
		var seen []int64
		for _, x := range allPages[customer.Customer](e, "agentL1", Prefix+"/customers?limit=1", 20) {
			seen = append(seen, x.ID)
		}
		if len(seen) != 4 || !slices.IsSortedFunc(seen, func(a, b int64) int { return int(b - a) }) {
			t.Errorf("customers over pages: %v, want the 4 of Acme newest first", seen)
		}
		var orgs page[customer.Organisation]
		e.must(e.get("agentL1", Prefix+"/organisations?q=glob"), 200, &orgs)
		if len(orgs.Data) != 1 || orgs.Data[0].ID != e.f.Org.ID {
			t.Errorf("organisations matching glob: %+v", orgs.Data)
		}
	})
}

// An admin sets the workspace up through the API; every change lands in
// the audit log, which leads may read and agents may not.
func TestAdminSetsUpTheWorkspace(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var rt workspace.RequestType
		e.must(e.send("admin", "POST", Prefix+"/request-types", map[string]any{"key": "refund", "name_fr": "Remboursement", "name_en": "Refund"}), 201, &rt)
		if !rt.Active {
			t.Error("a new request type should be active")
		}
		e.must(e.send("admin", "PATCH", idPath("/request-types", rt.ID), map[string]any{"name_en": "Refunds"}), 200, &rt)
		if rt.NameEN != "Refunds" || rt.NameFR != "Remboursement" || rt.Key != "refund" {
			t.Errorf("request type = %+v", rt)
		}
		var tier workspace.Tier
		e.must(e.send("admin", "PATCH", idPath("/tiers", e.f.Tier["L2"].ID), map[string]any{"target_share": 0.2}), 200, &tier)
		if tier.TargetShare != 0.2 || tier.Code != "L2" || tier.Name != e.f.Tier["L2"].Name {
			t.Errorf("tier = %+v", tier)
		}
		var team workspace.Team
		e.must(e.send("admin", "POST", Prefix+"/teams", map[string]any{
			"tier_id": e.f.Tier["L2"].ID, "name": "Remboursements", "skill_ids": []int64{rt.ID}, "member_ids": []int64{e.f.AgentL2.ID},
		}), 201, &team)
		e.must(e.send("admin", "PATCH", idPath("/teams", team.ID), map[string]any{"description": "Refunds and credits"}), 200, &team)
		if team.Description != "Refunds and credits" || !slices.Equal(team.SkillIDs, []int64{rt.ID}) {
			t.Errorf("team = %+v", team)
		}
		cfID := e.createCustomField()
		var cf workspace.CustomField
		e.must(e.send("admin", "PATCH", idPath("/custom-fields", cfID), map[string]any{"options": []string{"free", "pro", "enterprise"}}), 200, &cf)
		if cf.Kind != workspace.Select || len(cf.Options) != 3 {
			t.Errorf("custom field = %+v", cf)
		}
		// The new field and type are usable on tickets at once.
		var tk ticket.Ticket
		e.must(e.send("agentL2", "POST", Prefix+"/tickets", map[string]any{"subject": "Refund please", "body": "x",
			"customer_id": e.f.Customer["bob"].ID, "request_type": "refund", "tier_id": e.f.Tier["L2"].ID,
			"custom_fields": map[string]string{"plan": "enterprise"}}), 201, &tk)
		if tk.TeamID != team.ID || tk.CustomFields["plan"] != "enterprise" {
			t.Errorf("ticket placed in team %d with fields %v, want the refunds team", tk.TeamID, tk.CustomFields)
		}
		var ws workspace.Workspace
		e.must(e.send("admin", "PATCH", Prefix+"/workspace", map[string]any{"support_model": "hybrid"}), 200, &ws)
		e.must(e.get("agentL1", Prefix+"/workspace"), 200, &ws)
		if ws.SupportModel != workspace.Hybrid || ws.Name != "Acme Support" {
			t.Errorf("workspace = %+v", ws)
		}

		var agent workspace.Member
		a := e.send("admin", "POST", Prefix+"/agents", map[string]any{"email": "new@acme.test", "name": "Nouvelle Recrue", "role": "agent",
			"tier_ids": []int64{e.f.Tier["L1"].ID}, "password": "correct horse battery"})
		e.must(a, 201, &agent)
		if !agent.Active || !slices.Equal(agent.TierIDs, []int64{e.f.Tier["L1"].ID}) || strings.Contains(string(a.body), "password") {
			t.Errorf("agent = %s", a.body)
		}
		e.must(e.send("admin", "PATCH", idPath("/agents", agent.ID), map[string]any{"role": "lead"}), 200, &agent)
		if agent.Role != workspace.Lead || agent.Name != "Nouvelle Recrue" {
			t.Errorf("agent = %+v", agent)
		}
		var agents page[workspace.Member]
		e.must(e.get("agentL1", Prefix+"/agents"), 200, &agents)
		if len(agents.Data) != 6 {
			t.Errorf("%d agents listed, want 6", len(agents.Data))
		}
		// An admin cannot lock themselves out.
		if a := e.send("admin", "PATCH", idPath("/agents", e.f.Admin.ID), map[string]any{"role": "agent"}); a.status != 422 {
			t.Errorf("self-demotion: %s", a)
		}

		// The audit log, newest first, paged.
		entries := allPages[store.AuditEntry](e, "lead", Prefix+"/audit-log?limit=3", 50)
		var actions []string
		for _, x := range entries {
			actions = append(actions, x.Action)
		}
		for _, want := range []string{"request_type.create", "request_type.update", "tier.update", "team.create", "team.update",
			"custom_field.create", "custom_field.update", "workspace.update", "agent.create", "agent.update"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
		if !slices.IsSortedFunc(entries, func(a, b store.AuditEntry) int { return int(b.ID - a.ID) }) {
			t.Error("audit log is not newest first")
		}
		if a := e.get("agentL1", Prefix+"/audit-log"); a.status != 403 || a.errorCode() != "forbidden" {
			t.Errorf("agent reads the audit log: %s", a)
		}
	})
}

// Changing the workspace's setup is for admins: leads and agents are
// refused with admin_only, and nothing is written.
func TestSetupIsAdminOnly(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		writes := []struct {
			method, path string
			body         map[string]any
		}{
			{"POST", Prefix + "/tiers", map[string]any{"code": "L4", "name": "Vendor two"}},
			{"PATCH", idPath("/tiers", f.Tier["L1"].ID), map[string]any{"name": "Front"}},
			{"POST", Prefix + "/teams", map[string]any{"tier_id": f.Tier["L1"].ID, "name": "Shadow team"}},
			{"PATCH", idPath("/teams", f.Team["L1"].ID), map[string]any{"member_ids": []int64{}}},
			{"POST", Prefix + "/request-types", map[string]any{"key": "x", "name_fr": "X", "name_en": "X"}},
			{"PATCH", idPath("/request-types", f.Type["bug"].ID), map[string]any{"active": false}},
			{"POST", Prefix + "/custom-fields", map[string]any{"key": "x", "label_fr": "X", "label_en": "X", "kind": "text"}},
			{"POST", Prefix + "/agents", map[string]any{"email": "sneaky@acme.test", "name": "Sneaky", "role": "admin"}},
			{"PATCH", idPath("/agents", f.AgentL1.ID), map[string]any{"role": "admin"}},
			{"PATCH", Prefix + "/workspace", map[string]any{"name": "Hijacked"}},
			{"POST", Prefix + "/tokens", map[string]any{"agent_id": f.Admin.ID}},
		}
		for _, who := range []string{"lead", "agentL1"} {
			for _, w := range writes {
				t.Run(who+" "+w.method+" "+w.path, func(t *testing.T) {
					e := e.on(t)
					before := e.rowCounts()
					a := e.send(who, w.method, w.path, w.body)
					if a.status != 403 || a.errorCode() != "admin_only" {
						t.Errorf("got %s, want 403 admin_only", a)
					}
					if !maps.Equal(before, e.rowCounts()) {
						t.Error("a refused request wrote rows")
					}
				})
			}
		}
	})
}

// Members create tokens for themselves; admins for anyone. A new token
// works at once and speaks for the agent it was made for.
func TestTokens(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var own newTokenOut
		e.must(e.send("agentL1", "POST", Prefix+"/tokens", map[string]any{"name": "zapier"}), 201, &own)
		if own.AgentID != e.f.AgentL1.ID || !strings.HasPrefix(own.Token, "plr_") || own.Name != "zapier" {
			t.Errorf("token = %+v", own)
		}
		var forL3 newTokenOut
		e.must(e.send("admin", "POST", Prefix+"/tokens", map[string]any{"agent_id": e.f.AgentL3.ID}), 201, &forL3)
		e.tokens["new"] = forL3.Token
		var me meOut
		e.must(e.get("new", Prefix+"/me"), 200, &me)
		if me.AgentID != e.f.AgentL3.ID {
			t.Errorf("the admin-made token speaks for %d, want AgentL3", me.AgentID)
		}
		if a := e.send("admin", "POST", Prefix+"/tokens", map[string]any{"agent_id": e.f.Other.Agent.ID}); a.status != 404 {
			t.Errorf("token for another tenant's agent: %s", a)
		}
	})
}
