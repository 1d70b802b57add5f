package desk_test

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/chat"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestChatStateChangesAreConditional: a change made from a stale reading
// of a conversation writes nothing, so of two agents who both saw it
// waiting, one wins.
func TestChatStateChangesAreConditional(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		c, _, err := d.StartChat(ctx, desk.ChatStart{Name: "Zoé", Text: "Bonjour", Workspace: f.WS.ID})
		if err != nil {
			t.Fatal(err)
		}
		first, second := c, c
		first.State, first.AgentID = chat.Accepted, f.AgentL1.ID
		second.State, second.AgentID = chat.Accepted, f.Lead.ID
		if won, err := s.MoveChat(ctx, c, first); err != nil || !won {
			t.Fatalf("first accept: %v, %v", won, err)
		}
		if won, err := s.MoveChat(ctx, c, second); err != nil || won {
			t.Fatalf("an accept from a stale reading won: %v, %v", won, err)
		}
		got, _ := s.Chat(ctx, f.WS.ID, c.ID)
		if got.AgentID != f.AgentL1.ID {
			t.Fatalf("the chat is with %d", got.AgentID)
		}
	})
}

// TestConcurrentAcceptsHaveOneWinner: many accepts at once, from agents
// who may all take the chat; exactly one succeeds, every other is told
// chat_taken.
func TestConcurrentAcceptsHaveOneWinner(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		for round := range 5 {
			c, _, err := d.StartChat(ctx, desk.ChatStart{Name: "Zoé", Text: "Bonjour", Workspace: f.WS.ID})
			if err != nil {
				t.Fatal(err)
			}
			actors := []auth.Actor{storetest.Actor(t, s, f.AgentL1), storetest.Actor(t, s, f.Lead), storetest.Actor(t, s, f.Admin)}
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
					_, err := d.AcceptChat(ctx, a, c.ID)
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
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		nadia, lead := storetest.Actor(t, s, f.AgentL1), storetest.Actor(t, s, f.Lead)
		c, _, err := d.StartChat(ctx, desk.ChatStart{Name: "Alice", Email: f.Customer["alice"].Email, Text: "Bonjour", Workspace: f.WS.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.AcceptChat(ctx, nadia, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.AgentSays(ctx, nadia, c.ID, "Je regarde."); err != nil {
			t.Fatalf("a line before the merge: %v", err)
		}
		kept := f.Ticket["L1"]
		if _, err := d.MergeTickets(ctx, lead, kept.ID, []int64{c.TicketID}); err != nil {
			t.Fatal(err)
		}
		before := linkCounts(t, s)
		_, err = d.AgentSays(ctx, nadia, c.ID, "Voilà, c'est réglé.")
		isMerged(t, "an agent's chat line", err, kept.ID)
		if after := linkCounts(t, s); !maps.Equal(before, after) {
			t.Fatalf("a refused chat line wrote rows: before %v, after %v", before, after)
		}
	})
}
