package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserKeyboard is Luc working from the keyboard: "?" lists the
// shortcuts; on a ticket opened from his inbox, j goes to the next one
// without the list, r starts a reply, a assigns the ticket to him and u
// goes back to the list.
func TestBrowserKeyboard(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	signInAt(t, ctx, e, "/", "l1@acme.test", "#ticket-list")
	// His tier's queue: his own ticket #1001 and the unassigned #1000.
	run(t, ctx, "open his tier's queue",
		chromedp.Navigate(e.srv.URL+"/views/tier-"+id(e.f.Tier["L1"].ID)),
		chromedp.WaitVisible(chromedp.CSS(`nav#sidebar a[aria-current=page][data-view="tier-`+id(e.f.Tier["L1"].ID)+`"]`)),
		waitTrue(`document.querySelectorAll('tr.ticket-row').length >= 2 && sessionStorage.getItem('palier:list') !== null`),
	)
	run(t, ctx, "? lists the shortcuts",
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
		chromedp.KeyEvent("?"),
		waitTrue(`document.getElementById('shortcuts').open && document.getElementById('shortcuts').textContent.includes('Répondre au client')`),
		chromedp.KeyEvent("\x1b"),
		waitTrue(`!document.getElementById('shortcuts').open`),
	)
	run(t, ctx, "open the first ticket, then j goes to the second",
		clickAndLoad(`tr.ticket-row:first-child a.row-link`),
		chromedp.WaitVisible(chromedp.CSS("#composer")),
		loads(chromedp.KeyEvent("j")),
		waitTrue(`location.pathname === JSON.parse(sessionStorage.getItem('palier:list'))[1]`),
		chromedp.WaitVisible(chromedp.CSS("#composer")),
	)
	run(t, ctx, "r starts a reply",
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
		chromedp.KeyEvent("r"),
		waitTrue(`document.activeElement.id === 'composer-body' && document.activeElement.value === ''`),
	)
	run(t, ctx, "a assigns the ticket to me",
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		waitTrue(`document.querySelector('#properties')['htmx-internal-data'] !== undefined`),
		waitTrue(`document.querySelector('#properties button[name=assign_me]') !== null`), // not his yet
		chromedp.KeyEvent("a"),
		waitTrue(`document.querySelector('#p-owner_id').value === '`+id(e.f.AgentL1.ID)+`' && !document.querySelector('.htmx-request, .htmx-settling')`),
	)
	run(t, ctx, "u goes back to the list",
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
		loads(chromedp.KeyEvent("u")),
		waitTrue(`location.pathname === '/views/tier-`+id(e.f.Tier["L1"].ID)+`' && document.querySelectorAll('tr.ticket-row').length >= 2`),
	)
}
