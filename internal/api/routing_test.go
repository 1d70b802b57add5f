package api

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
)

// billingRules sends billing words to L2 (first rule) and refunds to L3
// (second rule); a disabled catch-all would send everything to L3.
func (e *env) billingRules() map[string]any {
	return map[string]any{
		"rules": []map[string]any{
			{"id": 10, "name": "Facturation", "enabled": true,
				"when": map[string]any{"all": []map[string]any{
					{"field": "channel", "op": "in", "values": []string{"api", "email"}},
					{"field": "text", "op": "contains_words", "value": "facturé"},
				}},
				"then": map[string]any{"tier": "L2", "team": e.f.Team["L2"].Name, "add_tags": []string{"facturation"}}},
			{"id": 20, "name": "Remboursements", "enabled": true,
				"when": map[string]any{"field": "text", "op": "contains_any_word", "value": "remboursement facture"},
				"then": map[string]any{"tier": "L3", "team": e.f.Team["L3"].Name}},
			{"id": 30, "name": "Désactivée", "enabled": false, "when": map[string]any{},
				"then": map[string]any{"tier": "L3"}},
		},
		"fallback": map[string]any{"tier": "L1"},
	}
}

// A rule set saved over the API places the tickets the API creates: the
// first matching rule wins, French words match by stem ("facturé" finds
// "facture" and "factures"), and what matches nothing takes the fallback.
// The routed event names the rule and why it matched.
func TestSavedRulesRouteNewTickets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var def routing.RuleSet
		e.must(e.get("lead", Prefix+"/routing/rules"), 200, &def)
		if len(def.Rules) != 0 || def.Fallback.Tier != "L1" {
			t.Errorf("rules before any are saved = %+v, want none with fallback L1", def)
		}
		var saved routing.RuleSet
		e.must(e.send("admin", "PUT", Prefix+"/routing/rules", e.billingRules()), 200, &saved)
		if len(saved.Rules) != 3 || saved.Rules[0].Name != "Facturation" || saved.Rules[0].When.All[1].Value != "facturé" {
			t.Errorf("saved = %+v", saved)
		}
		var read routing.RuleSet
		e.must(e.get("lead", Prefix+"/routing/rules"), 200, &read)
		if len(read.Rules) != 3 || read.Rules[2].Enabled || read.Fallback.Tier != "L1" {
			t.Errorf("read back = %+v", read)
		}

		cases := []struct {
			name, subject, body, customer string
			tier, team, rule, ruleID      string
			found                         string // a word the reasons must quote, "" for the fallback
		}{
			{"singular noun matches the participle", "Ma facture de mars", "Le montant est faux.", "alice", "L2", "L2", "Facturation", "10", "facture"},
			{"plural matches too", "Deux factures reçues", "Pour le même mois.", "alice", "L2", "L2", "Facturation", "10", "factures"},
			{"second rule when the first does not hold", "Demande de remboursement", "Merci de me rembourser.", "alice", "L3", "L3", "Remboursements", "20", "remboursement"},
			{"fallback, the disabled rule never applies", "Login broken", "Cannot sign in.", "bob", "L1", "L1", "default", "0", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				var tk ticket.Ticket
				e.must(e.send("admin", "POST", Prefix+"/tickets", map[string]any{
					"subject": c.subject, "body": c.body, "customer_id": e.f.Customer[c.customer].ID,
				}), 201, &tk)
				if tk.TierID != e.f.Tier[c.tier].ID || tk.TeamID != e.f.Team[c.team].ID {
					t.Errorf("placed in tier %d team %d, want %s", tk.TierID, tk.TeamID, c.tier)
				}
				if c.rule == "Facturation" && !slices.Contains(tk.Tags, "facturation") {
					t.Errorf("tags = %v, want the rule's tag", tk.Tags)
				}
				routed := e.event("admin", tk.ID, ticket.Routed)
				d, _ := event.As[event.Routed](routed)
				if d.Rule != c.rule || itoa(d.RuleID) != c.ruleID || d.TierID != e.f.Tier[c.tier].ID {
					t.Errorf("routed event data = %+v, want rule %q (%s) to %s", d, c.rule, c.ruleID, c.tier)
				}
				if c.found != "" && !slices.ContainsFunc(d.Reasons, func(r routing.Reason) bool { return strings.Contains(strings.ToLower(r.String()), c.found) }) {
					t.Errorf("reasons = %+v, want them to quote %q", d.Reasons, c.found)
				}
			})
		}
	})
}

// An invalid rule set is refused with the path of each faulty element, in
// the caller's language, and saves nothing. Only admins save rules; agents
// do not even read them.
func TestBadRuleSetsAreRefused(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.must(e.send("admin", "PUT", Prefix+"/routing/rules", e.billingRules()), 200, nil)
		leaf := func(field, op, value string) map[string]any {
			return map[string]any{"field": field, "op": op, "value": value}
		}
		rule := func(when map[string]any, then map[string]any) map[string]any {
			return map[string]any{"id": 1, "name": "R", "enabled": true, "when": when, "then": then}
		}
		set := func(rules ...map[string]any) map[string]any {
			return map[string]any{"rules": rules, "fallback": map[string]any{"tier": "L1"}}
		}
		l1 := map[string]any{"tier": "L1"}
		cases := []struct {
			name      string
			body      map[string]any
			path      string
			code      string
			messageFR string
		}{
			{"unknown field deep in a rule", set(rule(leaf("channel", "is", "email"), l1),
				rule(map[string]any{"all": []any{leaf("channel", "is", "email"), leaf("colour", "is", "red")}}, l1)),
				"rules[1].when.all[1].field", "unknown_field", "Champ colour inconnu"},
			{"a number that is not one", set(rule(map[string]any{"any": []any{leaf("channel", "is", "email"), leaf("open_tickets", "gt", "beaucoup")}}, l1)),
				"rules[0].when.any[1].value", "bad_number", "« beaucoup » n'est pas un nombre."},
			{"an op the field does not take", set(rule(leaf("priority", "contains_words", "urgent"), l1)),
				"rules[0].when.op", "op_not_allowed", "L'opérateur contains_words ne s'applique pas au champ priority (autorisés : is, is_not, in)."},
			{"a value under not", set(rule(map[string]any{"not": leaf("language", "is", "klingon")}, l1)),
				"rules[0].when.not.value", "unknown_language", "Langue klingon non prise en charge."},
			{"an unknown team", set(rule(leaf("channel", "is", "email"), map[string]any{"tier": "L2", "team": "Nobody"})),
				"rules[0].then.team", "unknown_team", "L'équipe Nobody n'existe pas dans cet espace de travail."},
			{"no fallback tier", map[string]any{"rules": []any{}, "fallback": map[string]any{}},
				"fallback.tier", "missing_fallback_tier", "La route par défaut doit indiquer un niveau."},
		}
		fr := map[string]string{"Accept-Language": "fr"}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.on(t)
				before := e.rowCounts()
				a := e.do(req{who: "admin", method: "PUT", path: Prefix + "/routing/rules", body: c.body, header: fr})
				got := a.errorBody()
				if a.status != 422 || got.Code != "invalid_rules" || got.Message != "Les règles de routage sont invalides." {
					t.Fatalf("got %s, want 422 invalid_rules", a)
				}
				if f, ok := got.Fields[c.path]; !ok || f.Code != c.code || !strings.HasPrefix(f.Message, c.messageFR) {
					t.Errorf("fields[%q] = %+v, want %s %q; all: %v", c.path, f, c.code, c.messageFR, got.Fields)
				}
				if !maps.Equal(before, e.rowCounts()) {
					t.Error("a refused rule set wrote rows")
				}
			})
		}
		var read routing.RuleSet
		e.must(e.get("admin", Prefix+"/routing/rules"), 200, &read)
		if len(read.Rules) != 3 || read.Rules[0].Name != "Facturation" {
			t.Errorf("the saved rules changed: %+v", read)
		}
		// English by default, with routing's own wording.
		a := e.send("admin", "PUT", Prefix+"/routing/rules", set(rule(leaf("open_tickets", "gt", "beaucoup"), l1)))
		if got := a.errorBody(); got.Message != "The routing rules are invalid." || got.Fields["rules[0].when.value"].Message != "“beaucoup” is not a number." {
			t.Errorf("in English: %s", a)
		}

		for _, who := range []string{"agentL1", "lead"} {
			before := e.rowCounts()
			if a := e.send(who, "PUT", Prefix+"/routing/rules", e.billingRules()); a.status != 403 {
				t.Errorf("%s saving rules: %s, want 403", who, a)
			}
			if !maps.Equal(before, e.rowCounts()) {
				t.Errorf("%s's refused save wrote rows", who)
			}
		}
		if a := e.get("agentL1", Prefix+"/routing/rules"); a.status != 403 {
			t.Errorf("agent reading rules: %s, want 403", a)
		}
	})
}

// A dry run tries a rule set on past tickets without saving it: it counts
// the tickets each rule would take and lists those that would move, but
// only the ones the caller may see.
func TestDryRunReportsMovedTickets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		body := map[string]any{
			"rules": []map[string]any{{"id": 7, "name": "Factures aux experts", "enabled": true,
				"when": map[string]any{"field": "text", "op": "contains_words", "value": "facturé"},
				"then": map[string]any{"tier": "L3", "team": e.f.Team["L3"].Name}}},
			"fallback": map[string]any{"tier": "L1"},
		}
		before := e.rowCounts()
		var res dryRunOut
		e.must(e.send("admin", "POST", Prefix+"/routing/dry-run", body), 200, &res)
		// Of the seven tickets, the two mentioning invoices go to L3, and
		// the fallback brings the two L3 tickets down to L1.
		if res.Total != 7 || res.Moved != 4 || res.Truncated {
			t.Errorf("total %d moved %d truncated %v, want 7, 4, false", res.Total, res.Moved, res.Truncated)
		}
		wantHits := []routing.RuleHit{{RuleID: 7, RuleName: "Factures aux experts", Count: 2}, {Fallback: true, Count: 5}}
		if !slices.Equal(res.Hits, wantHits) {
			t.Errorf("hits = %+v, want %+v", res.Hits, wantHits)
		}
		flowed := 0
		for _, fl := range res.Flows {
			flowed += fl.Count
		}
		if flowed != res.Moved {
			t.Errorf("flows %+v add up to %d, want %d", res.Flows, flowed, res.Moved)
		}
		moved := map[int64]movedTicket{}
		for _, m := range res.MovedTickets {
			moved[m.TicketID] = m
		}
		l1 := moved[e.f.Ticket["L1"].ID]
		if len(moved) != 4 || l1.Reference != e.f.Ticket["L1"].Reference || l1.Subject != "Facture en double pour mars" ||
			l1.From != (routing.Placement{Tier: "L1", Team: e.f.Team["L1"].Name}) || l1.To != (routing.Placement{Tier: "L3", Team: e.f.Team["L3"].Name}) ||
			l1.RuleName != "Factures aux experts" || l1.RuleID != 7 {
			t.Errorf("moved tickets = %+v", res.MovedTickets)
		}
		if m := moved[e.f.Ticket["L3"].ID]; !m.Fallback || m.To.Tier != "L1" {
			t.Errorf("the L3 ticket should fall back to L1: %+v", m)
		}
		if !maps.Equal(before, e.rowCounts()) {
			t.Error("a dry run wrote rows")
		}

		// The dry run runs as the caller: the lead (L1 and L2) counts and
		// sees only the tickets of their tiers.
		var lead dryRunOut
		e.must(e.send("lead", "POST", Prefix+"/routing/dry-run", body), 200, &lead)
		var leadIDs []int64
		for _, m := range lead.MovedTickets {
			leadIDs = append(leadIDs, m.TicketID)
		}
		slices.Sort(leadIDs)
		if lead.Moved != 2 || !slices.Equal(leadIDs, []int64{e.f.Ticket["L1"].ID, e.f.Ticket["L2"].ID}) {
			t.Errorf("lead sees moved %d, tickets %v", lead.Moved, leadIDs)
		}

		// Without rules, the saved set (here the default: all to L1).
		var saved dryRunOut
		e.must(e.send("lead", "POST", Prefix+"/routing/dry-run", map[string]any{"limit": 2}), 200, &saved)
		if saved.Total != 2 || len(saved.Hits) != 1 || !saved.Hits[0].Fallback {
			t.Errorf("dry run of the saved rules on 2 tickets = %+v", saved)
		}

		refusals := []struct {
			name, who string
			body      any
			status    int
			code      string
			field     string
		}{
			{"agents may not", "agentL1", body, 403, "forbidden", ""},
			{"limit zero", "lead", with(body, map[string]any{"limit": 0}), 422, "validation_failed", "limit"},
			{"limit too large", "lead", with(body, map[string]any{"limit": 100001}), 422, "validation_failed", "limit"},
			{"invalid rules", "lead", map[string]any{"rules": []any{}, "fallback": map[string]any{"tier": "L9"}}, 422, "invalid_rules", "fallback.tier"},
		}
		for _, c := range refusals {
			a := e.send(c.who, "POST", Prefix+"/routing/dry-run", c.body)
			if a.status != c.status || a.errorCode() != c.code {
				t.Errorf("%s: %s, want %d %s", c.name, a, c.status, c.code)
			}
			if _, ok := a.errorBody().Fields[c.field]; c.field != "" && !ok {
				t.Errorf("%s: %s does not name %s", c.name, a, c.field)
			}
		}
	})
}

// event returns the first event of a kind on a ticket's timeline, as who
// reads it.
func (e *env) event(who string, ticketID int64, kind ticket.EventKind) ticket.Event {
	e.t.Helper()
	var p page[servedEvent]
	e.must(e.get(who, ticketPath(ticketID)+"/events"), 200, &p)
	for _, ev := range p.Data {
		if ev.Kind == kind {
			return ev.typed(e.t)
		}
	}
	e.t.Fatalf("no %s event on ticket %d", kind, ticketID)
	return ticket.Event{}
}

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
