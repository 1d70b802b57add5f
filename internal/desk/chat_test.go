package desk_test

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// waitingChat starts a conversation from Zoé, a new visitor: it waits for
// an agent to accept it.
func (env deskTest) waitingChat(t *testing.T) chat.Conversation {
	t.Helper()
	c, _, err := env.d.StartChat(env.ctx, desk.ChatStart{Name: "Zoé", Text: "Bonjour", Workspace: env.f.WS.ID})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aliceChatting starts a conversation from alice ("Bonjour"), accepted by
// the L1 agent, who answered "Je regarde.": it returns the conversation
// and alice's token.
func (env deskTest) aliceChatting(t *testing.T) (chat.Conversation, string) {
	t.Helper()
	c, token, err := env.d.StartChat(env.ctx, desk.ChatStart{Name: "Alice", Email: env.f.Customer["alice"].Email, Text: "Bonjour", Workspace: env.f.WS.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.d.AcceptChat(env.ctx, env.l1, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.d.AgentSays(env.ctx, env.l1, c.ID, "Je regarde."); err != nil {
		t.Fatalf("a line before the merge: %v", err)
	}
	return c, token
}

// TestChatStateChangesAreConditional: a change made from a stale reading
// of a conversation writes nothing, so of two agents who both saw it
// waiting, one wins.
func TestChatStateChangesAreConditional(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		c := env.waitingChat(t)
		first, second := c, c
		first.State, first.AgentID = chat.Accepted, env.f.AgentL1.ID
		second.State, second.AgentID = chat.Accepted, env.f.Lead.ID
		if won, err := env.s.MoveChat(env.ctx, c, first); err != nil || !won {
			t.Fatalf("first accept: %v, %v", won, err)
		}
		if won, err := env.s.MoveChat(env.ctx, c, second); err != nil || won {
			t.Fatalf("an accept from a stale reading won: %v, %v", won, err)
		}
		got, _ := env.s.Chat(env.ctx, env.f.WS.ID, c.ID)
		if got.AgentID != env.f.AgentL1.ID {
			t.Fatalf("the chat is with %d", got.AgentID)
		}
	})
}

// TestConcurrentAcceptsHaveOneWinner: many accepts at once, from agents
// who may all take the chat; exactly one succeeds, every other is told
// chat_taken.
func TestConcurrentAcceptsHaveOneWinner(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		for round := range 5 {
			c := env.waitingChat(t)
			actors := []auth.Actor{env.l1, env.lead, env.admin}
			var wg sync.WaitGroup
			var mu sync.Mutex
			won, taken := 0, 0
			start := make(chan struct{})
			for i := range 9 {
				a := actors[i%len(actors)]
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, err := env.d.AcceptChat(env.ctx, a, c.ID)
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						won++
					} else if p, ok := problem.As(err); ok && p.Code == "chat_taken" {
						taken++
					} else {
						t.Errorf("accept: %v", err)
					}
				}()
			}
			close(start)
			wg.Wait()
			if won != 1 || taken != 8 {
				t.Fatalf("round %d: %d won, %d told taken", round, won, taken)
			}
		}
	})
}

// An agent's chat line is a public reply: on a ticket merged since the
// chat was accepted it is refused like any reply (409 ticket_merged naming
// the ticket kept), and nothing is written.
func TestAnAgentsChatLineOnAMergedTicketIsRefused(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		c, _ := env.aliceChatting(t)
		kept := env.f.Ticket["L1"]
		if _, err := env.d.MergeTickets(env.ctx, env.lead, kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		before := linkCounts(t, env.s)
		_, err := env.d.AgentSays(env.ctx, env.l1, c.ID, "Voilà, c'est réglé.")
		isMerged(t, "an agent's chat line", err, kept.ID)
		if after := linkCounts(t, env.s); !maps.Equal(before, after) {
			t.Fatalf("a refused chat line wrote rows: before %v, after %v", before, after)
		}
	})
}

// chatLines are a transcript's texts, in order.
func chatLines(t *testing.T, env deskTest, c chat.Conversation) []string {
	t.Helper()
	lines, err := env.d.ChatTranscript(env.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range lines {
		out = append(out, l.Text)
	}
	return out
}

// A customer's chat line on a ticket merged since the chat began follows
// the merge as their email does: onto the ticket kept, which is theirs;
// the conversation goes on there (the next lines, the agent's answers,
// the transcript), and nothing more is written on the closed ticket. The
// kept ticket also holds a message of carole's (one organisation): alice's
// transcript does not show it.
func TestACustomersChatLineFollowsTheMergeToTheirTicket(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		env.caroleMergedIntoAlice(t, "Carole : notre contrat 4471 est résilié.")
		c, token := env.aliceChatting(t)
		kept := env.f.Ticket["L1"] // alice's
		if _, err := env.d.MergeTickets(env.ctx, env.lead, kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		merged := env.timelineLen(t, env.lead, c.TicketID)
		for _, line := range []string{"Après la fusion : une question.", "Et une autre."} {
			if _, err := env.d.CustomerSays(env.ctx, token, line); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			if !env.timelineHas(t, kept.ID, line) {
				t.Errorf("%q is not on the kept ticket %s", line, kept.Reference)
			}
		}
		if n := env.timelineLen(t, env.lead, c.TicketID); n != merged {
			t.Errorf("the merged ticket got %d more events", n-merged)
		}
		now, err := env.s.Chat(env.ctx, env.f.WS.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.TicketID != kept.ID {
			t.Fatalf("the chat is on ticket %d, want the kept %d", now.TicketID, kept.ID)
		}
		if _, err := env.d.AgentSays(env.ctx, env.l1, c.ID, "Voilà la réponse."); err != nil {
			t.Fatalf("the agent's answer after the merge: %v", err)
		}
		got := chatLines(t, env, now)
		want := []string{"Bonjour", "Je regarde.", "Après la fusion : une question.", "Et une autre.", "Voilà la réponse."}
		var seen []string
		for _, l := range got {
			if slices.Contains(want, l) {
				seen = append(seen, l)
			}
		}
		if !slices.Equal(seen, want) {
			t.Errorf("transcript %q, want %q in this order", got, want)
		}
		if slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "contrat 4471") }) {
			t.Errorf("alice's transcript shows carole's message: %q", got)
		}
	})
}

// A chat of carole's merged into alice's ticket (one organisation): her
// next line never lands on alice's ticket; it opens a ticket of carole's
// own, linked to alice's, where the conversation goes on.
func TestACustomersChatLineNeverFollowsAMergeIntoAnotherCustomersTicket(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		car := env.carole(t)
		c, token, err := env.d.StartChat(env.ctx, desk.ChatStart{Name: "Carole", Email: car.Email, Text: "Bonjour, ici Carole", Workspace: env.f.WS.ID})
		if err != nil {
			t.Fatal(err)
		}
		target := env.f.Ticket["L1"] // alice's
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		line := "Carole : notre RIB a changé."
		if _, err := env.d.CustomerSays(env.ctx, token, line); err != nil {
			t.Fatal(err)
		}
		if env.timelineHas(t, target.ID, line) {
			t.Fatalf("carole's line landed on alice's %s", target.Reference)
		}
		if env.timelineHas(t, c.TicketID, line) {
			t.Fatalf("carole's line was written on her closed merged ticket")
		}
		now, err := env.s.Chat(env.ctx, env.f.WS.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := env.s.Ticket(env.ctx, env.f.WS.ID, now.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == target.ID || got.ID == c.TicketID || got.CustomerID != car.ID || !got.Status.Active() || got.Channel != "chat" {
			t.Fatalf("the chat went on on %s (customer %d, %s, %s); want a new active chat ticket of carole's (%d)",
				got.Reference, got.CustomerID, got.Status, got.Channel, car.ID)
		}
		if !env.timelineHas(t, got.ID, line) {
			t.Errorf("the new ticket %s lacks carole's line", got.Reference)
		}
		links, err := env.d.TicketLinks(env.ctx, env.lead, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(links) != 1 || links[0].Link.OtherID != target.ID {
			t.Errorf("the new ticket's links are %+v, want one to %s", links, target.Reference)
		}
	})
}

// On a chat that followed a merge onto a ticket holding a message copied
// from another customer's ticket (carole's, one organisation), the agent
// working the ticket reads that message in the chat, under carole's name
// and marked with the ticket it was copied from; alice's transcript still
// leaves it out.
func TestTheAgentsChatShowsEveryCopiedMessageTheCustomersDoesNot(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		car, hers, _ := env.caroleMergedIntoAlice(t, "Carole : notre contrat 4471 est résilié.")
		c, token := env.aliceChatting(t)
		kept := env.f.Ticket["L1"] // alice's
		if _, err := env.d.MergeTickets(env.ctx, env.lead, kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.CustomerSays(env.ctx, token, "Après la fusion : une question."); err != nil {
			t.Fatal(err)
		}
		now, _, lines, err := env.d.AgentChatTranscript(env.ctx, env.l1, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.TicketID != kept.ID {
			t.Fatalf("the chat is on ticket %d, want the kept %d", now.TicketID, kept.ID)
		}
		var copied *desk.ChatLine
		for i, l := range lines {
			if strings.Contains(l.Text, "contrat 4471") {
				copied = &lines[i]
			}
		}
		if copied == nil {
			t.Fatalf("the agent's chat lacks carole's copied message: %+v", lines)
		}
		if copied.CopiedFrom != hers.Number || copied.Name != car.Name || copied.From != "customer" {
			t.Errorf("carole's message reads %+v, want it from %q, copied from %s", *copied, car.Name, hers.Reference)
		}
		for _, l := range lines {
			if l.Text == "Après la fusion : une question." && l.CopiedFrom != 0 {
				t.Errorf("alice's line written on the kept ticket is marked copied from #%d", l.CopiedFrom)
			}
		}
		if got := chatLines(t, env, now); slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "contrat 4471") }) {
			t.Errorf("alice's transcript shows carole's message: %q", got)
		}
		if _, _, _, err := env.d.AgentChatTranscript(env.ctx, env.l3, c.ID); err == nil {
			t.Error("an agent who may not work the ticket read the chat")
		}
	})
}

// A chat accepted by the L1 agent whose ticket is merged into alice's
// ticket of tier L2 (which the L1 agent may not work): her next line
// lands on that ticket, and the chat, which nobody could answer any more,
// goes back to the queue of L2, waiting and unassigned. The L2 agent sees
// it waiting and may accept it; the L1 agent no longer answers it, and
// their panel lists it as returned, with the ticket it follows and its
// tier. Nothing of alice's is lost.
func TestAnAcceptedChatFollowingAMergeTheAgentMayNotWorkReturnsToTheQueue(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		c, token := env.aliceChatting(t)
		kept := env.f.Ticket["L2"] // alice's, tier L2
		if _, err := env.d.MergeTickets(env.ctx, env.lead, kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		line := "Après la fusion : vous êtes toujours là ?"
		if _, err := env.d.CustomerSays(env.ctx, token, line); err != nil {
			t.Fatal(err)
		}
		if !env.timelineHas(t, kept.ID, line) {
			t.Fatalf("alice's line is not on the kept %s", kept.Reference)
		}
		now, err := env.s.Chat(env.ctx, env.f.WS.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.TicketID != kept.ID || now.State != chat.Waiting || now.AgentID != 0 || now.ReturnedFrom != env.f.AgentL1.ID {
			t.Fatalf("the chat is %+v; want it waiting, unassigned, on %s, returned from the L1 agent", now, kept.Reference)
		}
		if !slices.ContainsFunc(openChats(t, env, env.l2), func(o desk.OpenChat) bool { return o.Chat.ID == c.ID && o.Chat.State == chat.Waiting }) {
			t.Error("the L2 agent does not see the chat waiting")
		}
		if slices.ContainsFunc(openChats(t, env, env.l1), func(o desk.OpenChat) bool { return o.Chat.ID == c.ID }) {
			t.Error("the L1 agent still lists the chat as one to answer")
		}
		if _, err := env.d.AgentSays(env.ctx, env.l1, c.ID, "Je suis là."); err == nil {
			t.Error("the L1 agent still answers a chat on a ticket they may not work")
		}
		back, err := env.d.ReturnedChats(env.ctx, env.l1)
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != 1 || back[0].Chat.ID != c.ID || back[0].Ticket.ID != kept.ID || back[0].Tier.Code != "L2" {
			t.Fatalf("the L1 agent's returned chats are %+v; want this chat, on %s, tier L2", back, kept.Reference)
		}
		if back, _ := env.d.ReturnedChats(env.ctx, env.l2); len(back) != 0 {
			t.Errorf("the L2 agent is told of a chat they never had: %+v", back)
		}
		if _, err := env.d.AcceptChat(env.ctx, env.l2, c.ID); err != nil {
			t.Fatalf("the L2 agent accepts it: %v", err)
		}
		if _, err := env.d.AgentSays(env.ctx, env.l2, c.ID, "Je prends la suite."); err != nil {
			t.Fatalf("the L2 agent answers: %v", err)
		}
		got := chatLines(t, env, now)
		for _, want := range []string{"Bonjour", "Je regarde.", line, "Je prends la suite."} {
			if !slices.Contains(got, want) {
				t.Errorf("alice's transcript %q lacks %q", got, want)
			}
		}
	})
}

// openChats is the agent's Chats panel list.
func openChats(t *testing.T, env deskTest, a auth.Actor) []desk.OpenChat {
	t.Helper()
	list, err := env.d.OpenChats(env.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
