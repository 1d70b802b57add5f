package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
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
	Notice            string // what the last invitation did
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
		sp.Teams = append(sp.Teams, option{"team-" + idStr(tm.ID), tm.NameIn(rq.loc.Lang)})
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

// invite adds a colleague or a team to the ticket's swarm. With htmx the
// panel is redrawn in place with what happened; a plain form post comes
// back to the ticket (its address, not /invite) with the same message.
func (s *server) invite(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	in, err := invitation(r)
	if err != nil {
		return err
	}
	invitee := r.PostForm.Get("invitee")
	added, err := s.d.Swarm(r.Context(), rq.actor, id, in)
	fe, refused := rq.loc.fieldErrors(err)
	if err != nil && !refused {
		return err
	}
	outcome := swarmOutcome{Invitee: invitee}
	switch {
	case refused:
		// The form has one select for the desk's agent_id and team_id.
		for _, name := range []string{"agent_id", "team_id"} {
			if m, ok := fe[name]; ok {
				fe["invitee"] = m
			}
		}
		outcome.Errors, outcome.Message = fe, rq.loc.Error(err)
		if m, ok := fe["invitee"]; ok && len(fe) <= 2 {
			// One thing wrong: the summary says it rather than "some
			// fields are invalid".
			outcome.Message = m
		}
		outcome.Code = firstCode(err)
	case len(added) == 0:
		// Already in (a second click, a stale page): nothing changed,
		// and the agent is told so rather than left guessing.
		outcome.Code = "already"
	default:
		outcome.Code, outcome.Added = "invited", added
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/tickets/"+idStr(id)+"?"+outcome.query()+"#swarm", http.StatusSeeOther)
		return nil
	}
	t, err := s.d.Ticket(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	u := swarmUpdate{updateFragment: updateFragment{base: s.base(r, rq, "", "inbox")}, Swarm: newSwarm(rq, t)}
	outcome.apply(rq, &u.Swarm, in.Question)
	status := http.StatusOK
	if refused {
		status = http.StatusUnprocessableEntity
	} else if err := s.fillUpdate(r, rq, t, &u.updateFragment); err != nil {
		return err
	}
	s.render(w, r, rq.loc, status, "ticket", "swarm-updated", u)
	return nil
}

// swarmUpdate is the htmx answer to an invitation: the panel, and the
// timeline's new events out of band.
type swarmUpdate struct {
	updateFragment
	Swarm swarmPanel
}

// swarmOutcome is what an invitation did, told in the panel. A plain post
// carries it to the ticket page in its address as codes only: the page
// words it, so no text from the address is ever shown.
type swarmOutcome struct {
	Code    string // invited, already, or the refusal's code
	Invitee string // the select's value ("agent-7", "team-3")
	Added   []int64
	Errors  formErrors
	Message string
}

func (o swarmOutcome) query() string {
	v := url.Values{"swarm": {o.Code}, "invitee": {o.Invitee}}
	return v.Encode()
}

// swarmOutcomeOf reads the outcome a plain post was redirected with.
func swarmOutcomeOf(r *http.Request) (swarmOutcome, bool) {
	q := r.URL.Query()
	code := q.Get("swarm")
	if code == "" || len(code) > 40 {
		return swarmOutcome{}, false
	}
	return swarmOutcome{Code: code, Invitee: q.Get("invitee")}, true
}

// apply words the outcome in the panel.
func (o swarmOutcome) apply(rq *request, sp *swarmPanel, question string) {
	l := rq.loc
	who := l.T("swarm.them")
	if kind, v, ok := strings.Cut(o.Invitee, "-"); ok {
		n, _ := strconv.ParseInt(v, 10, 64)
		switch {
		case kind == "agent" && rq.dir.Member(n).ID != 0:
			who = rq.dir.Member(n).Name
		case kind == "team" && rq.dir.Team(n).ID != 0:
			who = rq.dir.Team(n).Name
		}
	}
	switch o.Code {
	case "invited":
		sp.Notice = l.T("swarm.invited", "name", who)
	case "already":
		sp.Notice = l.T("swarm.already", "name", who)
	default:
		sp.Invitee, sp.Question = o.Invitee, question
		sp.Errors, sp.Message = o.Errors, o.Message
		if sp.Message == "" {
			// Back from a plain post: the refusal is worded from its code.
			sp.Message = l.T("swarm.refused")
			if msg, ok := swarmRefusals[o.Code]; ok {
				sp.Message = l.T(msg)
			}
		}
	}
}

// swarmRefusals words, after a plain post, the refusals whose message
// needs no value from the request.
var swarmRefusals = map[string]string{
	"nobody_to_invite": "field.nobody_to_invite",
	"agent_or_team":    "swarm.refused_agent_or_team",
	"required":         "swarm.refused_required",
	"unknown_value":    "swarm.refused_unknown",
}

// firstCode is the code of a refusal's first field in a stable order (the
// invitee before the question), else the refusal's own code.
func firstCode(err error) string {
	p, ok := problem.As(err)
	if !ok {
		return ""
	}
	for _, name := range []string{"agent_id", "team_id", "question"} {
		if f, ok := p.Fields[name]; ok {
			return f.Code
		}
	}
	return p.Code
}
