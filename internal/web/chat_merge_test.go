package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// alicesChatMergedWithCarole starts a chat of alice's, accepted by the L1
// agent, then merges into alice's #1000 (the fixture's "L1") a ticket of
// carole's (same organisation) and the chat's ticket; alice writes once
// more, so that the chat follows onto #1000. It returns alice's client,
// the L1 agent's, the chat and carole's ticket number.
func alicesChatMergedWithCarole(t *testing.T, e *env, s *store.Store, carolesText string) (alice, agent *client, chatID, carolesNumber int64) {
	t.Helper()
	ctx := context.Background()
	alice, chatID = startChat(t, e, s, "Alice Martin", e.f.Customer["alice"].Email, "Bonjour, encore ma facture")
	agent = e.login(t, "l1@acme.test")
	res, body := agent.post("/chats/"+id(chatID)+"/accept", nil, false)
	expectStatus(t, res, body, http.StatusSeeOther)
	car, err := s.CreateCustomer(ctx, e.f.WS.ID, customer.Customer{OrganisationID: e.f.Org.ID, Name: "Carole Dubois",
		Email: "carole@globex.example", Language: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	lead := storetest.Actor(t, s, e.f.Lead)
	hers, err := e.d.CreateTicket(ctx, lead, desk.NewTicket{Subject: "Facture de mars aussi", Body: carolesText,
		CustomerID: car.ID, RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.d.CustomerChat(ctx, cookieOf(t, alice, "/help/chat"))
	if err != nil {
		t.Fatal(err)
	}
	kept := e.f.Ticket["L1"]
	if _, err := e.d.MergeTickets(ctx, lead, kept.ID, []int64{hers.ID, c.TicketID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.CustomerSays(ctx, cookieOf(t, alice, "/help/chat"), "Après la fusion : une question."); err != nil {
		t.Fatal(err)
	}
	return alice, agent, chatID, hers.Number
}

// The agent's chat page, and its socket's first message, show every
// message of the ticket the chat follows, carole's copied one too, marked
// "copié depuis #N" under her name; alice's chat page and socket still
// leave it out.
func TestTheAgentsChatPageShowsCopiedMessagesTheCustomersDoesNot(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		const carole = "Carole : notre contrat 4471 est résilié."
		alice, agent, chatID, number := alicesChatMergedWithCarole(t, e, s, carole)
		ref := "#" + id(number)

		res, body := agent.get("/chats/" + id(chatID))
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "contrat 4471", "Carole Dubois", `class="copied-from"`, "copié depuis "+ref, "Après la fusion : une question.")
		aws := mustDial(t, agent, "/chats/"+id(chatID)+"/ws")
		hello := await(t, aws, "agent hello", func(m wsMsg) bool { return m.Type == "hello" })
		found := false
		for _, l := range hello.Lines {
			if strings.Contains(l.Text, "contrat 4471") {
				found = l.CopiedFrom == number && l.Name == "Carole Dubois"
			}
		}
		if !found {
			t.Errorf("the agent's socket does not give carole's message copied from %s: %+v", ref, hello.Lines)
		}

		res, body = alice.get("/help/chat")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Après la fusion : une question.")
		lacks(t, body, "contrat 4471")
		cws := mustDial(t, alice, "/help/chat/ws")
		hello = await(t, cws, "customer hello", func(m wsMsg) bool { return m.Type == "hello" })
		for _, l := range hello.Lines {
			if strings.Contains(l.Text, "contrat 4471") {
				t.Errorf("alice's socket gives carole's message: %+v", l)
			}
		}
	})
}

// The L1 agent's accepted chat follows a merge onto alice's ticket of
// tier L2, which they may not work: their panel says where it went and
// why (in their language), their open chat page takes them to the panel,
// and the L2 agent sees it waiting, to accept.
func TestAReturnedChatIsExplainedOnTheAgentsPanel(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env, s *store.Store) {
		ctx := context.Background()
		alice, chatID := startChat(t, e, s, "Alice Martin", e.f.Customer["alice"].Email, "Bonjour, encore ma facture")
		agent := e.login(t, "l1@acme.test")
		res, body := agent.post("/chats/"+id(chatID)+"/accept", nil, false)
		expectStatus(t, res, body, http.StatusSeeOther)
		c, err := e.d.CustomerChat(ctx, cookieOf(t, alice, "/help/chat"))
		if err != nil {
			t.Fatal(err)
		}
		kept := e.f.Ticket["L2"] // alice's, tier L2
		if _, err := e.d.MergeTickets(ctx, storetest.Actor(t, s, e.f.Lead), kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.CustomerSays(ctx, cookieOf(t, alice, "/help/chat"), "Vous êtes toujours là ?"); err != nil {
			t.Fatal(err)
		}
		res, body = agent.get("/chats/list")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, `class="banner chat-returned"`, "Votre discussion avec Alice Martin est retournée dans la file", kept.Reference)
		lacks(t, body, "/chats/"+id(chatID)+"/accept")
		res, body = agent.get("/chats/" + id(chatID))
		expectStatus(t, res, body, http.StatusSeeOther)
		if where := res.Header.Get("Location"); where != "/chats" {
			t.Errorf("the agent's chat page leads to %q, want the panel", where)
		}
		res, body = e.login(t, "l2@acme.test").get("/chats/list")
		expectStatus(t, res, body, http.StatusOK)
		contains(t, body, "Alice Martin", "/chats/"+id(chatID)+"/accept")
		lacks(t, body, "chat-returned")
	})
}

// Luc has alice's chat open when its ticket is merged into her ticket of
// tier L2 and she writes again: his page takes him to the Chats panel,
// which says, without a reload, where the chat went and why.
func TestBrowserAReturnedChatIsExplainedToItsAgent(t *testing.T) {
	ctx, e, s := browserEnv(t)
	bg := context.Background()
	c, token, err := e.d.StartChat(bg, desk.ChatStart{Name: "Alice Martin", Email: e.f.Customer["alice"].Email, Text: "Bonjour, encore ma facture",
		Workspace: e.f.WS.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.AcceptChat(bg, storetest.Actor(t, s, e.f.AgentL1), c.ID); err != nil {
		t.Fatal(err)
	}
	signInAt(t, ctx, e, "/chats/"+id(c.ID), "l1@acme.test", "#chat-say")
	run(t, ctx, "the chat's socket is up",
		waitTrue(`[...document.querySelectorAll('#chat-lines li')].some(li => li.textContent.includes('Bonjour, encore ma facture'))`))
	kept := e.f.Ticket["L2"]
	if _, err := e.d.MergeTickets(bg, storetest.Actor(t, s, e.f.Lead), kept.ID, []int64{c.TicketID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.CustomerSays(bg, token, "Vous êtes toujours là ?"); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "the panel says where the chat went",
		chromedp.WaitVisible(chromedp.CSS("#chat-list .chat-returned")),
		waitTrue(`location.pathname === '/chats'`),
		waitTrue(`document.querySelector('#chat-list .chat-returned').textContent.includes('Votre discussion avec Alice Martin est retournée dans la file') &&
			document.querySelector('#chat-list .chat-returned').textContent.includes('`+kept.Reference+`')`),
	)
}

// Luc reads, in alice's chat that followed a merge onto #1000, carole's
// message copied there, marked with the ticket it came from.
func TestBrowserTheAgentsChatShowsCopiedMessages(t *testing.T) {
	ctx, e, s := browserEnv(t)
	_, _, chatID, number := alicesChatMergedWithCarole(t, e, s, "Carole : notre contrat 4471 est résilié.")
	signInAt(t, ctx, e, "/chats/"+id(chatID), "l1@acme.test", "#chat-lines")
	run(t, ctx, "carole's copied message is in the chat, marked",
		waitTrue(`[...document.querySelectorAll('#chat-lines li.copied')].some(li => li.textContent.includes('contrat 4471') &&
			li.querySelector('.who').textContent === 'Carole Dubois' && li.querySelector('.copied-from').textContent === 'copié depuis #`+id(number)+`')`),
		waitTrue(`[...document.querySelectorAll('#chat-lines li')].some(li => li.textContent.includes('Après la fusion : une question.') && !li.classList.contains('copied'))`),
	)
}
