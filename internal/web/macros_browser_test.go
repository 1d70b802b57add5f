package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/store/storetest"
)

// TestBrowserMacro is Luc answering with a macro: "m" opens the picker,
// typing filters it, Enter previews the first match filled in for the
// customer, "use" puts the text in the composer, and sending applies the
// macro's status with the reply.
func TestBrowserMacro(t *testing.T) {
	ctx, e, s := browserEnv(t)
	admin := storetest.Actor(t, s, e.f.Admin)
	for _, m := range []macro.Macro{
		{Name: "Facture renvoyée", Scope: macro.Shared, BodyFR: "Bonjour {{customer_first_name}}, votre facture vous a été renvoyée.",
			BodyEN: "Hello {{customer_first_name}}, your invoice was sent again.", Actions: macro.Actions{Status: "pending"}},
		{Name: "Mot de passe", Scope: macro.Shared, BodyFR: "Bonjour, voici comment réinitialiser votre mot de passe."},
	} {
		if _, err := e.d.CreateMacro(context.Background(), admin, m); err != nil {
			t.Fatal(err)
		}
	}
	tk := e.f.Ticket["L1owned"] // Bob Smith, English
	signInAt(t, ctx, e, "/tickets/"+strconv.FormatInt(tk.ID, 10), "l1@acme.test", "#composer")
	run(t, ctx, "pick a macro from the keyboard",
		// htmx has wired the picker's buttons.
		waitTrue(`document.querySelector('.macro-choice')['htmx-internal-data'] !== undefined`),
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
		chromedp.KeyEvent("m"),
		waitTrue(`document.getElementById('macro-picker').open && document.activeElement.id === 'macro-filter'`),
		chromedp.SendKeys(chromedp.CSS("#macro-filter"), "factu"),
		waitTrue(`[...document.querySelectorAll('#macro-list li')].filter(li => !li.hidden).length === 1`),
		chromedp.KeyEvent("\r"),
		waitTrue(`(document.querySelector('#macro-preview .macro-text') || {}).textContent === 'Hello Bob, your invoice was sent again.'`),
		chromedp.Click(chromedp.CSS("#macro-preview button.use-macro")),
		waitTrue(`document.getElementById('composer-body').value === 'Hello Bob, your invoice was sent again.' && !document.getElementById('macro-chosen').hidden`),
	)
	run(t, ctx, "send: the reply and the status land together",
		chromedp.Click(chromedp.CSS("#composer button.send-reply")),
		waitTrue(`[...document.querySelectorAll('#timeline .event')].some(li => li.textContent.includes('Hello Bob, your invoice was sent again.'))`),
		waitTrue(`document.querySelector('#ticket-header .status-pending') !== null`),
		waitTrue(`document.getElementById('macro-chosen').hidden && document.getElementById('composer-body').value === ''`),
	)
}
