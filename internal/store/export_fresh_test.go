package store

// SetFreshTickets lowers the number of tickets written before a new
// database's statistics are checked (fresh_pg.go).
func SetFreshTickets(s *Store, n int64) { s.fresh.threshold = n }

// WaitFreshCheck waits for a check started by the tickets written.
func WaitFreshCheck(s *Store) { s.fresh.wg.Wait() }
