package api

import (
	"maps"
	"strings"
	"testing"

	"github.com/palier/palier/internal/routing"
)

// TestRoutingRulesSurviveRenamesOverTheAPI: rules name teams by id, so a
// team renamed over the API keeps its rules working and the rules show the
// new name; deactivating a request type or an agent that a rule names is
// refused with the rules, in the caller's language, and writes nothing.
func TestRoutingRulesSurviveRenamesOverTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rules := e.billingRules()
		rules["rules"] = append(rules["rules"].([]map[string]any),
			map[string]any{"id": 40, "name": "Anomalies à Nadia", "enabled": true,
				"when": map[string]any{"field": "request_type", "op": "is", "value": "bug"},
				"then": map[string]any{"tier": "L2", "assign_agent": e.f.AgentL2.ID}})
		var saved routing.RuleSet
		e.must(e.send("admin", "PUT", Prefix+"/routing/rules", rules), 200, &saved)
		if a := saved.Rules[0].Then; a.TeamID != e.f.Team["L2"].ID || a.TierID != e.f.Tier["L2"].ID {
			t.Fatalf("the API should answer with ids beside the names: %+v", a)
		}

		e.must(e.send("admin", "PATCH", idPath("/teams", e.f.Team["L2"].ID), map[string]any{"name": "Équipe facturation"}), 200, nil)
		var read routing.RuleSet
		e.must(e.get("lead", Prefix+"/routing/rules"), 200, &read)
		if a := read.Rules[0].Then; a.Team != "Équipe facturation" || a.TeamID != e.f.Team["L2"].ID {
			t.Errorf("after the rename: %+v", a)
		}
		var tk struct {
			TeamID int64 `json:"team_id"`
		}
		e.must(e.send("admin", "POST", Prefix+"/tickets", map[string]any{"subject": "Facturé deux fois", "body": "J'ai été facturé deux fois",
			"customer_id": e.f.Customer["alice"].ID}), 201, &tk)
		if tk.TeamID != e.f.Team["L2"].ID {
			t.Errorf("a rule naming the renamed team should still place the ticket there, got team %d", tk.TeamID)
		}

		before := e.rowCounts()
		for _, c := range []struct{ path, lang, want string }{
			{idPath("/request-types", e.f.Type["bug"].ID), "fr", "Des règles de routage l'utilisent : 4 (Anomalies à Nadia)."},
			{idPath("/agents", e.f.AgentL2.ID), "en", "Routing rules use it: 4 (Anomalies à Nadia)."},
		} {
			a := e.do(req{who: "admin", method: "PATCH", path: c.path, body: map[string]any{"active": false}, header: map[string]string{"Accept-Language": c.lang}})
			if a.status != 409 || a.errorCode() != "used_by_routing_rules" || !strings.HasPrefix(a.errorBody().Message, c.want) ||
				a.errorBody().Params["rule_ids"] != "40" {
				t.Errorf("PATCH %s active=false: %s", c.path, a)
			}
		}
		if !maps.Equal(before, e.rowCounts()) {
			t.Error("a refused deactivation wrote rows")
		}
	})
}
