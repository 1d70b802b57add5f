package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLayoutInFrench is the rest of issue 8.10, measured in the
// browser: the inbox's column headers do not touch at 1366 px in French;
// on a phone, the admin tables scroll inside their box rather than the
// page, and the FR/EN switch's buttons are at least 40 px each way.
func TestBrowserLayoutInFrench(t *testing.T) {
	ctx, e, _ := browserEnv(t)
	signInAt(t, ctx, e, "/views/all", "admin@acme.test", "#ticket-list")
	run(t, ctx, "a 1366 px laptop", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(e.srv.URL+"/views/all"),
		chromedp.WaitVisible(chromedp.CSS("html[lang=fr] #ticket-list")))
	// Each visible header's text stays inside its cell, 8 px at least from
	// the next header's text.
	expectTrue(t, ctx, "headers keep apart", `(() => {
		const boxes = [...document.querySelectorAll('#ticket-list thead th')].filter(th => th.offsetWidth > 0).map(th => {
			const r = document.createRange(); r.selectNodeContents(th);
			return {th: th.getBoundingClientRect(), text: r.getBoundingClientRect(), clipped: th.scrollWidth > th.clientWidth};
		});
		return boxes.length >= 5 && boxes.every((b, i) => !b.clipped && b.text.right <= b.th.right &&
			(i === 0 || b.text.left - boxes[i-1].text.right >= 8));
	})()`)

	run(t, ctx, "a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.srv.URL+"/admin/agents"),
		chromedp.WaitVisible(chromedp.CSS("table.data")))
	expectTrue(t, ctx, "the page does not scroll sideways", `document.scrollingElement.scrollWidth <= window.innerWidth`)
	expectTrue(t, ctx, "the table scrolls in its box", `(() => {
		const t = document.querySelector('table.data');
		const box = t.closest('.table-scroll') || t;
		return box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto';
	})()`)
	run(t, ctx, "the inbox on a phone", chromedp.Navigate(e.srv.URL+"/views/all"), chromedp.WaitVisible(chromedp.CSS("#ticket-list")))
	expectTrue(t, ctx, "the inbox does not scroll sideways", `document.scrollingElement.scrollWidth <= window.innerWidth`)
	expectTrue(t, ctx, "FR/EN are easy to tap", `[...document.querySelectorAll('.lang-switch button')].every(b => {
		const r = b.getBoundingClientRect(); return r.width >= 40 && r.height >= 40;
	})`)
}
