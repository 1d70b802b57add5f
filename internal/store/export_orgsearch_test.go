package store

import "context"

// OrganisationPageQuery is the statement Organisations runs for a query
// (plan tests read how the database reads it); none when nothing can
// match.
func (s *Store) OrganisationPageQuery(ctx context.Context, wsID int64, query string) (text string, args []any, none bool, err error) {
	text, args = orgListQuery(wsID, 1<<63-1, 50)
	return s.searchOrListQuery(ctx, organisationTerms, wsID, query, orgColumns, "", text, args)
}
