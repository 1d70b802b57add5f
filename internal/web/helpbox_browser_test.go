package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// hostSite is the customer company's own site: another origin than
// Palier's (localhost, not 127.0.0.1, and another port: another site, so
// Chromium runs the box's frame in a process of its own), serving a page
// with the help box's tag and nothing else of Palier's. refused is the same
// site under 127.0.0.1, an origin the admin did not allow.
func hostSite(t *testing.T, palier, key string) (allowed, refused string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Boutique</title></head>
<body><h1>Vos factures</h1><p><a id="host-link" href="/">Accueil</a></p>
<script src="%s/help/box.js?key=%s" data-palier-tags="checkout" async></script></body></html>`, palier, key)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return "http://localhost:" + port, "http://127.0.0.1:" + port
}

// frameCtx attaches to the help box's frame: it runs in its own process
// (another site), so it is a target of its own.
func frameCtx(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range infos {
			if in.Type == "iframe" && strings.Contains(in.URL, "/help/box?") {
				fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(target.ID(in.TargetID)))
				t.Cleanup(cancel)
				// The first run attaches to the frame for as long as its
				// context lives: not a step's context, which ends with it.
				if err := chromedp.Do(fctx, chromedp.Poll[chromedp.Void](`document.readyState === 'complete'`, inFrame)); err != nil {
					t.Fatalf("attach to the help box's frame: %v", err)
				}
				return fctx
			}
		}
		time.Sleep(50 * time.Millisecond) // polling the browser's target list; no event to wait on
	}
	t.Fatal("the help box's frame never appeared")
	return nil
}

// inFrame polls a condition in the help box's frame on a timer: the
// default, requestAnimationFrame, stalls in a cross-site frame that has
// nothing to repaint in a headless browser.
var inFrame = chromedp.WithPollingInterval(20 * time.Millisecond)

// frameSwapped is swapped for the frame.
func frameSwapped(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(`+cond+`) && `+htmxIdle, inFrame)
}

// A customer on the company's own site opens the help box: the article
// mapped to the page, a search, a question the assistant answers from an
// article, all inside Palier's frame; Escape closes it and the focus
// returns to the button. A site the admin did not allow gets no button.
func TestHelpBoxOnAnotherOrigin(t *testing.T) {
	ctx, s := browserStore(t)
	e := newServerEnv(t, s)
	fx := setUpHelpBox(t, e, s)
	allowed, refused := hostSite(t, e.srv.URL, fx.key)
	if err := e.d.SetHelpBoxOrigins(context.Background(), fx.admin, allowed); err != nil {
		t.Fatal(err)
	}

	run(t, ctx, "the page of another origin loads the script",
		chromedp.Navigate(allowed+"/billing/invoices"),
		chromedp.Poll[chromedp.Void](`window.palierHelpBox && window.palierHelpBox.state === 'ready'`),
		chromedp.WaitVisible(chromedp.CSS(`button[data-palier-helpbox=button]`)),
	)
	expectText(t, ctx, `button[data-palier-helpbox=button]`, "Aide")
	run(t, ctx, "open the box with the keyboard",
		chromedp.Focus(chromedp.CSS(`button[data-palier-helpbox=button]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Poll[chromedp.Void](`document.querySelector('#palier-helpbox-panel iframe') !== null && document.querySelector('button[data-palier-helpbox=button]').getAttribute('aria-expanded') === 'true'`),
	)
	fctx := frameCtx(t, ctx)
	run(t, fctx, "the article mapped to the page",
		frameSwapped(`[...document.querySelectorAll('#box-suggested-list a')].some(a => a.textContent === 'Facturé deux fois ?')`),
	)
	// The journey token: minted by the box, kept in its sessionStorage and
	// carried by its links.
	pctx, cancel := context.WithTimeout(fctx, stepTimeout)
	defer cancel()
	j, err := chromedp.Run(pctx, chromedp.Poll[string](`sessionStorage.getItem('palier.journey')`, inFrame))
	if err != nil || len(j) < 16 {
		t.Fatalf("journey token %q: %v", j, err)
	}
	run(t, fctx, "links carry the journey token",
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`[...document.querySelectorAll('#box-suggested-list a, .box-contact a')].every(a => new URL(a.href).searchParams.get('j') === %q)`, j), inFrame),
	)

	run(t, fctx, "search",
		chromedp.SetValue(chromedp.CSS("#box-q"), "prélèvement SEPA"),
		chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
		frameSwapped(`[...document.querySelectorAll('#box-hits a')].some(a => a.textContent === 'Mettre en place le prélèvement SEPA')`),
	)
	run(t, fctx, "ask the assistant",
		chromedp.SetValue(chromedp.CSS("#box-ask-q"), "Comment résilier mon abonnement ?"),
		chromedp.Click(chromedp.CSS(`.ask-form button[type=submit]`)),
		frameSwapped(`document.querySelector('#answer-result[data-answered=true] .answer-passage') !== null`),
	)
	expectText(t, fctx, "#answer-result .answer-passage", "Résilier l'abonnement")
	expectText(t, fctx, "#answer-result figcaption a", "Changer de formule ou résilier l'abonnement")

	// Escape pressed in the box (focus in its question field) closes it;
	// the focus is back on the button.
	run(t, fctx, "click into the question field",
		chromedp.Click(chromedp.CSS("#box-ask-q")),
		chromedp.Poll[chromedp.Void](`document.hasFocus() && document.activeElement.id === 'box-ask-q'`, inFrame),
	)
	run(t, ctx, "press Escape",
		chromedp.KeyEvent(kb.Escape),
		chromedp.Poll[chromedp.Void](`document.querySelector('#palier-helpbox-panel').style.display === 'none' && document.activeElement === document.querySelector('button[data-palier-helpbox=button]') && document.activeElement.getAttribute('aria-expanded') === 'false'`),
	)

	// A site the admin did not allow: the script loads, Palier refuses its
	// request, and no button appears.
	run(t, ctx, "a site not allowed gets no button",
		chromedp.Navigate(refused+"/billing/invoices"),
		chromedp.Poll[chromedp.Void](`window.palierHelpBox && window.palierHelpBox.state === 'refused' && document.querySelector('[data-palier-helpbox]') === null`),
	)
}

// inFrameUntil waits until a condition holds in the help box's frame,
// through the frame's own navigations (a click that loads a page, a
// reload): while the frame's document is being replaced an evaluation
// fails, and is tried again until the deadline.
func inFrameUntil(t *testing.T, fctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var last error
	for time.Now().Before(deadline) {
		ectx, cancel := context.WithTimeout(fctx, 2*time.Second)
		ok, err := chromedp.Run(ectx, chromedp.Evaluate[bool](`(() => { try { return !!(`+cond+`) } catch (e) { return false } })()`))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(20 * time.Millisecond) // polling the frame; no event to wait on across its navigations
	}
	shoot(t, fctx, "failed")
	t.Fatalf("%s: %s never held (last error %v)", what, cond, last)
}

// inFrameDo runs a script in the help box's frame.
func inFrameDo(t *testing.T, fctx context.Context, what, js string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(fctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { `+js+`; return true })()`)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// boxChatFor waits for the chat the box started and returns it with the
// agent who answers it.
func boxChatFor(t *testing.T, e *env, s *store.Store, agent auth.Actor) chat.Conversation {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		list, err := e.d.OpenChats(context.Background(), agent)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 {
			return list[0].Chat
		}
		time.Sleep(20 * time.Millisecond) // the customer's start is a browser's request; nothing to wait on here
	}
	t.Fatal("the chat never reached the agent's queue")
	return chat.Conversation{}
}

// TestBrowserHelpBoxChat is a customer on the company's own site (another
// origin) chatting inside the help box: the frame starts the
// conversation, keeps its token out of the host page's reach (no cookie,
// the frame's own storage), the agent's answer arrives live, a reload of
// the frame finds the conversation again, and the customer's reply
// reaches the ticket.
func TestBrowserHelpBoxChat(t *testing.T) {
	ctx, s := browserStore(t)
	e := newServerEnv(t, s)
	fx := setUpHelpBox(t, e, s)
	alwaysOpen(t, e, s)
	allowed, _ := hostSite(t, e.srv.URL, fx.key)
	if err := e.d.SetHelpBoxOrigins(context.Background(), fx.admin, allowed); err != nil {
		t.Fatal(err)
	}
	agent := storetest.Actor(t, s, e.f.AgentL1)

	run(t, ctx, "open the box on the company's site",
		chromedp.Navigate(allowed+"/billing/invoices"),
		chromedp.Poll[chromedp.Void](`window.palierHelpBox && window.palierHelpBox.state === 'ready'`),
		chromedp.Click(chromedp.CSS(`button[data-palier-helpbox=button]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('#palier-helpbox-panel iframe') !== null`),
	)
	fctx := frameCtx(t, ctx)
	inFrameUntil(t, fctx, "the box offers chat", `document.querySelector('#box-chat-link') !== null`)
	inFrameDo(t, fctx, "open the chat view", `document.querySelector('#box-chat-link').click()`)
	inFrameUntil(t, fctx, "the start form", `location.pathname === '/help/box/chat' && document.readyState === 'complete' && document.querySelector('#chat-name') !== null`)
	inFrameDo(t, fctx, "start a chat", `
		document.querySelector('#chat-name').value = 'Zoé Cliente';
		document.querySelector('#chat-first').value = 'Bonjour, ma facture est fausse';
		document.querySelector('#chat-start').click()`)
	inFrameUntil(t, fctx, "the conversation is live", `!document.querySelector('#chat').hidden && document.querySelector('#chat').dataset.link === 'open' && `+hasLine("Bonjour, ma facture est fausse"))

	// The token: not in the frame's address any more, kept in the frame's
	// own storage; the host page has no cookie of ours and cannot reach
	// into the frame.
	inFrameUntil(t, fctx, "the token left the address for the frame's storage",
		`location.hash === '' && /^[A-Z2-7]{16,64}$/.test(sessionStorage.getItem('palier.chat'))`)
	expectTrue(t, ctx, "the host page cannot read the frame's storage", `(() => {
		try { document.querySelector('#palier-helpbox-panel iframe').contentWindow.sessionStorage.getItem('palier.chat'); return false } catch (e) { return true }
	})()`)
	expectTrue(t, ctx, "the host page holds no token", `document.cookie === '' && !location.href.includes('chat=')`)

	c := boxChatFor(t, e, s, agent)
	bctx := context.Background()
	if _, err := e.d.AcceptChat(bctx, agent, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.AgentSays(bctx, agent, c.ID, "Je regarde votre facture."); err != nil {
		t.Fatal(err)
	}
	inFrameUntil(t, fctx, "the customer reads the answer", hasLine("Je regarde votre facture.")+
		` && document.querySelector('#chat-state').textContent.includes('Luc Premier')`)

	// The old document is marked, so that the wait below cannot pass on
	// it before the reload replaced it.
	inFrameDo(t, fctx, "reload the frame", `window.palierOldDocument = true; location.reload()`)
	inFrameUntil(t, fctx, "the reloaded frame finds the conversation", `!window.palierOldDocument && document.readyState === 'complete' && document.querySelector('#chat') && !document.querySelector('#chat').hidden && document.querySelector('#chat').dataset.link === 'open' && `+
		hasLine("Je regarde votre facture.")+` && document.querySelector('#box-chat-start').hidden`)

	inFrameDo(t, fctx, "the customer replies", `
		document.querySelector('#chat-text').value = 'Merci beaucoup';
		document.querySelector('#chat-send').click()`)
	inFrameUntil(t, fctx, "the reply is acknowledged", hasLine("Merci beaucoup"))
	lines, err := e.d.ChatTranscript(bctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, l := range lines {
		said = append(said, l.From+": "+l.Text)
	}
	if got, want := strings.Join(said, " | "), "customer: Bonjour, ma facture est fausse | agent: Je regarde votre facture. | customer: Merci beaucoup"; got != want {
		t.Errorf("transcript %q, want %q", got, want)
	}
	if c.WorkspaceID != e.f.WS.ID {
		t.Errorf("chat in workspace %d, want the box's %d", c.WorkspaceID, e.f.WS.ID)
	}
}

// alwaysOpen makes the test workspace open around the clock, so that chat
// is offered whatever time the test runs.
func alwaysOpen(t *testing.T, e *env, s *store.Store) {
	t.Helper()
	ws := e.f.WS
	ws.BusinessHours = "24/7"
	if err := s.UpdateWorkspace(context.Background(), e.f.Admin.ID, ws); err != nil {
		t.Fatal(err)
	}
}
