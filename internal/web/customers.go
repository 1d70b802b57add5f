package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// Customer pages (issue 12): the list and search of customers and
// organisations (/customers), and one customer's page: details an agent
// edits through the desk call the API's PATCH uses, support's notes about
// them, every ticket of theirs the agent may see, and their help-centre
// account. Collaborators (outside support) read the page of a customer
// whose ticket they were invited to, without notes, account or edits: the
// desk refuses them those.

// customerForm is the edit form as typed.
type customerForm struct {
	Name, Email, Phone, Language, Segment, Organisation string
}

// noteForm is the note composer of a customer or organisation page.
type noteForm struct {
	Action string // where it posts
	Body   string
	Error  string
}

type customerPage struct {
	base
	C         customer.Customer
	Org       customer.Organisation
	Form      customerForm
	Errors    formErrors
	Message   string
	Saved     bool
	CanEdit   bool
	Languages []option
	Segments  []option
	Tickets   []ticketRow
	NextURL   string
	Hidden    int
	HiddenCap bool
	Notes     []customer.Note
	NoteForm  noteForm
	Portal    *store.PortalAccount
	Extra     []string // addresses kept from merges
	// CanMerge: leads and admins merge duplicates into this customer.
	CanMerge   bool
	Merged     bool
	MergeFrom  string
	MergeError string
}

// buildCustomerPage reads everything the page shows, its form filled with
// the stored details, and whether a save or a merge just went through (the
// address after one says so).
func (s *server) buildCustomerPage(r *http.Request, rq *request, id int64) (customerPage, error) {
	ctx := r.Context()
	c, err := s.d.Customer(ctx, rq.actor, id)
	if err != nil {
		return customerPage{}, err
	}
	l := rq.loc
	p := customerPage{base: s.base(r, rq, c.Name, "customers"), C: c, CanEdit: !rq.actor.IsCollaborator(),
		NoteForm: noteForm{Action: "/customers/" + strconv.FormatInt(id, 10) + "/notes"},
		Saved:    r.URL.Query().Get("saved") == "1", Merged: r.URL.Query().Get("merged") == "1"}
	p.Languages = []option{{"", l.T("value.none")}}
	for _, lang := range workspace.Languages {
		p.Languages = append(p.Languages, option{lang, l.T("lang." + lang)})
	}
	p.Segments = segmentOptions(rq)
	if c.OrganisationID != 0 {
		if p.Org, err = s.d.Organisation(ctx, rq.actor, c.OrganisationID); err != nil && !problem.Is(err, problem.NotFound) {
			return p, err
		}
	}
	p.Form = customerForm{Name: c.Name, Email: c.Email, Phone: c.Phone, Language: c.Language, Segment: c.Segment, Organisation: p.Org.Name}
	cursor := r.URL.Query().Get("cursor")
	list, next, hidden, err := s.d.CustomerTickets(ctx, rq.actor, id, cursor, pageSize)
	if err != nil {
		return p, err
	}
	for _, t := range list {
		p.Tickets = append(p.Tickets, s.row(rq, t, c.Name))
	}
	p.Hidden, p.HiddenCap = hidden, hidden >= 1000
	if next != "" {
		p.NextURL = "/customers/" + strconv.FormatInt(id, 10) + "?cursor=" + next + "#tickets"
	}
	if rq.actor.IsCollaborator() {
		return p, nil
	}
	if p.Notes, err = s.d.CustomerNotes(ctx, rq.actor, id, 0, 50); err != nil {
		return p, err
	}
	acc, err := s.d.CustomerPortalAccount(ctx, rq.actor, id)
	if err != nil {
		return p, err
	}
	p.Portal = &acc
	p.CanMerge = rq.actor.IsLeadOrAdmin()
	p.Extra, err = s.d.CustomerEmails(ctx, rq.actor, id)
	return p, err
}

func segmentOptions(rq *request) []option {
	out := []option{{"", rq.loc.T("value.none")}}
	for _, sg := range customer.Segments {
		out = append(out, option{sg, rq.loc.T("segment." + sg)})
	}
	return out
}

func (s *server) saveCustomer(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	f := customerForm{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Phone: r.PostForm.Get("phone"),
		Language: r.PostForm.Get("language"), Segment: r.PostForm.Get("segment"), Organisation: strings.TrimSpace(r.PostForm.Get("organisation"))}
	c := customer.Customer{ID: id, Name: f.Name, Email: f.Email, Phone: f.Phone, Language: f.Language, Segment: f.Segment}
	err := s.resolveOrganisation(r, rq, f.Organisation, &c)
	if err == nil {
		err = s.d.UpdateCustomer(r.Context(), rq.actor, c)
	}
	return afterSave(s, w, r, rq, err, "/customers/"+strconv.FormatInt(id, 10)+"?saved=1", "customer",
		func() (customerPage, error) { return s.buildCustomerPage(r, rq, id) },
		func(p *customerPage, fe formErrors) {
			if m, ok := fe["organisation_id"]; ok {
				fe["organisation"] = m
			}
			p.Form, p.Errors, p.Message = f, fe, rq.loc.Error(err)
		})
}

// resolveOrganisation sets the customer's organisation from the name the
// agent typed ("" for none). An unknown name is refused with the other
// fields' errors, before anything is written.
func (s *server) resolveOrganisation(r *http.Request, rq *request, name string, c *customer.Customer) error {
	if name == "" {
		return nil
	}
	o, err := s.d.OrganisationByName(r.Context(), rq.actor, name)
	if err == nil {
		c.OrganisationID = o.ID
		return nil
	}
	if !problem.Is(err, problem.NotFound) {
		return err
	}
	f := problem.Fields{}
	if p, ok := problem.As(c.Validate()); ok {
		for k, v := range p.Fields {
			f[k] = v
		}
	}
	f.Add("organisation", "unknown_value", "unknown organisation", "value", name)
	return f.Err()
}

func (s *server) addCustomerNote(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	return addNote(s, w, r, rq, id, s.d.AddCustomerNote, "customer", s.buildCustomerPage, func(p *customerPage) *noteForm { return &p.NoteForm })
}

// addNote adds the posted note to a customer or an organisation, then goes
// back to the notes of its page (the template page, at /<page>s/{id}), or
// shows the page build makes again with the refusal under the note (form is
// its composer).
func addNote[P any](s *server, w http.ResponseWriter, r *http.Request, rq *request, id int64,
	add func(context.Context, auth.Actor, int64, string) (customer.Note, error),
	page string, build func(*http.Request, *request, int64) (P, error), form func(*P) *noteForm) error {
	body := r.PostFormValue("body")
	_, err := add(r.Context(), rq.actor, id, body)
	return afterSave(s, w, r, rq, err, "/"+page+"s/"+strconv.FormatInt(id, 10)+"#notes", page,
		func() (P, error) { return build(r, rq, id) },
		func(p *P, fe formErrors) { f := form(p); f.Body, f.Error = body, fe["body"] })
}

// customersPage lists customers and organisations, newest first, or those
// a search matches (the customer search: each word starts a word of the
// name or email).
type customersPage struct {
	base
	Query         string
	Customers     []customerListRow
	Organisations []customer.Organisation
	NextURL       string
}

type customerListRow struct {
	C   customer.Customer
	Org string
}

func (s *server) customersPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		v, err := strconv.ParseInt(b, 10, 64)
		if err != nil || v <= 0 {
			return badParameter("before")
		}
		before = v
	}
	list, err := s.d.Customers(ctx, rq.actor, q, 0, before, pageSize+1)
	if err != nil {
		return err
	}
	p := customersPage{base: s.base(r, rq, rq.loc.T("people.title"), "customers"), Query: q}
	if len(list) > pageSize {
		list = list[:pageSize]
		v := r.URL.Query()
		v.Set("before", strconv.FormatInt(list[pageSize-1].ID, 10))
		p.NextURL = "/customers?" + v.Encode()
	}
	orgNames := map[int64]string{}
	for _, c := range list {
		row := customerListRow{C: c}
		if c.OrganisationID != 0 {
			name, ok := orgNames[c.OrganisationID]
			if !ok {
				o, err := s.d.Organisation(ctx, rq.actor, c.OrganisationID)
				if err != nil && !problem.Is(err, problem.NotFound) {
					return err
				}
				name, orgNames[c.OrganisationID] = o.Name, o.Name
			}
			row.Org = name
		}
		p.Customers = append(p.Customers, row)
	}
	if before == 0 {
		if p.Organisations, err = s.d.Organisations(ctx, rq.actor, q, 0, 20); err != nil {
			return err
		}
	}
	s.render(w, r, rq.loc, http.StatusOK, "customers", "", p)
	return nil
}
