package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// wsMsg is a message of the chat's WebSocket, as the browser reads it.
type wsMsg struct {
	Type    string          `json:"type"`
	Ref     string          `json:"ref"`
	Line    *desk.ChatLine  `json:"line"`
	Lines   []desk.ChatLine `json:"lines"`
	State   *desk.ChatState `json:"state"`
	Message string          `json:"message"`
	Code    string          `json:"code"`
}

// dialChat opens a chat WebSocket as c's browser would (its cookies, the
// page's origin).
func dialChat(t *testing.T, c *client, path, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	u := "ws" + strings.TrimPrefix(c.e.srv.URL, "http") + path
	conn, res, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c.http, HTTPHeader: h})
	if conn != nil {
		t.Cleanup(func() { conn.CloseNow() })
	}
	return conn, res, err
}

func mustDial(t *testing.T, c *client, path string) *websocket.Conn {
	t.Helper()
	conn, res, err := dialChat(t, c, path, c.e.srv.URL)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	return conn
}

// await reads messages until one satisfies want, for at most 10 seconds.
func await(t testing.TB, conn *websocket.Conn, what string, want func(wsMsg) bool) wsMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("undecodable message %s: %v", b, err)
		}
		if want(m) {
			return m
		}
	}
}

func say(t testing.TB, conn *websocket.Conn, ref, text string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"type": "say", "ref": ref, "text": text})
	if err := conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatalf("say %q: %v", text, err)
	}
}

func lineSaying(text string) func(wsMsg) bool {
	return func(m wsMsg) bool {
		return (m.Type == "line" || m.Type == "ack") && m.Line != nil && m.Line.Text == text
	}
}

func stateIs(s string) func(wsMsg) bool {
	return func(m wsMsg) bool {
		return (m.Type == "state" || m.Type == "hello") && m.State != nil && string(m.State.State) == s
	}
}

// startChat opens a chat as a visitor of the help centre, open at all
// hours, and returns their client (holding the conversation's cookie) and
// the conversation's id.
func startChat(t *testing.T, e *env, s *store.Store, name, email, first string) (*client, int64) {
	t.Helper()
	alwaysOpen(t, e, s)
	cust := e.anon(t, "fr")
	res, body := cust.post("/help/chat", url.Values{"name": {name}, "email": {email}, "message": {first}}, false)
	expectStatus(t, res, body, http.StatusSeeOther)
	res, body = cust.get("/help/chat")
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, first, `id="chat-lines"`)
	var token string
	for _, ck := range res.Request.Header.Values("Cookie") {
		for _, part := range strings.Split(ck, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == "palier_chat" {
				token = v
			}
		}
	}
	c, err := e.d.CustomerChat(context.Background(), token)
	if err != nil {
		t.Fatalf("the page's cookie opens no chat: %v", err)
	}
	return cust, c.ID
}

func TestChatBetweenCustomerAndAgent(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		cust, chatID := startChat(t, e, s, "Zoé Client", "zoe@example.test", "Bonjour, ma facture est fausse")
		cws := mustDial(t, cust, "/help/chat/ws")
		hello := await(t, cws, "hello", func(m wsMsg) bool { return m.Type == "hello" })
		if len(hello.Lines) != 1 || hello.State.State != "waiting" {
			t.Fatalf("hello = %+v", hello)
		}

		// The L1 agent sees it waiting (routing placed it at L1); the L3
		// agent does not.
		agent := e.login(t, "l1@acme.test")
		res, body := agent.get("/chats/list")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Zoé Client", "/chats/"+id(chatID)+"/accept")
		res, body = e.login(t, "l3@acme.test").get("/chats/list")
		expectStatus(t, res, body, http.StatusOK)
		lacks(t, body, "Zoé Client")
		res, body = agent.get("/chats/count")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `class="count chat-count"`)

		res, body = agent.post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		st := await(t, cws, "accepted", stateIs("accepted"))
		if st.State.Agent != "Luc Premier" {
			t.Fatalf("accepted by %q", st.State.Agent)
		}
		aws := mustDial(t, agent, "/chats/"+id(chatID)+"/ws")
		await(t, aws, "agent hello", func(m wsMsg) bool { return m.Type == "hello" && len(m.Lines) == 1 })

		say(t, aws, "a1", "Je regarde votre facture.")
		ack := await(t, aws, "agent ack", func(m wsMsg) bool { return m.Type == "ack" })
		if ack.Ref != "a1" || ack.Line.From != "agent" {
			t.Fatalf("ack = %+v", ack)
		}
		await(t, cws, "agent line at the customer", lineSaying("Je regarde votre facture."))
		say(t, cws, "c1", "Merci !")
		await(t, cws, "customer ack", func(m wsMsg) bool { return m.Type == "ack" && m.Ref == "c1" })
		await(t, aws, "customer line at the agent", lineSaying("Merci !"))

		// A reload finds the conversation with every line.
		res, body = cust.get("/help/chat")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Je regarde votre facture.", "Merci !")

		res, body = agent.post("/chats/"+id(chatID)+"/end", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		await(t, cws, "ended", stateIs("ended"))

		// The ticket: channel chat, owned by the agent, its timeline the
		// transcript in order (customer lines from the customer, agent
		// lines public replies).
		c, err := e.d.CustomerChat(context.Background(), cookieOf(t, cust, "/help/chat"))
		if err != nil {
			t.Fatal(err)
		}
		tk, err := s.Ticket(context.Background(), e.f.WS.ID, c.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != "chat" || tk.OwnerID != e.f.AgentL1.ID || tk.TierID != e.f.Tier["L1"].ID {
			t.Fatalf("ticket channel %q owner %d tier %d", tk.Channel, tk.OwnerID, tk.TierID)
		}
		checkTranscript(t, s, e.f.WS.ID, tk, []string{
			"customer_message:Bonjour, ma facture est fausse", "agent_reply:Je regarde votre facture.", "customer_message:Merci !"})
		// The customer can say no more.
		say(t, cws, "c2", "encore ?")
		m := await(t, cws, "refusal", func(m wsMsg) bool { return m.Type == "error" })
		if m.Ref != "c2" || !strings.Contains(m.Message, "terminée") {
			t.Fatalf("refusal = %+v", m)
		}
	})
}

func cookieOf(t *testing.T, c *client, path string) string {
	t.Helper()
	u, _ := url.Parse(c.e.srv.URL + path)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "palier_chat" {
			return ck.Value
		}
	}
	t.Fatal("no chat cookie")
	return ""
}

// checkTranscript compares a ticket's messages with kind:text lines.
func checkTranscript(t *testing.T, s *store.Store, wsID int64, tk ticket.Ticket, want []string) {
	t.Helper()
	events, err := s.Events(context.Background(), wsID, tk.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		if e.Kind == ticket.CustomerMessage || e.Kind == ticket.AgentReply {
			got = append(got, string(e.Kind)+":"+e.Body)
			if e.Kind == ticket.CustomerMessage && e.ActorCustomerID != tk.CustomerID {
				t.Errorf("customer line %q not from the ticket's customer", e.Body)
			}
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("transcript:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestChatAcceptHasOneWinner(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		_, chatID := startChat(t, e, s, "Zoé", "", "Bonjour")
		agents := []*client{e.login(t, "l1@acme.test"), e.login(t, "lead@acme.test")}
		statuses := atOnce(len(agents), func(i int) int {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/chats/"+id(chatID)+"/accept", nil)
			res, err := agents[i].http.Do(req)
			if err != nil {
				t.Error(err)
				return 0
			}
			res.Body.Close()
			return res.StatusCode
		})
		won, lost := 0, 0
		for _, st := range statuses {
			switch st {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
				lost++
			}
		}
		if won != 1 || lost != 1 {
			t.Fatalf("statuses %v: want one 303 and one 409", statuses)
		}
		c, err := s.Chat(context.Background(), e.f.WS.ID, chatID)
		if err != nil {
			t.Fatal(err)
		}
		winner := e.f.AgentL1.ID
		if statuses[1] == http.StatusSeeOther {
			winner = e.f.Lead.ID
		}
		if c.State != "accepted" || c.AgentID != winner {
			t.Fatalf("chat %s by %d, want accepted by %d", c.State, c.AgentID, winner)
		}
	})
}

func TestChatRefusals(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		cust, chatID := startChat(t, e, s, "Zoé", "", "Bonjour")

		// Another site's page, or a client that says no origin, cannot
		// open the customer's socket even with the cookie.
		for _, origin := range []string{"https://evil.example", ""} {
			_, res, err := dialChat(t, cust, "/help/chat/ws", origin)
			if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
				t.Fatalf("origin %q: err %v, response %v", origin, err, res)
			}
		}
		// Without the token, or with a made-up one: nothing.
		stranger := e.anon(t, "fr")
		if _, res, err := dialChat(t, stranger, "/help/chat/ws", e.srv.URL); err == nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("no token: %v %v", err, res)
		}
		u, _ := url.Parse(e.srv.URL + "/help/chat")
		stranger.http.Jar.SetCookies(u, []*http.Cookie{{Name: "palier_chat", Value: "MADEUPTOKEN", Path: "/help/chat"}})
		if _, res, err := dialChat(t, stranger, "/help/chat/ws", e.srv.URL); err == nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("made-up token: %v %v", err, res)
		}

		// Agents: a session is required, and the ticket's access rule.
		if _, res, err := dialChat(t, stranger, "/chats/"+id(chatID)+"/ws", e.srv.URL); err == nil || res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("agent socket without a session: %v %v", err, res)
		}
		l2 := e.login(t, "l2@acme.test")
		if _, res, err := dialChat(t, l2, "/chats/"+id(chatID)+"/ws", e.srv.URL); err == nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("agent of another tier: %v %v", err, res)
		}
		res, body := l2.post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusNotFound)
		l1 := e.login(t, "l1@acme.test")
		if _, _, err := dialChat(t, l1, "/chats/"+id(chatID)+"/ws", "https://evil.example"); err == nil {
			t.Fatal("an agent's socket opened from another origin")
		}
		// Answering before accepting is refused.
		aws := mustDial(t, l1, "/chats/"+id(chatID)+"/ws")
		say(t, aws, "a1", "coucou")
		if m := await(t, aws, "refusal", func(m wsMsg) bool { return m.Type == "error" }); m.Ref != "a1" {
			t.Fatalf("refusal %+v", m)
		}

		// A frame larger than the limit closes the connection; a line
		// too long is refused.
		cws := mustDial(t, cust, "/help/chat/ws")
		await(t, cws, "hello", func(m wsMsg) bool { return m.Type == "hello" })
		say(t, cws, "big", strings.Repeat("x", 3001))
		if m := await(t, cws, "too long", func(m wsMsg) bool { return m.Type == "error" }); m.Ref != "big" {
			t.Fatalf("refusal %+v", m)
		}
		// The server may close while the frame is still being written:
		// then the write fails (connection reset) and no close frame
		// arrives. Either way the connection must end, and a close status,
		// when there is one, says why.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		huge, _ := json.Marshal(map[string]string{"type": "say", "ref": "huge", "text": strings.Repeat("x", 64<<10)})
		_ = cws.Write(ctx, websocket.MessageText, huge)
		for {
			if _, _, err := cws.Read(ctx); err != nil {
				if ctx.Err() != nil {
					t.Fatalf("an oversized frame left the connection open: %v", err)
				}
				if st := websocket.CloseStatus(err); st != -1 && st != websocket.StatusMessageTooBig {
					t.Fatalf("oversized frame closed with %v", st)
				}
				break
			}
		}
		// Nothing of that was written: the ticket holds the first line only.
		c, _ := s.Chat(context.Background(), e.f.WS.ID, chatID)
		tk, _ := s.Ticket(context.Background(), e.f.WS.ID, c.TicketID)
		checkTranscript(t, s, e.f.WS.ID, tk, []string{"customer_message:Bonjour"})

		// Once the chat's ticket is merged into another, an agent's line is
		// refused as any reply is: ticket_merged, said in the agent's words.
		res, body = l1.post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		admin := storetest.Actor(t, s, e.f.Admin)
		kept, err := e.d.CreateTicket(context.Background(), admin, desk.NewTicket{Subject: "Suite du chat", Body: "Et ma facture ?",
			CustomerID: tk.CustomerID, RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.MergeTickets(context.Background(), admin, kept.ID, []int64{tk.ID}); err != nil {
			t.Fatal(err)
		}
		say(t, aws, "a2", "Voilà, c'est réglé.")
		m := await(t, aws, "answer to a2", func(m wsMsg) bool { return m.Ref == "a2" })
		if m.Type != "error" || m.Code != "ticket_merged" || m.Message != i18n.T("fr", "error.ticket_merged") {
			t.Fatalf("a line on a merged ticket: %+v, want ticket_merged", m)
		}
		checkTranscript(t, s, e.f.WS.ID, tk, []string{"customer_message:Bonjour"})
	})
}

func TestChatRateLimitPerConversation(t *testing.T) {
	e, s := sqliteEnv(t)
	frozen := time.Now()
	s.SetClock(func() time.Time { return frozen })
	cust, _ := startChat(t, e, s, "Zoé", "", "Bonjour") // the first line is one of the burst
	cws := mustDial(t, cust, "/help/chat/ws")
	for i := range 4 {
		ref := "r" + id(int64(i))
		say(t, cws, ref, "ligne")
		await(t, cws, "ack "+ref, func(m wsMsg) bool { return m.Type == "ack" && m.Ref == ref })
	}
	say(t, cws, "over", "une de trop")
	m := await(t, cws, "refusal", func(m wsMsg) bool { return m.Type == "error" })
	if m.Ref != "over" || !strings.Contains(m.Message, "trop vite") {
		t.Fatalf("refusal %+v", m)
	}
	// A second connection to the same conversation shares its pace.
	again := mustDial(t, cust, "/help/chat/ws")
	say(t, again, "again", "encore")
	if m := await(t, again, "refusal", func(m wsMsg) bool { return m.Type == "error" }); m.Ref != "again" {
		t.Fatalf("refusal %+v", m)
	}
	frozen = frozen.Add(2 * time.Second)
	say(t, cws, "later", "plus tard")
	await(t, cws, "ack later", func(m wsMsg) bool { return m.Type == "ack" && m.Ref == "later" })
}

func TestMissedChatBecomesAnEmailTicket(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		cust, chatID := startChat(t, e, s, "Zoé Client", "", "Il y a quelqu un")
		cws := mustDial(t, cust, "/help/chat/ws")
		await(t, cws, "hello", func(m wsMsg) bool { return m.Type == "hello" })

		// Not yet due: nothing happens.
		if n, err := e.d.ExpireChats(ctx); err != nil || n != 0 {
			t.Fatalf("ExpireChats before the wait = %d, %v", n, err)
		}
		now := time.Now()
		s.SetClock(func() time.Time { return now.Add(2*time.Minute + time.Second) })
		if n, err := e.d.ExpireChats(ctx); err != nil || n != 1 {
			t.Fatalf("ExpireChats after the wait = %d, %v", n, err)
		}
		await(t, cws, "missed", stateIs("missed"))
		if n, _ := e.d.ExpireChats(ctx); n != 0 {
			t.Fatalf("a chat was missed twice")
		}
		// An agent can no longer accept it.
		res, body := e.login(t, "l1@acme.test").post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusConflict)

		// A bad address is refused and writes nothing.
		before, _ := s.CountTickets(ctx, e.f.WS.ID, store.Filter{}, 1000)
		res, body = cust.post("/help/chat/leave", url.Values{"email": {"pas-une-adresse"}, "message": {"Rappelez-moi"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		if after, _ := s.CountTickets(ctx, e.f.WS.ID, store.Filter{}, 1000); after != before {
			t.Fatalf("a refused message wrote a ticket: %d → %d", before, after)
		}
		res, body = cust.post("/help/chat/leave", url.Values{"email": {"zoe@example.test"}, "message": {"Rappelez-moi au sujet de ma facture"}}, false)
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="chat-left"`)
		await(t, cws, "ended", stateIs("ended"))

		list, _, err := s.Tickets(ctx, e.f.WS.ID, store.Filter{}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var left ticket.Ticket
		for _, tk := range list {
			if tk.Channel == "email" && strings.Contains(tk.Subject, "Zoé Client") {
				left = tk
			}
		}
		if left.ID == 0 || left.TierID != e.f.Tier["L1"].ID {
			t.Fatalf("no routed email ticket for the message left: %+v", left)
		}
		cu, _ := s.Customer(ctx, e.f.WS.ID, left.CustomerID)
		if cu.Email != "zoe@example.test" {
			t.Fatalf("the message's customer is %q", cu.Email)
		}
		checkTranscript(t, s, e.f.WS.ID, left, []string{"customer_message:Rappelez-moi au sujet de ma facture"})
		c, _ := s.Chat(ctx, e.f.WS.ID, chatID)
		if c.State != "ended" || c.EndReason != "message_left" {
			t.Fatalf("chat %s (%s)", c.State, c.EndReason)
		}
		// Leaving a second message is refused.
		res, body = cust.post("/help/chat/leave", url.Values{"email": {"zoe@example.test"}, "message": {"encore"}}, false)
		if res.StatusCode == http.StatusOK {
			t.Fatalf("a second message was accepted: %s", excerpt(body))
		}
	})
}

func TestChatWaitSetting(t *testing.T) {
	e, s := sqliteEnv(t)
	res, body := e.login(t, "l1@acme.test").post("/chats/settings", url.Values{"wait_seconds": {"30"}}, false)
	expectStatus(t, res, body, http.StatusForbidden)
	admin := e.login(t, "admin@acme.test")
	res, body = admin.post("/chats/settings", url.Values{"wait_seconds": {"5"}}, false)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	res, body = admin.post("/chats/settings", url.Values{"wait_seconds": {"30"}}, false)
	expectStatus(t, res, body, http.StatusSeeOther)
	if w, err := s.ChatWait(context.Background(), e.f.WS.ID); err != nil || w != 30*time.Second {
		t.Fatalf("wait = %v, %v", w, err)
	}
}

func TestChatTransferEscalatesAndWaitsForTheNewTier(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		cust, chatID := startChat(t, e, s, "Zoé Client", "", "Mon export plante")
		cws := mustDial(t, cust, "/help/chat/ws")
		l1 := e.login(t, "l1@acme.test")
		res, body := l1.post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		res, body = l1.get("/chats/" + id(chatID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `id="chat-transfer"`, `name="answer_steps_tried"`)

		// The procedure's checklist is asked for, as on the ticket page;
		// refused, nothing moves.
		res, body = l1.post("/chats/"+id(chatID)+"/transfer", url.Values{"target_tier": {"L2"}, "reason": {"Bug d'export"}}, false)
		expectStatus(t, res, body, http.StatusUnprocessableEntity)
		contains(t, body, `id="err-answers.steps_tried"`)
		c, _ := s.Chat(ctx, e.f.WS.ID, chatID)
		tk, _ := s.Ticket(ctx, e.f.WS.ID, c.TicketID)
		if c.State != "accepted" || tk.TierID != e.f.Tier["L1"].ID {
			t.Fatalf("a refused transfer moved something: chat %s, tier %d", c.State, tk.TierID)
		}

		res, body = l1.post("/chats/"+id(chatID)+"/transfer", url.Values{"target_tier": {"L2"}, "reason": {"Bug d'export"},
			"answer_steps_tried": {"Vider le cache"}, "answer_error_message": {"E42"}}, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		await(t, cws, "waiting again", func(m wsMsg) bool { return m.Type == "state" && m.State.State == "waiting" })
		c, _ = s.Chat(ctx, e.f.WS.ID, chatID)
		tk, _ = s.Ticket(ctx, e.f.WS.ID, c.TicketID)
		if c.State != "waiting" || c.AgentID != 0 || tk.TierID != e.f.Tier["L2"].ID || tk.EscalationCount != 1 {
			t.Fatalf("after the transfer: chat %s agent %d, ticket tier %d escalations %d", c.State, c.AgentID, tk.TierID, tk.EscalationCount)
		}
		// Now the L2 agent's to accept, no longer L1's.
		res, body = l1.get("/chats/list")
		expectStatus(t, res, body, http.StatusOK)
		lacks(t, body, "Zoé Client")
		l2 := e.login(t, "l2@acme.test")
		res, body = l2.get("/chats/list")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Zoé Client", "/chats/"+id(chatID)+"/accept")
		res, body = l2.post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		await(t, cws, "accepted by L2", func(m wsMsg) bool { return m.Type == "state" && m.State.Agent == "Dana Second" })
	})
}

func TestLogCallFromTheTicketPage(t *testing.T) {
	e, _ := sqliteEnv(t)
	tk := e.f.Ticket["L1owned"]
	l1 := e.login(t, "l1@acme.test")
	res, body := l1.get("/tickets/" + id(tk.ID))
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, `action="/tickets/`+id(tk.ID)+`/calls"`)
	res, body = l1.post("/tickets/"+id(tk.ID)+"/calls", url.Values{"direction": {"outbound"}, "number": {"01 23 45 67 89"},
		"minutes": {"3"}, "notes": {"Rappel effectué"}}, false)
	expectStatus(t, res, body, http.StatusSeeOther)
	res, body = l1.get("/tickets/" + id(tk.ID))
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, "Appel vers 01 23 45 67 89, 3 min.", "Rappel effectué")
	res, body = l1.post("/tickets/"+id(tk.ID)+"/calls", url.Values{"direction": {"outbound"}, "number": {"abc"}, "minutes": {"3"}}, false)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	// Not on a ticket of another tier.
	res, body = e.login(t, "l3@acme.test").post("/tickets/"+id(tk.ID)+"/calls", url.Values{"direction": {"outbound"}, "number": {"0123"}, "minutes": {"1"}}, false)
	expectStatus(t, res, body, http.StatusNotFound)
}
