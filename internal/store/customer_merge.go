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

// mergedDomain ends the address a merged record is left with: .invalid
// is reserved, so it never names a real mailbox.
const mergedDomain = "@merged.invalid"

// MergeResult says what a merge moved.
type MergeResult struct {
	Tickets, Notes int64
	Email          string // the merged record's address, now an extra address of the one kept
}

// MergeCustomers merges the customer fromID into intoID, two records of
// the same person, in one transaction: fromID's tickets and notes move to
// intoID; fromID's address becomes an extra address of intoID
// (customer_emails, which CustomerByEmail reads after customers), so mail
// from it reaches intoID; the emptied record keeps its name but no
// address any more; its help-centre sessions and sign-in links end; and
// the merge is audited as actorID's. Timeline events keep naming who
// wrote them.
func (s *Store) MergeCustomers(ctx context.Context, wsID, actorID, intoID, fromID int64) (MergeResult, error) {
	var out MergeResult
	if intoID == fromID {
		f := problem.Fields{}
		f.Add("from", "same_customer", "a customer cannot be merged into themselves")
		return out, f.Err()
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		// Locked in id order, so two merges of the same pair cannot
		// deadlock.
		first, second := min(intoID, fromID), max(intoID, fromID)
		emails := map[int64]string{}
		for _, id := range []int64{first, second} {
			e, err := s.customerEmailForUpdate(ctx, tx, wsID, id)
			if err != nil {
				return err
			}
			emails[id] = e
		}
		out.Email = emails[fromID]
		if strings.HasSuffix(out.Email, mergedDomain) {
			f := problem.Fields{}
			f.Add("from", "already_merged", "this customer was already merged into another")
			return f.Err()
		}
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET customer_id = $1 WHERE customer_id = $2 AND workspace_id = $3`, intoID, fromID, wsID)
		if err != nil {
			return fmt.Errorf("move tickets: %w", err)
		}
		out.Tickets, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `UPDATE customer_notes SET customer_id = $1 WHERE customer_id = $2 AND workspace_id = $3`, intoID, fromID, wsID)
		if err != nil {
			return fmt.Errorf("move notes: %w", err)
		}
		out.Notes, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `UPDATE customer_emails SET customer_id = $1 WHERE customer_id = $2 AND workspace_id = $3`, intoID, fromID, wsID); err != nil {
			return fmt.Errorf("move extra addresses: %w", err)
		}
		// The address leaves the merged record (customers.email is
		// unique) for the kept one's extra addresses.
		tomb := fmt.Sprintf("merged-%d%s", fromID, mergedDomain)
		var name string
		if err := tx.QueryRowContext(ctx, `UPDATE customers SET email = $1 WHERE id = $2 AND workspace_id = $3 RETURNING name`, tomb, fromID, wsID).Scan(&name); err != nil {
			return fmt.Errorf("retire merged customer: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_emails (workspace_id, customer_id, email, added_at) VALUES ($1, $2, $3, $4)`,
			wsID, intoID, out.Email, ms(s.now())); err != nil {
			return fmt.Errorf("keep merged address: %w", err)
		}
		if err := indexCustomer(ctx, tx, wsID, fromID, true, name, tomb); err != nil {
			return err
		}
		if err := s.revokeCustomerAccess(ctx, tx, wsID, fromID, "merged"); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, "customer.merged", "customer", intoID,
			map[string]any{"from_id": fromID, "from_email": out.Email, "tickets": out.Tickets, "notes": out.Notes})
	})
	return out, err
}

// customerByExtraEmail finds the customer who keeps an address as an
// extra one (after a merge).
func (s *Store) customerByExtraEmail(ctx context.Context, wsID int64, email string) (customer.Customer, error) {
	c, err := scanCustomer(s.read.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id =
		(SELECT customer_id FROM customer_emails WHERE workspace_id = $1 AND email = $2) AND workspace_id = $1`,
		wsID, strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.NotFoundf("customer")
	}
	if err != nil {
		return c, fmt.Errorf("get customer by extra address: %w", err)
	}
	return c, nil
}

// CustomerEmails lists a customer's extra addresses (kept from merges).
func (s *Store) CustomerEmails(ctx context.Context, wsID, customerID int64) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT email FROM customer_emails WHERE customer_id = $1 AND workspace_id = $2 ORDER BY email`, customerID, wsID)
	if err != nil {
		return nil, fmt.Errorf("list extra addresses: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (string, error) {
		var e string
		return e, r.Scan(&e)
	})
}
