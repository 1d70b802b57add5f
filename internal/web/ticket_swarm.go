package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// swarmPanel lists who was invited to help and lets the owner's side
// invite more, one colleague or a whole team, with a question: the owner
// stays the customer's single contact. Under the swarming model it leads
// the side column and says why there is no escalation.
type swarmPanel struct {
	TicketID  int64
	Members   []string
	CanInvite bool
	Swarming  bool // the ticket is worked by swarming
	Invited   bool // the reader takes part without working the ticket
	Agents    []option
	Teams     []option
	// What was chosen and typed, rendered back after a refusal.
	Invitee, Question string
	Errors            formErrors
	Message           string
}

func newSwarm(rq *request, t ticket.Ticket) swarmPanel {
	sp := swarmPanel{TicketID: t.ID, CanInvite: ticket.CanWork(rq.actor, t), Swarming: rq.dir.ModelOf(t) == workspace.Swarming}
	sp.Invited = !sp.CanInvite && slices.Contains(t.Collaborators, rq.actor.AgentID)
	for _, id := range t.Collaborators {
		sp.Members = append(sp.Members, rq.dir.Member(id).Name)
	}
	for _, m := range rq.dir.Members {
		if m.Active && m.ID != t.OwnerID && !slices.Contains(t.Collaborators, m.ID) {
			sp.Agents = append(sp.Agents, option{"agent-" + idStr(m.ID), m.Name})
		}
	}
	for _, tm := range rq.dir.Teams {
		sp.Teams = append(sp.Teams, option{"team-" + idStr(tm.ID), tm.Name})
	}
	return sp
}

// invitation reads the swarm form: the invitee select ("agent-7",
// "team-3"), or agent_id / team_id as plain fields, and the question.
func invitation(r *http.Request) (desk.Invitation, error) {
	in := desk.Invitation{Question: r.PostForm.Get("question")}
	agent, team := r.PostForm.Get("agent_id"), r.PostForm.Get("team_id")
	if kind, v, ok := strings.Cut(r.PostForm.Get("invitee"), "-"); ok {
		switch kind {
		case "agent":
			agent = v
		case "team":
			team = v
		default:
			return in, badParameter("invitee")
		}
	}
	var err error
	if in.AgentID, err = optionalInt(agent); err != nil {
		return in, badParameter("agent_id")
	}
	if in.TeamID, err = optionalInt(team); err != nil {
		return in, badParameter("team_id")
	}
	return in, nil
}

func optionalInt(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// invite adds a colleague or a team to the ticket's swarm; a refusal shows
// the ticket again with the reason next to the form.
func (s *server) invite(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	in, err := invitation(r)
	if err != nil {
		return err
	}
	_, err = s.d.Swarm(r.Context(), rq.actor, id, in)
	if fe, ok := rq.loc.fieldErrors(err); ok {
		p, loadErr := s.loadTicketPage(r, rq, id)
		if loadErr != nil {
			return loadErr
		}
		// The form has one select for the desk's agent_id and team_id.
		for _, name := range []string{"agent_id", "team_id"} {
			if m, ok := fe[name]; ok {
				fe["invitee"] = m
			}
		}
		p.Swarm.Invitee, p.Swarm.Question = r.PostForm.Get("invitee"), in.Question
		p.Swarm.Errors, p.Swarm.Message = fe, rq.loc.Error(err)
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "ticket", "", p)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+idStr(id)+"#swarm", http.StatusSeeOther)
	return nil
}
