package store_test

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestCustomerAnswerReopensWaitingTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		for _, from := range []ticket.Status{ticket.Pending, ticket.OnHold, ticket.Solved} {
			t.Run(string(from), func(t *testing.T) {
				tk := f.Ticket["L1owned"]
				st := from
				if _, err := s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.AgentL1.ID, nil, store.Change{Status: &st}); err != nil {
					t.Fatal(err)
				}
				_, got, err := s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.CustomerMessage, ActorCustomerID: tk.CustomerID, Body: "Toujours bloqué."}, "")
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != ticket.Open {
					t.Errorf("a customer answer on a %s ticket leaves it %s, want open", from, got.Status)
				}
			})
		}
	})
}

func TestTimelineCannotBeTruncated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storetest.Seed(t, s)
		stmt := "DELETE FROM events"
		if s.Dialect() == store.Postgres {
			stmt = "TRUNCATE events CASCADE"
		}
		if _, err := s.DB().ExecContext(context.Background(), stmt); err == nil {
			t.Fatalf("%s succeeded; the timeline must be append-only", stmt)
		}
	})
}
