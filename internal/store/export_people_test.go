package store

import "github.com/palier/palier/internal/auth"

// OrgQueries exposes the organisation page's queries for plan checks.
func OrgQueries(wsID, orgID int64, viewer auth.Actor) (open string, openArgs []any, counts string, countArgs []any) {
	open, openArgs = orgOpenQuery(wsID, orgID, viewer, 50)
	counts, countArgs = orgCountsQuery(wsID, orgID, viewer)
	return
}
