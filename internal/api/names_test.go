package api

import (
	"maps"
	"testing"

	"github.com/palier/palier/internal/workspace"
)

// Tiers and teams have a name in each language (issue 8.7): name is the
// caller's, name_fr and name_en both; older callers that send only name
// keep working; a name another team uses is refused and writes nothing.
func TestBilingualTierAndTeamNames(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		fr := map[string]string{"Accept-Language": "fr"}
		var team workspace.Team
		e.must(e.send("admin", "POST", Prefix+"/teams", map[string]any{
			"tier_id": e.f.Tier["L1"].ID, "name_fr": "Première ligne", "name_en": "Front line",
		}), 201, &team)
		if team.Name != "Front line" || team.NameFR != "Première ligne" || team.NameEN != "Front line" {
			t.Errorf("created %+v", team)
		}
		var inFrench page[workspace.Team]
		e.must(e.do(req{who: "agentL1", method: "GET", path: Prefix + "/teams", header: fr}), 200, &inFrench)
		found := false
		for _, tm := range inFrench.Data {
			if tm.ID == team.ID {
				found = tm.Name == "Première ligne"
			}
		}
		if !found {
			t.Errorf("French list: %+v", inFrench.Data)
		}
		// An older caller's name replaces only its own language's name.
		var upd workspace.Team
		e.must(e.do(req{who: "admin", method: "PATCH", path: idPath("/teams", team.ID), body: map[string]any{"name": "Accueil"}, header: fr}), 200, &upd)
		if upd.Name != "Accueil" || upd.NameFR != "Accueil" || upd.NameEN != "Front line" {
			t.Errorf("patched in French: %+v", upd)
		}
		// A single name on create serves both languages.
		var one workspace.Team
		e.must(e.send("admin", "POST", Prefix+"/teams", map[string]any{"tier_id": e.f.Tier["L2"].ID, "name": "Vendors"}), 201, &one)
		if one.NameFR != "Vendors" || one.NameEN != "Vendors" {
			t.Errorf("single name: %+v", one)
		}
		before := e.rowCounts()
		a := e.send("admin", "POST", Prefix+"/teams", map[string]any{"tier_id": e.f.Tier["L2"].ID, "name_fr": "Accueil", "name_en": "Reception"})
		if a.status != 422 || a.errorBody().Fields["name_fr"].Code != "taken" || !maps.Equal(before, e.rowCounts()) {
			t.Errorf("taken French name: %s", a)
		}
		a = e.send("admin", "POST", Prefix+"/teams", map[string]any{"tier_id": e.f.Tier["L2"].ID, "name_fr": "Seul"})
		if a.status != 422 || a.errorBody().Fields["name_en"].Code != "required" || !maps.Equal(before, e.rowCounts()) {
			t.Errorf("missing English name: %s", a)
		}

		var tiers page[workspace.Tier]
		e.must(e.send("admin", "PATCH", idPath("/tiers", e.f.Tier["L1"].ID), map[string]any{"name_fr": "Niveau 1", "name_en": "Level 1"}), 200, nil)
		e.must(e.get("agentL2", Prefix+"/tiers"), 200, &tiers)
		for _, tr := range tiers.Data {
			if tr.Code == "L1" && (tr.Name != "Level 1" || tr.NameFR != "Niveau 1") {
				t.Errorf("L1 in English: %+v", tr)
			}
		}
	})
}
