package desk

import (
	"context"
	"strconv"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// TicketQuery is a list of tickets as an edge asks for it, in the words a
// client uses (tier codes, request type keys, "me"): the desk resolves it
// against the workspace, so the edges never build storage filters. Zero
// fields do not filter. A value that names nothing is refused as a bad
// parameter named after the field's query parameter (tier, type, owner).
type TicketQuery struct {
	Statuses      []ticket.Status
	Tiers         []string // tier ids or codes
	TeamID        int64
	Owner         string // "me", "none" (unassigned) or an agent id
	HandedOffByMe bool   // tickets the actor handed to another tier
	RequestType   string // request type key
	CustomerID    int64
	Sort          string // one of store.Sorts; "" = newest
}

// FindTickets lists one page of the tickets the actor may see that match q.
func (d *Service) FindTickets(ctx context.Context, a auth.Actor, q TicketQuery, cursor string, limit int) ([]ticket.Ticket, string, error) {
	f, err := d.ticketFilter(ctx, a, q)
	if err != nil {
		return nil, "", err
	}
	return d.Tickets(ctx, a, f, cursor, limit)
}

// ticketFilter resolves a query; the directory is loaded only when a tier
// code or a request type needs it.
func (d *Service) ticketFilter(ctx context.Context, a auth.Actor, q TicketQuery) (store.Filter, error) {
	f := store.Filter{Sort: q.Sort, TeamID: q.TeamID, CustomerID: q.CustomerID, Statuses: q.Statuses}
	var dir *Directory
	directory := func() (*Directory, error) {
		if dir == nil {
			loaded, err := d.Directory(ctx, a)
			if err != nil {
				return nil, err
			}
			dir = &loaded
		}
		return dir, nil
	}
	for _, v := range q.Tiers {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.TierIDs = append(f.TierIDs, id)
			continue
		}
		dir, err := directory()
		if err != nil {
			return f, err
		}
		tier := dir.TierByCode(v)
		if tier.ID == 0 {
			return f, problem.BadParameter("tier", v)
		}
		f.TierIDs = append(f.TierIDs, tier.ID)
	}
	if q.RequestType != "" {
		dir, err := directory()
		if err != nil {
			return f, err
		}
		if f.RequestTypeID = dir.RequestTypeByKey(q.RequestType).ID; f.RequestTypeID == 0 {
			return f, problem.BadParameter("type", q.RequestType)
		}
	}
	if q.HandedOffByMe {
		f.HandedOffBy = a.AgentID
	}
	switch q.Owner {
	case "":
	case "me":
		f.OwnerID = a.AgentID
	case "none":
		f.Unassigned = true
	default:
		id, err := strconv.ParseInt(q.Owner, 10, 64)
		if err != nil || id <= 0 {
			return f, problem.BadParameter("owner", q.Owner)
		}
		f.OwnerID = id
	}
	return f, nil
}
