package desk

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Swarming (seed 000, "assistance collaborative"): the agent who takes a
// ticket owns it to the end and stays the customer's single contact.
// Instead of escalating, the owner pulls colleagues in — one agent, a whole
// team, or people outside support with the collaborator role — who read
// the ticket and post internal notes. Swarms can be called in every model;
// what the swarming model adds is that escalating up is refused.

// errSwarmingModel refuses an escalation up a ticket worked by swarming.
// It is a Conflict, not a Forbidden: nobody may do it, admins included,
// because of how the workspace works, not because of who asks; changing
// the request type's model (or a lead re-tiering the ticket) lifts it.
var errSwarmingModel = problem.New(problem.Conflict, "swarming_model",
	"this request type is worked by swarming: keep the ticket and invite experts instead")

// ModelOf returns how a ticket is worked: the workspace's support model,
// or in a hybrid workspace its request type's (see workspace.ModelFor).
func (dir Directory) ModelOf(t ticket.Ticket) workspace.SupportModel {
	return dir.Workspace.ModelFor(dir.RequestType(t.RequestTypeID))
}

// escalatesUp reports whether a hand-off would move the ticket to a higher
// tier: going up, or returning to a tier above its own. Going down stays
// possible under swarming, e.g. to send back to the front line a ticket
// escalated before its request type was swarmed.
func escalatesUp(dir Directory, t ticket.Ticket, direction escalation.Direction, target string) bool {
	switch direction {
	case escalation.Up:
		return true
	case escalation.Return:
		to := dir.TierByCode(target)
		return to.ID != 0 && to.Position > dir.Tier(t.TierID).Position
	}
	return false
}

// MaxQuestion bounds the question of an invitation: it is a line for the
// timeline, the discussion itself goes in internal notes.
const MaxQuestion = 2000

// Invitation is an owner's call for help: one agent or one whole team,
// with an optional question.
type Invitation struct {
	AgentID  int64  `json:"agent_id,omitempty"`
	TeamID   int64  `json:"team_id,omitempty"`
	Question string `json:"question,omitempty"`
}

// Invite adds a collaborator to a ticket (swarming): they may then read it
// and post internal notes.
func (d *Service) Invite(ctx context.Context, a auth.Actor, id, agentID int64) error {
	_, err := d.Swarm(ctx, a, id, Invitation{AgentID: agentID})
	return err
}

// InviteTeam invites every active member of a team to a ticket's swarm,
// except the owner and whoever invites.
func (d *Service) InviteTeam(ctx context.Context, a auth.Actor, id, teamID int64) error {
	_, err := d.Swarm(ctx, a, id, Invitation{TeamID: teamID})
	return err
}

// Swarm invites an agent or a team to a ticket and returns who joined. Only
// those who may work the ticket invite (never a collaborator). The question
// is recorded with each swarm_joined event; a team of which nobody is left
// to invite is refused rather than silently ignored.
func (d *Service) Swarm(ctx context.Context, a auth.Actor, id int64, in Invitation) ([]int64, error) {
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	inv, err := in.resolve(dir, a)
	if err != nil {
		return nil, err
	}
	nt := d.notifier(dir, a.AgentID)
	inv.Then = nt.hook(nil)
	added, err := d.store.AddCollaborators(ctx, a.WorkspaceID, id, a.AgentID, inv, func(cur ticket.Ticket) error {
		if !ticket.CanView(a, cur) {
			return problem.NotFoundf("ticket")
		}
		if !ticket.CanWork(a, cur) {
			return errForbidden
		}
		return nil
	})
	nt.done(err)
	if err != nil {
		return nil, err
	}
	if in.TeamID != 0 && len(added) == 0 {
		f := problem.Fields{}
		f.Add("team_id", "nobody_to_invite", "everyone in this team already takes part")
		return nil, f.Err()
	}
	return added, nil
}

// resolve checks an invitation against the directory and lists the agents
// it invites.
func (in Invitation) resolve(dir Directory, a auth.Actor) (store.Invitation, error) {
	f := problem.Fields{}
	inv := store.Invitation{TeamID: in.TeamID, Question: strings.TrimSpace(in.Question)}
	checkQuestion(f, inv.Question)
	switch {
	case in.AgentID != 0 && in.TeamID != 0:
		f.Add("team_id", "agent_or_team", "invite one agent or one team, not both")
	case in.TeamID != 0:
		inv.AgentIDs = teamInvitees(f, dir, in.TeamID, a.AgentID)
	case in.AgentID > 0:
		if m := dir.Member(in.AgentID); m.ID == 0 || !m.Active {
			f.Add("agent_id", "unknown_value", "unknown agent", "value", strconv.FormatInt(in.AgentID, 10))
		}
		inv.AgentIDs = []int64{in.AgentID}
	default:
		f.Required("agent_id")
	}
	return inv, f.Err()
}

// teamInvitees lists a team's active members but the one inviting; the
// store leaves out the owner and those already in.
func teamInvitees(f problem.Fields, dir Directory, teamID, inviter int64) []int64 {
	team := dir.Team(teamID)
	if team.ID == 0 {
		f.Add("team_id", "unknown_value", "unknown team", "value", strconv.FormatInt(teamID, 10))
		return nil
	}
	var ids []int64
	for _, id := range team.MemberIDs {
		if m := dir.Member(id); m.Active && id != inviter {
			ids = append(ids, id)
		}
	}
	return ids
}

func checkQuestion(f problem.Fields, q string) {
	if q == "" {
		return
	}
	if utf8.ValidString(q) && utf8.RuneCountInString(q) > MaxQuestion {
		f.Add("question", "too_long", "is too long", "max", strconv.Itoa(MaxQuestion))
		return
	}
	ticket.CheckBody(f, "question", q)
}

// checkOwner validates a new owner: an active member who works tickets. A
// collaborator is invited to the swarm instead, since the owner answers the
// customer.
func checkOwner(f problem.Fields, dir Directory, id int64) {
	m := dir.Member(id)
	switch {
	case m.ID == 0 || !m.Active:
		f.Add("owner_id", "unknown_value", "unknown agent", "value", strconv.FormatInt(id, 10))
	case m.Role == workspace.Collaborator:
		f.Add("owner_id", "collaborator_owner", "a collaborator cannot own a ticket; invite them to its swarm instead")
	}
}

// mayAssign reports whether routing may give a ticket to a member.
func mayAssign(m workspace.Member) bool {
	return m.Active && m.Role != workspace.Collaborator
}

// swarmOnly lists the views of a collaborator: the swarms they are in, and
// nothing else, since they belong to no tier and own no ticket.
func swarmOnly(a auth.Actor) []View {
	return []View{{Key: "swarms", Label: "view.swarms", Filter: store.Filter{CollaboratorID: a.AgentID, ActiveOnly: true}}}
}

// notForCollaborators refuses what only support staff do (open tickets,
// record customers): collaborators take part in swarms only.
func notForCollaborators(a auth.Actor) error {
	if a.IsCollaborator() {
		return errForbidden
	}
	return nil
}
