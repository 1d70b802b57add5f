package api

import (
	"strconv"

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
	return pageOf(list, limit, "customers", func(x customer.Customer) int64 { return x.ID }), nil
}

func (a *API) getCustomer(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return a.desk.Customer(c.r.Context(), c.actor, id)
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
	return cust, nil
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
	return a.desk.Customer(ctx, c.actor, id)
}

type organisationBody struct {
	Name    string `json:"name"`
	Segment string `json:"segment"`
	Domain  string `json:"domain"`
}

func (b organisationBody) organisation(id int64) customer.Organisation {
	return customer.Organisation{ID: id, Name: b.Name, Segment: b.Segment, Domain: b.Domain}
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
	return pageOf(list, limit, "organisations", func(o customer.Organisation) int64 { return o.ID }), nil
}

func (a *API) getOrganisation(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	return a.desk.Organisation(c.r.Context(), c.actor, id)
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
	return o, nil
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
	return a.desk.Organisation(ctx, c.actor, id)
}
