package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
)

// Merging two records of one customer (desk.MergeCustomers, as the
// customer page does it).

func customerMergeSchemas() map[string]any {
	return map[string]any{
		"CustomerMergeRequest": object([]string{"from"}, schema{"from": integer("The duplicate customer merged into this one.")}),
		"CustomerMerge": object([]string{"customer", "tickets_moved", "notes_moved", "email_kept"}, schema{
			"customer":      ref("Customer"),
			"tickets_moved": integer("How many tickets moved to this customer."),
			"notes_moved":   integer("How many notes moved."),
			"email_kept":    str("The merged record's address, now one of this customer's extra addresses."),
		}),
	}
}

// customerMergeJSON is the answer of a merge (schema CustomerMerge).
type customerMergeJSON struct {
	Customer     customerJSON `json:"customer"`
	TicketsMoved int64        `json:"tickets_moved"`
	NotesMoved   int64        `json:"notes_moved"`
	EmailKept    string       `json:"email_kept"`
}

func (a *API) mergeCustomers(c *call) (any, error) {
	var in struct {
		From int64 `json:"from"`
	}
	id, err := c.idAndBody(&in)
	if err != nil {
		return nil, err
	}
	if in.From <= 0 {
		f := problem.Fields{}
		f.Required("from")
		return nil, f.Err()
	}
	res, err := a.desk.MergeCustomers(c.r.Context(), c.actor, id, in.From)
	if err != nil {
		return nil, err
	}
	kept, err := a.desk.Customer(c.r.Context(), c.actor, id)
	if err != nil {
		return nil, err
	}
	return customerMergeJSON{Customer: customerOut(kept), TicketsMoved: res.Tickets, NotesMoved: res.Notes, EmailKept: res.Email}, nil
}

// Request bodies list only the fields a client may set: an "id" or a
// "created_at" in a body is refused as an unknown field instead of being
// silently applied (or silently ignored). Updates are partial: the body is
// read over the current object, so absent fields keep their value.

// customerBody is what a client writes on a customer. Answers serve the
// same fields (omitempty only shapes answers).
type customerBody struct {
	OrganisationID int64  `json:"organisation_id,omitempty"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone,omitempty"`
	Language       string `json:"language"`
	Segment        string `json:"segment"`
}

func customerBodyOf(c customer.Customer) customerBody {
	return customerBody{OrganisationID: c.OrganisationID, Name: c.Name, Email: c.Email, Phone: c.Phone, Language: c.Language, Segment: c.Segment}
}

func (b customerBody) customer(id int64) customer.Customer {
	return customer.Customer{ID: id, OrganisationID: b.OrganisationID, Name: b.Name, Email: b.Email, Phone: b.Phone, Language: b.Language, Segment: b.Segment}
}

// customerJSON is a customer as the API serves it (schema Customer).
type customerJSON struct {
	ID int64 `json:"id"`
	customerBody
	CreatedAt time.Time `json:"created_at"`
}

func customerOut(c customer.Customer) customerJSON {
	return customerJSON{ID: c.ID, customerBody: customerBodyOf(c), CreatedAt: c.CreatedAt}
}

func (a *API) listCustomers(c *call) (any, error) {
	q := c.r.URL.Query()
	return cursorPage(c, "customers", func(before int64, limit int) ([]customer.Customer, error) {
		return a.desk.Customers(c.r.Context(), c.actor, q.Get("q"), c.integer("organisation", 0), before, limit)
	}, customerOut, func(x customerJSON) int64 { return x.ID })
}

func (a *API) getCustomer(c *call) (any, error) { return byID(c, a.desk.Customer, render(customerOut)) }

func (a *API) createCustomer(c *call) (any, error) {
	return fromBody(c, customerBody{}, func(ctx context.Context, actor auth.Actor, in customerBody) (customer.Customer, error) {
		return a.desk.CreateCustomer(ctx, actor, in.customer(0))
	}, createdAt(c, customerOut, func(x customerJSON) string { return pathOf("/customers", x.ID) }))
}

func (a *API) updateCustomer(c *call) (any, error) {
	return patch(c, a.desk.Customer, customerBodyOf, func(ctx context.Context, actor auth.Actor, id int64, in customerBody) error {
		return a.desk.UpdateCustomer(ctx, actor, in.customer(id))
	}, customerOut)
}

type organisationBody struct {
	Name    string `json:"name"`
	Segment string `json:"segment"`
	Domain  string `json:"domain"`
}

func organisationBodyOf(o customer.Organisation) organisationBody {
	return organisationBody{Name: o.Name, Segment: o.Segment, Domain: o.Domain}
}

func (b organisationBody) organisation(id int64) customer.Organisation {
	return customer.Organisation{ID: id, Name: b.Name, Segment: b.Segment, Domain: b.Domain}
}

// organisationJSON is an organisation as the API serves it (schema
// Organisation).
type organisationJSON struct {
	ID int64 `json:"id"`
	organisationBody
	CreatedAt time.Time `json:"created_at"`
}

func organisationOut(o customer.Organisation) organisationJSON {
	return organisationJSON{ID: o.ID, organisationBody: organisationBodyOf(o), CreatedAt: o.CreatedAt}
}

func (a *API) listOrganisations(c *call) (any, error) {
	return cursorPage(c, "organisations", func(before int64, limit int) ([]customer.Organisation, error) {
		return a.desk.Organisations(c.r.Context(), c.actor, c.r.URL.Query().Get("q"), before, limit)
	}, organisationOut, func(o organisationJSON) int64 { return o.ID })
}

func (a *API) getOrganisation(c *call) (any, error) {
	return byID(c, a.desk.Organisation, render(organisationOut))
}

func (a *API) createOrganisation(c *call) (any, error) {
	return fromBody(c, organisationBody{}, func(ctx context.Context, actor auth.Actor, in organisationBody) (customer.Organisation, error) {
		return a.desk.CreateOrganisation(ctx, actor, in.organisation(0))
	}, createdAt(c, organisationOut, func(o organisationJSON) string { return pathOf("/organisations", o.ID) }))
}

func (a *API) updateOrganisation(c *call) (any, error) {
	return patch(c, a.desk.Organisation, organisationBodyOf, func(ctx context.Context, actor auth.Actor, id int64, in organisationBody) error {
		return a.desk.UpdateOrganisation(ctx, actor, in.organisation(id))
	}, organisationOut)
}
