package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/browsertest"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// The help centre's chat page offers chat by the help box's rule, for the
// help centre's own workspace: only while that workspace has chat on and
// is within its business hours; otherwise it offers the contact form and
// refuses a start, writing nothing. Another workspace's switch changes
// nothing here, and its conversations are not found here.
func TestHelpChatOnlyWhenOffered(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		admin := storetest.Actor(t, s, e.f.Admin)
		// The fixture's workspace is open mon-fri 09:00-18:00 UTC; the
		// other workspace at all hours.
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) // a Sunday
		s.SetClock(func() time.Time { return now })
		c := e.anon(t, "en")
		chats := func() int {
			var n int
			if err := s.DB().QueryRow(`SELECT count(*) FROM chats`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		offered := func(why string, want bool) {
			t.Helper()
			res, body := c.get("/help/chat")
			expectStatus(t, res, body, http.StatusOK)
			if want {
				contains(t, body, `id="chat-start"`)
				lacks(t, body, `id="help-chat-off"`)
				return
			}
			contains(t, body, `id="help-chat-off"`, `href="/help/contact"`, "Nobody can chat right now")
			lacks(t, body, `id="chat-start"`)
			before, n := tableCounts(t, s), chats()
			res, body = c.post("/help/chat", url.Values{"name": {"Zoé"}, "message": {"Bonjour"}}, false)
			expectStatus(t, res, body, http.StatusConflict)
			contains(t, body, "Live chat is not available right now", `id="help-chat-off"`)
			sameRows(t, "a chat started "+why, before, tableCounts(t, s))
			if chats() != n {
				t.Errorf("a chat started %s wrote a conversation", why)
			}
		}

		offered("outside business hours", false)

		now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) // a Wednesday, open
		offered("within business hours", true)

		// Switched off in the help centre's workspace: not offered, even
		// though the other workspace offers chat.
		if err := e.d.SetChatEnabled(ctx, admin, false); err != nil {
			t.Fatal(err)
		}
		offered("while switched off", false)

		// On again here, off in the other workspace: offered, and the
		// conversation belongs to the help centre's workspace.
		if err := e.d.SetChatEnabled(ctx, admin, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetChatEnabled(ctx, e.f.Other.WS.ID, chat.DefaultWait, false); err != nil {
			t.Fatal(err)
		}
		offered("with the other workspace's chat off", true)
		res, body := c.post("/help/chat", url.Values{"name": {"Zoé"}, "message": {"Bonjour"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		conv, err := e.d.CustomerChat(ctx, cookieOf(t, c, "/help/chat"))
		if err != nil {
			t.Fatal(err)
		}
		if conv.WorkspaceID != e.f.WS.ID {
			t.Errorf("the chat went to workspace %d, want the help centre's %d", conv.WorkspaceID, e.f.WS.ID)
		}

		// A conversation already started stays reachable after chat is
		// switched off.
		if err := e.d.SetChatEnabled(ctx, admin, false); err != nil {
			t.Fatal(err)
		}
		res, body = c.get("/help/chat")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="chat-lines"`, "Bonjour")

		// Another workspace's conversation, by its real token, is not
		// found on this help centre: not shown, no socket, not ended.
		_, other, err := e.d.StartChat(ctx, desk.ChatStart{Name: "Eve", Text: "Hi", Workspace: e.f.Other.WS.ID})
		if err != nil {
			t.Fatal(err)
		}
		eve := e.anon(t, "en")
		u, _ := url.Parse(e.srv.URL + "/help/chat")
		eve.http.Jar.SetCookies(u, []*http.Cookie{{Name: "palier_chat", Value: other, Path: "/help/chat"}})
		res, body = eve.get("/help/chat")
		expectStatus(t, res, body, http.StatusOK)
		if strings.Contains(body, `id="chat-lines"`) {
			t.Error("the help centre shows another workspace's conversation")
		}
		eve.http.Jar.SetCookies(u, []*http.Cookie{{Name: "palier_chat", Value: other, Path: "/help/chat"}})
		if _, res, err := dialChat(t, eve, "/help/chat/ws", e.srv.URL); err == nil || res == nil || res.StatusCode != http.StatusNotFound {
			t.Errorf("another workspace's conversation opened a socket here: %v", err)
		}
		res, body = eve.post("/help/chat/end", url.Values{}, false)
		expectStatus(t, res, body, http.StatusNotFound)
		if got, err := e.d.CustomerChat(ctx, other); err != nil || got.State != chat.Waiting {
			t.Errorf("another workspace's conversation is %v, %v; want it untouched", got.State, err)
		}
	})
}

// hasLine is a condition: the page's transcript shows a line of text.
func hasLine(text string) string {
	return `Array.from(document.querySelectorAll("#chat-lines .what")).some(e => e.textContent === ` + strconv.Quote(text) + `)`
}

// TestBrowserChat is a customer chatting from the help centre while Luc,
// in another browser context, sees the chat arrive in his panel without
// reloading, accepts it, answers and ends it; the ticket then shows the
// transcript.
func TestBrowserChat(t *testing.T) {
	custCtx := browsertest.New(t)
	// A second browser of its own: nothing (cookies, storage) is shared
	// with the customer's.
	agentCtx := browsertest.New(t)
	e, s := sqliteEnv(t)
	alwaysOpen(t, e, s)

	signInAt(t, agentCtx, e, "/chats", "l1@acme.test", "#chat-queue")
	run(t, agentCtx, "the panel is live",
		chromedp.WaitVisible(chromedp.CSS("#no-chats")),
		waitTrue(`document.getElementById("chat-queue").dataset.link === "open"`),
	)

	run(t, custCtx, "the customer starts a chat",
		chromedp.Navigate(e.srv.URL+"/help/chat?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS("#chat-name")),
		chromedp.SendKeys(chromedp.CSS("#chat-name"), "Zoé Client"),
		chromedp.SendKeys(chromedp.CSS("#chat-email"), "zoe@example.test"),
		chromedp.SendKeys(chromedp.CSS("#chat-first"), "Bonjour, ma facture est fausse"),
		clickAndLoad("#chat-start"),
		chromedp.WaitVisible(chromedp.CSS("#chat-say")),
		waitTrue(hasLine("Bonjour, ma facture est fausse")),
		waitTrue(`document.getElementById("chat").dataset.link === "open"`),
	)
	// Its cookie is for the chat's path only and not readable by scripts.
	expectTrue(t, custCtx, "the token is not readable by scripts", `!document.cookie.includes("palier_chat")`)

	run(t, agentCtx, "the chat appears in Luc's panel; he accepts it",
		chromedp.WaitVisible(chromedp.CSS(`#chat-list button[id^="accept-"]`)),
		clickAndLoad(`#chat-list button[id^="accept-"]`),
		chromedp.WaitVisible(chromedp.CSS("#chat-say")),
		waitTrue(hasLine("Bonjour, ma facture est fausse")),
		waitTrue(`document.getElementById("chat").dataset.link === "open"`),
	)
	run(t, custCtx, "the customer is told who is with them",
		waitTrue(`document.getElementById("chat-state").textContent.includes("Luc Premier")`),
	)
	run(t, agentCtx, "Luc answers",
		chromedp.SendKeys(chromedp.CSS("#chat-text"), "Je regarde votre facture."),
		chromedp.Click(chromedp.CSS("#chat-send")),
		waitTrue(hasLine("Je regarde votre facture.")),
	)
	run(t, custCtx, "the customer reads the answer and replies",
		waitTrue(hasLine("Je regarde votre facture.")),
		chromedp.SendKeys(chromedp.CSS("#chat-text"), "Merci beaucoup"),
		chromedp.Click(chromedp.CSS("#chat-send")),
		waitTrue(hasLine("Merci beaucoup")),
	)
	run(t, custCtx, "a reload keeps the conversation",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS("#chat-say")),
		waitTrue(hasLine("Je regarde votre facture.")),
		waitTrue(`document.getElementById("chat").dataset.link === "open"`),
	)
	run(t, agentCtx, "Luc reads the reply and ends the chat",
		waitTrue(hasLine("Merci beaucoup")),
		clickAndLoad("#chat-end"),
		chromedp.WaitVisible(chromedp.CSS("#composer")),
	)
	expectTrue(t, agentCtx, "the ticket shows the transcript in order", `(() => {
		const t = document.body.innerText;
		const a = t.indexOf("Bonjour, ma facture est fausse"), b = t.indexOf("Je regarde votre facture."), c = t.indexOf("Merci beaucoup");
		return a >= 0 && a < b && b < c;
	})()`)
	run(t, custCtx, "the customer sees the chat ended",
		chromedp.WaitVisible(chromedp.CSS("#chat-again")),
		chromedp.WaitNotVisible(chromedp.CSS("#chat-say")),
	)
}
