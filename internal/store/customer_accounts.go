package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

// Customer accounts of the help centre: sign-in links, sessions and the
// optional password (migration 0020). The rules (lifetimes, throttles, who
// may ask) are desk's; this file stores and checks atomically.

// ErrBadSignInLink refuses a sign-in link that is unknown, spent, expired,
// of another workspace or of an address the customer no longer has. One
// answer for all, so a guesser learns nothing.
var ErrBadSignInLink = problem.New(problem.Unauthorized, "sign_in_link_invalid", "this sign-in link is not valid any more; ask for a new one")

var errCustomerUnauthenticated = problem.New(problem.Unauthorized, "customer_unauthenticated", "please sign in")

// SignInToSend is what the email of a sign-in link needs.
type SignInToSend struct {
	Selector string
	Email    string
	Name     string
	Language string
}

// PrepareSignIn makes the sign-in link of the workspace's customer with
// that address, under selector, with the verifier's hash, and sweeps the
// customer's expired links, in one transaction; found is false when no
// customer has the address, or when the link under selector was used or
// expired meanwhile (nothing to send). The email job calls it, not the
// page, so asking for a link does the same work whether or not the
// address is known. A retried send reaches the same selector and arms it
// again with a new verifier: only the last email sent works.
func (s *Store) PrepareSignIn(ctx context.Context, wsID int64, email, selector, verifierHash string, ttl time.Duration) (out SignInToSend, found bool, err error) {
	now := s.now()
	email = strings.ToLower(strings.TrimSpace(email))
	err = s.inTx(ctx, func(tx *Tx) error {
		// The customer's own address, or one they keep from a merge: the
		// link goes to the address typed either way.
		var customerID int64
		err := tx.QueryRowContext(ctx, `SELECT id, name, language FROM customers WHERE workspace_id = $1 AND email = $2
			UNION ALL SELECT c.id, c.name, c.language FROM customer_emails e JOIN customers c ON c.id = e.customer_id AND c.workspace_id = e.workspace_id
			WHERE e.workspace_id = $1 AND e.email = $2 LIMIT 1`, wsID, email).
			Scan(&customerID, &out.Name, &out.Language)
		out.Email = email
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find customer: %w", err)
		}
		out.Selector = selector
		var id, cust, expires int64
		var used bool
		err = tx.QueryRowContext(ctx, `SELECT id, customer_id, expires_at, used_at IS NOT NULL FROM customer_sign_ins WHERE selector = $1 AND workspace_id = $2`,
			selector, wsID).Scan(&id, &cust, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `DELETE FROM customer_sign_ins WHERE customer_id = $1 AND expires_at < $2`, customerID, ms(now)); err != nil {
				return fmt.Errorf("sweep sign-in links: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO customer_sign_ins (selector, verifier_hash, workspace_id, customer_id, email, created_at, expires_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, selector, verifierHash, wsID, customerID, email, ms(now), ms(now.Add(ttl))); err != nil {
				return fmt.Errorf("insert sign-in link: %w", err)
			}
		case err != nil:
			return fmt.Errorf("read sign-in link: %w", err)
		case used || expires <= ms(now) || cust != customerID:
			return nil
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE customer_sign_ins SET verifier_hash = $1 WHERE id = $2`, verifierHash, id); err != nil {
				return fmt.Errorf("arm sign-in link: %w", err)
			}
		}
		found = true
		return nil
	})
	return out, found, err
}

// RedeemSignIn spends a sign-in link of workspace wsID and opens a customer
// session with secret, in one transaction, and audits it. The verifier's
// hash is compared in constant time; the row is locked (PostgreSQL) or the
// writer is single (SQLite), and the spend is conditional on used_at still
// being empty, so two concurrent uses open at most one session. Any
// refusal writes nothing and answers ErrBadSignInLink.
func (s *Store) RedeemSignIn(ctx context.Context, wsID int64, selector, verifierHash, secret string, ttl time.Duration) (customerID int64, err error) {
	now := s.now()
	err = s.inTx(ctx, func(tx *Tx) error {
		// The link's address must still be the customer's: their own, or
		// one they keep from a merge (kept is then true).
		q := `SELECT si.id, si.workspace_id, si.customer_id, si.verifier_hash, si.email, si.expires_at, si.used_at IS NOT NULL, c.email,
				EXISTS (SELECT 1 FROM customer_emails e WHERE e.workspace_id = si.workspace_id AND e.email = si.email AND e.customer_id = si.customer_id)
			FROM customer_sign_ins si JOIN customers c ON c.id = si.customer_id WHERE si.selector = $1`
		if s.dialect == Postgres {
			q += ` FOR UPDATE OF si`
		}
		var id, ws, cust, expires int64
		var hash, email, current string
		var used, kept bool
		err := tx.QueryRowContext(ctx, q, selector).Scan(&id, &ws, &cust, &hash, &email, &expires, &used, &current, &kept)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadSignInLink
		}
		if err != nil {
			return fmt.Errorf("read sign-in link: %w", err)
		}
		match := hash != "" && subtle.ConstantTimeCompare([]byte(hash), []byte(verifierHash)) == 1
		if !match || used || ws != wsID || expires <= ms(now) || (!strings.EqualFold(email, current) && !kept) {
			return ErrBadSignInLink
		}
		res, err := tx.ExecContext(ctx, `UPDATE customer_sign_ins SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, ms(now), id)
		if err != nil {
			return fmt.Errorf("spend sign-in link: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrBadSignInLink
		}
		customerID = cust
		return s.openCustomerSession(ctx, tx, ws, cust, secret, ttl, "link")
	})
	return customerID, err
}

// OpenCustomerSession opens a session for a customer who gave their
// password, and audits it.
func (s *Store) OpenCustomerSession(ctx context.Context, wsID, customerID int64, secret string, ttl time.Duration) error {
	return s.inTx(ctx, func(tx *Tx) error {
		return s.openCustomerSession(ctx, tx, wsID, customerID, secret, ttl, "password")
	})
}

func (s *Store) openCustomerSession(ctx context.Context, tx *Tx, wsID, customerID int64, secret string, ttl time.Duration, method string) error {
	now := s.now()
	if _, err := tx.ExecContext(ctx, `DELETE FROM customer_sessions WHERE customer_id = $1 AND expires_at < $2`, customerID, ms(now)); err != nil {
		return fmt.Errorf("sweep customer sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_sessions (token_hash, workspace_id, customer_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		auth.HashSecret(secret), wsID, customerID, ms(now), ms(now.Add(ttl))); err != nil {
		return fmt.Errorf("insert customer session: %w", err)
	}
	return s.audit(ctx, tx, wsID, 0, "customer.sign_in", "customer", customerID, map[string]any{"method": method})
}

// CustomerSession returns the workspace and customer of a live customer
// session.
func (s *Store) CustomerSession(ctx context.Context, secret string) (wsID, customerID int64, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT workspace_id, customer_id FROM customer_sessions WHERE token_hash = $1 AND expires_at > $2`,
		auth.HashSecret(secret), ms(s.now())).Scan(&wsID, &customerID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, errCustomerUnauthenticated
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read customer session: %w", err)
	}
	return wsID, customerID, nil
}

// CloseCustomerSession ends a customer session (sign-out) and audits it;
// an unknown session is already closed.
func (s *Store) CloseCustomerSession(ctx context.Context, secret string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var ws, cust int64
		err := tx.QueryRowContext(ctx, `DELETE FROM customer_sessions WHERE token_hash = $1 RETURNING workspace_id, customer_id`, auth.HashSecret(secret)).Scan(&ws, &cust)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("delete customer session: %w", err)
		}
		return s.audit(ctx, tx, ws, 0, "customer.sign_out", "customer", cust, nil)
	})
}

// customerEmailForUpdate reads a customer's address inside a transaction
// about to change it, locking the row on PostgreSQL so that a concurrent
// change cannot slip between the read and the write.
func (s *Store) customerEmailForUpdate(ctx context.Context, tx *Tx, wsID, id int64) (string, error) {
	q := `SELECT email FROM customers WHERE id = $1 AND workspace_id = $2`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var email string
	err := tx.QueryRowContext(ctx, q, id, wsID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", problem.NotFoundf("customer")
	}
	if err != nil {
		return "", fmt.Errorf("read customer: %w", err)
	}
	return email, nil
}

// revokeCustomerAccess ends every help-centre session of a customer and
// spends their outstanding sign-in links, and audits it, when the address
// their account stands for changes (an agent edits it, or the customer is
// merged into another): whoever held the old address must not stay signed
// in to the new one's requests. The password stays: it is the customer's,
// and it opens the account only with the new address.
func (s *Store) revokeCustomerAccess(ctx context.Context, tx *Tx, wsID, customerID int64, reason string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM customer_sessions WHERE customer_id = $1 AND workspace_id = $2`, customerID, wsID)
	if err != nil {
		return fmt.Errorf("end customer sessions: %w", err)
	}
	sessions, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `DELETE FROM customer_sign_ins WHERE customer_id = $1 AND workspace_id = $2 AND used_at IS NULL`, customerID, wsID)
	if err != nil {
		return fmt.Errorf("revoke sign-in links: %w", err)
	}
	links, _ := res.RowsAffected()
	if sessions == 0 && links == 0 {
		return nil
	}
	return s.audit(ctx, tx, wsID, 0, "customer.sessions_revoked", "customer", customerID,
		map[string]any{"reason": reason, "sessions": sessions, "sign_in_links": links})
}

// CustomerPasswordHash returns a customer's password hash, "" when they
// set none.
func (s *Store) CustomerPasswordHash(ctx context.Context, wsID, customerID int64) (string, error) {
	var h string
	err := s.read.QueryRowContext(ctx, `SELECT password_hash FROM customer_passwords WHERE customer_id = $1 AND workspace_id = $2`, customerID, wsID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read customer password: %w", err)
	}
	return h, nil
}

// SetCustomerPassword sets (or, with hash "", removes) a customer's
// password, and audits it.
func (s *Store) SetCustomerPassword(ctx context.Context, wsID, customerID int64, hash string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_passwords WHERE customer_id = $1 AND workspace_id = $2`, customerID, wsID); err != nil {
			return fmt.Errorf("clear customer password: %w", err)
		}
		action := "customer.password_removed"
		if hash != "" {
			action = "customer.password_set"
			if _, err := tx.ExecContext(ctx, `INSERT INTO customer_passwords (customer_id, workspace_id, password_hash, updated_at) VALUES ($1, $2, $3, $4)`,
				customerID, wsID, hash, ms(s.now())); err != nil {
				return fmt.Errorf("set customer password: %w", err)
			}
		}
		return s.audit(ctx, tx, wsID, 0, action, "customer", customerID, nil)
	})
}

// AuditCustomer records something a customer did in the portal.
func (s *Store) AuditCustomer(ctx context.Context, tx *Tx, wsID, customerID int64, action string, details any) error {
	return s.audit(ctx, tx, wsID, 0, action, "customer", customerID, details)
}

// PortalShowsAgentNames tells whether customers see the first names of
// the agents who answer them (on by default).
func (s *Store) PortalShowsAgentNames(ctx context.Context, wsID int64) (bool, error) {
	var on bool
	if err := s.read.QueryRowContext(ctx, `SELECT portal_agent_names FROM workspaces WHERE id = $1`, wsID).Scan(&on); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, problem.NotFoundf("workspace")
		}
		return false, fmt.Errorf("read portal setting: %w", err)
	}
	return on, nil
}

// SetPortalShowsAgentNames changes that setting, and audits it.
func (s *Store) SetPortalShowsAgentNames(ctx context.Context, wsID, actorID int64, on bool) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET portal_agent_names = $1 WHERE id = $2`, on, wsID); err != nil {
			return fmt.Errorf("save portal setting: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "workspace.portal_agent_names", "workspace", wsID, map[string]any{"on": on})
	})
}
