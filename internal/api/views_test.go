package api

import (
	"strings"
	"testing"
)

// Every role on every saved-view route: who sees, who changes, who lists;
// refusals write nothing; counts and lists follow each caller's access.
func TestViewRoutesByRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var shared, personal viewJSON
		e.must(e.send("lead", "POST", Prefix+"/views", map[string]any{"name": "Facturation", "scope": "shared", "query": "type=billing&tier=L1,L2"}), 201, &shared)
		e.must(e.send("agentL1", "POST", Prefix+"/views", map[string]any{"name": "Les miens", "query": "owner=me", "columns": []string{"subject", "number"}}), 201, &personal)
		if personal.Scope != "personal" || strings.Join(personal.Columns, ",") != "number,subject" {
			t.Errorf("personal = %+v", personal)
		}
		if want := "tier=" + itoa(e.f.Tier["L1"].ID) + "&tier=" + itoa(e.f.Tier["L2"].ID) + "&type=billing"; shared.Query != want {
			t.Errorf("canonical query %q, want %q", shared.Query, want)
		}
		sharedPath, personalPath := idPath("/views", shared.ID), idPath("/views", personal.ID)
		e.checkRoleCases(t, []roleCase{
			{"an agent reads a shared view", "agentL2", "GET", sharedPath, nil, 200, ""},
			{"an agent lists a shared view", "agentL3", "GET", sharedPath + "/tickets", nil, 200, ""},
			{"an agent cannot change a shared view", "agentL1", "PATCH", sharedPath, map[string]any{"name": "x"}, 403, ""},
			{"an agent cannot delete a shared view", "agentL1", "DELETE", sharedPath, nil, 403, ""},
			{"an agent cannot share with everyone", "agentL1", "POST", Prefix + "/views", map[string]any{"name": "x", "scope": "shared"}, 403, ""},
			{"another agent does not see a personal view", "agentL2", "GET", personalPath, nil, 404, ""},
			{"nor list it", "agentL2", "GET", personalPath + "/tickets", nil, 404, ""},
			{"a lead does not see someone's personal view", "lead", "PATCH", personalPath, map[string]any{"name": "x"}, 404, ""},
			{"an admin does not delete it", "admin", "DELETE", personalPath, nil, 404, ""},
			{"another workspace sees nothing", "other", "GET", sharedPath, nil, 404, ""},
			{"an unknown filter is refused", "lead", "PATCH", sharedPath, map[string]any{"query": "colour=red"}, 422, ""},
			{"an unknown tier is refused", "lead", "PATCH", sharedPath, map[string]any{"query": "tier=L9"}, 422, ""},
			{"an unknown column is refused", "lead", "POST", Prefix + "/views", map[string]any{"name": "x", "columns": []string{"sla"}}, 422, ""},
			{"an unknown field is refused", "lead", "POST", Prefix + "/views", map[string]any{"name": "x", "sql": "1=1"}, 400, ""},
			{"the owner changes their view", "agentL1", "PATCH", personalPath, map[string]any{"name": "Mes tickets"}, 200, ""},
		})
		counts := map[string]int{}
		for _, who := range []string{"lead", "agentL1", "agentL3"} {
			var list struct{ Data []viewJSON }
			e.must(e.get(who, Prefix+"/views"), 200, &list)
			for _, v := range list.Data {
				if v.ID == shared.ID && v.Count != nil {
					counts[who] = *v.Count
				}
			}
			var page struct{ Data []struct{ ID int64 } }
			e.must(e.get(who, sharedPath+"/tickets?limit=1"), 200, &page)
			if (counts[who] > 0) != (len(page.Data) == 1) {
				t.Errorf("%s: count %d, first page %d", who, counts[who], len(page.Data))
			}
		}
		if counts["lead"] != 3 || counts["agentL1"] != 2 || counts["agentL3"] != 0 {
			t.Errorf("counts of the shared view by access: %v", counts)
		}
		e.must(e.send("lead", "DELETE", sharedPath, nil), 200, nil)
		e.must(e.get("agentL2", sharedPath), 404, nil)
	})
}
