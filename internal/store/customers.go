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
	err := s.write.QueryRowContext(ctx, `INSERT INTO organisations (workspace_id, name, segment, domain, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		wsID, o.Name, o.Segment, o.Domain, ms(o.CreatedAt)).Scan(&o.ID)
	if isUniqueViolation(err) {
		return o, nameTaken("organisation")
	}
	if err != nil {
		return o, fmt.Errorf("insert organisation: %w", err)
	}
	return o, nil
}

// UpdateOrganisation saves an organisation.
func (s *Store) UpdateOrganisation(ctx context.Context, wsID int64, o customer.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	res, err := s.write.ExecContext(ctx, `UPDATE organisations SET name = $1, segment = $2, domain = $3 WHERE id = $4 AND workspace_id = $5`,
		o.Name, o.Segment, strings.ToLower(o.Domain), o.ID, wsID)
	if isUniqueViolation(err) {
		return nameTaken("organisation")
	}
	return mustAffect(res, err, "organisation")
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
	if errors.Is(err, sql.ErrNoRows) {
		return o, problem.NotFoundf("organisation")
	}
	if err != nil {
		return o, fmt.Errorf("get organisation: %w", err)
	}
	return o, nil
}

// Organisations lists organisations by id, newest first, after a cursor id.
func (s *Store) Organisations(ctx context.Context, wsID int64, query string, before int64, limit int) ([]customer.Organisation, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations
		WHERE workspace_id = $1 AND id < $2 AND ($3 = '' OR lower(name) LIKE $4 OR domain LIKE $4)
		ORDER BY id DESC LIMIT $5`, wsID, before, query, likePrefix(query), clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (customer.Organisation, error) { return scanOrg(r) })
}

// likePrefix builds a case-insensitive "contains" pattern with LIKE's
// wildcards escaped out of the user's text.
func likePrefix(q string) string {
	q = strings.ToLower(q)
	q = strings.NewReplacer(`%`, ``, `_`, ``).Replace(q)
	return "%" + q + "%"
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
	return c, nil
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
	}
	if err != nil {
		return 0, fmt.Errorf("customer for a new ticket: %w", err)
	}
	return id, nil
}

// UpdateCustomer saves a customer.
func (s *Store) UpdateCustomer(ctx context.Context, wsID int64, c customer.Customer) error {
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	if err := c.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
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
		return mustAffect(res, err, "customer")
	})
}

const customerColumns = `id, COALESCE(organisation_id, 0), name, email, phone, language, segment, created_at`

func scanCustomer(r interface{ Scan(...any) error }) (customer.Customer, error) {
	var c customer.Customer
	var at int64
	err := r.Scan(&c.ID, &c.OrganisationID, &c.Name, &c.Email, &c.Phone, &c.Language, &c.Segment, &at)
	c.CreatedAt = fromMS(at)
	return c, err
}

// Customer returns a customer of the workspace.
func (s *Store) Customer(ctx context.Context, wsID, id int64) (customer.Customer, error) {
	c, err := scanCustomer(s.read.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1 AND workspace_id = $2`, id, wsID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.NotFoundf("customer")
	}
	if err != nil {
		return c, fmt.Errorf("get customer: %w", err)
	}
	return c, nil
}

// CustomerByEmail finds a customer by email.
func (s *Store) CustomerByEmail(ctx context.Context, wsID int64, email string) (customer.Customer, error) {
	c, err := scanCustomer(s.read.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE workspace_id = $1 AND email = $2`,
		wsID, strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.NotFoundf("customer")
	}
	if err != nil {
		return c, fmt.Errorf("find customer: %w", err)
	}
	return c, nil
}

// Customers lists customers newest first, optionally filtered by a text
// (name or email contains) or an organisation.
func (s *Store) Customers(ctx context.Context, wsID int64, query string, orgID, before int64, limit int) ([]customer.Customer, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+customerColumns+` FROM customers
		WHERE workspace_id = $1 AND id < $2 AND ($3 = '' OR lower(name) LIKE $4 OR email LIKE $4) AND ($5 = 0 OR organisation_id = $5)
		ORDER BY id DESC LIMIT $6`, wsID, before, query, likePrefix(query), orgID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (customer.Customer, error) { return scanCustomer(r) })
}
