package store

// SetSearchDense changes the count of matches above which a search walks
// the records (tests reach both plans with a few records); it returns a
// function that restores it.
func SetSearchDense(n int) (restore func()) {
	old := searchDense
	searchDense = n
	return func() { searchDense = old }
}
