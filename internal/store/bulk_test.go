package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestBulkLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		end := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var progress [][2]int64 // customers, tickets
		collaborators := func() (n int64) {
			t.Helper()
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM ticket_collaborators c JOIN tickets t ON t.id = c.ticket_id WHERE t.workspace_id = $1`,
				f.WS.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		seeded := collaborators()
		// 2,500 tickets in batches of 1,100: several transactions, and more
		// rows per transaction than one INSERT statement takes.
		st, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Tickets: 2500, Customers: 100, Seed: 7, End: end, Span: 30 * 24 * time.Hour, Batch: 1100,
			Progress: func(st store.BulkStats) { progress = append(progress, [2]int64{st.Customers, st.Tickets}) }})
		if err != nil {
			t.Fatalf("BulkLoad: %v", err)
		}
		if st.Tickets != 2500 || st.Customers != 100 || st.Events < 3*2500 {
			t.Errorf("stats = %+v, want 2500 tickets, 100 customers, ≥ 3 events per ticket", st)
		}
		if want := [][2]int64{{100, 0}, {100, 1100}, {100, 2200}, {100, 2500}}; !slices.Equal(progress, want) {
			t.Errorf("progress = %v, want %v", progress, want)
		}
		// Every row counted reached the database, the last batch's too.
		if stored := collaborators() - seeded; st.Collaborators == 0 || stored != st.Collaborators {
			t.Errorf("collaborators stored = %d, counted %d; want the same, above 0", stored, st.Collaborators)
		}
		all := store.Filter{}
		if n, err := s.CountTickets(ctx, f.WS.ID, all, 1<<30); err != nil || n != 2500+len(f.Ticket) {
			t.Errorf("tickets in workspace = %d (%v), want %d", n, err, 2500+len(f.Ticket))
		}
		active, err := s.CountTickets(ctx, f.WS.ID, store.Filter{ActiveOnly: true}, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if share := float64(active) / 2500; share < 0.06 || share > 0.14 {
			t.Errorf("active share = %.3f, want about 10%%", share)
		}

		// The newest generated ticket is numbered right after the seed's,
		// has a whole timeline, and ticket numbering continues after it.
		page, _, err := s.Tickets(ctx, f.WS.ID, store.Filter{}, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		newest := page[0]
		if want := f.Ticket["solved"].Number + 2500; newest.Number != want {
			t.Errorf("newest bulk ticket number = %d, want %d", newest.Number, want)
		}
		if newest.CreatedAt.After(end) {
			t.Errorf("newest ticket created %v, after End %v", newest.CreatedAt, end)
		}
		evs, err := s.Events(ctx, f.WS.ID, newest.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) < 3 || evs[0].Kind != ticket.Created || evs[1].Kind != ticket.CustomerMessage || evs[2].Kind != ticket.Routed {
			t.Errorf("timeline of %s starts %v, want created, customer_message, routed", newest.Reference, kinds(evs))
		}
		next, err := s.CreateTicket(ctx, f.WS.ID, store.NewTicket{Ticket: ticket.Ticket{Subject: "After the load", Channel: "email",
			TierID: f.Tier["L1"].ID, CustomerID: f.Customer["bob"].ID}, Body: "hello"})
		if err != nil {
			t.Fatalf("CreateTicket after BulkLoad: %v", err)
		}
		if next.Number != newest.Number+1 || next.ID <= newest.ID {
			t.Errorf("ticket after the load: number %d id %d, want number %d and an id above %d", next.Number, next.ID, newest.Number+1, newest.ID)
		}
	})
}

// The same seed on the same workspace gives the same tickets, on either
// database, so benchmark figures from two runs describe the same data.
func TestBulkLoadIsDeterministic(t *testing.T) {
	load := func(t *testing.T, d store.Dialect) []ticket.Ticket {
		s := storetest.Open(t, d)
		f := storetest.Seed(t, s)
		end := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		if _, err := s.BulkLoad(context.Background(), f.WS.ID, store.BulkSpec{Tickets: 300, Seed: 42, End: end}); err != nil {
			t.Fatalf("BulkLoad on %s: %v", d, err)
		}
		list, _, err := s.Tickets(context.Background(), f.WS.ID, store.Filter{Sort: "oldest"}, "", 200)
		if err != nil {
			t.Fatal(err)
		}
		return list[len(f.Ticket):] // the Fixture's own tickets carry the wall-clock time
	}
	same := func(t *testing.T, a, b []ticket.Ticket) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("lengths differ: %d and %d", len(a), len(b))
		}
		for i := range a {
			x, y := a[i], b[i]
			if x.Number != y.Number || x.Subject != y.Subject || x.Status != y.Status || x.TierID != y.TierID || x.TeamID != y.TeamID ||
				x.OwnerID != y.OwnerID || x.CustomerID != y.CustomerID || x.Priority != y.Priority || !x.CreatedAt.Equal(y.CreatedAt) {
				t.Fatalf("ticket %d differs between two loads with one seed:\n%+v\n%+v", i, x, y)
			}
		}
	}
	first := load(t, store.SQLite)
	same(t, first, load(t, store.SQLite))
	t.Run("postgres", func(t *testing.T) { same(t, first, load(t, store.Postgres)) })
}

func kinds(evs []ticket.Event) []ticket.EventKind {
	out := make([]ticket.EventKind, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

// Organisations and customers go in committed transactions of Batch
// records each, progress reported after each, and make the same data as
// one transaction would: same seed, same records, each found by search.
func TestBulkLoadSearchableRecordsInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		var progress [][2]int64 // organisations, customers
		st, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Organisations: 30, Customers: 50, Seed: 3, Batch: 20,
			Progress: func(st store.BulkStats) { progress = append(progress, [2]int64{st.Organisations, st.Customers}) }})
		if err != nil {
			t.Fatal(err)
		}
		if want := [][2]int64{{20, 0}, {30, 0}, {30, 20}, {30, 40}, {30, 50}}; !slices.Equal(progress, want) || st.Organisations != 30 || st.Customers != 50 {
			t.Errorf("progress = %v, stats %+v; want %v, 30 organisations, 50 customers", progress, st, want)
		}
		other := storetest.Open(t, s.Dialect())
		g := storetest.Seed(t, other)
		if _, err := other.BulkLoad(ctx, g.WS.ID, store.BulkSpec{Organisations: 30, Customers: 50, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		records := func(s *store.Store, wsID int64) []string {
			var out []string
			for _, o := range must(s.Organisations(ctx, wsID, "", 0, 200))(t) {
				out = append(out, o.Name+" "+o.Domain)
			}
			for _, c := range must(s.Customers(ctx, wsID, "", 0, 0, 200))(t) {
				out = append(out, c.Name+" "+c.Email)
			}
			return out
		}
		batched, whole := records(s, f.WS.ID), records(other, g.WS.ID)
		if len(batched) != 30+50+len(f.Customer)+1 || !slices.Equal(batched, whole) {
			t.Errorf("batched load:\n%v\none transaction:\n%v", batched, whole)
		}
		for _, name := range []string{batched[0], batched[len(batched)-1]} {
			if len(must(s.Organisations(ctx, f.WS.ID, name, 0, 5))(t))+len(must(s.Customers(ctx, f.WS.ID, name, 0, 0, 5))(t)) == 0 {
				t.Errorf("%q not found by search", name)
			}
		}
	})
}
