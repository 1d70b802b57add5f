package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// TestBrowserChecklistIsTheFields is Luc handing off a ticket whose
// workspace keeps "Message d'erreur" and "Étapes déjà essayées" as custom
// fields. Refused, he reads what is missing in the summary line, which
// takes the focus. He saves the error message in Properties: the
// checklist shows it at once, without a reload and without losing the
// reason he had typed. He answers the other item in the checklist, hands
// off, and the answer is now the ticket's field.
func TestBrowserChecklistIsTheFields(t *testing.T) {
	ctx, e, s := browserEnv(t)
	withChecklistFields(t, e, s)
	tk := e.f.Ticket["L1owned"]

	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", "#composer")
	run(t, ctx, "hand off with nothing filled in",
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		chromedp.Click(chromedp.CSS("#escalate summary")),
		chromedp.WaitVisible(chromedp.CSS("#esc-steps_tried")),
		chromedp.Click(chromedp.CSS(`#escalate button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#escalate .form-error`)),
		waitTrue(`document.activeElement === document.querySelector('#escalate .form-error')`),

		settled(),
	)
	shoot(t, ctx, "checklist-refused")
	expectText(t, ctx, "#escalate .form-error",
		"Renseignez ce dont le niveau suivant a besoin avant de transférer : Motif, Étapes déjà essayées, Message d'erreur.")
	expectTrue(t, ctx, "the summary is an alert that takes the focus",
		`(() => { const s = document.querySelector('#escalate .form-error'); return s.getAttribute('role') === 'alert' && s.getAttribute('tabindex') === '-1'; })()`)

	run(t, ctx, "type the reason, then save the error message in Properties",
		chromedp.SendKeys(chromedp.CSS("#esc-reason"), "Le lien expire aussitôt"),
		chromedp.SendKeys(chromedp.CSS("#cf-error_message"), "Ce lien a expiré"),
		chromedp.Click(chromedp.CSS(`#properties button.primary`)),
		chromedp.WaitVisible(chromedp.CSS("#properties .saved")),
		waitTrue(`document.querySelector('#esc-error_message').value === 'Ce lien a expiré'`),

		settled(),
	)
	shoot(t, ctx, "checklist-ticked")
	// The panel is swapped out of band and settled by htmx: wait for the
	// whole state rather than read it at one instant.
	run(t, ctx, "the checklist item is ticked on the same page, the panel still open with the reason typed", waitTrue(
		`window.samePage === true && document.querySelector('label[for="esc-error_message"]').classList.contains('item-done') &&
		 document.querySelector('#escalate details').open && document.querySelector('#esc-reason').value === 'Le lien expire aussitôt' &&
		 !document.querySelector('label[for="esc-steps_tried"]').classList.contains('item-done')`))

	run(t, ctx, "answer the steps tried in the checklist and hand off",
		chromedp.SendKeys(chromedp.CSS("#esc-steps_tried"), "Renvoyé le lien deux fois"),
		loads(chromedp.Click(chromedp.CSS(`#escalate button[type=submit]`))),
		chromedp.WaitVisible(chromedp.CSS(".handoff-done")),
	)
	lead := storetest.Actor(t, s, e.f.Lead)
	got, err := e.d.Ticket(context.Background(), lead, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CustomFields["steps_tried"] != "Renvoyé le lien deux fois" || got.CustomFields["error_message"] != "Ce lien a expiré" {
		t.Errorf("after the hand-off the ticket's fields are %q", got.CustomFields)
	}
}

// TestBrowserSwarmInvitations is Théo inviting help on a swarmed ticket:
// the panel answers in place (the address stays the ticket's), the
// timeline shows the invitation, a second invitation of the same team is
// refused with the focus on why, and a colleague invited meanwhile from
// elsewhere is reported as already taking part.
func TestBrowserSwarmInvitations(t *testing.T) {
	ctx, e, s := browserEnv(t)
	hybridWithSwarmedBugs(t, s, e.f)
	tk := e.f.Ticket["L3"]
	page := "/tickets/" + id(tk.ID)
	team := "team-" + id(e.f.Team["L2"].ID)

	signInAt(t, ctx, e, page, "l3@acme.test", "#swarm")
	run(t, ctx, "invite the L2 team with a question",
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		chromedp.SetValue(chromedp.CSS("#swarm-invitee"), team),
		chromedp.SendKeys(chromedp.CSS("#swarm-question"), "Le webhook renvoie 500, une idée ?"),
		chromedp.Click(chromedp.CSS(`#swarm button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#swarm .swarm-notice")),
		waitTrue(`Array.from(document.querySelectorAll('#timeline .event')).some(e => e.textContent.includes('Le webhook renvoie 500'))`),

		settled(),
	)
	shoot(t, ctx, "swarm-invited")
	expectText(t, ctx, "#swarm .swarm-notice", "Invitation envoyée à Support niveau 2")
	expectText(t, ctx, "#swarm .swarm-members", "Dana Second")
	expectTrue(t, ctx, "same page, same address", fmt.Sprintf(`window.samePage === true && location.pathname === %q`, page))

	run(t, ctx, "invite the same team again",
		chromedp.SetValue(chromedp.CSS("#swarm-invitee"), team),
		chromedp.Click(chromedp.CSS(`#swarm button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#swarm .form-error")),
		waitTrue(`document.activeElement === document.querySelector('#swarm .form-error')`),

		settled(),
	)
	shoot(t, ctx, "swarm-refused")
	expectText(t, ctx, "#swarm .form-error", "Toute l'équipe participe déjà.")
	expectTrue(t, ctx, "the select points to its error, the address is the ticket's",
		fmt.Sprintf(`document.querySelector('#swarm-invitee').getAttribute('aria-describedby') === 'err-invitee' &&
		 document.getElementById('err-invitee') !== null && location.pathname === %q && window.samePage === true`, page))

	// Meanwhile a colleague was invited from elsewhere (another tab): the
	// panel still offers him, and says he already takes part.
	owner := storetest.Actor(t, s, e.f.AgentL3)
	if _, err := e.d.Swarm(context.Background(), owner, tk.ID, desk.Invitation{AgentID: e.f.AgentL1.ID}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "invite him again from the stale panel",
		chromedp.SetValue(chromedp.CSS("#swarm-invitee"), "agent-"+id(e.f.AgentL1.ID)),
		chromedp.Click(chromedp.CSS(`#swarm button[type=submit]`)),
		waitTrue(`(document.querySelector('#swarm .swarm-notice') || {textContent: ''}).textContent.includes('participe déjà')`),
	)
	expectText(t, ctx, "#swarm .swarm-notice", e.f.AgentL1.Name+" participe déjà à ce ticket : rien n'a changé.")
	expectTrue(t, ctx, "no error left", `document.querySelector('#swarm .form-error') === null && window.samePage === true`)
}
