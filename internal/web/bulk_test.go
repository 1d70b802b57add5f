package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// openTickets creates n tickets from alice, routed like any other.
func openTickets(t *testing.T, e *env, s *store.Store, n int) []int64 {
	t.Helper()
	admin := storetest.Actor(t, s, e.f.Admin)
	ids := make([]int64, n)
	for i := range ids {
		tk, err := e.d.CreateTicket(context.Background(), admin, desk.NewTicket{Subject: "Panne " + strconv.Itoa(i), Body: "Le service ne répond plus.",
			RequestType: "access", CustomerID: e.f.Customer["alice"].ID})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = tk.ID
	}
	return ids
}

// The bulk form without JavaScript: 200 tickets solved with one reply in
// one post, the list says how it went; with the page's script, each
// ticket's result comes back, refusals with their reason.
func TestBulkFromTheList(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ids := openTickets(t, e, s, 200)
		luc := e.login(t, "l1@acme.test")
		form := url.Values{"status": {"solved"}, "reply": {"Le service est rétabli."}, "back": {"/views/mine"}}
		for _, id := range ids {
			form.Add("ticket", strconv.FormatInt(id, 10))
		}
		res, body := luc.post("/tickets/bulk", form, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/views/mine?bulk_done=200&bulk_failed=0" {
			t.Errorf("back to %q", loc)
		}
		lucActor := storetest.Actor(t, s, e.f.AgentL1)
		for _, id := range []int64{ids[0], ids[199]} {
			if tk, _ := e.d.Ticket(context.Background(), lucActor, id); tk.Status != ticket.Solved {
				t.Errorf("ticket %d is %s", id, tk.Status)
			}
		}
		// A ticket of another tier reports why; the visible one is done.
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/tickets/bulk", strings.NewReader(url.Values{
			"priority": {"high"}, "ticket": {strconv.FormatInt(e.f.Ticket["L1"].ID, 10), strconv.FormatInt(e.f.Ticket["L3"].ID, 10)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		res, body = luc.do(req)
		expectStatus(t, res, body, http.StatusOK)
		var out struct {
			Results []struct {
				ID    int64
				OK    bool
				Error string
			}
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Results) != 2 || !out.Results[0].OK || out.Results[1].OK || out.Results[1].Error != "Ticket introuvable." {
			t.Errorf("results = %+v", out.Results)
		}
	})
}

// TestBrowserBulkReply is the outage case: Luc ticks every ticket of his
// tier's page, writes one answer and solves them; a progress bar follows
// the chunks and the summary says all were done.
func TestBrowserBulkReply(t *testing.T) {
	ctx, e, s := browserEnv(t)
	openTickets(t, e, s, 60)
	run(t, ctx, "sign in to his tier's queue",
		chromedp.Navigate(e.srv.URL+"/views/tier-"+id(e.f.Tier["L1"].ID)),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "l1@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password),
		clickAndLoad(`form[action="/login"] button[type=submit]`),
		waitTrue(`document.querySelectorAll('input.row-select').length === 50`),
	)
	run(t, ctx, "select the page, shift-click proves ranges",
		chromedp.Click(chromedp.CSS("#select-all")),
		waitTrue(`document.querySelectorAll('input.row-select:checked').length === 50 && document.querySelector('.bulk-count').textContent === '(50)'`),
		chromedp.Click(chromedp.CSS("#select-all")),
		chromedp.Click(chromedp.CSS("tr.ticket-row:nth-child(2) input.row-select")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('tr.ticket-row:nth-child(6) input.row-select').dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true}))`),
		waitTrue(`document.querySelectorAll('input.row-select:checked').length === 5`),
		chromedp.Click(chromedp.CSS("#select-all")),
		waitTrue(`document.querySelectorAll('input.row-select:checked').length === 50`),
	)
	run(t, ctx, "one answer to every customer, solved",
		chromedp.SetValue(chromedp.CSS(`#bulk-form select[name=status]`), "solved"),
		chromedp.SendKeys(chromedp.CSS("#bulk-reply"), "Le service est rétabli. Merci de votre patience."),
		chromedp.Click(chromedp.CSS("#bulk-form button.bulk-apply")),
		waitTrue(`document.querySelector('#bulk-form progress').max === 50`),
		waitTrue(`!document.querySelector('.bulk-summary').hidden && document.querySelector('.bulk-summary').textContent === 'Faits : 50. Non faits : 0.'`),
		waitTrue(`document.querySelector('#bulk-form progress').value === 50`),
	)
	solved := 0
	list, _, err := e.d.Tickets(context.Background(), storetest.Actor(t, s, e.f.AgentL1), store.Filter{}, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range list {
		if tk.Status == ticket.Solved {
			solved++
		}
	}
	if solved < 50 {
		t.Errorf("%d tickets solved, want at least 50", solved)
	}
}
