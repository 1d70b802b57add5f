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
//   - agents see the tickets of their tiers and teams, except sensitive ones.
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
	return inScope
}

// CanWork reports whether the actor may answer the customer and change the
// ticket's fields. Collaborators invited to a swarm may read and post
// internal notes but the owner stays the customer's single contact. A
// member with the collaborator role never works a ticket, not even one
// they were somehow made the owner of: they speak to colleagues, not to
// customers.
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

func isParticipant(a auth.Actor, t Ticket) bool {
	return (t.OwnerID != 0 && t.OwnerID == a.AgentID) || slices.Contains(t.Collaborators, a.AgentID)
}
