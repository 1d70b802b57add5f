package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The Properties form offers only what can work: agents see the tier as
// text beside "Escalate or send down" (leads keep the select), only the
// teams of the ticket's tier and the people who work there, and the
// sensitive box only when they may set it. Posting what is not offered is
// refused by the desk with the reason in the form, and changes nothing.
func TestPropertiesFormScope(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		ctx := context.Background()
		lead := storetest.Actor(t, s, f.Lead)
		current := func(key string) ticket.Ticket {
			tk, err := e.d.Ticket(ctx, lead, f.Ticket[key].ID)
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		l1 := e.login(t, "l1@acme.test")
		props := func(key string) string { return "/tickets/" + id(f.Ticket[key].ID) + "/properties" }

		t.Run("what an agent is offered", func(t *testing.T) {
			_, page := l1.get("/tickets/" + id(f.Ticket["L1owned"].ID))
			contains(t, page, `<output id="p-tier" class="tier-readonly">L1 · Niveau 1</output>`, `href="#escalate-form"`, "Escalader ou redescendre",
				`name="sensitive_field"`, `id="p-sensitive"`) // he owns it
			lacks(t, page, `name="tier_id"`)
			teams, owners := selectOf(page, "p-team_id"), selectOf(page, "p-owner_id")
			contains(t, teams, `<option value="`+id(f.Team["L1"].ID)+`" selected>`)
			lacks(t, teams, `<option value="`+id(f.Team["L2"].ID)+`"`)
			contains(t, owners, `<option value="`+id(f.Lead.ID)+`"`)
			lacks(t, owners, `<option value="`+id(f.AgentL3.ID)+`"`, `<option value="`+id(f.AgentL2.ID)+`"`)
			_, page = l1.get("/tickets/" + id(f.Ticket["L1"].ID))
			lacks(t, page, `name="sensitive_field"`) // not his: no box
			_, page = e.login(t, "lead@acme.test").get("/tickets/" + id(f.Ticket["L1"].ID))
			contains(t, page, `name="tier_id"`, `name="sensitive_field"`)
			contains(t, selectOf(page, "p-owner_id"), `<option value="`+id(f.AgentL3.ID)+`"`)
		})

		refusals := []struct {
			name, ticket string
			form         url.Values
			status       int
			says         string
		}{
			{"an agent marks a ticket he does not own sensitive", "L1", url.Values{"sensitive_field": {"1"}, "sensitive": {"1"}}, http.StatusForbidden,
				"Seuls les responsables d&#39;équipe, les administrateurs et le responsable du ticket peuvent le marquer sensible"},
			{"an agent assigns outside the tier", "L1", url.Values{"owner_id": {id(f.AgentL3.ID)}}, http.StatusForbidden,
				"Cette personne ne travaille pas dans le niveau ou l&#39;équipe du ticket."},
			{"an agent moves it to another tier's team", "L1", url.Values{"team_id": {id(f.Team["L2"].ID)}}, http.StatusForbidden,
				"Cette équipe appartient à un autre niveau : escaladez plutôt le ticket."},
			{"an agent re-tiers it", "L1", url.Values{"tier_id": {id(f.Tier["L2"].ID)}}, http.StatusForbidden,
				"Pour changer un ticket de niveau, escaladez-le"},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				before := current(c.ticket)
				res, body := l1.post(props(c.ticket), c.form, true)
				expectStatus(t, res, body, c.status)
				contains(t, body, c.says)
				after := current(c.ticket)
				if after.Sensitive != before.Sensitive || after.OwnerID != before.OwnerID || after.TeamID != before.TeamID || after.TierID != before.TierID ||
					!after.UpdatedAt.Equal(before.UpdatedAt) {
					t.Errorf("a refused change changed the ticket: %+v → %+v", before, after)
				}
			})
		}

		t.Run("the owner marks his ticket sensitive, then lifts it", func(t *testing.T) {
			for _, want := range []bool{true, false} {
				form := url.Values{"sensitive_field": {"1"}}
				if want {
					form.Set("sensitive", "1")
				}
				res, body := l1.post(props("L1owned"), form, true)
				expectStatus(t, res, body, http.StatusOK)
				if got := current("L1owned").Sensitive; got != want {
					t.Errorf("sensitive = %v, want %v", got, want)
				}
			}
		})
	})
}

// Phone intake by an L1 agent of a ticket routing sends to L2: she does
// not own it, is told where it went, and follows it in "Transmis par moi".
// The form says that routing rules place the ticket.
func TestIntakeRoutedElsewhere(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		admin := storetest.Actor(t, s, e.f.Admin)
		rules := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Anomalies au niveau 2", Enabled: true,
			When: routing.Condition{Field: "request_type", Op: routing.OpIs, Value: "bug"}, Then: routing.Actions{Tier: "L2"}}},
			Fallback: routing.Actions{Tier: "L1"}}
		if err := e.d.SaveRoutingRules(context.Background(), admin, rules); err != nil {
			t.Fatal(err)
		}
		l1 := e.login(t, "l1@acme.test")
		_, page := l1.get("/tickets/new")
		contains(t, page, "Les règles de routage placeront le ticket dans un niveau et une équipe.", "« Transmis par moi »")
		lacks(t, page, "route par défaut")

		res, body := l1.post("/tickets/new", url.Values{"customer_email": {"zoe@example.fr"}, "customer_name": {"Zoé Durand"},
			"subject": {"Appel : l'export plante"}, "body": {"Erreur 500 à l'export."}, "request_type": {"bug"}, "priority": {"normal"}}, false)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/views/handed-off?moved=") {
			t.Fatalf("create: %d %q\n%s", res.StatusCode, loc, excerpt(body))
		}
		res, body = l1.get(loc)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "transmis à L2 · Niveau 2, équipe Support niveau 2. Personne ne l&#39;a encore pris en charge (non assigné).",
			"Appel : l&#39;export plante")
		moved := strings.TrimPrefix(loc, "/views/handed-off?moved=")
		res, body = l1.get("/tickets/" + moved)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Vous avez transmis ce ticket")
		lacks(t, body, `value="reply"`)
	})
}

// selectOf returns the HTML of the select with this id, or "".
func selectOf(page, selectID string) string {
	start := strings.Index(page, `<select id="`+selectID+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(page[start:], "</select>")
	if end < 0 {
		return page[start:]
	}
	return page[start : start+end]
}
