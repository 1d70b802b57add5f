package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/browsertest"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// TestBrowserLiveTicket is two agents on one ticket, each in a browser of
// their own. Luc has it open; Léa opens it too: each page says who else is
// there. Léa types, and Luc's page says she is replying. She posts a note
// mentioning Luc (completing his name with the "@" type-ahead): without a
// reload, Luc's badge counts one notification and his timeline shows the
// note. Luc's reply, written before he saw it, is held back with a "send
// anyway" choice, which sends it. Léa goes back to her list, where a
// ticket opened meanwhile appears by itself.
func TestBrowserLiveTicket(t *testing.T) {
	// The server first: its Close, registered first, then runs last, once
	// both browsers (and their event streams) are gone.
	e, s := sqliteEnv(t)
	luc := browsertest.New(t)
	lea := browsertest.New(t)
	tk := e.f.Ticket["L1owned"]
	page := "/tickets/" + id(tk.ID)

	signInAt(t, luc, e, page, "l1@acme.test", "#composer")
	run(t, luc, "Luc's page is live, with no notification",
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		waitTrue(`document.documentElement.dataset.live === 'connected'`),
		waitTrue(`document.querySelector('#notify-bell[data-unread="0"] #notify-count').hidden`),
	)
	signInAt(t, lea, e, page, "lead@acme.test", "#composer")
	run(t, lea, "Léa sees Luc on the ticket",
		waitTrue(`document.documentElement.dataset.live === 'connected'`),
		waitTrue(`document.querySelector('#presence').textContent === 'Luc Premier consulte ce ticket'`),
	)
	run(t, luc, "Luc sees Léa on the ticket",
		waitTrue(`document.querySelector('#presence').textContent === 'Léa Lead consulte ce ticket'`),
	)

	run(t, lea, "Léa starts a note and completes Luc's name",
		chromedp.Click(chromedp.CSS(`#composer label.mode-note`)),
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "@Lu"),
		waitTrue(`[...document.querySelectorAll('#mention-menu [role=option]')].map(o => o.textContent).join() === 'Luc Premier'`),
		chromedp.KeyEvent("\r"),
		waitTrue(`document.querySelector('#composer-body').value === '@Luc Premier ' && document.querySelector('#mention-menu') === null`),
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "le client a rappelé, je te laisse répondre."),
	)
	run(t, luc, "Luc sees Léa replying",
		waitTrue(`document.querySelector('#presence').textContent === 'Léa Lead est en train de répondre'`),
	)
	run(t, luc, "Luc starts a reply meanwhile",
		chromedp.SendKeys(chromedp.CSS("#composer-body"), "Bonjour Bob, voici un nouveau lien."),
	)
	run(t, lea, "Léa posts the note",
		chromedp.Click(chromedp.CSS("#composer button.send-note")),
		waitTrue(`[...document.querySelectorAll('#timeline .event-note')].some(e => e.innerText.includes('je te laisse répondre'))`),
	)
	run(t, luc, "Luc's badge and timeline move without a reload",
		waitTrue(`document.querySelector('#notify-bell').dataset.unread === '1' && document.querySelector('#notify-count').textContent === '1' && !document.querySelector('#notify-count').hidden`),
		waitTrue(`[...document.querySelectorAll('#timeline .event-note')].some(e => e.innerText.includes('@Luc Premier le client a rappelé'))`),
		waitTrue(`window.samePage === true`),
	)
	run(t, luc, "the panel says who mentioned him, in French",
		chromedp.Click(chromedp.CSS("#notify-bell summary")),
		waitTrue(`[...document.querySelectorAll('#notify-panel .notify-item.is-unread')].some(i => i.innerText.includes('Léa Lead vous a mentionné·e sur #1001'))`),
		chromedp.Click(chromedp.CSS("#notify-bell summary")),
	)
	run(t, luc, "his reply, written before he saw the note, is held back",
		chromedp.Click(chromedp.CSS("#composer button.send-reply")),
		waitTrue(`document.querySelector('#composer .send-anyway') !== null && document.querySelector('#composer-body').value === 'Bonjour Bob, voici un nouveau lien.'`),
		// The composer just swapped in must be wired by htmx before its
		// button is clicked, or the browser submits the form itself.
		waitTrue(`document.querySelector('#composer')['htmx-internal-data'] !== undefined && !document.querySelector('#composer').classList.contains('htmx-settling')`),
	)
	expectText(t, luc, "#composer .form-error", "Quelqu'un d'autre a écrit sur ce ticket depuis que vous l'avez ouvert.")
	run(t, luc, "send anyway",
		chromedp.Click(chromedp.CSS("#composer .send-anyway")),
		waitTrue(`[...document.querySelectorAll('#timeline .event-reply')].some(e => e.innerText.includes('voici un nouveau lien'))`),
		waitTrue(`document.querySelector('#composer .send-anyway') === null && window.samePage === true`),
	)
	run(t, lea, "Léa's page shows Luc's reply without a reload",
		waitTrue(`[...document.querySelectorAll('#timeline .event-reply')].some(e => e.innerText.includes('voici un nouveau lien'))`),
	)

	run(t, lea, "Léa goes to the list of all tickets",
		chromedp.Navigate(e.srv.URL+"/views/all"),
		chromedp.WaitVisible(chromedp.CSS("#ticket-list")),
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		waitTrue(`document.documentElement.dataset.live === 'connected'`),
	)
	if _, err := e.d.CreateTicket(context.Background(), storetest.Actor(t, s, e.f.AgentL1), desk.NewTicket{Subject: "Imprimante en panne",
		Body: "Elle ne répond plus.", CustomerID: e.f.Customer["bob"].ID, RequestType: "billing"}); err != nil {
		t.Fatal(err)
	}
	run(t, lea, "the new ticket appears in her list without a reload",
		waitTrue(`[...document.querySelectorAll('#ticket-list .row-link')].some(a => a.textContent === 'Imprimante en panne') && window.samePage === true`),
	)
}
