package desk

import (
	"context"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Customer and organisation pages: notes, a customer's tickets, an
// organisation's open tickets. Notes are support's own memory of a
// customer: any member of support reads and adds them; collaborators, from
// outside support, do neither; and nothing here is reachable from the
// customer portal.

// AddCustomerNote records a note about a customer.
func (d *Service) AddCustomerNote(ctx context.Context, a auth.Actor, customerID int64, body string) (customer.Note, error) {
	return d.addNote(ctx, a, customer.Note{CustomerID: customerID, Body: body})
}

// AddOrganisationNote records a note about an organisation.
func (d *Service) AddOrganisationNote(ctx context.Context, a auth.Actor, orgID int64, body string) (customer.Note, error) {
	return d.addNote(ctx, a, customer.Note{OrganisationID: orgID, Body: body})
}

func (d *Service) addNote(ctx context.Context, a auth.Actor, n customer.Note) (customer.Note, error) {
	if err := notForCollaborators(a); err != nil {
		return n, err
	}
	return d.store.AddNote(ctx, a.WorkspaceID, a.AgentID, n)
}

// CustomerNotes lists the notes about a customer, newest first.
func (d *Service) CustomerNotes(ctx context.Context, a auth.Actor, customerID, before int64, limit int) ([]customer.Note, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	if _, err := d.store.Customer(ctx, a.WorkspaceID, customerID); err != nil {
		return nil, err
	}
	return d.store.Notes(ctx, a.WorkspaceID, customerID, 0, before, limit)
}

// OrganisationNotes lists the notes about an organisation, newest first.
func (d *Service) OrganisationNotes(ctx context.Context, a auth.Actor, orgID, before int64, limit int) ([]customer.Note, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	if _, err := d.store.Organisation(ctx, a.WorkspaceID, orgID); err != nil {
		return nil, err
	}
	return d.store.Notes(ctx, a.WorkspaceID, 0, orgID, before, limit)
}

// hiddenCap bounds the count of a customer's tickets an agent cannot open:
// past it the page says "1000 or more".
const hiddenCap = 1000

// CustomerTickets returns one page of the customer's tickets the actor
// may see, newest first, and the cursor of the next. On the first page
// (cursor ""), hidden is how many of the customer's tickets the actor may
// not open (a count only, capped at hiddenCap), so the agent knows to ask
// a colleague without learning anything about them.
func (d *Service) CustomerTickets(ctx context.Context, a auth.Actor, customerID int64, cursor string, limit int) (list []ticket.Ticket, next string, hidden int, err error) {
	if _, err := d.Customer(ctx, a, customerID); err != nil {
		return nil, "", 0, err
	}
	f := store.Filter{CustomerID: customerID, Sort: "newest"}
	list, next, err = d.Tickets(ctx, a, f, cursor, limit)
	if err != nil || cursor != "" || a.IsAdmin() || a.IsCollaborator() {
		return list, next, 0, err
	}
	all, err := d.store.CountCustomerTickets(ctx, a.WorkspaceID, customerID, hiddenCap)
	if err != nil {
		return nil, "", 0, err
	}
	seen, err := d.CountTickets(ctx, a, f, hiddenCap)
	if err != nil {
		return nil, "", 0, err
	}
	return list, next, max(all-seen, 0), nil
}

// CustomerPortalAccount returns the state of a customer's help-centre
// account (password set, open sessions).
func (d *Service) CustomerPortalAccount(ctx context.Context, a auth.Actor, customerID int64) (store.PortalAccount, error) {
	if err := notForCollaborators(a); err != nil {
		return store.PortalAccount{}, err
	}
	return d.store.CustomerPortalAccount(ctx, a.WorkspaceID, customerID)
}

// OrganisationOverview is an organisation's open tickets at a glance.
type OrganisationOverview struct {
	Open   []ticket.Ticket // most urgent first, then longest waiting
	Counts map[ticket.Status]int
}

// OrganisationOpenTickets returns the active tickets of an organisation's
// customers that the actor may see, most urgent first (at most limit), and
// their counts by status.
func (d *Service) OrganisationOpenTickets(ctx context.Context, a auth.Actor, orgID int64, limit int) (OrganisationOverview, error) {
	if err := notForCollaborators(a); err != nil {
		return OrganisationOverview{}, err
	}
	if _, err := d.store.Organisation(ctx, a.WorkspaceID, orgID); err != nil {
		return OrganisationOverview{}, err
	}
	open, err := d.store.OrganisationOpenTickets(ctx, a.WorkspaceID, orgID, a, limit)
	if err != nil {
		return OrganisationOverview{}, err
	}
	counts, err := d.store.OrganisationStatusCounts(ctx, a.WorkspaceID, orgID, a)
	return OrganisationOverview{Open: open, Counts: counts}, err
}

// OrganisationByName finds an organisation by its exact name, for a form
// where the agent types it.
func (d *Service) OrganisationByName(ctx context.Context, a auth.Actor, name string) (customer.Organisation, error) {
	if err := notForCollaborators(a); err != nil {
		return customer.Organisation{}, err
	}
	return d.store.OrganisationByName(ctx, a.WorkspaceID, name)
}

// MergeCustomers merges the customer fromID into intoID (two records of
// one person): tickets, notes and the address move to intoID, fromID's
// help-centre sessions end, in one transaction, audited. Leads and admins
// only: a wrong merge moves another person's tickets.
func (d *Service) MergeCustomers(ctx context.Context, a auth.Actor, intoID, fromID int64) (store.MergeResult, error) {
	if !a.IsLeadOrAdmin() {
		return store.MergeResult{}, errForbidden
	}
	return d.store.MergeCustomers(ctx, a.WorkspaceID, a.AgentID, intoID, fromID)
}

// CustomerByEmail finds a customer by address (their own or one kept from
// a merge), for support.
func (d *Service) CustomerByEmail(ctx context.Context, a auth.Actor, email string) (customer.Customer, error) {
	if err := notForCollaborators(a); err != nil {
		return customer.Customer{}, err
	}
	return d.store.CustomerByEmail(ctx, a.WorkspaceID, email)
}

// CustomerEmails lists the extra addresses a customer keeps from merges.
func (d *Service) CustomerEmails(ctx context.Context, a auth.Actor, customerID int64) ([]string, error) {
	if err := notForCollaborators(a); err != nil {
		return nil, err
	}
	return d.store.CustomerEmails(ctx, a.WorkspaceID, customerID)
}
