package api

import (
	"strings"
	"testing"
)

type macroOutT struct {
	ID    int64  `json:"id"`
	Scope string `json:"scope"`
	Usage int64  `json:"usage"`
}

// Every role on every macro route: who sees, who changes, who applies.
func TestMacroRoutesByRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var shared, personal macroOutT
		e.must(e.send("lead", "POST", Prefix+"/macros", map[string]any{"name": "Renvoi de facture", "scope": "shared",
			"body_fr": "Bonjour {{customer_first_name}}, voici votre facture ({{ticket_ref}}).", "body_en": "Hello {{customer_first_name}}, here is your invoice ({{ticket_ref}}).",
			"actions": map[string]any{"status": "pending", "add_tags": []string{"facture"}}}), 201, &shared)
		e.must(e.send("agentL1", "POST", Prefix+"/macros", map[string]any{"name": "Ma relance", "body_fr": "Des nouvelles ?"}), 201, &personal)
		if personal.Scope != "personal" {
			t.Errorf("a macro without scope is personal, got %q", personal.Scope)
		}
		sharedPath, personalPath := idPath("/macros", shared.ID), idPath("/macros", personal.ID)
		e.checkRoleCases(t, []roleCase{
			{"an agent reads a shared macro", "agentL2", "GET", sharedPath, nil, 200, ""},
			{"an agent cannot change a shared macro", "agentL1", "PATCH", sharedPath, map[string]any{"name": "x"}, 403, ""},
			{"an agent cannot delete a shared macro", "agentL1", "DELETE", sharedPath, nil, 403, ""},
			{"an agent cannot share with everyone", "agentL1", "POST", Prefix + "/macros", map[string]any{"name": "x", "scope": "shared", "body_fr": "x"}, 403, ""},
			{"another agent does not see a personal macro", "agentL2", "GET", personalPath, nil, 404, ""},
			{"a lead does not see someone's personal macro", "lead", "PATCH", personalPath, map[string]any{"name": "x"}, 404, ""},
			{"another workspace sees nothing", "other", "GET", sharedPath, nil, 404, ""},
			{"an unknown placeholder is refused", "lead", "PATCH", sharedPath, map[string]any{"body_fr": "Bonjour {{client}}"}, 422, ""},
			{"an agent previews on a ticket they cannot see", "agentL1", "GET", e.ticketPath("L3") + "/macros/" + itoa(shared.ID), nil, 404, ""},
			{"the owner changes their macro", "agentL1", "PATCH", personalPath, map[string]any{"name": "Relance"}, 200, ""},
		})

		// Preview, then apply as the L1 agent on an L1 ticket of alice (fr).
		var pv struct {
			Language, Body string
			Missing        []string
		}
		e.must(e.get("agentL1", e.ticketPath("L1")+"/macros/"+itoa(shared.ID)), 200, &pv)
		ref := e.f.Ticket["L1"].Reference
		if pv.Language != "fr" || !strings.HasPrefix(pv.Body, "Bonjour ") || !strings.Contains(pv.Body, ref) {
			t.Fatalf("preview = %+v", pv)
		}
		var tk struct {
			Status string
			Tags   []string
		}
		e.must(e.send("agentL1", "POST", e.ticketPath("L1")+"/macros/"+itoa(shared.ID), map[string]any{"body": pv.Body + "\nNadia"}), 200, &tk)
		if tk.Status != "pending" || len(tk.Tags) == 0 {
			t.Errorf("ticket after the macro = %+v", tk)
		}
		var used macroOutT
		e.must(e.get("agentL1", sharedPath), 200, &used)
		if used.Usage != 1 {
			t.Errorf("usage = %d, want 1", used.Usage)
		}
		var list struct{ Data []macroOutT }
		e.must(e.get("agentL2", Prefix+"/macros"), 200, &list)
		if len(list.Data) != 1 || list.Data[0].ID != shared.ID {
			t.Errorf("agentL2 sees %+v, want the shared macro only", list.Data)
		}
		e.must(e.send("lead", "DELETE", sharedPath, nil), 200, nil)
		e.must(e.get("lead", sharedPath), 404, nil)
	})
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// A macro's article link is where customers reach the help centre: the
// configured public address, not the address the API was called at.
func TestMacroArticleLinkUsesThePublicAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.api.publicURL = "https://support.example"
		var art struct{ ID int64 }
		e.must(e.send("admin", "POST", Prefix+"/kb/articles", map[string]any{"title": "Réinitialiser son mot de passe", "language": "fr",
			"body": "Suivez le lien reçu.", "status": "published", "visibility": "public"}), 201, &art)
		var m macroOutT
		e.must(e.send("admin", "POST", Prefix+"/macros", map[string]any{"name": "Mot de passe", "scope": "shared",
			"body_fr": "Voir {{article:" + itoa(art.ID) + "}}"}), 201, &m)
		var pv struct{ Body string }
		e.must(e.get("admin", e.ticketPath("L1")+"/macros/"+itoa(m.ID)), 200, &pv)
		if want := "Voir Réinitialiser son mot de passe : https://support.example/help/articles/" + itoa(art.ID); pv.Body != want {
			t.Errorf("preview = %q, want %q", pv.Body, want)
		}
	})
}
