package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

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
