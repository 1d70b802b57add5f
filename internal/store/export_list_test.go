package store

import "slices"

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
	queries, args, index, valued, err := f.AllListSeeks(d, wsID, cursor, limit)
	for i := len(valued) - 1; i >= 0; i-- {
		if valued[i] {
			queries, args, index = slices.Delete(queries, i, i+1), slices.Delete(args, i, i+1), slices.Delete(index, i, i+1)
		}
	}
	return queries, args, index, err
}

// AllListSeeks is ListSeeks with the seeks planned for their values too,
// each marked in valued.
func (f Filter) AllListSeeks(d Dialect, wsID int64, cursor string, limit int) (queries []string, args [][]any, index []string, valued []bool, err error) {
	p, err := f.pageSeeks(d, wsID, cursor, limit, true)
	if err != nil || p.single != "" {
		return nil, nil, nil, nil, err
	}
	for i, k := range p.keys {
		q, a := ownParams(k, p.args)
		queries, args, index = append(queries, q), append(args, a), append(index, p.index[i])
	}
	return queries, args, index, p.valued, nil
}

// GenericPlans and ValuedPlans are the plan settings of a page's seeks
// (seekedPage), for their transaction.
const GenericPlans, ValuedPlans = genericPlans, valuedPlans
