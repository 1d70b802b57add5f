package desk

import (
	"context"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// Every member of support may look up and record customers and
// organisations: agents need them to open tickets on a caller's behalf.
// Collaborators, from outside support, neither record nor list them: they
// read the customers of the tickets they were invited to, and an
// organisation by id (a company's name, segment and domain, shown beside
// its customer on the ticket).

// supportCreate and supportUpdate are the writes of customers and
// organisations, whose only rule is who may make them: any member of
// support, in their own workspace. An update names its author, for the
// audit log.
func supportCreate[T any](ctx context.Context, a auth.Actor, v T, create func(context.Context, int64, T) (T, error)) (T, error) {
	if err := notForCollaborators(a); err != nil {
		return v, err
	}
	return create(ctx, a.WorkspaceID, v)
}

func supportUpdate[T any](ctx context.Context, a auth.Actor, v T, update func(ctx context.Context, wsID, actorID int64, v T) error) error {
	return updateIfAllowed(ctx, a, notForCollaborators, v, update)
}

// CreateCustomer adds a customer.
func (d *Service) CreateCustomer(ctx context.Context, a auth.Actor, c customer.Customer) (customer.Customer, error) {
	return supportCreate(ctx, a, c, d.store.CreateCustomer)
}

// UpdateCustomer saves a customer.
func (d *Service) UpdateCustomer(ctx context.Context, a auth.Actor, c customer.Customer) error {
	return supportUpdate(ctx, a, c, d.store.UpdateCustomerBy)
}

// Customer returns a customer. To a collaborator, a customer none of whose
// tickets they see does not exist.
func (d *Service) Customer(ctx context.Context, a auth.Actor, id int64) (customer.Customer, error) {
	if a.IsCollaborator() {
		n, err := d.CountTickets(ctx, a, store.Filter{CustomerID: id}, 1)
		if err != nil {
			return customer.Customer{}, err
		}
		if n == 0 {
			return customer.Customer{}, problem.NotFoundf("customer")
		}
	}
	c, err := d.store.Customer(ctx, a.WorkspaceID, id)
	if err == nil && c.MergedIntoID != 0 { // an emptied record: the pointer to the one kept
		return customer.Customer{}, store.CustomerGone(c)
	}
	return c, err
}

// Customers lists customers newest first.
func (d *Service) Customers(ctx context.Context, a auth.Actor, query string, orgID, before int64, limit int) ([]customer.Customer, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	return d.store.Customers(ctx, a.WorkspaceID, query, orgID, before, limit)
}

// CreateOrganisation adds an organisation.
func (d *Service) CreateOrganisation(ctx context.Context, a auth.Actor, o customer.Organisation) (customer.Organisation, error) {
	return supportCreate(ctx, a, o, d.store.CreateOrganisation)
}

// UpdateOrganisation saves an organisation.
func (d *Service) UpdateOrganisation(ctx context.Context, a auth.Actor, o customer.Organisation) error {
	return supportUpdate(ctx, a, o, d.store.UpdateOrganisationBy)
}

// Organisation returns an organisation.
func (d *Service) Organisation(ctx context.Context, a auth.Actor, id int64) (customer.Organisation, error) {
	return d.store.Organisation(ctx, a.WorkspaceID, id)
}

// Organisations lists organisations newest first.
func (d *Service) Organisations(ctx context.Context, a auth.Actor, query string, before int64, limit int) ([]customer.Organisation, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	return d.store.Organisations(ctx, a.WorkspaceID, query, before, limit)
}
