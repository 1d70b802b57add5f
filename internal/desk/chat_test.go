package desk_test

import (
	"maps"
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
		c, _, err := env.d.StartChat(env.ctx, desk.ChatStart{Name: "Alice", Email: env.f.Customer["alice"].Email, Text: "Bonjour", Workspace: env.f.WS.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.AcceptChat(env.ctx, env.l1, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.AgentSays(env.ctx, env.l1, c.ID, "Je regarde."); err != nil {
			t.Fatalf("a line before the merge: %v", err)
		}
		kept := env.f.Ticket["L1"]
		if _, err := env.d.MergeTickets(env.ctx, env.lead, kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		before := linkCounts(t, env.s)
		_, err = env.d.AgentSays(env.ctx, env.l1, c.ID, "Voilà, c'est réglé.")
		isMerged(t, "an agent's chat line", err, kept.ID)
		if after := linkCounts(t, env.s); !maps.Equal(before, after) {
			t.Fatalf("a refused chat line wrote rows: before %v, after %v", before, after)
		}
	})
}
