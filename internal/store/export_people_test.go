package store

import "github.com/palier/palier/internal/auth"

// OrgQueries exposes the organisation page's queries for plan checks.
func OrgQueries(d Dialect, wsID, orgID int64, viewer auth.Actor) (open string, openArgs []any, counts string, countArgs []any) {
	open, openArgs = orgOpenQuery(d, wsID, orgID, viewer, 50)
	counts, countArgs = orgCountsQuery(d, wsID, orgID, viewer)
	return
}
