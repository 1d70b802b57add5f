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
)

func TestEscalation(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		tk := e.f.Ticket["L1"]
		path := "/tickets/" + id(tk.ID) + "/escalate"
		l1 := e.login(t, "l1@acme.test")

		_, page := l1.get("/tickets/" + id(tk.ID))
		contains(t, page, `id="escalate"`, "Escalader vers L2", "Étapes déjà essayées", "Message d&#39;erreur")

		// Nadia cannot hand off without what L2 needs.
		res, body := l1.post(path, url.Values{"direction": {"up"}, "reason": {"Double prélèvement confirmé, remboursement à faire"}}, true)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, "Renseignez ce dont le niveau suivant a besoin", `id="err-answers.steps_tried"`, `id="err-answers.error_message"`,
			"Ce champ est obligatoire.", "Double prélèvement confirmé")
		got, err := e.d.Ticket(context.Background(), storetest.Actor(t, s, e.f.Lead), tk.ID)
		if err != nil || got.TierID != tk.TierID {
			t.Fatalf("a refused hand-off must change nothing: tier %d, %v", got.TierID, err)
		}

		contains(t, page, `name="from_tier" value="L1"`) // the form says which tier it was drawn at
		form := url.Values{"direction": {"up"}, "reason": {"Double prélèvement confirmé, remboursement à faire"}, "from_tier": {"L1"},
			"answer_steps_tried": {"Vérifié l'historique\nRenvoyé la facture"}, "answer_error_message": {"aucun"}}
		res, body = l1.post(path, form, true)
		landing := "/views/handed-off?moved=" + id(tk.ID)
		if res.StatusCode != http.StatusNoContent || res.Header.Get("HX-Redirect") != landing {
			t.Fatalf("hand-off: %d → %q\n%s", res.StatusCode, res.Header.Get("HX-Redirect"), excerpt(body))
		}
		// He lands on what he handed off, told where it went and who has it.
		res, body = l1.get(landing)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "#1000 transmis à L2 · Niveau 2, équipe Support niveau 2. Personne ne l&#39;a encore pris en charge (non assigné).",
			"Transmis par moi", html.EscapeString(tk.Subject))
		// The same form sent again (a double click) moves nothing.
		res, body = l1.post(path, form, true)
		expectStatus(t, res, body, http.StatusConflict)
		contains(t, body, "Ce ticket a été déplacé entre-temps (il est maintenant en L2)")
		if got, _ := e.d.Ticket(context.Background(), storetest.Actor(t, s, e.f.Lead), tk.ID); got.EscalationCount != 1 {
			t.Errorf("escalations after a duplicate submit = %d, want 1", got.EscalationCount)
		}
		// He follows the ticket, read-only: internal notes, no reply, no
		// properties, no hand-off.
		res, body = l1.get("/tickets/" + id(tk.ID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Vous avez transmis ce ticket", `value="note" checked`)
		lacks(t, body, `value="reply"`, `id="escalate"`, `name="sensitive"`)
		res, body = l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"note"}, "body": {"Le client rappelle demain."}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = l1.post("/tickets/"+id(tk.ID)+"/messages", url.Values{"mode": {"reply"}, "body": {"Bonjour"}}, false)
		expectStatus(t, res, body, http.StatusForbidden)

		l2 := e.login(t, "l2@acme.test") // Dana reads English
		_, page = l2.get("/tickets/" + id(tk.ID))
		contains(t, page, "Hand-off summary", "Vérifié l&#39;historique", "Double prélèvement confirmé", "Luc Premier escalated from L1 to L2")
		if strings.Index(page, "Hand-off summary") > strings.Index(page, `id="timeline"`) {
			t.Error("the hand-off summary should come before the timeline")
		}
	})
}
