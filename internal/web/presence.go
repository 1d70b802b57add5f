package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/problem"
)

// Presence and collision on the ticket page. The page reports itself
// (viewing, replying, left) with a small POST every ~15 s and when the
// agent types (live.js); the desk publishes it on the ticket's topic, so
// every page on every instance keeps its own list with an expiry. And a
// reply or note is held back, with a "send anyway" choice, when someone
// else posted on the ticket after the last event the composer saw.

func (s *server) presence(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := s.d.Presence(r.Context(), rq.actor, id, r.PostFormValue("state"), r.PostFormValue("hello") == "1"); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// errTicketChanged holds back a message written over a conversation that
// moved on meanwhile.
var errTicketChanged = problem.New(problem.Conflict, "ticket_changed", "someone else posted on this ticket since you opened it")

// checkCollision refuses a message when someone else posted on the ticket
// after the event the composer last saw (its "seen" field), unless the
// agent chose to send anyway ("force"). A composer without "seen" (an
// older page, a script) is not checked.
func (s *server) checkCollision(r *http.Request, rq *request, id int64) error {
	seen, err := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
	if err != nil || seen <= 0 || r.PostFormValue("force") == "1" {
		return nil
	}
	events, err := s.d.Timeline(r.Context(), rq.actor, id, seen, timelineLimit)
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.Kind.Message() && (e.ActorAgentID != rq.actor.AgentID || e.ActorCustomerID != 0) {
			return errTicketChanged
		}
	}
	return nil
}

// refuseCollision shows the composer again with what was typed, the
// warning and a "send anyway" button, answering 409.
func (s *server) refuseCollision(w http.ResponseWriter, r *http.Request, rq *request, id int64, c composer) error {
	t, err := s.d.Ticket(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	// Sending again after the warning is a choice made knowing what is
	// new: the composer now saw the latest event.
	seen, _ := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
	events, err := s.d.Timeline(r.Context(), rq.actor, id, max(seen, 0), timelineLimit)
	if err != nil {
		return err
	}
	fresh := newComposer(rq, t)
	c.TicketID, c.CanReply, c.Statuses, c.FilesHint, c.Seen = t.ID, fresh.CanReply, fresh.Statuses, s.filesHint(r.Context(), rq), lastEvent(events, seen)
	c.Changed, c.Message = true, rq.loc.T("live.changed")
	if !c.CanReply {
		c.Mode = "note"
	}
	return showTicketForm(s, w, r, rq, id, http.StatusConflict, "composer", c, func(p *ticketPage) { p.Composer = c })
}

// mentions lists, as JSON, the names the composer's "@" type-ahead offers:
// the active colleagues who may read the ticket (a mention of anyone else
// would tell nobody).
func (s *server) mentions(w http.ResponseWriter, r *http.Request, rq *request) error {
	t, err := s.pathTicket(r, rq)
	if err != nil {
		return err
	}
	names, err := s.d.MentionableMembers(r.Context(), rq.actor, t)
	if err != nil {
		return err
	}
	if names == nil {
		names = []string{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(names)
}
