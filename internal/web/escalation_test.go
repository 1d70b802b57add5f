package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

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

// TestBrowserEscalation is Luc handing a ticket to L2 and following it,
// under the production CSP: the escalate panel refuses to hand off until
// the checklist is filled in, naming each missing item in French; once
// filled, Luc is told where the ticket went and who has it, finds it in
// "Transmis par moi" and reads it without working it; the L2 agent finds
// the hand-off summary, with his answers, above the timeline and solves
// the ticket; Luc then sees it solved in that view and is notified.
func TestBrowserEscalation(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	tk := e.f.Ticket["L1owned"]
	page := "/tickets/" + id(tk.ID)

	signInAt(t, ctx, e, page, "l1@acme.test", "#composer")
	run(t, ctx, "open the escalate panel and hand off without the checklist",
		chromedp.Click(chromedp.CSS("#escalate summary")),
		chromedp.WaitVisible(chromedp.CSS("#esc-steps_tried")),
		chromedp.Click(chromedp.CSS(`#escalate button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#escalate [id="err-answers.steps_tried"]`)),
	)
	shoot(t, ctx, "escalate-refused")
	expectText(t, ctx, "#escalate .form-error", "Renseignez ce dont le niveau suivant a besoin")
	// Each missing item is flagged under its French label.
	for key, label := range map[string]string{"reason": "Motif", "steps_tried": "Étapes déjà essayées", "error_message": "Message d'erreur"} {
		errID := "err-answers." + key
		if key == "reason" {
			errID = "err-reason"
		}
		expectTrue(t, ctx, "missing "+key, fmt.Sprintf(`(() => {
			const input = document.getElementById(%q);
			const label = document.querySelector('label[for=%q]');
			const err = document.getElementById(%q);
			return input.getAttribute('aria-invalid') === 'true' && label.textContent.trim() === %q &&
				err !== null && err.textContent.includes('obligatoire');
		})()`, "esc-"+key, "esc-"+key, errID, label))
	}

	run(t, ctx, "fill in the checklist and hand off",
		chromedp.SendKeys(chromedp.CSS("#esc-reason"), "Le lien de réinitialisation expire aussitôt : à voir côté L2"),
		chromedp.SendKeys(chromedp.CSS("#esc-steps_tried"), "Renvoyé le lien deux fois ; vidé le cache du navigateur"),
		chromedp.SendKeys(chromedp.CSS("#esc-error_message"), "Ce lien a expiré"),
		loads(chromedp.Click(chromedp.CSS(`#escalate button[type=submit]`))),
		chromedp.WaitVisible(chromedp.CSS(".handoff-done")),
	)
	shoot(t, ctx, "handoff-confirmed")
	// He is told where it went and who has it, and lands on what he
	// handed off, where the ticket is listed at its new tier.
	expectText(t, ctx, ".handoff-done", tk.Reference+" transmis à L2 · Niveau 2, équipe Support niveau 2.")
	expectText(t, ctx, ".handoff-done", "non assigné")
	expectText(t, ctx, `#sidebar a[data-view="handed-off"][aria-current="page"]`, "Transmis par moi")
	expectText(t, ctx, `#sidebar a[data-view="handed-off"] .count`, "1")
	expectText(t, ctx, "#ticket-list .ticket-row .col-subject", tk.Subject)
	expectText(t, ctx, "#ticket-list .ticket-row .col-tier", "L2")

	run(t, ctx, "he opens it, read-only",
		clickAndLoad(`#ticket-list .row-link`),
		chromedp.WaitVisible(chromedp.CSS(".handed-off-note")),
	)
	expectTrue(t, ctx, "he may note, not reply nor change nor hand off", `document.querySelector('#composer input[value=note]').checked &&
		document.querySelector('#composer input[value=reply]') === null && document.querySelector('#properties fieldset').disabled &&
		document.querySelector('#escalate') === null`)

	signOut(t, ctx)
	signInAt(t, ctx, e, page, "l2@acme.test", ".handoff")
	shoot(t, ctx, "handoff-summary")
	expectText(t, ctx, ".handoff h2", "Hand-off summary")
	expectText(t, ctx, ".handoff-body", "Renvoyé le lien deux fois")
	expectText(t, ctx, ".handoff-body", "Ce lien a expiré")
	expectText(t, ctx, ".handoff-body", "Le lien de réinitialisation expire aussitôt")
	expectTrue(t, ctx, "the summary comes before the timeline",
		`(document.querySelector('.handoff').compareDocumentPosition(document.querySelector('#timeline')) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0`)
	run(t, ctx, "the L2 agent answers and solves it",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "The reset link works again: the token lifetime was fixed."),
		chromedp.SetValue(chromedp.CSS(`#composer select[name=status]`), "solved"),
		chromedp.Click(chromedp.CSS(`#composer .send-reply`)),
		chromedp.WaitVisible(chromedp.CSS("#ticket-header .status-solved")),
	)

	signOut(t, ctx)
	signInAt(t, ctx, e, "/views/handed-off", "l1@acme.test", "#ticket-list .ticket-row .status-solved")
	shoot(t, ctx, "handed-off-solved")
	expectText(t, ctx, "#ticket-list .ticket-row .col-subject", tk.Subject)
	expectText(t, ctx, "#ticket-list .ticket-row .col-status", "Résolu")

	// And he was told: the bell counts it, and the notification says who
	// solved what he handed off.
	run(t, ctx, "the bell shows the notification",
		chromedp.WaitVisible(chromedp.CSS("#notify-count:not([hidden])")),
	)
	expectText(t, ctx, "#notify-count", "1")
	run(t, ctx, "he opens his notifications",
		chromedp.Navigate(e.srv.URL+"/notifications"),
		chromedp.WaitVisible(chromedp.CSS(".notify-item")),
	)
	expectText(t, ctx, ".notify-item .notify-text", tk.Reference+", que vous avez transmis, a été résolu par")
}
