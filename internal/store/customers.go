package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
)

// CreateOrganisation adds an organisation.
func (s *Store) CreateOrganisation(ctx context.Context, wsID int64, o customer.Organisation) (customer.Organisation, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	o.CreatedAt = fromMS(ms(s.now()))
	o.Domain = strings.ToLower(o.Domain) // returned as stored
	err := s.inTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations (workspace_id, name, segment, domain, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			wsID, o.Name, o.Segment, o.Domain, ms(o.CreatedAt)).Scan(&o.ID)
		if isUniqueViolation(err) {
			return nameTaken("organisation")
		}
		if err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		return indexOrganisation(ctx, tx, wsID, o.ID, false, o.Name, o.Domain)
	})
	return o, err
}

// UpdateOrganisation saves an organisation (no member made the change:
// see UpdateOrganisationBy).
func (s *Store) UpdateOrganisation(ctx context.Context, wsID int64, o customer.Organisation) error {
	return s.UpdateOrganisationBy(ctx, wsID, 0, o)
}

// UpdateOrganisationBy saves an organisation and audits the change as
// actorID's, with its new details.
func (s *Store) UpdateOrganisationBy(ctx context.Context, wsID, actorID int64, o customer.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, segment = $2, domain = $3 WHERE id = $4 AND workspace_id = $5`,
			o.Name, o.Segment, strings.ToLower(o.Domain), o.ID, wsID)
		if isUniqueViolation(err) {
			return nameTaken("organisation")
		}
		if err := mustAffect(res, err, "organisation"); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, wsID, actorID, "organisation.updated", "organisation", o.ID,
			map[string]any{"name": o.Name, "segment": o.Segment, "domain": strings.ToLower(o.Domain)}); err != nil {
			return err
		}
		return indexOrganisation(ctx, tx, wsID, o.ID, true, o.Name, o.Domain)
	})
}

const orgColumns = `id, name, segment, domain, created_at`

func scanOrg(r interface{ Scan(...any) error }) (customer.Organisation, error) {
	var o customer.Organisation
	var at int64
	err := r.Scan(&o.ID, &o.Name, &o.Segment, &o.Domain, &at)
	o.CreatedAt = fromMS(at)
	return o, err
}

// Organisation returns an organisation of the workspace.
func (s *Store) Organisation(ctx context.Context, wsID, id int64) (customer.Organisation, error) {
	o, err := scanOrg(s.read.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1 AND workspace_id = $2`, id, wsID))
	return mustFind(o, err, "organisation")
}

// Organisations lists organisations by id, newest first, after a cursor id;
// with a query, those whose name or domain has words starting with each of
// its words (see customers_search.go).
func (s *Store) Organisations(ctx context.Context, wsID int64, query string, before int64, limit int) ([]customer.Organisation, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	text, args := orgListQuery(wsID, before, limit)
	list, err := searchOrList(ctx, s, organisationTerms, wsID, query, orgColumns, "", text, args,
		func(r *sql.Rows) (customer.Organisation, error) { return scanOrg(r) })
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return list, nil
}

// orgListQuery is the statement of a page of a workspace's organisations,
// newest first, before the id given.
func orgListQuery(wsID, before int64, limit int) (string, []any) {
	return `SELECT ` + orgColumns + ` FROM organisations WHERE workspace_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, []any{wsID, before, clampLimit(limit)}
}

// CreateCustomer adds a customer. The organisation, when given, must belong
// to the same workspace.
func (s *Store) CreateCustomer(ctx context.Context, wsID int64, c customer.Customer) (customer.Customer, error) {
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		var err error
		c, err = insertCustomer(ctx, tx, wsID, c, s.now())
		return err
	})
	return c, err
}

func insertCustomer(ctx context.Context, q querier, wsID int64, c customer.Customer, now interface{ UnixMilli() int64 }) (customer.Customer, error) {
	if c.OrganisationID != 0 && !exists(ctx, q, `SELECT count(*) FROM organisations WHERE id = $1 AND workspace_id = $2`, c.OrganisationID, wsID) {
		f := problem.Fields{}
		f.Add("organisation_id", "unknown_value", "unknown organisation")
		return c, f.Err()
	}
	c.CreatedAt = fromMS(now.UnixMilli())
	err := q.QueryRowContext(ctx, `INSERT INTO customers (workspace_id, organisation_id, name, email, phone, language, segment, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		wsID, nullID(c.OrganisationID), c.Name, c.Email, c.Phone, c.Language, c.Segment, now.UnixMilli()).Scan(&c.ID)
	if isUniqueViolation(err) {
		f := problem.Fields{}
		f.Add("email", "taken", "a customer already uses this email")
		return c, f.Err()
	}
	if err != nil {
		return c, fmt.Errorf("insert customer: %w", err)
	}
	if err := checkEmailNotKept(ctx, q, wsID, c.ID, c.Email); err != nil { // after the write: see checkEmailNotKept
		return c, err
	}
	return c, indexCustomer(ctx, q, wsID, c.ID, false, c.Name, c.Email)
}

// customerForIntake returns the id of the customer a new ticket names by a
// new email, creating the customer. Two first messages from one new
// customer often arrive together (an email and its copy to another address,
// a form submitted twice): the one that loses the race to create the
// customer joins the winner's record instead of failing, so no message is
// refused for being the second.
func customerForIntake(ctx context.Context, q querier, wsID int64, c customer.Customer, now interface{ UnixMilli() int64 }) (int64, error) {
	if c.OrganisationID != 0 {
		created, err := insertCustomer(ctx, q, wsID, c, now)
		return created.ID, err
	}
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO customers (workspace_id, name, email, phone, language, segment, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id`,
		wsID, c.Name, c.Email, c.Phone, c.Language, c.Segment, now.UnixMilli()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = q.QueryRowContext(ctx, `SELECT id FROM customers WHERE workspace_id = $1 AND email = $2`, wsID, c.Email).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("customer for a new ticket: %w", err)
		}
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("customer for a new ticket: %w", err)
	}
	return id, indexCustomer(ctx, q, wsID, id, false, c.Name, c.Email)
}

// UpdateCustomer saves a customer (no member made the change: see
// UpdateCustomerBy).
func (s *Store) UpdateCustomer(ctx context.Context, wsID int64, c customer.Customer) error {
	return s.UpdateCustomerBy(ctx, wsID, 0, c)
}

// UpdateCustomerBy saves a customer and audits the change as actorID's,
// with the customer's new details (the audit page shows the entry before
// as the state before).
func (s *Store) UpdateCustomerBy(ctx context.Context, wsID, actorID int64, c customer.Customer) error {
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	if err := c.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		before, err := s.customerEmailForUpdate(ctx, tx, wsID, c.ID)
		if err != nil {
			return err
		}
		if c.OrganisationID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1 AND workspace_id = $2`, c.OrganisationID, wsID) {
			f := problem.Fields{}
			f.Add("organisation_id", "unknown_value", "unknown organisation")
			return f.Err()
		}
		res, err := tx.ExecContext(ctx, `UPDATE customers SET organisation_id = $1, name = $2, email = $3, phone = $4, language = $5, segment = $6 WHERE id = $7 AND workspace_id = $8`,
			nullID(c.OrganisationID), c.Name, c.Email, c.Phone, c.Language, c.Segment, c.ID, wsID)
		if isUniqueViolation(err) {
			f := problem.Fields{}
			f.Add("email", "taken", "a customer already uses this email")
			return f.Err()
		}
		if err := mustAffect(res, err, "customer"); err != nil {
			return err
		}
		if before != c.Email {
			if err := checkEmailNotKept(ctx, tx, wsID, c.ID, c.Email); err != nil { // after the write: see checkEmailNotKept
				return err
			}
			if err := s.revokeCustomerAccess(ctx, tx, wsID, c.ID, "email_changed"); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, tx, wsID, actorID, "customer.updated", "customer", c.ID, customerAudit(c)); err != nil {
			return err
		}
		return indexCustomer(ctx, tx, wsID, c.ID, true, c.Name, c.Email)
	})
}

const customerColumns = `id, COALESCE(organisation_id, 0), name, email, phone, language, segment, created_at, COALESCE(merged_into_id, 0)`

func scanCustomer(r interface{ Scan(...any) error }) (customer.Customer, error) {
	var c customer.Customer
	var at int64
	err := r.Scan(&c.ID, &c.OrganisationID, &c.Name, &c.Email, &c.Phone, &c.Language, &c.Segment, &at, &c.MergedIntoID)
	c.CreatedAt = fromMS(at)
	return c, err
}

// Customer returns a customer of the workspace.
func (s *Store) Customer(ctx context.Context, wsID, id int64) (customer.Customer, error) {
	c, err := scanCustomer(s.read.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1 AND workspace_id = $2`, id, wsID))
	return mustFind(c, err, "customer")
}

// CustomerByEmail finds a customer by email, their own or an extra
// address kept from a merge (see MergeCustomers), their own first. One
// statement whichever it is, or none: the help centre's password sign-in
// does the same work for a known address as for an unknown one.
func (s *Store) CustomerByEmail(ctx context.Context, wsID int64, email string) (customer.Customer, error) {
	var rank int
	c, err := scanCustomer(extraScan{s.read.QueryRowContext(ctx, `SELECT `+customerColumns+`, 0 AS address_rank FROM customers WHERE workspace_id = $1 AND email = $2
		UNION ALL SELECT `+customerColumns+`, 1 FROM customers WHERE id = (SELECT customer_id FROM customer_emails WHERE workspace_id = $1 AND email = $2) AND workspace_id = $1
		ORDER BY address_rank LIMIT 1`, wsID, strings.ToLower(strings.TrimSpace(email))), []any{&rank}})
	return mustFind(c, err, "customer")
}

// Customers lists customers newest first, optionally filtered by a text
// (each of its words starts a word of the name or the email, accents and
// case aside: see customers_search.go) or an organisation.
func (s *Store) Customers(ctx context.Context, wsID int64, query string, orgID, before int64, limit int) ([]customer.Customer, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	args := []any{wsID, before, clampLimit(limit)}
	org := ""
	if orgID != 0 {
		args = append(args, orgID)
		org = `r.organisation_id = $4`
	}
	// A record merged into another is left out (and out of the search
	// index, which the merge empties).
	text := `SELECT ` + customerColumns + ` FROM customers r WHERE workspace_id = $1 AND id < $2 AND merged_into_id IS NULL ORDER BY id DESC LIMIT $3`
	if orgID != 0 {
		text = `SELECT ` + customerColumns + ` FROM customers r WHERE workspace_id = $1 AND organisation_id = $4 AND id < $2 AND merged_into_id IS NULL ORDER BY id DESC LIMIT $3`
	}
	list, err := searchOrList(ctx, s, customerTerms, wsID, query, customerColumns, org, text, args,
		func(r *sql.Rows) (customer.Customer, error) { return scanCustomer(r) })
	if err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return list, nil
}

// customerAudit is a customer's details as the audit log records them.
func customerAudit(c customer.Customer) map[string]any {
	return map[string]any{"name": c.Name, "email": c.Email, "phone": c.Phone, "language": c.Language, "segment": c.Segment,
		"organisation_id": c.OrganisationID}
}
