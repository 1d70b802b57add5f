package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/ticket"
)

// TestBrowserSearch is the search box as Luc meets it: from his inbox he
// presses /, types words of an internal note without their accents,
// presses Enter, reads the result with the words marked, and opens it.
// The note on a ticket he may not read never shows.
func TestBrowserSearch(t *testing.T) {
	ctx, e, s := browserEnv(t)
	mine, theirs := e.f.Ticket["L1"], e.f.Ticket["L3"]
	for _, tk := range []ticket.Ticket{mine, theirs} {
		if _, _, err := s.AddMessage(t.Context(), e.f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: e.f.Admin.ID,
			Body: "Le client zéphyrin demande un geste commercial pour " + tk.Reference + "."}, ""); err != nil {
			t.Fatal(err)
		}
	}
	signInAt(t, ctx, e, "/", "l1@acme.test", "#ticket-list")
	run(t, ctx, "press / to reach the search box",
		typeKey("/", "Slash", 191),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === 'top-search'`),
	)
	expectTrue(t, ctx, "the / was not typed into the box", `document.getElementById('top-search').value === ''`)
	run(t, ctx, "type words and press Enter",
		chromedp.KeyEvent("zephyrin gestes"),
		loads(chromedp.KeyEvent("\r")),
		chromedp.WaitVisible(chromedp.CSS(".hit mark")),
	)
	expectText(t, ctx, ".hits", "pour "+mine.Reference)
	expectTrue(t, ctx, "the other tier's ticket is not there",
		`!document.body.textContent.includes('pour `+theirs.Reference+`') && !document.querySelector('a[href="/tickets/`+strconv.FormatInt(theirs.ID, 10)+`"]')`)
	expectTrue(t, ctx, "the matched words are marked", `[...document.querySelectorAll('.hit-snippet mark')].map(m => m.textContent).join(',') === 'zéphyrin,geste'`)
	run(t, ctx, "open the result",
		clickAndLoad(`.hit-link[href="/tickets/`+strconv.FormatInt(mine.ID, 10)+`"]`),
		chromedp.WaitVisible(chromedp.CSS("#composer-body")),
	)
	expectText(t, ctx, "#ticket-header", mine.Subject)
}

// typeKey presses a printable key as a browser does: one keyDown that
// carries its text, so a page that cancels the keydown also stops the
// character (chromedp.KeyEvent sends the character as a separate event
// that no page can cancel).
func typeKey(key, code string, keyCode int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: code, Text: key, UnmodifiedText: key, WindowsVirtualKeyCode: keyCode}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: keyCode}
		for _, e := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, e); err != nil {
				return err
			}
		}
		return nil
	})
}
