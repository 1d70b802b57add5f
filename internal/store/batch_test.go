package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// Concurrent creations share commits on SQLite; a refused ticket must not
// undo the others in its batch, nor leave anything behind, nor use up a
// number.
func TestConcurrentCreatesAreIsolatedFromEachOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		before := ticketCount(t, s, f.WS.ID)
		const n = 60
		created, errs := createAtOnce(n, func(i int) (ticket.Ticket, error) {
			customer := f.Customer["alice"].ID
			if i%3 == 0 {
				customer = f.Other.Customer.ID // another tenant's: refused
			}
			return s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
				Ticket: ticket.Ticket{Subject: "Concurrent", Channel: "api", TierID: f.Tier["L1"].ID, CustomerID: customer},
				Body:   "Bonjour"})
		})
		var numbers []int64
		for i := range n {
			switch {
			case i%3 == 0 && !problem.Is(errs[i], problem.Invalid):
				t.Errorf("ticket %d with another tenant's customer: %v, want invalid", i, errs[i])
			case i%3 != 0 && errs[i] != nil:
				t.Errorf("ticket %d: %v", i, errs[i])
			case i%3 != 0:
				numbers = append(numbers, created[i].Number)
				if _, err := s.Ticket(ctx, f.WS.ID, created[i].ID); err != nil {
					t.Errorf("acknowledged ticket %d is not stored: %v", i, err)
				}
			}
		}
		wantStoredWithoutGaps(t, s, f.WS.ID, before, numbers)
	})
}

// New customers arriving with their first tickets, some refused: a refused
// ticket leaves no customer behind, an accepted one's customer exists and
// is found by search, whatever the other tickets of its batch did.
func TestConcurrentCreatesWithNewCustomers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		const n = 40
		created, errs := createAtOnce(n, func(i int) (ticket.Ticket, error) {
			tier := f.Tier["L1"].ID
			if i%4 == 0 {
				tier = f.Other.Tier.ID // another tenant's: refused
			}
			return s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
				Ticket:          ticket.Ticket{Subject: "Nouveau", Channel: "email", TierID: tier},
				NewCustomer:     &customer.Customer{Name: fmt.Sprintf("Élise Nouvelle %d", i), Email: fmt.Sprintf("elise%d@new.example", i), Language: "fr"},
				Body:            "Bonjour",
				FirstIsCustomer: true,
			})
		})
		for i := range n {
			email := fmt.Sprintf("elise%d@new.example", i)
			all, err := s.Customers(ctx, f.WS.ID, email, 0, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			var found []customer.Customer // "elise1" also starts elise10…: keep the one address
			for _, c := range all {
				if c.Email == email {
					found = append(found, c)
				}
			}
			if i%4 == 0 {
				if !problem.Is(errs[i], problem.Invalid) || len(found) != 0 {
					t.Errorf("ticket %d with another tenant's tier: %v, customers %d; want invalid and none", i, errs[i], len(found))
				}
				continue
			}
			if errs[i] != nil || len(found) != 1 || created[i].CustomerID != found[0].ID {
				t.Errorf("ticket %d: %v; customers found %d", i, errs[i], len(found))
				continue
			}
			ev := eventsOf(t, s, f.WS.ID, created[i].ID)
			if len(ev) < 2 || ev[0].ActorCustomerID != found[0].ID || ev[1].ActorCustomerID != found[0].ID || ev[1].Body != "Bonjour" {
				t.Errorf("ticket %d events: %+v", i, ev)
			}
		}
	})
}

// A ticket the database itself refuses (PostgreSQL stores no NUL byte in
// text) fails alone: on PostgreSQL it is pipelined with the others of its
// batch, whose implicit transaction it rolls back, and they must then be
// written anyway, once each, with numbers that leave no gap.
func TestATicketTheDatabaseRefusesFailsAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		before := ticketCount(t, s, f.WS.ID)
		const n = 48
		created, errs := createAtOnce(n, func(i int) (ticket.Ticket, error) {
			subject := fmt.Sprintf("Pipeline %d", i)
			if i%6 == 0 {
				subject += "\x00"
			}
			nt := store.NewTicket{Ticket: ticket.Ticket{Subject: subject, Channel: "api", TierID: f.Tier["L1"].ID, Language: "fr"},
				Body: "Bonjour", FirstIsCustomer: true}
			if i%2 == 0 {
				nt.NewCustomer = &customer.Customer{Name: "Client pipeline", Email: fmt.Sprintf("pipeline%d@new.example", i), Language: "fr"}
			} else {
				nt.Ticket.CustomerID = f.Customer["alice"].ID
			}
			return s.CreateTicket(ctx, f.WS.ID, nt)
		})
		var numbers []int64
		for i := range n {
			if i%6 == 0 && errs[i] != nil {
				continue // refused by this database: checked by the count below
			}
			if errs[i] != nil {
				t.Errorf("ticket %d: %v", i, errs[i])
				continue
			}
			numbers = append(numbers, created[i].Number)
			if got, err := s.Ticket(ctx, f.WS.ID, created[i].ID); err != nil || got.Subject != fmt.Sprintf("Pipeline %d", i) && i%6 != 0 {
				t.Errorf("acknowledged ticket %d: %+v, %v", i, got, err)
			}
		}
		wantStoredWithoutGaps(t, s, f.WS.ID, before, numbers)
		if s.Dialect() == store.Postgres && len(numbers) != n-n/6 {
			t.Errorf("%d tickets stored on PostgreSQL, want %d", len(numbers), n-n/6)
		}
	})
}
