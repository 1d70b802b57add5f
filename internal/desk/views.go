package desk

import (
	"context"
	"net/url"
	"strconv"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
)

// View is a saved ticket list in the inbox sidebar.
type View struct {
	Key    string       // stable id used in URLs: "mine", "unassigned", "swarms", "handed-off", "tier-3", "team-7"
	Label  string       // message key for built-in views, or a name
	Param  string       // tier code or team name shown in the label
	Filter store.Filter `json:"-"`
	Count  int
	// Params is the view in the list's words (GET /api/v1/tickets), which
	// "Save this view" starts from; nil when the list cannot say it (the
	// swarms one).
	Params url.Values
	// Saved is set for a saved view (Key "saved-12", Label its name).
	Saved *SavedView
}

// CountCap bounds sidebar counts so a huge backlog does not cost a full scan.
const CountCap = 1000

// Views returns the actor's inbox views with their counts: their own
// tickets, unassigned tickets in their tiers, swarms they are in, the
// tickets they handed off to another tier, each tier
// they belong to (all tiers for admins) and each of their teams. A
// collaborator has the swarms they are in, only.
func (d *Service) Views(ctx context.Context, a auth.Actor, withCounts bool) ([]View, error) {
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	views := swarmOnly(a)
	if !a.IsCollaborator() {
		views = staffViews(a, dir)
		saved, err := d.SavedViews(ctx, a)
		if err != nil {
			return nil, err
		}
		for i := range saved {
			v := View{Key: saved[i].Key(), Label: saved[i].Name, Params: saved[i].Query, Saved: &saved[i]}
			if len(saved[i].Stale) == 0 {
				if v.Filter, err = d.ViewFilter(ctx, a, saved[i]); err != nil {
					return nil, err
				}
			}
			views = append(views, v)
		}
	}
	if withCounts {
		for i := range views {
			if views[i].Key == "all" || (views[i].Saved != nil && len(views[i].Saved.Stale) > 0) {
				continue
			}
			if views[i].Count, err = d.CountTickets(ctx, a, views[i].Filter, CountCap); err != nil {
				return nil, err
			}
		}
	}
	return views, nil
}

// staffViews are the views of agents, leads and admins.
func staffViews(a auth.Actor, dir Directory) []View {
	tierIDs := a.TierIDs
	if a.IsAdmin() {
		tierIDs = nil
		for _, t := range dir.Tiers {
			if !t.SelfService() {
				tierIDs = append(tierIDs, t.ID)
			}
		}
	}
	active := activeStatuses()
	var tierParam []string
	for _, id := range nonEmpty(tierIDs) {
		tierParam = append(tierParam, strconv.FormatInt(id, 10))
	}
	views := []View{
		{Key: "mine", Label: "view.mine", Filter: store.Filter{OwnerID: a.AgentID, ActiveOnly: true},
			Params: url.Values{"owner": {"me"}, "status": active}},
		{Key: "unassigned", Label: "view.unassigned", Filter: store.Filter{TierIDs: nonEmpty(tierIDs), Unassigned: true, ActiveOnly: true},
			Params: url.Values{"owner": {"none"}, "tier": tierParam, "status": active}},
		{Key: "swarms", Label: "view.swarms", Filter: store.Filter{CollaboratorID: a.AgentID, ActiveOnly: true}},
		// What the agent handed to another tier, solved ones included and
		// the latest change first: this is where they see it come back or
		// get solved.
		{Key: "handed-off", Label: "view.handed_off", Filter: store.Filter{HandedOffBy: a.AgentID, Sort: "updated"},
			Params: url.Values{"handed_off_by": {"me"}, "sort": {"updated"}}},
	}
	for _, t := range dir.Tiers {
		if contains(tierIDs, t.ID) {
			id := strconv.FormatInt(t.ID, 10)
			views = append(views, View{Key: "tier-" + id, Label: "view.tier", Param: t.Code + " · " + t.Name,
				Filter: store.Filter{TierIDs: []int64{t.ID}, ActiveOnly: true}, Params: url.Values{"tier": {id}, "status": active}})
		}
	}
	for _, t := range dir.Teams {
		if a.IsAdmin() || a.InTeam(t.ID) {
			id := strconv.FormatInt(t.ID, 10)
			views = append(views, View{Key: "team-" + id, Label: "view.team", Param: t.Name,
				Filter: store.Filter{TeamID: t.ID, ActiveOnly: true}, Params: url.Values{"team": {id}, "status": active}})
		}
	}
	return append(views, View{Key: "all", Label: "view.all", Filter: store.Filter{}, Params: url.Values{}})
}

// nonEmpty keeps an empty tier list from meaning "no filter": an agent with
// no tiers has no unassigned tickets to see.
func nonEmpty(ids []int64) []int64 {
	if len(ids) == 0 {
		return []int64{0}
	}
	return ids
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
