package store

// SetSearchRare changes the count of matches from which a query word is
// common and a search walks (tests reach every plan with a few records);
// it returns a function that restores it.
func SetSearchRare(n int) (restore func()) {
	old := searchRare
	searchRare = n
	return func() { searchRare = old }
}

// SetSearchPairs turns the customer search's pairs walk on or off, and
// returns a function restoring it.
func SetSearchPairs(on bool) func() {
	old := searchPairs
	searchPairs = on
	return func() { searchPairs = old }
}

// SetKBWalk makes the knowledge-base search (PostgreSQL) walk the table
// for every search it applies to, reading at most maxRows rows, or never
// when maxRows is 0; it returns a function restoring the automatic
// choice.
func SetKBWalk(maxRows int64) func() {
	oldMode, oldRows := kbWalk, kbWalkForced
	kbWalk, kbWalkForced = kbWalkNever, maxRows
	if maxRows > 0 {
		kbWalk = kbWalkAlways
	}
	return func() { kbWalk, kbWalkForced = oldMode, oldRows }
}

// SetSearchCountsKept turns on or off the customer and organisation
// search's kept counts of common words, and returns a function restoring
// it.
func SetSearchCountsKept(on bool) func() {
	old := searchCountsKept
	searchCountsKept = on
	return func() { searchCountsKept = old }
}

// KeptSearchCounts is how many search counts the store keeps.
func (s *Store) KeptSearchCounts() int { return s.searchCounts.len() }
