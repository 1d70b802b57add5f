package store_test

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A ticket taken in is found by the words of its subject, of its first
// message and of the messages added with it (Then), whichever way it was
// written: on PostgreSQL, intake without a hook writes its search document
// inside its one statement, intake with a hook does not. A refused ticket
// leaves no document behind.
func TestIntakeIndexesTheNewTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		find := func(q string) int {
			return len(searchAll(t, s, f.WS.ID, store.TicketSearch{Matches: store.TicketQueryMatches(q)}))
		}
		hook := func(context.Context, *store.Tx, ticket.Ticket, []ticket.Event) error { return nil }
		for i, c := range []struct {
			name                 string
			subject, body, reply string
			inTx                 store.TxHook
			newCustomer, refused bool
		}{
			{name: "new customer, one statement", subject: "Facture quokka", body: "Un wombat a mangé ma carte.", reply: "Nous regardons ornithorynque.", newCustomer: true},
			{name: "known customer, one statement", subject: "Facture koala", body: "Un dingo a mangé ma carte.", reply: "Nous regardons echidne."},
			{name: "with a hook", subject: "Facture wallaby", body: "Un numbat a mangé ma carte.", reply: "Nous regardons bandicoot.", inTx: hook, newCustomer: true},
			{name: "refused", subject: "Facture dugong", body: "Un casoar a mangé ma carte.", reply: "Nous regardons phalanger.", newCustomer: true, refused: true},
		} {
			t.Run(c.name, func(t *testing.T) {
				n := store.NewTicket{
					Ticket:          ticket.Ticket{Subject: c.subject, Channel: "email", TierID: f.Tier["L1"].ID, CustomerID: f.Customer["alice"].ID, Language: "fr"},
					Body:            c.body,
					FirstIsCustomer: true,
					InTx:            c.inTx,
					Then: func(ticket.Ticket) []ticket.Event {
						return []ticket.Event{{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: c.reply}}
					},
				}
				if c.newCustomer {
					n.Ticket.CustomerID = 0
					n.NewCustomer = &customer.Customer{Name: "Nouvelle Cliente", Email: "intake" + string(rune('a'+i)) + "@new.example", Language: "fr"}
				}
				if c.refused {
					n.Ticket.TierID = f.Other.Tier.ID
				}
				_, err := s.CreateTicket(ctx, f.WS.ID, n)
				if c.refused {
					if !problem.Is(err, problem.Invalid) {
						t.Fatalf("refused ticket: %v, want invalid", err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				want := 1
				if c.refused {
					want = 0
				}
				for _, q := range []string{c.subject, c.body, c.reply} {
					if got := find(q); got != want {
						t.Errorf("%q finds %d tickets, want %d", q, got, want)
					}
				}
			})
		}
	})
}
