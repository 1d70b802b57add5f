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

// ListSeeks exposes the statements PostgreSQL reads a page of several
// seeks as (seekedPage) with a generic plan, each with its own parameters;
// none for a page of one seek.
func (f Filter) ListSeeks(d Dialect, wsID int64, cursor string, limit int) ([]string, [][]any, []string, error) {
	p, err := f.pageSeeks(d, wsID, cursor, limit, true)
	if err != nil || p.single != "" {
		return nil, nil, nil, err
	}
	var queries, index []string
	var args [][]any
	for i, k := range p.keys {
		if p.valued[i] {
			continue
		}
		q, a := ownParams(k, p.args)
		queries, args, index = append(queries, q), append(args, a), append(index, p.index[i])
	}
	return queries, args, index, nil
}
