package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/customer"
)

// Every request that reads a workspace's setup (desk's directory cache) and
// every new ticket (routing's compiled rules) first checks two versions;
// intake by email also looks its customer up. Each is a cheap index read,
// but each was its own round trip to the database, and on PostgreSQL a
// round trip costs more CPU on both sides than the read itself. The
// statements below read them together.

// setupVersionSQL is the setup version of workspace $1 (see SetupVersion):
// both terms only grow, so their sum changes whenever either does.
const setupVersionSQL = `(SELECT COALESCE(max(id), 0) FROM audit_log WHERE workspace_id = $1)
		+ COALESCE((SELECT setup_changes FROM workspaces WHERE id = $1), 0)`

// routingVersionSQL is the version of workspace $1's saved rule set, 0 for
// none (see RoutingVersion).
const routingVersionSQL = `COALESCE((SELECT version FROM routing_rulesets WHERE workspace_id = $1), 0)`

// readVersion reads one version of workspace wsID: expr is one of the
// statements above.
func (s *Store) readVersion(ctx context.Context, wsID int64, expr, what string) (int64, error) {
	var v int64
	if err := s.read.QueryRowContext(ctx, `SELECT `+expr, wsID).Scan(&v); err != nil {
		return 0, fmt.Errorf("read %s version: %w", what, err)
	}
	return v, nil
}

// Versions are the setup and routing versions of a workspace, read at once.
type Versions struct {
	Setup   int64
	Routing int64
}

// WorkspaceVersions reads both versions of a workspace in one statement.
func (s *Store) WorkspaceVersions(ctx context.Context, wsID int64) (Versions, error) {
	var v Versions
	err := s.read.QueryRowContext(ctx, `SELECT `+setupVersionSQL+`, `+routingVersionSQL, wsID).Scan(&v.Setup, &v.Routing)
	if err != nil {
		return v, fmt.Errorf("read workspace versions: %w", err)
	}
	return v, nil
}

// VersionsAndCustomer reads both versions of a workspace and, in the same
// statement, its customer of that email (as CustomerByEmail finds them);
// found is false when there is none.
func (s *Store) VersionsAndCustomer(ctx context.Context, wsID int64, email string) (v Versions, c customer.Customer, found bool, err error) {
	return s.versionsAndCustomer(ctx, wsID, `COALESCE(
			(SELECT id FROM customers WHERE workspace_id = $1 AND email = $2),
			(SELECT customer_id FROM customer_emails WHERE workspace_id = $1 AND email = $2))`, strings.ToLower(strings.TrimSpace(email)))
}

// VersionsAndCustomerByID is VersionsAndCustomer for a customer named by
// id (as Customer finds them).
func (s *Store) VersionsAndCustomerByID(ctx context.Context, wsID, id int64) (v Versions, c customer.Customer, found bool, err error) {
	return s.versionsAndCustomer(ctx, wsID, `$2`, id)
}

// versionsAndCustomer reads both versions of workspace wsID and its
// customer whose id is customerID, an expression of $1 (the workspace)
// and $2 (key).
func (s *Store) versionsAndCustomer(ctx context.Context, wsID int64, customerID string, key any) (v Versions, c customer.Customer, found bool, err error) {
	var at int64
	err = s.read.QueryRowContext(ctx, `SELECT `+setupVersionSQL+`, `+routingVersionSQL+`,
		COALESCE(c.id, 0), COALESCE(c.organisation_id, 0), COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(c.phone, ''),
		COALESCE(c.language, ''), COALESCE(c.segment, ''), COALESCE(c.created_at, 0), COALESCE(c.merged_into_id, 0)
		FROM (SELECT 1 AS one) o LEFT JOIN customers c ON c.workspace_id = $1 AND c.id = `+customerID, wsID, key).Scan(&v.Setup, &v.Routing,
		&c.ID, &c.OrganisationID, &c.Name, &c.Email, &c.Phone, &c.Language, &c.Segment, &at, &c.MergedIntoID)
	if err != nil {
		return Versions{}, customer.Customer{}, false, fmt.Errorf("read workspace versions and customer: %w", err)
	}
	if c.ID == 0 {
		return v, customer.Customer{}, false, nil
	}
	c.CreatedAt = fromMS(at)
	return v, c, true, nil
}
