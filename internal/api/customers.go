package api

import (
	"strconv"
	"time"

	"github.com/palier/palier/internal/customer"
)

// Request bodies list only the fields a client may set: an "id" or a
// "created_at" in a body is refused as an unknown field instead of being
// silently applied (or silently ignored). Updates are partial: the body is
// read over the current object, so absent fields keep their value.

type customerBody struct {
	OrganisationID int64  `json:"organisation_id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
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
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
	Name           string    `json:"name"`
	Email          string    `json:"email"`
	Phone          string    `json:"phone,omitempty"`
	Language       string    `json:"language"`
	Segment        string    `json:"segment"`
	CreatedAt      time.Time `json:"created_at"`
}

func customerOut(c customer.Customer) customerJSON {
	return customerJSON{ID: c.ID, OrganisationID: c.OrganisationID, Name: c.Name, Email: c.Email, Phone: c.Phone,
		Language: c.Language, Segment: c.Segment, CreatedAt: c.CreatedAt}
}

// customerResult renders what a desk call returned.
func customerResult(c customer.Customer, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return customerOut(c), nil
}

func (a *API) listCustomers(c *call) (any, error) {
	before, err := parseIDCursor("customers", c.r.URL.Query().Get("cursor"))
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	list, err := a.desk.Customers(c.r.Context(), c.actor, c.r.URL.Query().Get("q"), c.integer("organisation", 0), before, limit+1)
	if err != nil {
		return nil, err
	}
	out := make([]customerJSON, len(list))
	for i, x := range list {
		out[i] = customerOut(x)
	}
	return pageOf(out, limit, "customers", func(x customerJSON) int64 { return x.ID }), nil
}

func (a *API) getCustomer(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return customerResult(a.desk.Customer(c.r.Context(), c.actor, id))
}

func (a *API) createCustomer(c *call) (any, error) {
	var in customerBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	cust, err := a.desk.CreateCustomer(c.r.Context(), c.actor, in.customer(0))
	if err != nil {
		return nil, err
	}
	c.created(Prefix + "/customers/" + strconv.FormatInt(cust.ID, 10))
	return customerOut(cust), nil
}

func (a *API) updateCustomer(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	cur, err := a.desk.Customer(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	in := customerBodyOf(cur)
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := a.desk.UpdateCustomer(ctx, c.actor, in.customer(id)); err != nil {
		return nil, err
	}
	return customerResult(a.desk.Customer(ctx, c.actor, id))
}

type organisationBody struct {
	Name    string `json:"name"`
	Segment string `json:"segment"`
	Domain  string `json:"domain"`
}

func (b organisationBody) organisation(id int64) customer.Organisation {
	return customer.Organisation{ID: id, Name: b.Name, Segment: b.Segment, Domain: b.Domain}
}

// organisationJSON is an organisation as the API serves it (schema
// Organisation).
type organisationJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Segment   string    `json:"segment"`
	Domain    string    `json:"domain"`
	CreatedAt time.Time `json:"created_at"`
}

func organisationOut(o customer.Organisation) organisationJSON {
	return organisationJSON{ID: o.ID, Name: o.Name, Segment: o.Segment, Domain: o.Domain, CreatedAt: o.CreatedAt}
}

func organisationResult(o customer.Organisation, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return organisationOut(o), nil
}

func (a *API) listOrganisations(c *call) (any, error) {
	before, err := parseIDCursor("organisations", c.r.URL.Query().Get("cursor"))
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	list, err := a.desk.Organisations(c.r.Context(), c.actor, c.r.URL.Query().Get("q"), before, limit+1)
	if err != nil {
		return nil, err
	}
	out := make([]organisationJSON, len(list))
	for i, o := range list {
		out[i] = organisationOut(o)
	}
	return pageOf(out, limit, "organisations", func(o organisationJSON) int64 { return o.ID }), nil
}

func (a *API) getOrganisation(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return organisationResult(a.desk.Organisation(c.r.Context(), c.actor, id))
}

func (a *API) createOrganisation(c *call) (any, error) {
	var in organisationBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	o, err := a.desk.CreateOrganisation(c.r.Context(), c.actor, in.organisation(0))
	if err != nil {
		return nil, err
	}
	c.created(Prefix + "/organisations/" + strconv.FormatInt(o.ID, 10))
	return organisationOut(o), nil
}

func (a *API) updateOrganisation(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	cur, err := a.desk.Organisation(ctx, c.actor, id)
	if err != nil {
		return nil, err
	}
	in := organisationBody{Name: cur.Name, Segment: cur.Segment, Domain: cur.Domain}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := a.desk.UpdateOrganisation(ctx, c.actor, in.organisation(id)); err != nil {
		return nil, err
	}
	return organisationResult(a.desk.Organisation(ctx, c.actor, id))
}
