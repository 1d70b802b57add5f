package store

// ListQuery exposes the page query for plan checks in tests.
func (f Filter) ListQuery(d Dialect, wsID int64, cursor string, limit int) (string, []any, error) {
	return f.listQuery(d, wsID, cursor, limit)
}

// Active exposes whether the filter fixes the tickets' active flag.
func (f Filter) Active() (value, known bool) { return f.active() }

// CountQuery exposes CountTickets' query.
func (f Filter) CountQuery(d Dialect, wsID int64, max int) (string, []any) {
	return f.countQuery(d, wsID, max)
}
