package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// boxKey turns the help box on for the fixture's workspace and returns its
// public key.
func boxKey(t *testing.T, e *env, s *store.Store) string {
	t.Helper()
	admin := storetest.Actor(t, s, e.f.Admin)
	if err := e.d.RotateHelpBoxKey(t.Context(), admin); err != nil {
		t.Fatal(err)
	}
	if err := e.d.SetHelpBoxOrigins(t.Context(), admin, "https://shop.example"); err != nil {
		t.Fatal(err)
	}
	setup, err := e.d.HelpBoxSetup(t.Context(), admin)
	if err != nil {
		t.Fatal(err)
	}
	return setup.Settings.Key
}

// boxVisitor is a French visitor of the help box with a journey of its
// own: the client, the journey token and the query every box page takes.
func boxVisitor(t *testing.T, e *env, s *store.Store) (c *client, j, query string) {
	t.Helper()
	key := boxKey(t, e, s)
	j = desk.NewJourneyToken()
	return e.anon(t, "fr"), j, "key=" + key + "&lang=fr&j=" + j
}

// boxChat turns the help box on with chat open around the clock, and
// returns its key and a visitor reading in lang.
func boxChat(t *testing.T, e *env, s *store.Store, lang string) (c *client, key string) {
	t.Helper()
	key = boxKey(t, e, s)
	alwaysOpen(t, e, s)
	return e.anon(t, lang), key
}

var locationRef = regexp.MustCompile(`[?&](?:sent|called)=%23([0-9]+)`)

// A ticket sent from the contact form inside the help box carries the
// journey the box recorded (its search), and the box never sends the
// customer to a new tab.
func TestHelpBoxContactKeepsTheJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, clk := contactEnv(t, s)
		c, j, st := boxVisitor(t, e, s)

		res, body := c.get("/help/box?" + st)
		expectStatus(t, res, body, http.StatusOK)
		if strings.Contains(body, `target="_blank"`) {
			t.Errorf("the box still opens a new tab")
		}
		contains(t, body, `href="/help/box/contact?`)
		res, body = c.get("/help/box/search?" + st + "&q=" + url.QueryEscape("prélèvement"))
		expectStatus(t, res, body, http.StatusOK)

		res, body = c.get("/help/box/contact?" + st)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="contact-form"`, `action="/help/box/contact?`)
		m := stampRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no stamp in the box's form\n%s", excerpt(body))
		}
		if res.Header.Get("X-Frame-Options") != "" {
			t.Errorf("the box's contact view may not be framed: %v", res.Header)
		}
		clk.Add(5 * time.Second)
		res, body = c.post("/help/box/contact?"+st, contactValues(m[1], j), false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", res.StatusCode, excerpt(body))
		}
		loc := res.Header.Get("Location")
		ref := locationRef.FindStringSubmatch(loc)
		if !strings.HasPrefix(loc, "/help/box/contact?") || ref == nil {
			t.Fatalf("redirected to %q", loc)
		}
		res, body = c.get(loc)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="contact-sent"`, "#"+ref[1])

		jr, ok, err := e.d.Journey(t.Context(), e.f.WS.ID, j)
		if err != nil || !ok || jr.TicketID == 0 {
			t.Fatalf("journey %+v %v %v: not attached", jr, ok, err)
		}
		steps, err := e.d.TicketJourney(t.Context(), storetest.Actor(t, s, e.f.Admin), jr.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, st := range steps {
			kinds = append(kinds, string(st.Kind))
		}
		if got := strings.Join(kinds, ","); !strings.Contains(got, string(desk.StepSearch)) || !strings.Contains(got, string(desk.StepFormStarted)) {
			t.Errorf("the ticket's journey is %s, want the box's search and the form", got)
		}
	})
}

// Chat is offered only when the workspace has it on (and is open); off,
// the box offers to leave a message and refuses a start, writing nothing.
func TestHelpBoxChatOnlyWhenOffered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newServerEnv(t, s)
		c, key := boxChat(t, e, s, "en")
		st := "/help/box/chat?key=" + key + "&lang=en"
		res, body := c.get(st)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="box-chat-start"`, `data-auth="frame"`)
		_, body = c.get("/help/box?key=" + key + "&lang=en")
		contains(t, body, `id="box-chat-link"`)

		if err := e.d.SetChatEnabled(t.Context(), storetest.Actor(t, s, e.f.Admin), false); err != nil {
			t.Fatal(err)
		}
		res, body = c.get(st)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="box-chat-off"`, `href="/help/box/contact?`)
		if _, body = c.get("/help/box?key=" + key + "&lang=en"); strings.Contains(body, `id="box-chat-link"`) {
			t.Error("the box's home offers chat while off")
		}
		if strings.Contains(body, `id="box-chat-start"`) {
			t.Error("chat offered while off")
		}
		before := tableCounts(t, s)
		res, body = c.post(st, url.Values{"name": {"Zoé"}, "message": {"Bonjour"}}, false)
		expectStatus(t, res, body, http.StatusConflict)
		contains(t, body, "Live chat is not available right now")
		sameRows(t, "a chat started while off", before, tableCounts(t, s))
	})
}

// The box's socket: the conversation is named by the first message, and
// only a token of the box's own workspace opens it; a page of another
// origin cannot connect at all.
func TestHelpBoxChatSocket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newServerEnv(t, s)
		c, key := boxChat(t, e, s, "fr")
		st := "key=" + key + "&lang=fr"
		res, body := c.post("/help/box/chat?"+st, url.Values{"name": {"Zoé"}, "message": {"Bonjour"}}, false)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %d\n%s", res.StatusCode, excerpt(body))
		}
		loc := res.Header.Get("Location")
		_, token, ok := strings.Cut(loc, "#chat=")
		if !ok || !strings.HasPrefix(loc, "/help/box/chat?") || len(token) < 16 {
			t.Fatalf("start redirected to %q", loc)
		}
		if len(res.Cookies()) != 0 {
			t.Errorf("the box's chat set cookies %v", res.Cookies())
		}
		// Another workspace's conversation, by its real token.
		_, other, err := e.d.StartChat(t.Context(), desk.ChatStart{Name: "Eve", Text: "Hi", Workspace: e.f.Other.WS.ID})
		if err != nil {
			t.Fatal(err)
		}

		path := "/help/box/chat/ws?" + st
		auth := func(conn *websocket.Conn, tok string) {
			b, _ := json.Marshal(map[string]string{"type": "auth", "token": tok})
			if err := conn.Write(t.Context(), websocket.MessageText, b); err != nil {
				t.Fatal(err)
			}
		}
		conn := mustDial(t, c, path)
		auth(conn, token)
		hello := await(t, conn, "hello", func(m wsMsg) bool { return m.Type == "hello" })
		if len(hello.Lines) != 1 || hello.Lines[0].Text != "Bonjour" {
			t.Errorf("hello %+v", hello)
		}

		for name, tok := range map[string]string{"unknown": strings.Repeat("A", 26), "other workspace": other, "empty": ""} {
			conn := mustDial(t, c, path)
			auth(conn, tok)
			m := await(t, conn, "refusal", func(m wsMsg) bool { return true })
			if m.Type != "error" {
				t.Errorf("%s token: got %+v", name, m)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			_, _, err := conn.Read(ctx)
			cancel()
			if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Errorf("%s token: closed with %v, want 1008", name, err)
			}
		}
		// A frame that is not the auth message.
		conn = mustDial(t, c, path)
		_ = conn.Write(t.Context(), websocket.MessageText, []byte(`{"type":"say","ref":"1","text":"hi"}`))
		if m := await(t, conn, "refusal", func(wsMsg) bool { return true }); m.Type != "error" {
			t.Errorf("say before auth: %+v", m)
		}
		// Another origin cannot open the socket.
		if _, res, err := dialChat(t, c, path, "https://shop.example"); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin socket: %v %v", err, res)
		}
	})
}

// The demo page carrying the box exists only where Palier's own origin
// may show the box.
func TestHelpBoxDemoPage(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	e := newServerEnv(t, s)
	key := boxKey(t, e, s)
	c := e.anon(t, "fr")
	res, body := c.get("/help/box/demo")
	expectStatus(t, res, body, http.StatusNotFound)
	if err := e.d.SetHelpBoxOrigins(t.Context(), storetest.Actor(t, s, e.f.Admin), e.srv.URL); err != nil {
		t.Fatal(err)
	}
	res, body = c.get("/help/box/demo")
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, `<script src="/help/box.js?key=`+key+`" async></script>`)
	refusesFraming(t, "the demo page", res)
}
