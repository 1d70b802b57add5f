package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The search box as Luc (tier L1) uses it: words find the tickets he may
// read with the matched words marked, never another's subject or note; a
// reference opens a ticket he may read and is "not found" otherwise; an
// address finds the customer and those of their tickets he may read.
func TestSearchPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := t.Context()
		luc := storetest.Actor(t, s, e.f.AgentL1)
		for _, tk := range e.f.Ticket {
			if _, _, err := s.AddMessage(ctx, e.f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: e.f.Admin.ID,
				Body: "Le client <b>zéphyrin</b> rappelle " + tk.Reference + "."}, ""); err != nil {
				t.Fatal(err)
			}
		}
		c := e.login(t, "l1@acme.test")
		res, body := c.get("/search?q=" + url.QueryEscape("Zéphyrins"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="top-search"`, "&lt;b&gt;<mark>zéphyrin</mark>&lt;/b&gt;")
		for key, tk := range e.f.Ticket {
			note := "rappelle " + tk.Reference + "."
			if ticket.CanView(luc, tk) {
				contains(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`, note)
			} else {
				lacks(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`, note)
				t.Logf("%s hidden", key)
			}
		}
		// Filtered: only solved tickets.
		res, body = c.get("/search?q=zephyrin&status=solved")
		expectStatus(t, res, body, http.StatusOK)
		for _, tk := range e.f.Ticket {
			if tk.Status != ticket.Solved {
				lacks(t, body, "rappelle "+tk.Reference+".")
			}
		}
		res, body = c.get("/search?q=zephyrin&from=not-a-date")
		expectStatus(t, res, body, http.StatusBadRequest)

		// References.
		noRedirect := *c.http
		noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		mine, theirs := e.f.Ticket["L1"], e.f.Ticket["L3"]
		for _, q := range []string{mine.Reference, strconv.FormatInt(mine.Number, 10)} {
			req, _ := http.NewRequest("GET", e.srv.URL+"/search?q="+url.QueryEscape(q), nil)
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/"+strconv.FormatInt(mine.ID, 10) {
				t.Errorf("%q: %d to %q", q, res.StatusCode, res.Header.Get("Location"))
			}
		}
		res, body = c.get("/search?q=" + url.QueryEscape(theirs.Reference))
		expectStatus(t, res, body, http.StatusNotFound)
		res, body = c.get("/search?q=999999")
		expectStatus(t, res, body, http.StatusNotFound)

		// An address.
		bob := e.f.Customer["bob"]
		res, body = c.get("/search?q=" + url.QueryEscape("BOB@example.com"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Bob Smith")
		list, _, err := s.Tickets(ctx, e.f.WS.ID, store.Filter{CustomerID: bob.ID}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range list {
			if ticket.CanView(luc, tk) {
				contains(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`)
			} else {
				lacks(t, body, `href="/tickets/`+strconv.FormatInt(tk.ID, 10)+`"`)
			}
		}
		res, body = c.get("/search?q=" + url.QueryEscape("nobody@nowhere.example"))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Aucun client")
	})
}

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
