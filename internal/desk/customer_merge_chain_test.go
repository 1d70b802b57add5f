package desk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// A customer merged into another (A into B) while that one is merged into
// a third (B into C): tickets opened for A meanwhile, by A's id, by A's
// address (kept by B, then C) and by mail from it, all end on C, the one
// record left, and so do those a channel opens by A's id with a hook in
// their transaction (the store's other intake path). The intake follows the merge pointers to their end with
// each record locked, so none is filed on A or B once the merge that
// emptied them committed (their tickets were moved already). Run it with
// -count=20 on both databases: the race is in the timing.
func TestIntakeRacingATwoLevelCustomerMergeFilesOnTheLastCustomer(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		for round := range 3 {
			var people [3]customer.Customer // A, B, C
			for i, who := range []string{"a", "b", "c"} {
				c, err := env.s.CreateCustomer(env.ctx, env.f.WS.ID, customer.Customer{Name: "Louise Petit (" + who + ")",
					Email: fmt.Sprintf("louise.%s.%d@example.fr", who, round), Language: "fr"})
				if err != nil {
					t.Fatal(err)
				}
				people[i] = c
			}
			a, b, c := people[0], people[1], people[2]
			if _, err := env.d.MergeCustomers(env.ctx, env.admin, b.ID, a.ID); err != nil {
				t.Fatalf("round %d: merge A into B: %v", round, err)
			}
			const n = 24
			errs := make([]error, n)
			var mergeErr error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					in := desk.NewTicket{Subject: "Colis non reçu", Body: "Bonjour, mon colis n'est pas arrivé."}
					switch i % 4 {
					case 0:
						in.CustomerID = a.ID
						_, errs[i] = env.d.CreateTicket(env.ctx, env.admin, in)
					case 3: // a channel's intake with a hook in its transaction: on PostgreSQL, not the one statement
						_, errs[i] = env.s.CreateTicket(env.ctx, env.f.WS.ID, store.NewTicket{Ticket: ticket.Ticket{Subject: in.Subject, Status: ticket.New,
							Channel: "email", TierID: env.f.Tier["L1"].ID, CustomerID: a.ID, Language: "fr"}, Body: in.Body, FirstIsCustomer: true,
							InTx: func(context.Context, *store.Tx, ticket.Ticket, []ticket.Event) error { return nil }})
					case 1:
						in.CustomerEmail = a.Email
						_, errs[i] = env.d.CreateTicket(env.ctx, env.admin, in)
					default:
						_, errs[i] = env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: fmt.Sprintf("chain-%d-%d@example.fr", round, i),
							FromEmail: a.Email, Subject: in.Subject, Text: in.Body})
					}
				})
			}
			wg.Go(func() {
				<-start
				_, mergeErr = env.d.MergeCustomers(env.ctx, env.admin, c.ID, b.ID)
			})
			close(start)
			wg.Wait()
			if mergeErr != nil {
				t.Fatalf("round %d: merge B into C: %v", round, mergeErr)
			}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: intake %d: %v", round, i, err)
				}
			}
			for _, gone := range []customer.Customer{a, b} {
				var left int
				if err := env.s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE customer_id = $1`, gone.ID).Scan(&left); err != nil {
					t.Fatal(err)
				}
				if left != 0 {
					t.Errorf("round %d: %d tickets filed on the merged-away customer %s", round, left, gone.Name)
				}
			}
			var kept int
			if err := env.s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE customer_id = $1`, c.ID).Scan(&kept); err != nil {
				t.Fatal(err)
			}
			if kept != n {
				t.Errorf("round %d: %d of the %d tickets are on the customer kept", round, kept, n)
			}
		}
	})
}
