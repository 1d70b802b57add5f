package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// A new database's statistics count the rows intake wrote once the first
// tickets are in: the plans PostgreSQL made over its empty tables (scans
// of the whole table) are then made again at the tables' size.
func TestNewDatabaseIsAnalysedOnceItsTablesHaveGrown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("SQLite keeps no plan made from statistics (Palier never analyses it)")
		}
		ctx := context.Background()
		f := storetest.Seed(t, s)
		const n = 5
		store.SetFreshTickets(s, n)
		for i := range n {
			if _, err := s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
				Ticket:      ticket.Ticket{Subject: "Nouvelle base", Channel: "api", TierID: f.Tier["L1"].ID},
				NewCustomer: &customer.Customer{Name: fmt.Sprintf("Client %d", i), Email: fmt.Sprintf("nouveau%d@example.com", i)},
				Body:        "Bonjour"}); err != nil {
				t.Fatal(err)
			}
		}
		store.WaitFreshCheck(s)
		for _, table := range []string{"tickets", "customers", "events"} {
			var known float64
			var rows int64
			if err := s.DB().QueryRowContext(ctx, `SELECT reltuples, (SELECT count(*) FROM `+table+`) FROM pg_class WHERE oid = $1::regclass`,
				table).Scan(&known, &rows); err != nil {
				t.Fatal(err)
			}
			if int64(known) != rows {
				t.Errorf("%s: statistics count %v rows, the table holds %d", table, known, rows)
			}
		}
	})
}

// A database whose statistics already count the tickets (one that was in
// use before this process, or analysed by autovacuum meanwhile) is not
// analysed again: the check costs it one query.
func TestADatabaseWithStatisticsIsNotAnalysedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("SQLite keeps no plan made from statistics (Palier never analyses it)")
		}
		ctx := context.Background()
		f := storetest.Seed(t, s)
		if _, err := s.DB().ExecContext(ctx, `ANALYZE tickets`); err != nil {
			t.Fatal(err)
		}
		store.SetFreshTickets(s, 1)
		if _, err := s.CreateTicket(ctx, f.WS.ID, store.NewTicket{
			Ticket: ticket.Ticket{Subject: "Base en service", Channel: "api", TierID: f.Tier["L1"].ID, CustomerID: f.Customer["alice"].ID},
			Body:   "Bonjour"}); err != nil {
			t.Fatal(err)
		}
		store.WaitFreshCheck(s)
		var analysed int64
		if err := s.DB().QueryRowContext(ctx, `SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'customers'`).Scan(&analysed); err != nil {
			t.Fatal(err)
		}
		if analysed != 0 {
			t.Errorf("customers analysed %d times, want none", analysed)
		}
	})
}
