package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// testRules are three rules over the fixture's tickets, all opened by
// email: the first takes #1000 ("J'ai été facturée deux fois") to L2, the
// second every bug to L3 (#1002 moves, #1003 and #1005 are there already),
// the third never matches. The fallback keeps the rest in L1.
func testRules() routing.RuleSet {
	return routing.RuleSet{Rules: []routing.Rule{
		{ID: 1, Name: "Double facturation", Enabled: true, When: routing.Condition{All: []routing.Condition{
			{Field: routing.FieldText, Op: routing.OpContainsPhrase, Value: "facturé deux fois"},
			{Field: routing.FieldChannel, Op: routing.OpIs, Value: "email"},
		}}, Then: routing.Actions{Tier: "L2", Team: "Support niveau 2", Priority: "urgent"}},
		{ID: 2, Name: "Anomalies vers L3", Enabled: true, When: routing.Condition{Field: routing.FieldRequestType, Op: routing.OpIs, Value: "bug"},
			Then: routing.Actions{Tier: "L3"}},
		{ID: 3, Name: "Jamais", Enabled: true, When: routing.Condition{Field: routing.FieldSubject, Op: routing.OpContainsWords, Value: "xyzzy"},
			Then: routing.Actions{Tier: "L2"}},
	}, Fallback: routing.Actions{Tier: "L1"}}
}

func saveTestRules(t *testing.T, e *env, s *store.Store) {
	t.Helper()
	if err := e.d.SaveRoutingRules(context.Background(), storetest.Actor(t, s, e.f.Admin), testRules()); err != nil {
		t.Fatalf("save rules: %v", err)
	}
}

func storedRuleNames(t *testing.T, e *env, s *store.Store) []string {
	t.Helper()
	rs, err := e.d.RoutingRules(context.Background(), storetest.Actor(t, s, e.f.Admin))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs.Rules {
		names = append(names, r.Name)
	}
	return names
}

// routingForm is the state a rules page carries in its form, to post it
// back with an operation.
func routingForm(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, name := range []string{"draft", "base", "edit"} {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the page has no %s input\n%s", name, excerpt(body))
		}
		v.Set(name, html.UnescapeString(m[1]))
	}
	return v
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// before reports whether a appears before b in the page.
func before(body, a, b string) bool {
	i, j := strings.Index(body, a), strings.Index(body, b)
	return i >= 0 && j >= 0 && i < j
}

func TestRoutingRulesPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		saveTestRules(t, e, s)
		admin := e.login(t, "admin@acme.test")

		t.Run("agents are refused; leads look and try but cannot save", func(t *testing.T) {
			l1 := e.login(t, "l1@acme.test")
			res, body := l1.get("/admin/routing")
			expectStatus(t, res, body, http.StatusForbidden)
			lacks(t, body, "Double facturation")
			res, body = l1.post("/admin/routing/dry-run", url.Values{"draft": {"{}"}, "n": {"1000"}}, true)
			expectStatus(t, res, body, http.StatusForbidden)

			lead := e.login(t, "lead@acme.test")
			res, body = lead.get("/admin/routing")
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Double facturation", `href="/admin/routing" aria-current="page"`)
			lacks(t, body, `href="/admin/tiers"`) // sections a lead cannot open are not offered
			res, body = lead.post("/admin/routing", with(routingForm(t, body), "op", "down:0"), true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "seul un administrateur peut les enregistrer")
			lacks(t, body, `value="save"`)
			res, body = lead.post("/admin/routing", with(routingForm(t, body), "op", "save"), true)
			expectStatus(t, res, body, http.StatusForbidden)
			if got := storedRuleNames(t, e, s); got[0] != "Double facturation" {
				t.Errorf("a lead's save must change nothing, rules are %v", got)
			}
		})

		t.Run("each rule reads as a sentence in the reader's language", func(t *testing.T) {
			res, body := admin.get("/admin/routing")
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body,
				"Si le texte contient l&#39;expression «\u00a0facturé deux fois\u00a0» et le canal est e-mail → L2 · Support niveau 2, priorité urgente",
				"Si le type de demande est Anomalie → L3",
				"Quand aucune règle ne correspond → L1")
			admin.post("/settings/language", url.Values{"lang": {"en"}, "next": {"/admin/routing"}}, false)
			_, body = admin.get("/admin/routing")
			admin.post("/settings/language", url.Values{"lang": {"fr"}, "next": {"/admin/routing"}}, false)
			contains(t, body,
				"If the text contains the phrase “facturé deux fois” and the channel is email → L2 · Support niveau 2, priority urgent",
				"If the request type is Bug → L3", "When no rule matches → L1")
		})

		t.Run("reordering is kept in the working copy, then saved", func(t *testing.T) {
			_, page := admin.get("/admin/routing")
			res, body := admin.post("/admin/routing", with(routingForm(t, page), "op", "down:0"), true)
			expectStatus(t, res, body, http.StatusOK)
			if !before(body, "Anomalies vers L3", "Double facturation") {
				t.Fatalf("moving the first rule down should list it second\n%s", excerpt(body))
			}
			contains(t, body, "Vous avez des modifications non enregistrées", `value="save"`)
			if got := storedRuleNames(t, e, s); got[0] != "Double facturation" {
				t.Fatalf("moving a rule must not save it yet, rules are %v", got)
			}
			res, body = admin.post("/admin/routing", with(routingForm(t, body), "op", "save"), false)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/routing?saved=1" {
				t.Fatalf("save: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
			}
			if got := storedRuleNames(t, e, s); strings.Join(got, ",") != "Anomalies vers L3,Double facturation,Jamais" {
				t.Fatalf("saved order: %v", got)
			}
			_, body = admin.get("/admin/routing?saved=1")
			contains(t, body, "Règles de routage enregistrées")
			if !before(body, "Anomalies vers L3", "Double facturation") {
				t.Error("the saved order should show after a reload")
			}
			lacks(t, body, "Vous avez des modifications non enregistrées")
			// Back to the original order for the next subtests.
			saveTestRules(t, e, s)
		})

		t.Run("a bad rule is refused with the error at its row", func(t *testing.T) {
			_, page := admin.get("/admin/routing")
			form := routingForm(t, page)
			var rs routing.RuleSet
			if err := json.Unmarshal([]byte(form.Get("draft")), &rs); err != nil {
				t.Fatal(err)
			}
			rs.Rules[1].When = routing.Condition{All: []routing.Condition{
				{Field: routing.FieldRequestType, Op: routing.OpIs, Value: "bug"},
				{Field: routing.FieldOpenTickets, Op: routing.OpGt, Value: "beaucoup"},
			}}
			rs.Rules[1].Then.Team = "Équipe fantôme"
			raw, _ := json.Marshal(rs)
			res, body := admin.post("/admin/routing", with(form, "draft", string(raw), "op", "save"), true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, "Les règles de routage sont invalides", "Modifier la règle 2",
				`<p class="field-error" id="c1-value-err">« beaucoup » n&#39;est pas un nombre.</p>`,
				`id="err-a_team">L&#39;équipe « Équipe fantôme » n&#39;existe pas dans cet espace.`)
			lacks(t, body, `id="c0-value-err"`)
			if got := storedRuleNames(t, e, s); got[1] != "Anomalies vers L3" {
				t.Fatalf("a refused set must not be saved: %v", got)
			}
		})

		t.Run("the editor filters tests by field and refuses an empty value", func(t *testing.T) {
			_, page := admin.get("/admin/routing")
			res, body := admin.post("/admin/routing", with(routingForm(t, page), "op", "edit:2"), true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Modifier la règle 3", `name="c0_value" type="text" value="xyzzy"`)
			form := with(routingForm(t, body), "op", "refresh", "e_name", "Beaucoup de tickets", "e_enabled", "1", "e_mode", "all",
				"e_rows", "1", "c0_field", "open_tickets", "c0_op", "contains_words", "c0_value", "", "a_tier", "L2")
			res, body = admin.post("/admin/routing", form, true)
			expectStatus(t, res, body, http.StatusOK)
			ops := regexp.MustCompile(`(?s)<select id="c0-op".*?</select>`).FindString(body)
			if !strings.Contains(ops, `<option value="gt"`) || strings.Contains(ops, "contains_words") {
				t.Errorf("open tickets should offer number tests only:\n%s", ops)
			}
			res, body = admin.post("/admin/routing", with(form, "op", "apply", "c0_op", "gt"), true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `id="c0-value-err">Indiquez une valeur.`, `value="Beaucoup de tickets"`)
			res, body = admin.post("/admin/routing", with(form, "op", "apply", "c0_op", "gt", "c0_value", "3"), true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Beaucoup de tickets", "Si le nombre de tickets ouverts du client &gt; 3 → L2")
		})

		t.Run("a rule added in the editor is saved with an id of its own", func(t *testing.T) {
			_, page := admin.get("/admin/routing")
			res, body := admin.post("/admin/routing", with(routingForm(t, page), "op", "add"), true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Nouvelle règle")
			form := with(routingForm(t, body), "op", "apply", "e_name", "VIP en L2", "e_enabled", "1", "e_mode", "any", "e_rows", "2",
				"c0_field", "segment", "c0_op", "is", "c0_value", "vip", "c1_field", "subject", "c1_op", "contains_any_word",
				"c1_value", "urgent bloqué", "c1_not", "1", "a_tier", "L2", "a_assign", "strategy:round_robin", "a_team", "Support niveau 2")
			res, body = admin.post("/admin/routing", form, true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Si le segment est VIP ou l&#39;objet ne contient aucun des mots «\u00a0urgent bloqué\u00a0» → L2 · Support niveau 2, attribué à tour de rôle")
			res, body = admin.post("/admin/routing", with(routingForm(t, body), "op", "save"), true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, "Règles de routage enregistrées")
			rs, err := e.d.RoutingRules(context.Background(), storetest.Actor(t, s, e.f.Admin))
			if err != nil || len(rs.Rules) != 4 || rs.Rules[3].ID != 4 || rs.Rules[3].When.Any[1].Not == nil {
				t.Fatalf("the new rule should be saved last with id 4 and its negated test: %+v, %v", rs.Rules, err)
			}
			saveTestRules(t, e, s)
		})

		t.Run("the dry run counts what the working copy would move", func(t *testing.T) {
			lead := e.login(t, "lead@acme.test")
			_, page := lead.get("/admin/routing")
			form := with(routingForm(t, page), "n", "1000")
			res, body := lead.post("/admin/routing/dry-run", form, true)
			expectStatus(t, res, body, http.StatusOK)
			// The lead reads L1 and L2: the dry run tries those 5 tickets.
			contains(t, body, `id="dry-total">5<`, `id="dry-moved">2<`,
				"<td>L1 · Support niveau 1</td><td>→ L2 · Support niveau 2</td>", "<td>L2 · Support niveau 2</td><td>→ L3</td>",
				`href="/tickets/`+id(e.f.Ticket["L1"].ID)+`">#1000</a>`, "Export CSV vide",
				// Why, in words: the bug rule took #1002.
				`Anomalies vers L3<br><span class="muted small">le type de demande est Anomalie</span>`)
			if !regexp.MustCompile(`(?s)<tr class="zero-hit">\s*<td>3</td>\s*<td>Jamais`).MatchString(body) {
				t.Errorf("the rule that never matches should be highlighted\n%s", excerpt(body))
			}
			// Unsaved changes count: without the bug rule, bugs fall back to L1.
			_, toggled := lead.post("/admin/routing", with(routingForm(t, page), "op", "toggle:1"), true)
			res, body = lead.post("/admin/routing/dry-run", with(routingForm(t, toggled), "n", "1000"), true)
			expectStatus(t, res, body, http.StatusOK)
			contains(t, body, `id="dry-moved">2<`, "<td>L2 · Support niveau 2</td><td>→ L1</td>")

			res, body = lead.post("/admin/routing/dry-run", with(form, "n", "5"), true)
			expectStatus(t, res, body, http.StatusBadRequest)
			bad := testRules()
			bad.Rules[0].Then.Tier = "L9"
			raw, _ := json.Marshal(bad)
			res, body = lead.post("/admin/routing/dry-run", with(form, "draft", string(raw)), true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, "Règle 1 (Double facturation), Niveau : Le niveau « L9 » n&#39;existe pas dans cet espace.")
		})

		t.Run("saving over someone else's newer rules asks first", func(t *testing.T) {
			_, page := admin.get("/admin/routing")
			_, moved := admin.post("/admin/routing", with(routingForm(t, page), "op", "down:0"), true)
			other := testRules()
			other.Rules = other.Rules[:2]
			if err := e.d.SaveRoutingRules(context.Background(), storetest.Actor(t, s, e.f.Admin), other); err != nil {
				t.Fatal(err)
			}
			res, body := admin.post("/admin/routing", with(routingForm(t, moved), "op", "save"), true)
			expectStatus(t, res, body, http.StatusConflict)
			contains(t, body, "Quelqu&#39;un a enregistré les règles", `value="overwrite"`)
			if got := storedRuleNames(t, e, s); len(got) != 2 {
				t.Fatalf("a conflicting save must not overwrite: %v", got)
			}
			res, body = admin.post("/admin/routing", with(routingForm(t, body), "op", "overwrite"), true)
			expectStatus(t, res, body, http.StatusOK)
			if got := storedRuleNames(t, e, s); len(got) != 3 || got[0] != "Anomalies vers L3" {
				t.Fatalf("overwrite should save the working copy: %v", got)
			}
		})
	})
}

// TestRoutingDryRunWithoutHTMX is the page without JavaScript: the dry run
// posts as a plain form and answers with the whole page, and its address
// asked for with GET (a reload, a bookmark) leads back to the rules.
func TestRoutingDryRunWithoutHTMX(t *testing.T) {
	e, s := sqliteEnv(t)
	saveTestRules(t, e, s)
	admin := e.login(t, "admin@acme.test")
	_, page := admin.get("/admin/routing")
	res, body := admin.post("/admin/routing/dry-run", with(routingForm(t, page), "n", "1000", "op", "dry_run"), false)
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, `id="routing-form"`, `id="dry-total">7<`, `id="dry-moved">2<`)
	res, body = admin.get("/admin/routing/dry-run")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/routing" {
		t.Fatalf("GET of the dry run: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), excerpt(body))
	}
}

// TestRoutingPageAfterRenamesAndBreakage: a renamed team shows under its
// new name in the rules' sentences; saved rules that cannot apply (a team
// gone behind their back) are announced at the top of the page, with the
// error on the rule.
func TestRoutingPageAfterRenamesAndBreakage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		saveTestRules(t, e, s)
		admin := e.login(t, "admin@acme.test")
		ctx := context.Background()
		team := e.f.Team["L2"]
		team.Name = "Deuxième ligne"
		if err := e.d.UpdateTeam(ctx, storetest.Actor(t, s, e.f.Admin), team); err != nil {
			t.Fatal(err)
		}
		res, body := admin.get("/admin/routing")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "→ L2 · Deuxième ligne, priorité urgente")
		lacks(t, body, `id="routing-broken"`)

		rs := testRules()
		rs.Rules[0].Then.TeamID, rs.Rules[0].Then.Team = 999_999, "Équipe supprimée"
		if _, err := s.SaveRoutingRules(ctx, e.f.WS.ID, e.f.Admin.ID, rs); err != nil {
			t.Fatal(err)
		}
		res, body = admin.get("/admin/routing")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="routing-broken" class="form-error" role="alert">Les règles enregistrées ne peuvent pas s&#39;appliquer`, "999999",
			"L&#39;équipe n° 999999 («\u00a0Équipe supprimée\u00a0») n&#39;existe plus")
	})
}

// TestRoutedReasonsInTheReadersLanguage: the timeline says why a rule
// placed a ticket as a sentence in the reader's language, not in rule
// notation.
func TestRoutedReasonsInTheReadersLanguage(t *testing.T) {
	e, s := sqliteEnv(t)
	saveTestRules(t, e, s)
	tk, err := e.d.CreateTicket(context.Background(), storetest.Actor(t, s, e.f.Admin), desk.NewTicket{Subject: "Facture",
		Body: "On m'a facturé deux fois.", Channel: "email", RequestType: "billing", CustomerID: e.f.Customer["alice"].ID})
	if err != nil {
		t.Fatal(err)
	}
	admin := e.login(t, "admin@acme.test")
	res, body := admin.get("/tickets/" + id(tk.ID))
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, "le texte contient l&#39;expression «\u00a0facturé deux fois\u00a0» (trouvé\u00a0: ", " · le canal est e-mail</span>")
	lacks(t, body, "contains_phrase")
	admin.post("/settings/language", url.Values{"lang": {"en"}, "next": {"/"}}, false)
	_, body = admin.get("/tickets/" + id(tk.ID))
	contains(t, body, "the text contains the phrase “facturé deux fois” (found: ", " · the channel is email</span>")
}

// TestDeactivatingARequestTypeRulesUse: the admin page refuses to
// deactivate a request type a rule names, says which rule, and keeps it.
func TestDeactivatingARequestTypeRulesUse(t *testing.T) {
	e, s := sqliteEnv(t)
	saveTestRules(t, e, s)
	admin := e.login(t, "admin@acme.test")
	bug := e.f.Type["bug"]
	res, body := admin.post("/admin/types/"+id(bug.ID), url.Values{"name_fr": {bug.NameFR}, "name_en": {bug.NameEN}}, false)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	contains(t, body, "Des règles de routage l&#39;utilisent : 2 (Anomalies vers L3).")
	dir, err := e.d.Directory(context.Background(), storetest.Actor(t, s, e.f.Admin))
	if err != nil {
		t.Fatal(err)
	}
	if !dir.RequestType(bug.ID).Active {
		t.Error("a refused deactivation must leave the request type active")
	}
}

// TestApplyingAnUnchangedRuleChangesNothing: the editor's form names the
// team; applying a rule as it was must give back its ids, so the page
// shows no unsaved change.
func TestApplyingAnUnchangedRuleChangesNothing(t *testing.T) {
	e, s := sqliteEnv(t)
	saveTestRules(t, e, s)
	admin := e.login(t, "admin@acme.test")
	_, page := admin.get("/admin/routing")
	_, body := admin.post("/admin/routing", with(routingForm(t, page), "op", "edit:0"), true)
	form := with(routingForm(t, body), "op", "apply", "e_name", "Double facturation", "e_enabled", "1", "e_mode", "all", "e_rows", "2",
		"c0_field", "text", "c0_op", "contains_phrase", "c0_value", "facturé deux fois", "c1_field", "channel", "c1_op", "is", "c1_value", "email",
		"a_tier", "L2", "a_team", "Support niveau 2", "a_priority", "urgent")
	res, body := admin.post("/admin/routing", form, true)
	expectStatus(t, res, body, http.StatusOK)
	lacks(t, body, "Vous avez des modifications non enregistrées")
}

// TestBrowserRoutingRules is Marc reordering two rules in a real browser
// under the production CSP: the move happens in the page (htmx), is saved
// as a whole, and is still there after a reload. On the way, the dry run
// answers in place and the editor narrows a row's tests to its field.
func TestBrowserRoutingRules(t *testing.T) {
	ctx, e, s := browserEnv(t)
	saveTestRules(t, e, s)

	signInAt(t, ctx, e, "/admin/routing", "admin@acme.test", "#routing")
	expectText(t, ctx, "#rule-0 .rule-name", "Double facturation")
	run(t, ctx, "move the first rule down",
		swapped(`true`),
		chromedp.Click(chromedp.CSS(`#rule-0 button[value="down:0"]`)),
		// The new list is in place and htmx has wired it: clicking the
		// swapped form earlier would post it as a plain form.
		swapped(`document.querySelector('#rule-0 .rule-name').textContent === 'Anomalies vers L3'`),
		chromedp.WaitVisible(chromedp.CSS(`.draft-bar button[value="save"]`)),
	)
	run(t, ctx, "try the working copy on past tickets",
		chromedp.Click(chromedp.CSS(`#routing button[value="dry_run"]`)),
		swapped(`document.querySelector('#dry-moved') !== null`),
	)
	expectTrue(t, ctx, "the dry run answered in place", `location.pathname === '/admin/routing'`)
	expectText(t, ctx, "#dry-total", "7")
	expectText(t, ctx, "#dry-moved", "2")
	expectText(t, ctx, "#dry-run-result tr.zero-hit", "Jamais")
	shoot(t, ctx, "routing-dry-run")
	run(t, ctx, "save the rules",
		chromedp.Click(chromedp.CSS(`.draft-bar button[value="save"]`)),
		swapped(`document.querySelector('#routing .saved') !== null`),
	)
	run(t, ctx, "reload", chromedp.Reload(), swapped(`document.querySelector('#rule-1') !== null`))
	expectText(t, ctx, "#rule-0 .rule-name", "Anomalies vers L3")
	expectText(t, ctx, "#rule-1 .rule-name", "Double facturation")
	expectTrue(t, ctx, "no unsaved changes after a reload", `document.querySelector('.draft-bar') === null`)

	run(t, ctx, "open the editor and pick a numeric field",
		chromedp.Click(chromedp.CSS(`#rule-1 button[value="edit:1"]`)),
		swapped(`document.querySelector('#c1-field') !== null`),
		chromedp.SetValue(chromedp.CSS("#c1-field"), "open_tickets"),
		script(`document.querySelector('#c1-field').dispatchEvent(new Event('change', {bubbles: true}))`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#c1-op').value === 'eq'`),
	)
	expectTrue(t, ctx, "only number tests for a count",
		`[...document.querySelectorAll('#c1-op option')].map(o => o.value).join() === 'eq,gt,gte,lt,lte'`)
	shoot(t, ctx, "routing-editor")
}
