package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// newTicketForm is the form an agent fills while on the phone.
type newTicketForm struct {
	CustomerEmail, CustomerName, Subject, Body, Type, Priority string
	Types, Priorities                                          []option
	Errors                                                     formErrors
	Message                                                    string
}

type newTicketPage struct {
	base
	Sidebar sidebar
	Form    newTicketForm
}

func (s *server) newTicketForm(rq *request, f newTicketForm) newTicketForm {
	l := rq.loc
	f.Types = []option{{"", l.T("value.none")}}
	for _, rt := range rq.dir.RequestTypes {
		if rt.Active {
			f.Types = append(f.Types, option{rt.Key, rt.Name(l.Lang)})
		}
	}
	for _, p := range ticket.PriorityNames() {
		f.Priorities = append(f.Priorities, option{p, l.T("priority." + p)})
	}
	if f.Priority == "" {
		f.Priority = ticket.Normal.String()
	}
	return f
}

func (s *server) newTicketPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.actor.IsCollaborator() {
		// Collaborators take part in swarms; the desk refuses their
		// tickets too, this spares them a form they cannot send.
		return errNotForCollaborators
	}
	return s.renderNewTicket(w, r, rq, http.StatusOK, newTicketForm{})
}

var errNotForCollaborators = problem.New(problem.Forbidden, "forbidden", "collaborators do not open tickets")

func (s *server) renderNewTicket(w http.ResponseWriter, r *http.Request, rq *request, status int, f newTicketForm) error {
	sb, _, err := s.loadSidebar(r.Context(), rq, "")
	if err != nil {
		return err
	}
	p := newTicketPage{base: s.base(r, rq, rq.loc.T("new.title"), "new"), Sidebar: sb, Form: s.newTicketForm(rq, f)}
	s.render(w, r, rq.loc, status, "newticket", "", p)
	return nil
}

func (s *server) createTicket(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := newTicketForm{CustomerEmail: strings.TrimSpace(r.PostFormValue("customer_email")), CustomerName: r.PostFormValue("customer_name"),
		Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), Type: r.PostFormValue("request_type"), Priority: r.PostFormValue("priority")}
	t, err := s.d.CreateTicket(r.Context(), rq.actor, desk.NewTicket{Subject: f.Subject, Body: f.Body, CustomerEmail: f.CustomerEmail,
		CustomerName: f.CustomerName, Priority: f.Priority, RequestType: f.Type, Channel: "phone"})
	if fe, ok := rq.loc.fieldErrors(err); ok {
		if m, ok := fe["customer_id"]; ok { // no customer given: the email field is where to fix it
			fe["customer_email"] = m
		}
		f.Errors, f.Message = fe, rq.loc.Error(err)
		return s.renderNewTicket(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	// Routing may have placed the ticket in a tier the agent does not work
	// in: it waits for that tier, and the agent is told where it went.
	to := "/tickets/" + strconv.FormatInt(t.ID, 10)
	if !ticket.CanWork(rq.actor, t) {
		to = "/views/handed-off?moved=" + strconv.FormatInt(t.ID, 10)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
