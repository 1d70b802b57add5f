package web_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/palier/palier/internal/store/storetest"
)

// TestBrowserMerge is Luc finding that alice wrote twice about the same
// invoice: from the duplicate he opens "Merge into…", searches #1000,
// merges, and reads on #1000 the whole conversation in the order it was
// written, with the one notice alice gets; the duplicate points at #1000.
func TestBrowserMerge(t *testing.T) {
	ctx, e, s := browserEnv(t)
	keep := e.f.Ticket["L1"]
	// alice writes again, then an agent answers #1000: read in time
	// order, her second message comes before that answer (in id order,
	// which the copies would otherwise follow, it would come after).
	var mu sync.Mutex
	now := time.Now()
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	tick := func() { mu.Lock(); now = now.Add(time.Minute); mu.Unlock() }
	dup, _ := aliceTicket(t, s, e, "Je vous réécris au sujet de la facture en double.")
	tick()
	if _, _, err := e.d.Reply(context.Background(), storetest.Actor(t, s, e.f.Admin), keep.ID, "Nous regardons votre facture.", ""); err != nil {
		t.Fatal(err)
	}
	tick()
	dupURL := e.srv.URL + "/tickets/" + strconv.FormatInt(dup.ID, 10)
	keepPath := "/tickets/" + strconv.FormatInt(keep.ID, 10)
	run(t, ctx, "sign in on the duplicate",
		chromedp.Navigate(dupURL),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "l1@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), storetest.Password),
		clickAndLoad(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS("#links")),
	)
	run(t, ctx, "search the ticket to keep",
		chromedp.Click(chromedp.CSS("#merge summary")),
		chromedp.WaitVisible(chromedp.CSS("#merge-q")),
		chromedp.SendKeys(chromedp.CSS("#merge-q"), keep.Reference),
		clickAndLoad(`.merge-search button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#merge .merge-candidates`)),
		waitTrue(`document.querySelectorAll('#merge .merge-candidates li').length === 1`),
	)
	run(t, ctx, "merge into it: the kept ticket reads as one conversation",
		clickAndLoad(`button.merge-into[data-ref="`+keep.Reference+`"]`),
		waitTrue(`location.pathname === '`+keepPath+`'`),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
		waitTrue(`(() => {
			const items = [...document.querySelectorAll('#timeline .event')];
			const at = text => items.findIndex(li => li.textContent.includes(text));
			const first = at("J'ai été facturée deux fois"), copied = at('Je vous réécris au sujet de la facture en double.');
			const answer = at('Nous regardons votre facture.');
			const merged = at('a fusionné `+dup.Reference+` dans ce ticket'), notice = at('Nous poursuivons ici');
			return first >= 0 && copied > first && answer > copied && merged > answer && notice > merged &&
				items[copied].textContent.includes('Écrit sur `+dup.Reference+`, fusionné ici.');
		})()`),
	)
	run(t, ctx, "the duplicate points at the kept ticket",
		chromedp.Navigate(dupURL),
		chromedp.WaitVisible(chromedp.CSS("#merged-banner")),
		waitTrue(`document.querySelector('#merged-banner a').getAttribute('href') === '`+keepPath+`' && document.querySelector('#merged-banner').textContent.includes('`+keep.Reference+`')`),
		waitTrue(`document.querySelector('#merge') === null && document.querySelector('#ticket-header .status-closed') !== null`),
	)
}
