package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// hybridWithSwarmedBugs makes the workspace hybrid and its "bug" request
// type worked by swarming; billing follows the workspace (tiered).
func hybridWithSwarmedBugs(t *testing.T, s *store.Store, f storetest.Fixture) {
	t.Helper()
	ctx := context.Background()
	w := f.WS
	w.SupportModel = workspace.Hybrid
	if err := s.UpdateWorkspace(ctx, f.Admin.ID, w); err != nil {
		t.Fatal(err)
	}
	bug := f.Type["bug"]
	bug.Model = workspace.Swarming
	if err := s.UpdateRequestType(ctx, f.WS.ID, f.Admin.ID, bug); err != nil {
		t.Fatal(err)
	}
}

// A swarmed ticket has no hand-off panel: the swarm panel leads the column
// and says why. The owner invites a whole team with a question, and the
// timeline reads as one line with the question under it.
func TestSwarmingTicketPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		hybridWithSwarmedBugs(t, s, f)
		l3 := e.login(t, "l3@acme.test") // Théo, owner of the L3 bug ticket
		bug := "/tickets/" + id(f.Ticket["L3"].ID)

		res, page := l3.get(bug)
		expectStatus(t, res, page, http.StatusOK)
		lacks(t, page, `id="escalate"`, "Escalader ou redescendre")
		contains(t, page, `class="panel swarm swarm-model"`, "Ce ticket est traité en essaimage", `name="invitee"`, `name="question"`,
			`<optgroup label="Équipes entières">`)
		if strings.Index(page, `id="swarm"`) > strings.Index(page, `id="properties"`) {
			t.Error("under swarming the swarm panel should come before the properties")
		}

		// A billing ticket of the same hybrid workspace is tiered.
		l1 := e.login(t, "l1@acme.test")
		_, page = l1.get("/tickets/" + id(f.Ticket["L1"].ID))
		contains(t, page, `id="escalate"`)
		lacks(t, page, "Ce ticket est traité en essaimage")

		question := "Le webhook renvoie 500, une idée ?"
		res, body := l3.post(bug+"/invite", url.Values{"invitee": {"team-" + id(f.Team["L2"].ID)}, "question": {question}}, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite a team: %d\n%s", res.StatusCode, excerpt(body))
		}
		_, page = l3.get(bug)
		contains(t, page, "Théo Troisième a invité Léa Lead, Dana Second (équipe Support niveau 2) dans l&#39;essaim",
			"«\u00a0"+question+"\u00a0»", `class="swarm-members">Léa Lead, Dana Second<`)

		// Nobody left in the team. Without htmx the browser comes back to
		// the ticket's own address, told why next to the form, in French.
		res, body = l3.post(bug+"/invite", url.Values{"invitee": {"team-" + id(f.Team["L2"].ID)}, "question": {"Encore ?"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		back := res.Header.Get("Location")
		if !strings.HasPrefix(back, bug+"?") || !strings.HasSuffix(back, "#swarm") {
			t.Fatalf("a refused plain invitation goes to %q, want the ticket", back)
		}
		_, page = l3.get(back)
		contains(t, page, `<p class="form-error" role="alert" tabindex="-1">Toute l&#39;équipe participe déjà.</p>`)
		// With htmx the panel alone comes back, with what was typed.
		res, body = l3.post(bug+"/invite", url.Values{"invitee": {"team-" + id(f.Team["L2"].ID)}, "question": {"Encore ?"}}, true)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-invitee"`, "Toute l&#39;équipe participe déjà.", ">Encore ?</textarea>", `aria-describedby="err-invitee"`)
		lacks(t, body, `id="properties"`, `id="ticket-header"`)

		// Nobody chosen: the select says so.
		res, body = l3.post(bug+"/invite", url.Values{"invitee": {""}}, true)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `<p class="field-error" id="err-invitee">Ce champ est obligatoire.</p>`)
		res, _ = l3.post(bug+"/invite", url.Values{"invitee": {""}}, false)
		expectStatus(t, res, "", http.StatusSeeOther)
		_, page = l3.get(res.Header.Get("Location"))
		contains(t, page, "Choisissez un collègue ou une équipe à inviter.")

		// Inviting someone already in says so, and changes nothing.
		res, body = l3.post(bug+"/invite", url.Values{"invitee": {"agent-" + id(f.AgentL2.ID)}}, true)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `class="saved swarm-notice" role="status">Dana Second participe déjà à ce ticket : rien n&#39;a changé.</p>`)
		res, _ = l3.post(bug+"/invite", url.Values{"invitee": {"agent-" + id(f.AgentL2.ID)}}, false)
		expectStatus(t, res, "", http.StatusSeeOther)
		_, page = l3.get(res.Header.Get("Location"))
		contains(t, page, "Dana Second participe déjà à ce ticket")

		// The desk refuses the escalation even without the panel.
		res, body = l3.post(bug+"/escalate", url.Values{"direction": {"up"}, "reason": {"Besoin d'aide"}}, false)
		expectStatus(t, res, body, http.StatusConflict)
		contains(t, body, "Ce type de demande est traité en essaimage : gardez le ticket et invitez plutôt des experts.")
	})
}

// In a hybrid workspace the request type form chooses the model and saves
// it; elsewhere it says the workspace decides and leaves the model alone.
func TestRequestTypeModelInAdmin(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		admin := e.login(t, "admin@acme.test")
		form := "/admin/types/" + id(f.Type["bug"].ID)
		_, page := admin.get(form)
		lacks(t, page, `name="model"`)
		contains(t, page, "comme tout l&#39;espace de travail")

		res, body := admin.post("/admin/workspace", url.Values{"name": {"Acme Support"}, "support_model": {"hybrid"}, "languages": {"fr", "en"},
			"default_language": {"fr"}, "timezone": {"Europe/Paris"}}, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch to hybrid: %d\n%s", res.StatusCode, excerpt(body))
		}
		_, page = admin.get(form)
		contains(t, page, `name="model"`, "Par défaut de l&#39;espace (par niveaux)")

		cases := []struct {
			model  string
			status int
			want   workspace.SupportModel
		}{
			{"swarming", http.StatusSeeOther, workspace.Swarming},
			{"hybrid", http.StatusUnprocessableEntity, workspace.Swarming}, // refused: the model stays
			{"", http.StatusSeeOther, ""},
			{"tiered", http.StatusSeeOther, workspace.Tiered},
		}
		for _, c := range cases {
			res, body := admin.post(form, url.Values{"name_fr": {"Anomalie"}, "name_en": {"Bug"}, "active": {"1"}, "model": {c.model}}, false)
			if res.StatusCode != c.status {
				t.Fatalf("model %q: %d, want %d\n%s", c.model, res.StatusCode, c.status, excerpt(body))
			}
			if got := bugModel(t, s, f); got != c.want {
				t.Errorf("after saving %q the model is %q, want %q", c.model, got, c.want)
			}
		}
		_, page = admin.get("/admin/types")
		contains(t, page, "Par niveaux (N1 → N2 → N3)")

		// Back to a tiered workspace: saving the form keeps the type's model.
		res, _ = admin.post("/admin/workspace", url.Values{"name": {"Acme Support"}, "support_model": {"tiered"}, "languages": {"fr", "en"},
			"default_language": {"fr"}, "timezone": {"Europe/Paris"}}, false)
		expectStatus(t, res, "", http.StatusSeeOther)
		res, _ = admin.post(form, url.Values{"name_fr": {"Anomalie"}, "name_en": {"Bug"}, "active": {"1"}}, false)
		expectStatus(t, res, "", http.StatusSeeOther)
		if got := bugModel(t, s, f); got != workspace.Tiered {
			t.Errorf("a form without the model changed it to %q", got)
		}
	})
}

func bugModel(t *testing.T, s *store.Store, f storetest.Fixture) workspace.SupportModel {
	t.Helper()
	types, err := s.RequestTypes(context.Background(), f.WS.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range types {
		if rt.ID == f.Type["bug"].ID {
			return rt.Model
		}
	}
	t.Fatal("no bug request type")
	return ""
}

// A collaborator's inbox is the swarms they are in; their ticket page is
// for reading and notes; the admin creates them like any member.
func TestCollaboratorPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		f := e.f
		ctx := context.Background()
		adminActor := storetest.Actor(t, s, f.Admin)
		po, err := e.d.CreateMember(ctx, adminActor, workspace.Member{Email: "po@acme.test", Name: "Paul Produit", Role: workspace.Collaborator,
			Active: true, Language: "fr"}, storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.d.Invite(ctx, storetest.Actor(t, s, f.AgentL3), f.Ticket["L3"].ID, po.ID); err != nil {
			t.Fatal(err)
		}
		c := e.login(t, "po@acme.test")
		res, page := c.get("/")
		expectStatus(t, res, page, http.StatusOK)
		contains(t, page, html.EscapeString(f.Ticket["L3"].Subject), `data-view="swarms"`)
		lacks(t, page, `href="/tickets/new"`, `data-view="mine"`, `data-view="unassigned"`, `data-view="all"`, f.Ticket["L1"].Subject)

		res, page = c.get("/tickets/" + id(f.Ticket["L3"].ID))
		expectStatus(t, res, page, http.StatusOK)
		contains(t, page, `value="note"`, "Vous êtes invité à aider", `<fieldset class="props" disabled>`)
		lacks(t, page, `value="reply"`, `id="escalate"`, `action="/tickets/`+id(f.Ticket["L3"].ID)+`/invite"`)

		for path, want := range map[string]int{
			"/tickets/new":                      http.StatusForbidden,
			"/tickets/" + id(f.Ticket["L1"].ID): http.StatusNotFound,
		} {
			res, body := c.get(path)
			expectStatus(t, res, body, want)
		}

		admin := e.login(t, "admin@acme.test")
		_, page = admin.get("/admin/agents/new")
		contains(t, page, `<option value="collaborator"`, "Collaborateur (hors support)", "n&#39;appartient à aucun niveau")
		// Nobody assigns a ticket to them from the properties form.
		_, page = admin.get("/tickets/" + id(f.Ticket["L1"].ID))
		i := strings.Index(page, `id="p-owner_id"`)
		if i < 0 || strings.Contains(page[i:i+strings.Index(page[i:], "</select>")], "Paul Produit") {
			t.Error("a collaborator is offered as owner")
		}
	})
}
