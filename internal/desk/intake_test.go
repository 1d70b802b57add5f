package desk_test

import (
	"context"
	"sync"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// A new customer's first messages often arrive together (a form submitted
// twice, an email copied to two addresses). Every one of them must become a
// ticket of the same, single customer: none may be refused because another
// created the customer a moment before.
func TestConcurrentFirstMessagesOfANewCustomerAllBecomeTickets(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		const n = 12
		var wg sync.WaitGroup
		customers := make([]int64, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				tk, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Facturé deux fois", Body: "Bonjour, deux prélèvements.",
					CustomerEmail: "Nouvelle.Cliente@example.fr", CustomerName: "Nouvelle Cliente"})
				customers[i], errs[i] = tk.CustomerID, err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("message %d refused: %v", i, err)
			}
			if customers[i] != customers[0] {
				t.Fatalf("message %d went to customer %d, message 0 to %d: one customer expected", i, customers[i], customers[0])
			}
		}
		c, err := s.CustomerByEmail(ctx, f.WS.ID, "nouvelle.cliente@example.fr")
		if err != nil || c.ID != customers[0] {
			t.Fatalf("stored customer = %+v, %v; want id %d", c, err, customers[0])
		}
	})
}
