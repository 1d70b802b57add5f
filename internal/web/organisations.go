package web

import (
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/ticket"
)

// An organisation's page (issue 12): its details (editable), its
// customers a page at a time, support's notes about it, and its open
// tickets at a glance: the active tickets of all its customers that the
// agent may see, most urgent first, with their counts by status. For
// support only: the desk refuses collaborators.

// openAtAGlance is how many of an organisation's open tickets its page
// lists; the counts by status cover them all.
const openAtAGlance = 50

type orgForm struct {
	Name, Domain, Segment string
}

type statusCount struct {
	Status ticket.Status
	N      int
}

type organisationPage struct {
	base
	O         customer.Organisation
	Form      orgForm
	Errors    formErrors
	Message   string
	Saved     bool
	Segments  []option
	Open      []ticketRow
	OpenTotal int
	Counts    []statusCount
	Customers []customer.Customer
	NextURL   string
	Notes     []customer.Note
	NoteForm  noteForm
}

// buildOrganisationPage reads everything the page shows, its form filled
// with the stored details, and whether a save just went through.
func (s *server) buildOrganisationPage(r *http.Request, rq *request, id int64) (organisationPage, error) {
	ctx := r.Context()
	// The overview goes first: it is what refuses collaborators.
	ov, err := s.d.OrganisationOpenTickets(ctx, rq.actor, id, openAtAGlance)
	if err != nil {
		return organisationPage{}, err
	}
	o, err := s.d.Organisation(ctx, rq.actor, id)
	if err != nil {
		return organisationPage{}, err
	}
	sid := strconv.FormatInt(id, 10)
	p := organisationPage{base: s.base(r, rq, o.Name, "customers"), O: o, Form: orgForm{Name: o.Name, Domain: o.Domain, Segment: o.Segment},
		Segments: segmentOptions(rq), NoteForm: noteForm{Action: "/organisations/" + sid + "/notes"}, Saved: r.URL.Query().Get("saved") == "1"}
	if p.Open, err = s.rows(ctx, rq, ov.Open); err != nil {
		return p, err
	}
	for _, st := range ticket.Statuses {
		if n := ov.Counts[st]; n > 0 {
			p.Counts = append(p.Counts, statusCount{st, n})
			p.OpenTotal += n
		}
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before <= 0 {
			return p, badParameter("before")
		}
	}
	list, err := s.d.Customers(ctx, rq.actor, "", id, before, pageSize+1)
	if err != nil {
		return p, err
	}
	if len(list) > pageSize {
		list = list[:pageSize]
		p.NextURL = "/organisations/" + sid + "?before=" + strconv.FormatInt(list[pageSize-1].ID, 10) + "#customers"
	}
	p.Customers = list
	p.Notes, err = s.d.OrganisationNotes(ctx, rq.actor, id, 0, 50)
	return p, err
}

func (s *server) saveOrganisation(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	f := orgForm{Name: r.PostForm.Get("name"), Domain: r.PostForm.Get("domain"), Segment: r.PostForm.Get("segment")}
	err := s.d.UpdateOrganisation(r.Context(), rq.actor, customer.Organisation{ID: id, Name: f.Name, Domain: f.Domain, Segment: f.Segment})
	return afterSave(s, w, r, rq, err, "/organisations/"+strconv.FormatInt(id, 10)+"?saved=1", "organisation",
		func() (organisationPage, error) { return s.buildOrganisationPage(r, rq, id) },
		func(p *organisationPage, fe formErrors) { p.Form, p.Errors, p.Message = f, fe, rq.loc.Error(err) })
}

func (s *server) addOrganisationNote(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	return addNote(s, w, r, rq, id, s.d.AddOrganisationNote, "organisation", s.buildOrganisationPage, func(p *organisationPage) *noteForm { return &p.NoteForm })
}
