package ticket

import (
	"slices"

	"github.com/palier/palier/internal/auth"
)

// CanView reports whether the actor may read the ticket. The same rule is
// written as SQL in the store's list queries; a test proves they agree.
//
//   - admins see everything;
//   - owners and collaborators (swarm invitees) see their tickets;
//   - members with the collaborator role see nothing else: they belong to
//     no tier, whatever tiers or teams they were given;
//   - leads see the tickets of their tiers and teams, sensitive ones too;
//   - agents see the tickets of their tiers and teams, except sensitive ones;
//   - whoever handed a ticket off to another tier (escalated it, sent it
//     down, or opened it for a tier routing chose) keeps seeing it, unless
//     it is sensitive: then only its assignees and leads do.
func CanView(a auth.Actor, t Ticket) bool {
	if a.IsAdmin() || isParticipant(a, t) {
		return true
	}
	if a.IsCollaborator() {
		return false
	}
	inScope := a.InTier(t.TierID) || a.InTeam(t.TeamID)
	if t.Sensitive {
		return inScope && a.IsLeadOrAdmin()
	}
	return inScope || slices.Contains(t.HandedOffBy, a.AgentID)
}

// CanWork reports whether the actor may answer the customer and change the
// ticket's fields. Collaborators invited to a swarm, and agents who handed
// the ticket off, may read and post internal notes but the owner stays the
// customer's single contact. A member with the collaborator role never
// works a ticket, not even one they were somehow made the owner of: they
// speak to colleagues, not to customers.
func CanWork(a auth.Actor, t Ticket) bool {
	if a.IsCollaborator() || !CanView(a, t) {
		return false
	}
	if a.IsAdmin() || t.OwnerID == a.AgentID {
		return true
	}
	return a.InTier(t.TierID) || a.InTeam(t.TeamID)
}

// CanNote reports whether the actor may post an internal note.
func CanNote(a auth.Actor, t Ticket) bool { return CanView(a, t) }

// CanSetSensitive reports whether the actor may mark the ticket sensitive
// or lift the flag: leads and admins who work it, and its owner (who keeps
// seeing it either way). Anyone else could lift it and open the ticket to
// a whole tier.
func CanSetSensitive(a auth.Actor, t Ticket) bool {
	return CanWork(a, t) && (a.IsLeadOrAdmin() || (t.OwnerID != 0 && t.OwnerID == a.AgentID))
}

// Who may place a ticket where, across tiers. Agents work inside a
// ticket's tier: it goes to another tier only by escalating, which
// collects what that tier needs, so an agent may neither re-tier a ticket,
// nor give it to a team of another tier, nor to someone who does not work
// in its tier or team. Leads and admins place tickets anywhere: they
// re-tier and rebalance queues.

// CanPlace reports whether the actor may put a ticket in t's tier and
// team; teamTierID is the tier t's team belongs to. Agents place tickets
// only in a tier of their own, with a team of that tier (or none).
func CanPlace(a auth.Actor, t Ticket, teamTierID int64) bool {
	if a.IsLeadOrAdmin() {
		return true
	}
	if a.IsCollaborator() || (t.TeamID != 0 && teamTierID != t.TierID) {
		return false
	}
	return a.InTier(t.TierID)
}

// CanAssignTo reports whether the actor may make `to` the owner of t, t
// being the ticket as the change leaves it (with its new team when the
// same change sets one); the caller has checked that the actor may work
// the ticket as it is. A collaborator never owns a ticket. An agent gives
// a ticket only to someone of its tier or team, themself included, and
// only if they work in that tier or team too.
func CanAssignTo(a auth.Actor, t Ticket, to auth.Actor) bool {
	if to.AgentID == 0 || to.IsCollaborator() || a.IsCollaborator() {
		return false
	}
	if a.IsLeadOrAdmin() {
		return true
	}
	inScope := func(x auth.Actor) bool { return x.InTier(t.TierID) || x.InTeam(t.TeamID) }
	return inScope(a) && inScope(to)
}

func isParticipant(a auth.Actor, t Ticket) bool {
	return (t.OwnerID != 0 && t.OwnerID == a.AgentID) || slices.Contains(t.Collaborators, a.AgentID)
}
