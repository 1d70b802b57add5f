package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Customer and organisation pages (migration 0038): notes about a customer
// or an organisation, the portal account's state, and an organisation's
// open tickets and counts through the list's access rule.

// AddNote records a note about a customer or an organisation of the
// workspace (n says which), written by authorID.
func (s *Store) AddNote(ctx context.Context, wsID, authorID int64, n customer.Note) (customer.Note, error) {
	if err := n.Validate(); err != nil {
		return n, err
	}
	table, target, object := "customers", n.CustomerID, "customer"
	if n.CustomerID == 0 {
		table, target, object = "organisations", n.OrganisationID, "organisation"
	}
	if target == 0 || (n.CustomerID != 0 && n.OrganisationID != 0) {
		return n, problem.NotFoundf(object)
	}
	n.AuthorID, n.CreatedAt = authorID, fromMS(ms(s.now()))
	err := s.inTx(ctx, func(tx *Tx) error {
		if !exists(ctx, tx, `SELECT count(*) FROM `+table+` WHERE id = $1 AND workspace_id = $2`, target, wsID) {
			return problem.NotFoundf(object)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO customer_notes (workspace_id, customer_id, organisation_id, author_agent_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			wsID, nullID(n.CustomerID), nullID(n.OrganisationID), authorID, n.Body, ms(n.CreatedAt)).Scan(&n.ID)
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT name FROM agents WHERE id = $1`, authorID).Scan(&n.AuthorName)
	})
	return n, err
}

// Notes lists the notes about a customer (customerID) or an organisation
// (orgID), newest first, before a note id (0: from the newest).
func (s *Store) Notes(ctx context.Context, wsID, customerID, orgID, before int64, limit int) ([]customer.Note, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	col, target := "customer_id", customerID
	if customerID == 0 {
		col, target = "organisation_id", orgID
	}
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, COALESCE(n.customer_id, 0), COALESCE(n.organisation_id, 0), n.author_agent_id, a.name, n.body, n.created_at
		FROM customer_notes n JOIN agents a ON a.id = n.author_agent_id
		WHERE n.`+col+` = $1 AND n.workspace_id = $2 AND n.id < $3 ORDER BY n.id DESC LIMIT $4`, target, wsID, before, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (customer.Note, error) {
		var n customer.Note
		var at int64
		err := r.Scan(&n.ID, &n.CustomerID, &n.OrganisationID, &n.AuthorID, &n.AuthorName, &n.Body, &at)
		n.CreatedAt = fromMS(at)
		return n, err
	})
}

// PortalAccount is what the customer page shows of a customer's help-centre
// account: whether they set a password, their open sessions and when the
// newest began (zero when none).
type PortalAccount struct {
	Password   bool
	Sessions   int
	LastSignIn int64 // ms; 0 when no session is open
}

// CustomerPortalAccount returns a customer's help-centre account state.
func (s *Store) CustomerPortalAccount(ctx context.Context, wsID, customerID int64) (PortalAccount, error) {
	var p PortalAccount
	var pw int
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM customer_passwords WHERE customer_id = $1 AND workspace_id = $2),
		(SELECT count(*) FROM customer_sessions WHERE customer_id = $1 AND workspace_id = $2 AND expires_at > $3),
		(SELECT COALESCE(max(created_at), 0) FROM customer_sessions WHERE customer_id = $1 AND workspace_id = $2 AND expires_at > $3)`,
		customerID, wsID, ms(s.now())).Scan(&pw, &p.Sessions, &p.LastSignIn)
	if err != nil {
		return p, fmt.Errorf("read portal account: %w", err)
	}
	p.Password = pw > 0
	return p, nil
}

// orgTickets returns the FROM and WHERE of the active tickets of an
// organisation's customers that viewer may see (the list's SQL twin of
// ticket.CanView, see Filter.where). The tickets are read customer by
// customer through a per-customer index, whatever the planner would
// guess from a small or skewed table: the alternative it likes, the
// workspace's whole backlog in priority order, grows with the workspace
// rather than with the organisation. SQLite is told the index
// (tickets_customer_active_status, INDEXED BY); PostgreSQL reads each
// customer's tickets in a LATERAL subquery that OFFSET 0 keeps from being
// flattened into a join over the backlog, and seeks them by workspace,
// customer and active (tickets_customer_active). TestOrganisationTicketPlans
// names both indexes.
func orgTickets(d Dialect, wsID, orgID int64, viewer auth.Actor) (from string, args []any) {
	where, args := Filter{Viewer: &viewer, ActiveOnly: true}.where(wsID)
	args = append(args, orgID)
	org := fmt.Sprintf("$%d", len(args))
	if d == SQLite {
		return `tickets INDEXED BY tickets_customer_active_status WHERE ` + where +
			` AND customer_id IN (SELECT id FROM customers WHERE organisation_id = ` + org + ` AND workspace_id = $1)`, args
	}
	return `customers c CROSS JOIN LATERAL (SELECT ` + ticketColumns + ` FROM tickets WHERE ` + where + ` AND customer_id = c.id OFFSET 0) AS t
		WHERE c.organisation_id = ` + org + ` AND c.workspace_id = $1`, args
}

// OrganisationOpenTickets returns the active tickets of an organisation's
// customers that viewer may see, most urgent first (then oldest first:
// who has waited longest), at most limit. Only the organisation's backlog
// is read and sorted, never the tickets table (see orgTickets).
func (s *Store) OrganisationOpenTickets(ctx context.Context, wsID, orgID int64, viewer auth.Actor, limit int) ([]ticket.Ticket, error) {
	query, args := orgOpenQuery(s.dialect, wsID, orgID, viewer, limit)
	// Listed tickets carry what ticket.CanView needs, as a list's do.
	list, err := s.listedTickets(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("organisation tickets: %w", err)
	}
	return list, nil
}

func orgOpenQuery(d Dialect, wsID, orgID int64, viewer auth.Actor, limit int) (string, []any) {
	from, args := orgTickets(d, wsID, orgID, viewer)
	args = append(args, clampLimit(limit))
	cols := ticketColumns
	if d == Postgres {
		cols = "t.*"
	}
	return `SELECT ` + cols + ` FROM ` + from + fmt.Sprintf(` ORDER BY priority DESC, id ASC LIMIT $%d`, len(args)), args
}

func orgCountsQuery(d Dialect, wsID, orgID int64, viewer auth.Actor) (string, []any) {
	from, args := orgTickets(d, wsID, orgID, viewer)
	return `SELECT status, count(*) FROM ` + from + ` GROUP BY status`, args
}

// OrganisationStatusCounts counts the active tickets of an organisation's
// customers that viewer may see, by status.
func (s *Store) OrganisationStatusCounts(ctx context.Context, wsID, orgID int64, viewer auth.Actor) (map[ticket.Status]int, error) {
	query, args := orgCountsQuery(s.dialect, wsID, orgID, viewer)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("organisation counts: %w", err)
	}
	type count struct {
		status string
		n      int
	}
	list, err := collect(rows, func(r *sql.Rows) (count, error) {
		var c count
		err := r.Scan(&c.status, &c.n)
		return c, err
	})
	out := make(map[ticket.Status]int, len(list))
	for _, c := range list {
		out[ticket.Status(c.status)] = c.n
	}
	return out, err
}

// CountCustomerTickets counts all of a customer's tickets, whoever may see
// them, up to max: the page says how many the agent cannot open, as a
// number only.
func (s *Store) CountCustomerTickets(ctx context.Context, wsID, customerID int64, max int) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT id FROM tickets WHERE customer_id = $1 AND workspace_id = $2 LIMIT $3) AS capped`,
		customerID, wsID, max).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count customer tickets: %w", err)
	}
	return n, nil
}

// OrganisationByName finds an organisation by its exact name (names are
// unique in a workspace).
func (s *Store) OrganisationByName(ctx context.Context, wsID int64, name string) (customer.Organisation, error) {
	o, err := scanOrg(s.read.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE workspace_id = $1 AND name = $2`, wsID, name))
	return mustFind(o, err, "organisation")
}
