package web_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// waitLong waits for a condition that takes a whole bulk run (many
// requests on a loaded machine), with a deadline rather than a sleep.
func waitLong(t *testing.T, ctx context.Context, step, js string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(wctx, waitTrue(js)); err != nil {
		shoot(t, ctx, "failed")
		t.Fatalf("%s: %v", step, err)
	}
}

func signInLuc(url string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "l1@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password),
		clickAndLoad(`form[action="/login"] button[type=submit]`),
	}
}

// TestBrowserBulkOverAView: Luc's view holds 200 tickets; he ticks the
// page, then "select all 200 tickets in this view", sets them pending,
// and the progress bar follows all 200 to the end; every one changed.
func TestBrowserBulkOverAView(t *testing.T) {
	ctx, e, s := browserEnv(t)
	ids := openTickets(t, e, s, 200)
	luc := storetest.Actor(t, s, e.f.AgentL1)
	v, err := e.d.CreateSavedView(context.Background(), luc, desk.ViewInput{Name: "Accès à prendre", Scope: store.ViewPersonal,
		Query: url.Values{"type": {"access"}, "owner": {"none"}}, Columns: desk.DefaultViewColumns()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.d.ViewFilter(context.Background(), luc, v)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.d.CountTickets(context.Background(), luc, f, desk.CountCap); err != nil || n != 200 {
		t.Fatalf("the view holds %d tickets (%v), want 200", n, err)
	}
	run(t, ctx, "sign in to the view", append(signInLuc(e.srv.URL+"/views/"+v.Key()),
		waitTrue(`document.querySelectorAll('input.row-select').length === 50`))...)
	run(t, ctx, "select the page, then the whole view",
		chromedp.Click(chromedp.CSS("#select-all")),
		waitTrue(`!document.querySelector('.select-view').hidden && document.querySelector('.select-view-all').textContent === 'Sélectionner les 200 tickets de cette vue'`),
		chromedp.Click(chromedp.CSS(".select-view-all")),
		waitTrue(`document.querySelector('.bulk-count').textContent === '(200)' && !document.querySelector('.select-view-done').hidden`),
		waitTrue(`document.querySelector('.select-view-done').textContent === 'Les 200 tickets de cette vue sont sélectionnés.'`),
	)
	run(t, ctx, "set them pending",
		chromedp.SetValue(chromedp.CSS(`#bulk-form select[name=status]`), "pending"),
		chromedp.Click(chromedp.CSS("#bulk-form button.bulk-apply")),
		waitTrue(`document.querySelector('#bulk-form progress').max === 200`),
	)
	waitLong(t, ctx, "the run ends", `!document.querySelector('.bulk-summary').hidden`)
	run(t, ctx, "all done",
		waitTrue(`document.querySelector('.bulk-summary').textContent === 'Faits : 200. Non faits : 0.'`),
		waitTrue(`document.querySelector('#bulk-form progress').value === 200`),
	)
	for _, id := range ids {
		tk, err := e.d.Ticket(context.Background(), luc, id)
		if err != nil || tk.Status != ticket.Pending {
			t.Fatalf("ticket %d is %s (%v)", id, tk.Status, err)
		}
	}
}

// TestBrowserSaveAView: Luc narrows his tier's queue to billing without a
// reload, saves it as a view, lands on it and reads its count in the
// sidebar.
func TestBrowserSaveAView(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	run(t, ctx, "sign in to his tier's queue", append(signInLuc(e.srv.URL+"/views/tier-"+id(e.f.Tier["L1"].ID)),
		chromedp.WaitVisible(chromedp.CSS("#ticket-list")),
		waitTrue(`document.querySelector('.filters form')['htmx-internal-data'] !== undefined`))...)
	run(t, ctx, "filter on billing",
		chromedp.SetValue(chromedp.CSS("#f-type"), "billing"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#f-type').dispatchEvent(new Event('change', {bubbles: true}))`),
		waitTrue(`document.querySelector('input[name=query][form=save-view-form]').value.includes('type=billing')`),
	)
	run(t, ctx, "save it",
		chromedp.Click(chromedp.CSS("details.save-view summary")),
		chromedp.WaitVisible(chromedp.CSS("#sv-name")),
		chromedp.SendKeys(chromedp.CSS("#sv-name"), "Factures du niveau 1"),
		clickAndLoad(`#save-view-form button[type=submit]:not(.update-view)`),
		waitTrue(`location.pathname.startsWith('/views/saved-')`),
	)
	run(t, ctx, "its count in the sidebar",
		chromedp.WaitVisible(chromedp.CSS(`#sidebar a[aria-current=page]`)),
		waitTrue(`document.querySelector('#sidebar a[aria-current=page] .view-label').textContent === 'Factures du niveau 1'`),
		waitTrue(`document.querySelector('#sidebar a[aria-current=page] .count').textContent === '1'`),
		waitTrue(`document.querySelector('#list-title').textContent === 'Factures du niveau 1' && document.querySelectorAll('tr.ticket-row').length === 1`),
	)
}
