package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A job enqueued in a transaction exists exactly when that transaction
// commits: the outbox never sends a reply that was not stored, and never
// loses one that was.
func TestJobCommitsWithTheChangeThatCausedIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		ctx := context.Background()
		tk := f.Ticket["L1"]
		enqueue := func(fail error) store.TxHook {
			return func(ctx context.Context, tx *store.Tx, _ ticket.Ticket, events []ticket.Event) error {
				if _, _, err := s.EnqueueTx(ctx, tx, store.NewJob{Kind: "email.send", Payload: []byte(`{"event":1}`)}); err != nil {
					return err
				}
				return fail
			}
		}
		before, _ := s.Events(ctx, f.WS.ID, tk.ID, 0, 1000)
		boom := errors.New("relay configuration unreadable")
		_, _, err := s.AddMessageThen(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "x"}, "", enqueue(boom))
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		after, _ := s.Events(ctx, f.WS.ID, tk.ID, 0, 1000)
		if n, _ := s.CountJobs(ctx, "email.send", ""); n != 0 || len(after) != len(before) {
			t.Fatalf("a rolled-back reply left %d jobs and %d events", n, len(after)-len(before))
		}
		if _, _, err := s.AddMessageThen(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "x"}, "", enqueue(nil)); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountJobs(ctx, "email.send", store.JobQueued); n != 1 {
			t.Fatalf("%d jobs queued with the committed reply, want 1", n)
		}
	})
}
