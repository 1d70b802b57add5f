package store

// ReadStatements says how many statements the read pool's cache keeps and
// their summed text, for the list benchmark's memory report.
func ReadStatements(s *Store) (statements, text int) { return s.read.stmts.size() }
