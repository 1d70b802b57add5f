package web_test

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCustomerPage is Luc, on one of his tickets, opening the
// customer's page from the ticket, moving Bob to the VIP segment, adding a
// note about him, and finding both after a reload.
func TestBrowserCustomerPage(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	tk := e.f.Ticket["L1owned"] // Bob Smith's
	bob := e.f.Customer["bob"]
	page := e.srv.URL + "/customers/" + id(bob.ID)

	signInAt(t, ctx, e, "/tickets/"+id(tk.ID), "l1@acme.test", "#composer")
	run(t, ctx, "open the customer from the ticket",
		clickAndLoad(".customer-name a"),
		chromedp.WaitVisible(chromedp.CSS("#customer-form")),
		waitTrue(`location.pathname === '/customers/`+id(bob.ID)+`'`),
		waitTrue(`document.getElementById('customer-title').textContent === `+jsString(bob.Name)),
	)
	run(t, ctx, "move him to the VIP segment",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-segment').value = 'vip'`),
		clickAndLoad(`#customer-form button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(".saved")),
		waitTrue(`document.getElementById('customer-segment').textContent === 'VIP'`),
	)
	run(t, ctx, "add a note",
		chromedp.SendKeys(chromedp.CSS("#note-body"), "Rappeler avant midi."),
		clickAndLoad(`#note-form button[type=submit]`),
		waitTrue(`[...document.querySelectorAll('.people-note-body')].some(p => p.textContent === 'Rappeler avant midi.')`),
	)
	run(t, ctx, "both are still there after a reload",
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS("#notes")),
		waitTrue(`document.getElementById('customer-segment').textContent === 'VIP'`),
		waitTrue(`document.querySelector('.people-note .people-note-body').textContent === 'Rappeler avant midi.'`),
		waitTrue(`document.querySelector('.people-note .people-note-head strong').textContent === 'Luc Premier'`),
		waitTrue(`document.getElementById('f-segment').value === 'vip' && document.getElementById('note-body').value === ''`),
	)
}

// jsString quotes a Go string as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
