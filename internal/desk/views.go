package desk

import (
	"context"
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
	}
	if withCounts {
		for i := range views {
			if views[i].Key == "all" {
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
	views := []View{
		{Key: "mine", Label: "view.mine", Filter: store.Filter{OwnerID: a.AgentID, ActiveOnly: true}},
		{Key: "unassigned", Label: "view.unassigned", Filter: store.Filter{TierIDs: nonEmpty(tierIDs), Unassigned: true, ActiveOnly: true}},
		{Key: "swarms", Label: "view.swarms", Filter: store.Filter{CollaboratorID: a.AgentID, ActiveOnly: true}},
		// What the agent handed to another tier, solved ones included and
		// the latest change first: this is where they see it come back or
		// get solved.
		{Key: "handed-off", Label: "view.handed_off", Filter: store.Filter{HandedOffBy: a.AgentID, Sort: "updated"}},
	}
	for _, t := range dir.Tiers {
		if contains(tierIDs, t.ID) {
			views = append(views, View{Key: "tier-" + strconv.FormatInt(t.ID, 10), Label: "view.tier", Param: t.Code + " · " + t.Name,
				Filter: store.Filter{TierIDs: []int64{t.ID}, ActiveOnly: true}})
		}
	}
	for _, t := range dir.Teams {
		if a.IsAdmin() || a.InTeam(t.ID) {
			views = append(views, View{Key: "team-" + strconv.FormatInt(t.ID, 10), Label: "view.team", Param: t.Name,
				Filter: store.Filter{TeamID: t.ID, ActiveOnly: true}})
		}
	}
	return append(views, View{Key: "all", Label: "view.all", Filter: store.Filter{}})
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
