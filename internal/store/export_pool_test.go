package store

// ShrinkReadPool leaves the read pool n connections, for the test
// that a journey never holds one read connection while it asks for another.
func ShrinkReadPool(s *Store, n int) {
	s.read.SetMaxOpenConns(n)
	s.read.SetMaxIdleConns(n)
}

// PoolLimits exposes how many connections the read and write pools open
// at most.
func PoolLimits(s *Store) (read, write int) {
	return s.read.Stats().MaxOpenConnections, s.write.Stats().MaxOpenConnections
}
