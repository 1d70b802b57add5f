package store

// ShrinkReadPool leaves SQLite's read pool n connections, for the test
// that a journey never holds one read connection while it asks for another.
func ShrinkReadPool(s *Store, n int) {
	s.read.SetMaxOpenConns(n)
	s.read.SetMaxIdleConns(n)
}
