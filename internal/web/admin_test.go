package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

func TestAdminPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		admin := e.login(t, "admin@acme.test")
		agent := e.login(t, "l1@acme.test")
		lead := e.login(t, "lead@acme.test")

		t.Run("agents and leads get a 403 page", func(t *testing.T) {
			for _, c := range []*client{agent, lead} {
				for _, path := range []string{"/admin", "/admin/workspace", "/admin/tiers", "/admin/agents/1", "/admin/audit"} {
					if c == lead && path == "/admin/audit" {
						continue // leads read the audit log (TestAuditPageAndCollaboratorPickers)
					}
					res, body := c.get(path)
					expectStatus(t, res, body, http.StatusForbidden)
					contains(t, body, "Accès refusé")
				}
				res, body := c.post("/admin/types/new", url.Values{"key": {"x"}, "name_fr": {"X"}, "name_en": {"X"}}, false)
				expectStatus(t, res, body, http.StatusForbidden)
			}
			// The audit log is for leads too (issue 8.9), not for agents.
			res, body := agent.get("/admin/audit")
			expectStatus(t, res, body, http.StatusForbidden)
			res, body = lead.get("/admin/audit")
			expectStatus(t, res, body, http.StatusOK)
			lacks(t, body, `href="/admin/tiers"`)
			_, body = agent.get("/")
			lacks(t, body, `href="/admin"`)
		})

		t.Run("every admin page renders", func(t *testing.T) {
			f := e.f
			for _, path := range []string{"/admin/workspace", "/admin/tiers", "/admin/tiers/new", "/admin/tiers/" + id(f.Tier["L2"].ID),
				"/admin/teams", "/admin/teams/new", "/admin/teams/" + id(f.Team["L1"].ID), "/admin/agents", "/admin/agents/new",
				"/admin/agents/" + id(f.AgentL1.ID), "/admin/types", "/admin/types/new", "/admin/types/" + id(f.Type["bug"].ID),
				"/admin/fields", "/admin/fields/new", "/admin/audit"} {
				res, body := admin.get(path)
				expectStatus(t, res, body, http.StatusOK)
			}
			res, body := admin.get("/admin/teams/" + id(f.Other.Tier.ID+999))
			expectStatus(t, res, body, http.StatusNotFound)
		})

		t.Run("a refused form shows the error inline", func(t *testing.T) {
			res, body := admin.post("/admin/types/new", url.Values{"key": {"Mauvaise Clé"}, "name_fr": {"Remboursement"}, "name_en": {""}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-key"`, "Utilisez uniquement a-z, 0-9, _ et -.", `id="err-name_en"`, "Ce champ est obligatoire.",
				`value="Remboursement"`)
			res, body = admin.post("/admin/tiers/"+id(e.f.Tier["L1"].ID), url.Values{"name_fr": {"Niveau 1"}, "name_en": {"Level 1"}, "target_share": {"quatre-vingts"}, "position": {"1"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-target_share"`, "Ceci doit être un nombre.", `value="quatre-vingts"`)
			res, body = admin.post("/admin/agents/new", url.Values{"name": {"Nina"}, "email": {"nina@acme.test"}, "role": {"agent"}, "password": {"court"}, "active": {"1"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-password"`, "C&#39;est trop court (minimum 10).")
		})

		t.Run("admins create and edit", func(t *testing.T) {
			f := e.f
			res, body := admin.post("/admin/types/new", url.Values{"key": {"refund"}, "name_fr": {"Remboursement"}, "name_en": {"Refund"}, "active": {"1"}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create type: %d\n%s", res.StatusCode, excerpt(body))
			}
			_, body = admin.get(res.Header.Get("Location"))
			contains(t, body, "Remboursement", "Enregistré.")
			res, body = admin.post("/admin/agents/new", url.Values{"name": {"Nina Nouvelle"}, "email": {"nina@acme.test"}, "role": {"agent"},
				"password": {"un mot de passe long"}, "active": {"1"}, "tier_ids": {id(f.Tier["L1"].ID)}, "team_ids": {id(f.Team["L1"].ID)}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create agent: %d\n%s", res.StatusCode, excerpt(body))
			}
			nina := e.loginWith(t, "nina@acme.test", "un mot de passe long")
			_, body = nina.get("/views/all")
			contains(t, body, f.Ticket["L1"].Subject)
			res, body = admin.post("/admin/teams/"+id(f.Team["L3"].ID), url.Values{"name_fr": {"Experts produit"}, "name_en": {"Product experts"}, "tier_id": {id(f.Tier["L3"].ID)},
				"member_ids": {id(f.AgentL3.ID)}, "skill_ids": {id(f.Type["bug"].ID)}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit team: %d\n%s", res.StatusCode, excerpt(body))
			}
			res, body = admin.post("/admin/workspace", url.Values{"name": {"Acme Support"}, "support_model": {"hybrid"}, "languages": {"fr", "en"},
				"default_language": {"fr"}, "timezone": {"Mars/Olympus"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-timezone"`)
			_, body = admin.get("/admin/audit")
			contains(t, body, "Ada Admin a ajouté le membre Nina Nouvelle", "Ada Admin a ajouté le type de demande « Remboursement »",
				"Ada Admin a modifié l&#39;équipe « Experts produit »", "Nom en français : Experts → Experts produit",
				"Nom en anglais : Experts → Product experts")

			res, body = admin.post("/admin/fields/new", url.Values{"key": {"order_total"}, "kind": {"number"}, "label_fr": {"Montant"},
				"label_en": {"Amount"}, "position": {"0"}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create field: %d\n%s", res.StatusCode, excerpt(body))
			}
			res, body = admin.post("/admin/fields/new", url.Values{"key": {"channel_kind"}, "kind": {"select"}, "label_fr": {"Canal"},
				"label_en": {"Channel"}, "position": {"1"}}, false)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-options"`)
		})

		t.Run("typed custom fields on the ticket", func(t *testing.T) {
			tk := e.f.Ticket["L1"]
			_, page := agent.get("/tickets/" + id(tk.ID))
			contains(t, page, `name="cf_order_total"`, "Montant")
			form := url.Values{"status": {string(tk.Status)}, "priority": {tk.Priority.String()}, "request_type": {"billing"},
				"tier_id": {id(tk.TierID)}, "team_id": {id(tk.TeamID)}, "owner_id": {""}, "tags": {""}, "cf_order_total": {"douze"}}
			res, body := agent.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="err-custom_fields.order_total"`, "Ceci doit être un nombre, par exemple 49,90.", `value="douze"`)
			// The French agent types and reads a French number; it is stored as 12.40.
			form.Set("cf_order_total", "12,40")
			res, body = agent.post("/tickets/"+id(tk.ID)+"/properties", form, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "a défini Montant à 12,40", `value="12,40"`)
			stored, err := e.d.Ticket(context.Background(), auth.Actor{AgentID: e.f.Admin.ID, WorkspaceID: e.f.WS.ID, Role: workspace.Admin}, tk.ID)
			if err != nil || stored.CustomFields["order_total"] != "12.40" {
				t.Errorf("stored %q (%v), want the canonical 12.40", stored.CustomFields["order_total"], err)
			}
		})
	})
}

// TestAuditLogForHumans is issue 8.9: Léa, a lead, reads the setup's
// history as sentences with what changed, filters it, and switching her
// own language is not in it (though her pages follow it at once).
func TestAuditLogForHumans(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		admin := e.login(t, "admin@acme.test")
		lead := e.login(t, "lead@acme.test")
		// The workspace's first tiers predate the log: the first edit has
		// no "before"; the second compares with the first.
		for _, v := range [][2]string{{"Niveau 2", "20"}, {"Level 2", "25"}} {
			res, body := admin.post("/admin/tiers/"+id(e.f.Tier["L2"].ID), url.Values{"name_fr": {"Niveau 2"}, "name_en": {v[0]},
				"description": {"Product specialists"}, "target_share": {v[1]}, "position": {"2"}}, false)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit tier: %d\n%s", res.StatusCode, excerpt(body))
			}
		}
		_, before := lead.get("/admin/audit")
		entries := strings.Count(before, `<tr id="audit-`)

		lead.post("/settings/language", url.Values{"lang": {"en"}, "next": {"/admin/audit"}}, false)
		res, body := lead.get("/admin/audit")
		expectStatus(t, res, body, http.StatusOK)
		if n := strings.Count(body, `<tr id="audit-`); n != entries {
			t.Errorf("switching language wrote to the audit log: %d entries, %d before", n, entries)
		}
		contains(t, body, `<html lang="en"`, "Ada Admin changed the tier “L2 · Level 2”",
			"Name in English: Niveau 2 → Level 2", "Target share of resolutions (%): 20 % → 25 %")
		lacks(t, body, "tier.update", "{&#34;")

		_, body = lead.get("/admin/audit?kind=team")
		contains(t, body, "added the team")
		lacks(t, body, "changed the tier")
		_, body = lead.get("/admin/audit?who=" + id(e.f.Lead.ID))
		contains(t, body, `class="empty"`)
		_, body = lead.get("/admin/audit?from=2000-01-01&to=2000-01-02")
		contains(t, body, `class="empty"`)
		res, body = lead.get("/admin/audit?kind=nothing")
		expectStatus(t, res, body, http.StatusBadRequest)
	})
}

// Leads read the audit log in the UI as they do over the API; agents and
// collaborators do not. A collaborator's pickers and names show only the
// people of the tickets they are invited to.
func TestAuditPageAndCollaboratorPickers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		ext := e.collaborator(t)
		for who, want := range map[string]int{e.f.Admin.Email: 200, e.f.Lead.Email: 200, e.f.AgentL1.Email: 403, ext.Email: 403} {
			res, body := e.login(t, who).get("/admin/audit")
			if res.StatusCode != want {
				t.Errorf("%s GET /admin/audit: %d, want %d\n%s", who, res.StatusCode, want, excerpt(body))
			}
		}
		// The lead's admin navigation offers the audit log, not the
		// admin-only sections.
		_, body := e.login(t, e.f.Lead.Email).get("/admin/audit")
		contains(t, body, `href="/admin/audit"`)
		lacks(t, body, `href="/admin/agents"`, `href="/admin/workspace"`)

		collab := e.login(t, ext.Email)
		_, body = collab.get("/")
		lacks(t, body, e.f.Lead.Name, e.f.AgentL3.Name)
		if err := e.d.Invite(ctx, storetest.Actor(t, s, e.f.AgentL3), e.f.Ticket["L3"].ID, ext.ID); err != nil {
			t.Fatal(err)
		}
		res, body := collab.get("/tickets/" + id(e.f.Ticket["L3"].ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, e.f.AgentL3.Name)
		lacks(t, body, e.f.Lead.Name, e.f.AgentL2.Name)
	})
}
