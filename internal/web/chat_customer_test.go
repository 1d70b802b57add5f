package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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
			sameCounts(t, "a chat started "+why, before, tableCounts(t, s))
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
