package store

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// A new PostgreSQL database's statistics, refreshed once its tables have
// grown (issue 9).
//
// PostgreSQL keeps a plan until the statistics of a table it reads change:
// the generic plan of each of Palier's statements on each pooled
// connection, and the plans of the foreign-key checks (one lookup of the
// ticket for each event and for the search document, of the customer, of
// the workspace...). On a new database, those are made while the tables
// hold the migrations' nothing or the demo's few rows, and over a page or
// two a lookup by key is a sequential scan. The plans stay so while intake
// adds a thousand rows a second, until autovacuum analyses the tables
// again, at its next visit to the database (autovacuum_naptime, a minute by
// default). Measured in a fresh demo database (bench/README.md, thirteenth
// session): the intake statement and the checks scanned tickets and
// customers whole, and the cluster spent up to twice its CPU per ticket,
// in the runs where autovacuum's first visit came before the load rather
// than during it.
//
// So once this process has written freshTickets tickets, it reads how many
// rows PostgreSQL's statistics give tickets; when it is fewer, the tables
// intake writes are analysed, once. That invalidates those plans, and the
// next ones are made at the tables' real size. On a database that already
// holds tickets the check is one query per process.

// freshTickets is how many tickets are written before the check: tables of
// that size are tens of pages, over which a lookup by key is an index scan.
const freshTickets = 1000

// intakeTables are the tables intake writes or checks by key.
const intakeTables = "tickets, customers, events, ticket_search, ticket_search_terms, customer_terms, customer_term_pairs, ticket_handoffs"

// freshStats counts the tickets written and runs the check once.
type freshStats struct {
	threshold int64 // freshTickets; tests lower it
	written   atomic.Int64
	started   atomic.Bool
	wg        sync.WaitGroup
	ctx       context.Context // cancelled by Close
	cancel    context.CancelFunc
}

func (f *freshStats) init() {
	f.threshold = freshTickets
	f.ctx, f.cancel = context.WithCancel(context.Background())
}

// ticketWritten counts one ticket written; the first that reaches the
// threshold starts the check, in the background: the ticket's caller does
// not wait for an ANALYZE.
func (s *Store) ticketWritten() {
	if s.dialect != Postgres || s.fresh.written.Add(1) < s.fresh.threshold || !s.fresh.started.CompareAndSwap(false, true) {
		return
	}
	s.fresh.wg.Add(1)
	go func() {
		defer s.fresh.wg.Done()
		if err := s.analyzeIfFresh(s.fresh.ctx, s.fresh.threshold); err != nil {
			slog.Warn("statistics of a new database", "err", err)
		}
	}()
}

// analyzeIfFresh analyses intakeTables when PostgreSQL's statistics count
// fewer than rows tickets (-1 before any ANALYZE).
func (s *Store) analyzeIfFresh(ctx context.Context, rows int64) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var known float64
	if err := s.write.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'tickets'::regclass`).Scan(&known); err != nil {
		return err
	}
	if known >= float64(rows) {
		return nil
	}
	_, err := s.write.ExecContext(ctx, `ANALYZE `+intakeTables)
	return err
}

// stopFresh cancels a check under way and waits for it (Close).
func (s *Store) stopFresh() {
	if s.fresh.cancel != nil {
		s.fresh.cancel()
	}
	s.fresh.wg.Wait()
}
