package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

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
