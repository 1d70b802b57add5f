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

// SetKBWalk turns the knowledge-base search's table walk (PostgreSQL)
// off, or on for every search it applies to, and returns a function
// restoring the automatic choice.
func SetKBWalk(on bool) func() {
	old := kbWalk
	kbWalk = kbWalkNever
	if on {
		kbWalk = kbWalkAlways
	}
	return func() { kbWalk = old }
}
