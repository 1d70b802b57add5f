package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// Clients that give up after a few milliseconds share commits with clients
// that wait. A cancelled job may only ever affect itself: every patient
// client's ticket is acknowledged, every acknowledged ticket is stored and
// every refused one is not, whoever cancelled what.
func TestAbandoningClientsDoNotFailOthers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		_, before, err := countTickets(ctx, s, f.WS.ID)
		if err != nil {
			t.Fatal(err)
		}
		const abandoning, patient, rounds = 16, 4, 25
		type result struct {
			patient bool
			t       ticket.Ticket
			err     error
		}
		var mu sync.Mutex
		var results []result
		var wg sync.WaitGroup
		for c := range abandoning + patient {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range rounds {
					cctx, cancel := context.Background(), context.CancelFunc(func() {})
					isPatient := c >= abandoning
					if !isPatient {
						// Spread over 0.1–8 ms so cancellations land in every phase:
						// waiting, inside a statement, during the commit.
						cctx, cancel = context.WithTimeout(ctx, time.Duration(100+rand.IntN(7900))*time.Microsecond)
					}
					tk, err := s.CreateTicket(cctx, f.WS.ID, store.NewTicket{
						Ticket: ticket.Ticket{Subject: fmt.Sprintf("client %d round %d", c, r), Channel: "api", TierID: f.Tier["L1"].ID, CustomerID: f.Customer["alice"].ID},
						Body:   "Bonjour"})
					cancel()
					mu.Lock()
					results = append(results, result{isPatient, tk, err})
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		acknowledged, refused := 0, 0
		for _, r := range results {
			switch {
			case r.patient && r.err != nil:
				t.Errorf("a patient client's ticket failed: %v", r.err)
			case r.err != nil:
				refused++
			default:
				acknowledged++
				if _, err := s.Ticket(ctx, f.WS.ID, r.t.ID); err != nil {
					t.Errorf("acknowledged ticket %s is not stored: %v", r.t.Reference, err)
				}
			}
		}
		_, after, err := countTickets(ctx, s, f.WS.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Every acknowledged ticket is stored (above) and nothing else is:
		// a refused ticket left nothing behind.
		if after-before != acknowledged {
			t.Errorf("%d tickets stored, %d acknowledged (%d refused)", after-before, acknowledged, refused)
		}
		t.Logf("%d acknowledged, %d refused", acknowledged, refused)
	})
}

func countTickets(ctx context.Context, s *store.Store, wsID int64) (int, int, error) {
	var n int
	err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM tickets WHERE workspace_id = $1`, wsID).Scan(&n)
	return 0, n, err
}
