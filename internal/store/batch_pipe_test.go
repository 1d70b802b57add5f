package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The PostgreSQL batcher keeps a connection of its own in pipeline mode
// and sends a batch behind the previous one's commit (batch_pg.go). These
// tests hold it to what a caller relies on when that connection breaks or
// wedges: an acknowledged ticket is stored, a failure says whether the
// ticket may be stored, and the next ticket goes through.

// intakeOne creates one ticket for alice in the fixture's workspace.
func intakeOne(ctx context.Context, s *store.Store, f storetest.Fixture, subject string) (ticket.Ticket, error) {
	return s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
		Ticket: ticket.Ticket{Subject: subject, Channel: "api", TierID: f.Tier["L1"].ID, CustomerID: f.Customer["alice"].ID},
		Body:   "Bonjour"})
}

// endBatcherBackend ends the backend of the batcher's own connection, as
// a database restart or an operator would, and reports whether there was
// one.
func endBatcherBackend(t *testing.T, s *store.Store) bool {
	t.Helper()
	conn, err := store.WriteConn(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ended int
	err = conn.QueryRowContext(t.Context(), `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'palier batcher') t`).Scan(&ended)
	if err != nil {
		t.Fatal(err)
	}
	return ended > 0
}

// storedNumbers lists the numbers of the workspace's tickets above after,
// in order.
func storedNumbers(t *testing.T, s *store.Store, wsID, after int64) []int64 {
	t.Helper()
	conn, err := store.WriteConn(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(t.Context(), `SELECT number FROM tickets WHERE workspace_id = $1 AND number > $2 ORDER BY number`, wsID, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var numbers []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return numbers
}

// lastNumber is the workspace's highest ticket number (its fixture holds
// tickets).
func lastNumber(t *testing.T, s *store.Store, wsID int64) int64 {
	t.Helper()
	numbers := storedNumbers(t, s, wsID, 0)
	if len(numbers) == 0 {
		t.Fatal("the workspace holds no ticket")
	}
	return numbers[len(numbers)-1]
}

// wantNumbersFollow fails unless numbers (in order) follow last one by
// one, with no gap and no repeat.
func wantNumbersFollow(t *testing.T, numbers []int64, last int64) {
	t.Helper()
	for i, n := range numbers {
		if n != last+int64(i)+1 {
			t.Fatalf("stored number %d where %d was due: a gap or a repeat", n, last+int64(i)+1)
		}
	}
}

// A connection that broke while idle (the database restarted overnight) is
// found out before a batch is sent on it: the ticket is simply stored.
func TestBatcherReconnectsAfterItsIdleConnectionEnded(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	f := storetest.Seed(t, s)
	ctx := t.Context()
	if _, err := intakeOne(ctx, s, f, "Avant"); err != nil {
		t.Fatal(err)
	}
	if !endBatcherBackend(t, s) {
		t.Fatal("no connection named 'palier batcher' after a ticket was taken in")
	}
	time.Sleep(1100 * time.Millisecond) // idle long enough to be checked
	created, err := intakeOne(ctx, s, f, "Après")
	if err != nil {
		t.Fatalf("ticket after the batcher's connection ended while idle: %v", err)
	}
	if got, err := s.Ticket(ctx, f.WS.ID, created.ID); err != nil || got.Subject != "Après" {
		t.Errorf("acknowledged ticket: %+v, %v", got, err)
	}
}

// Under load, with the batcher's connection ended three times while
// batches are on their way: every acknowledged ticket is stored; every
// failure says the outcome is unknown (never a plain error for a ticket
// that might be stored); numbers still follow each other, stored tickets
// numbering between the acknowledged ones and those plus the unknown; and
// batches were sent behind others' commits, which is the path under test.
func TestBatcherConnectionEndedUnderLoad(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	f := storetest.Seed(t, s)
	ctx := t.Context()
	last := lastNumber(t, s, f.WS.ID)
	var (
		mu      sync.Mutex
		acked   []ticket.Ticket
		unknown int
		others  []error
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	for w := range 12 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				created, err := intakeOne(ctx, s, f, fmt.Sprintf("Charge %d-%d", w, i))
				mu.Lock()
				switch {
				case err == nil:
					acked = append(acked, created)
				case errors.Is(err, store.ErrOutcomeUnknown):
					unknown++
				default:
					others = append(others, err)
				}
				mu.Unlock()
			}
		})
	}
	for range 3 {
		time.Sleep(300 * time.Millisecond)
		endBatcherBackend(t, s)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	for _, err := range others {
		t.Errorf("a ticket failed without saying its outcome is unknown: %v", err)
	}
	for _, c := range acked {
		if _, err := s.Ticket(ctx, f.WS.ID, c.ID); err != nil {
			t.Errorf("acknowledged ticket %d is not stored: %v", c.Number, err)
		}
	}
	stored := storedNumbers(t, s, f.WS.ID, last)
	wantNumbersFollow(t, stored, last)
	if len(stored) < len(acked) || len(stored) > len(acked)+unknown {
		t.Errorf("%d tickets stored for %d acknowledged and %d unknown", len(stored), len(acked), unknown)
	}
	if store.BatchesSentBehind(s) == 0 {
		t.Errorf("no batch was sent behind another's commit in %d tickets", len(acked))
	}
	if _, err := intakeOne(ctx, s, f, "Après la charge"); err != nil {
		t.Errorf("ticket after the load: %v", err)
	}
	t.Logf("%d acknowledged, %d unknown, %d batches sent behind a commit", len(acked), unknown, store.BatchesSentBehind(s))
}

// A batch that cannot commit in time (its statement waits on a lock held
// elsewhere) is reported with an unknown outcome once the batch's time is
// up, and the batcher goes on with a new connection once the lock is gone.
func TestWedgedBatchIsReportedUnknownAndTheNextGoesThrough(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	store.SetBatchTimeout(s, 700*time.Millisecond)
	f := storetest.Seed(t, s)
	ctx := t.Context()
	if _, err := intakeOne(ctx, s, f, "Avant"); err != nil {
		t.Fatal(err)
	}
	conn, err := store.WriteConn(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The row every new ticket of the workspace takes its number from.
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE`, f.WS.ID); err != nil {
		t.Fatal(err)
	}
	_, err = intakeOne(ctx, s, f, "Bloqué")
	if !errors.Is(err, store.ErrOutcomeUnknown) {
		t.Errorf("ticket behind a lock held past the batch's time: %v, want ErrOutcomeUnknown", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	created, err := intakeOne(ctx, s, f, "Après")
	if err != nil {
		t.Fatalf("ticket after the lock was released: %v", err)
	}
	if got, err := s.Ticket(ctx, f.WS.ID, created.ID); err != nil || got.Subject != "Après" {
		t.Errorf("acknowledged ticket: %+v, %v", got, err)
	}
	numbers := storedNumbers(t, s, f.WS.ID, 0)
	if !slices.Contains(numbers, created.Number) {
		t.Errorf("numbers %v lack the acknowledged %d", numbers, created.Number)
	}
}

// Several Palier instances on one database, as a scale-out runs: each has
// its own batcher and pipelined connection, and their batches contend for
// the workspace's numbering row and for new customers arriving on both at
// once (the same addresses). Every ticket is stored once, numbers follow
// each other, and each address makes one customer, whom its tickets share.
func TestTwoInstancesTakeInTicketsTogether(t *testing.T) {
	url := storetest.NewURL(t, store.Postgres)
	a := storetest.OpenURL(t, url)
	b := storetest.OpenURL(t, url)
	f := storetest.Seed(t, a)
	ctx := t.Context()
	last := lastNumber(t, a, f.WS.ID)
	const writers, each, addresses = 8, 20, 6
	var (
		mu      sync.Mutex
		created []ticket.Ticket
		emails  []string
		wg      sync.WaitGroup
	)
	for w := range 2 * writers {
		s := []*store.Store{a, b}[w%2]
		wg.Go(func() {
			for i := range each {
				n := store.NewTicket{Ticket: ticket.Ticket{Subject: fmt.Sprintf("Deux instances %d-%d", w, i), Channel: "email",
					TierID: f.Tier["L1"].ID, Language: "fr"}, Body: "Bonjour", FirstIsCustomer: true}
				email := ""
				if i%2 == 0 {
					email = fmt.Sprintf("commun%d@deux.example", (w+i)%addresses)
					n.NewCustomer = &customer.Customer{Name: "Client commun", Email: email, Language: "fr"}
				} else {
					n.Ticket.CustomerID = f.Customer["alice"].ID
				}
				c, err := s.CreateTicket(ctx, f.WS.ID, n)
				if err != nil {
					t.Errorf("writer %d ticket %d: %v", w, i, err)
					continue
				}
				mu.Lock()
				created, emails = append(created, c), append(emails, email)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	stored := storedNumbers(t, a, f.WS.ID, last)
	if len(stored) != len(created) {
		t.Errorf("%d tickets stored, %d acknowledged", len(stored), len(created))
	}
	wantNumbersFollow(t, stored, last)
	customerOf := map[string]int64{}
	for i, c := range created {
		if emails[i] == "" {
			continue
		}
		if id, seen := customerOf[emails[i]]; seen && id != c.CustomerID {
			t.Errorf("%s made two customers: %d and %d", emails[i], id, c.CustomerID)
		}
		customerOf[emails[i]] = c.CustomerID
	}
	for email := range customerOf {
		found, err := b.Customers(ctx, f.WS.ID, email, 0, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(slices.DeleteFunc(found, func(c customer.Customer) bool { return c.Email != email })); n != 1 {
			t.Errorf("%s: %d customers, want 1", email, n)
		}
	}
}
