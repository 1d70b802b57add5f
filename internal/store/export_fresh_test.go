package store

// SetFreshTickets lowers the number of tickets written before a new
// database's statistics are checked (fresh_pg.go), counted from now: the
// fixture's tickets are not among them, or the check would start before
// the test's last ticket is written and race it.
func SetFreshTickets(s *Store, n int64) {
	s.fresh.threshold = n
	s.fresh.written.Store(0)
}

// WaitFreshCheck waits for a check started by the tickets written.
func WaitFreshCheck(s *Store) { s.fresh.wg.Wait() }
