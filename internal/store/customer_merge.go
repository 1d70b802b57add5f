package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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

// ErrCustomerMerged refuses a merge of a record already merged into
// another, or into one (param merged_into: where it went).
var ErrCustomerMerged = problem.New(problem.Conflict, "customer_merged", "this customer was merged into another")

// CustomerGone answers a read of a record merged into another: not found
// any more, with a pointer to the customer kept.
func CustomerGone(c customer.Customer) error {
	return problem.New(problem.NotFound, "customer_merged", "this customer was merged into another").
		With("merged_into", strconv.FormatInt(c.MergedIntoID, 10))
}

// ErrEmailKept refuses a new customer, or a changed address, that is
// already an extra address of a customer (kept from a merge): mail from
// it reaches that customer (param customer_id).
var ErrEmailKept = problem.New(problem.Conflict, "email_kept_by_customer", "this address belongs to an existing customer (kept from a merge)")

// checkEmailNotKept refuses an address another customer keeps as an
// extra one (selfID may keep it: it is theirs).
//
// It runs after the customer row is written with the address, in the
// same transaction, so that it holds against a merge moving the address
// at that moment. Until the merge commits, the merged record still holds
// the address in customers, whose unique index makes the write wait for
// the merge (PostgreSQL) and then pass once the record let it go; only a
// statement after the write is sure to see the customer_emails row the
// merge added (READ COMMITTED: each statement reads what is committed
// when it starts). Checked before the write, a create racing the merge
// passed. SQLite runs one writing transaction at a time.
func checkEmailNotKept(ctx context.Context, q querier, wsID, selfID int64, email string) error {
	var owner int64
	err := q.QueryRowContext(ctx, `SELECT customer_id FROM customer_emails WHERE workspace_id = $1 AND email = $2`, wsID, email).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("read extra addresses: %w", err)
	case owner == selfID:
		return nil
	}
	return ErrEmailKept.With("customer_id", strconv.FormatInt(owner, 10))
}

// MergeCustomers merges the customer fromID into intoID, two records of
// the same person, in one transaction: fromID's tickets and notes move to
// intoID; fromID's address becomes an extra address of intoID
// (customer_emails, which CustomerByEmail also reads), so mail from it
// reaches intoID; the emptied record keeps its name but no address any
// more, points at intoID (merged_into_id: lists and search leave it out,
// reading it answers with the pointer), and so do the records merged into
// it before; its help-centre sessions and sign-in links end; and the
// merge is audited as actorID's. Timeline events keep naming who wrote
// them. Either record merged already is refused (ErrCustomerMerged).
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
			e, merged, err := s.customerForMerge(ctx, tx, wsID, id)
			if err != nil {
				return err
			}
			if merged != 0 || strings.HasSuffix(e, mergedDomain) {
				return ErrCustomerMerged.With("customer_id", strconv.FormatInt(id, 10)).With("merged_into", strconv.FormatInt(merged, 10))
			}
			emails[id] = e
		}
		out.Email = emails[fromID]
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
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET email = $1, merged_into_id = $2 WHERE id = $3 AND workspace_id = $4`, tomb, intoID, fromID, wsID); err != nil {
			return fmt.Errorf("retire merged customer: %w", err)
		}
		// Records merged into fromID before now point at intoID: one hop
		// from any merged record to the live one.
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET merged_into_id = $1 WHERE merged_into_id = $2 AND workspace_id = $3`, intoID, fromID, wsID); err != nil {
			return fmt.Errorf("repoint merged customers: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_emails (workspace_id, customer_id, email, added_at) VALUES ($1, $2, $3, $4)`,
			wsID, intoID, out.Email, ms(s.now())); err != nil {
			return fmt.Errorf("keep merged address: %w", err)
		}
		// Out of the search index: an emptied record is found through the
		// one kept.
		if err := indexCustomer(ctx, tx, wsID, fromID, true, "", ""); err != nil {
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

// keptCustomerForIntake is the customer a new ticket for customerID is
// filed on, read in the ticket's transaction: customerID, or the customer
// it was merged into, followed to the record that is not merged. A ticket
// filed on a merged-away record would stay there: the merge moved that
// record's tickets already.
//
// On PostgreSQL each record on the way is locked (FOR KEY SHARE, which
// the ticket's foreign key takes anyway) against a merge's FOR UPDATE: a
// merge under way makes the intake wait, then read the pointer it
// committed; a merge starting after waits for the ticket, then moves it.
// The pointer read on a record is not enough: A merged into B points at
// B, and a merge of B into C under way (which repoints A only when it
// commits) would leave the ticket on B; locking B and reading its pointer
// again leads to C. SQLite runs one writing transaction at a time. An
// unknown id is returned as it is, for the reference check to refuse.
// The PostgreSQL intake statement does the same (intakeStatement, kept).
func (s *Store) keptCustomerForIntake(ctx context.Context, tx *Tx, wsID, customerID int64) (int64, error) {
	q := `SELECT COALESCE(merged_into_id, 0) FROM customers WHERE id = $1 AND workspace_id = $2`
	if s.dialect == Postgres {
		q += ` FOR KEY SHARE`
	}
	id := customerID
	// A merge repoints the records merged into the one it empties, so a
	// committed chain is one hop long; a longer one is a merge under way.
	for range maxCustomerHops {
		var next int64
		err := tx.QueryRowContext(ctx, q, id, wsID).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return id, nil
		}
		if err != nil {
			return 0, fmt.Errorf("read the ticket's customer: %w", err)
		}
		if next == 0 {
			return id, nil
		}
		id = next
	}
	return 0, fmt.Errorf("customer %d: merge pointers longer than %d", customerID, maxCustomerHops)
}

// maxCustomerHops bounds how far the intake follows customers' merge
// pointers (keptCustomerForIntake): a cycle would be a defect, never a
// reason to loop.
const maxCustomerHops = 8

// customerForMerge reads a customer's address and the record it was
// merged into (0: none), locking the row on PostgreSQL.
func (s *Store) customerForMerge(ctx context.Context, tx *Tx, wsID, id int64) (string, int64, error) {
	q := `SELECT email, COALESCE(merged_into_id, 0) FROM customers WHERE id = $1 AND workspace_id = $2`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var email string
	var merged int64
	err := tx.QueryRowContext(ctx, q, id, wsID).Scan(&email, &merged)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, problem.NotFoundf("customer")
	}
	if err != nil {
		return "", 0, fmt.Errorf("read customer: %w", err)
	}
	return email, merged, nil
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
