package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
)

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
