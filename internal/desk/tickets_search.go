package desk

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// maxSearchText bounds a search query: past a few words a query says no
// more, and every word costs a look-up in the index.
const maxSearchText = 500

// TicketSearchQuery is a full-text search over the tickets a list with
// the same filters would show.
type TicketSearchQuery struct {
	TicketQuery
	Text string
	// CreatedFrom and CreatedBefore bound the creation time when set.
	CreatedFrom, CreatedBefore time.Time
}

// SearchTickets returns one page of the tickets the actor may read whose
// subject, messages or internal notes hold every word of q.Text, best
// first, each with a highlighted passage, and the cursor of the next page.
// Access is the list's: the store restricts the matches with the SQL twin
// of ticket.CanView before it reads a word of them, and each hit is checked
// again here with ticket.CanView itself.
func (d *Service) SearchTickets(ctx context.Context, a auth.Actor, q TicketSearchQuery, cursor string, limit int) ([]store.TicketHit, string, error) {
	if len([]rune(q.Text)) > maxSearchText {
		return nil, "", problem.BadParameter("q", "")
	}
	if !q.CreatedFrom.IsZero() && !q.CreatedBefore.IsZero() && !q.CreatedFrom.Before(q.CreatedBefore) {
		return nil, "", problem.BadParameter("created_before", q.CreatedBefore.Format(time.DateOnly))
	}
	offset, ok := store.ParseSearchCursor(cursor)
	if !ok {
		return nil, "", problem.BadParameter("cursor", "")
	}
	f, err := d.ticketFilter(ctx, a, q.TicketQuery)
	if err != nil {
		return nil, "", err
	}
	f.Viewer = &a
	hits, more, err := d.store.SearchTickets(ctx, a.WorkspaceID, store.TicketSearch{Filter: f, Matches: store.TicketQueryMatches(q.Text),
		CreatedFrom: q.CreatedFrom, CreatedBefore: q.CreatedBefore, Offset: offset, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	visible := hits[:0]
	for _, h := range hits {
		if ticket.CanView(a, h.Ticket) {
			visible = append(visible, h)
		}
	}
	next := ""
	if more {
		next = store.SearchCursor(offset + len(hits))
	}
	return visible, next, nil
}
