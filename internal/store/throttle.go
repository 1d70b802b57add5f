package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

// ReserveLoginAttempt counts one sign-in attempt against every key before
// the password is checked, in one transaction: the keys' rows are locked
// (PostgreSQL FOR UPDATE; SQLite has one writer at a time), checked against
// the rule and incremented together. So "may it try?" and "count it" are
// one step: N concurrent attempts see N different counts, and at most the
// rule's allowance get through, on every instance sharing the database.
// When a key must wait, nothing is written and the wait is returned.
//
// A reserved attempt stands as a failure; SettleLogin forgives it when the
// password was right or never checked.
func (s *Store) ReserveLoginAttempt(ctx context.Context, rule auth.Throttle, keys ...string) (time.Duration, error) {
	keys = slices.Clone(keys)
	slices.Sort(keys) // one lock order for every transaction: no deadlock
	keys = slices.Compact(keys)
	now := s.now()
	var wait time.Duration
	err := s.inTx(ctx, func(tx *Tx) error {
		next := make([]auth.Attempts, len(keys))
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, last_at) VALUES ($1, 0, 0) ON CONFLICT (key) DO NOTHING`, k); err != nil {
				return fmt.Errorf("login throttle row: %w", err)
			}
			q := `SELECT failures, last_at FROM login_throttle WHERE key = $1`
			if s.dialect == Postgres {
				q += ` FOR UPDATE`
			}
			var a auth.Attempts
			var last int64
			if err := tx.QueryRowContext(ctx, q, k).Scan(&a.Failures, &last); err != nil {
				return fmt.Errorf("read login throttle: %w", err)
			}
			a.Last = fromMS(last)
			if w := rule.Wait(a, now); w > wait {
				wait = w
			}
			next[i] = rule.Next(a, now)
		}
		if wait > 0 {
			return errThrottled
		}
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = $1, last_at = $2 WHERE key = $3`, next[i].Failures, ms(next[i].Last), k); err != nil {
				return fmt.Errorf("count login attempt: %w", err)
			}
		}
		return nil
	})
	if errors.Is(err, errThrottled) {
		return wait, nil
	}
	return 0, err
}

// errThrottled rolls back a reservation that must wait; never returned.
var errThrottled = errors.New("throttled")

// SettleLogin ends a reserved attempt that did not fail: reset keys start
// afresh (the account after its right password), refund keys get the
// attempt back (the address, so one good account cannot clear a guesser's
// count; both keys when the password was never checked). Old rows are swept
// here, off the refusal path.
func (s *Store) SettleLogin(ctx context.Context, rule auth.Throttle, reset, refund []string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		for _, k := range reset {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, k); err != nil {
				return fmt.Errorf("reset login throttle: %w", err)
			}
		}
		for _, k := range refund {
			if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0`, k); err != nil {
				return fmt.Errorf("refund login attempt: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE last_at < $1`, ms(s.now().Add(-rule.Forget))); err != nil {
			return fmt.Errorf("sweep login throttle: %w", err)
		}
		return nil
	})
}

// LoginAttempts returns what is counted against a key (zero when nothing).
func (s *Store) LoginAttempts(ctx context.Context, key string) (auth.Attempts, error) {
	var a auth.Attempts
	var last int64
	err := s.read.QueryRowContext(ctx, `SELECT failures, last_at FROM login_throttle WHERE key = $1`, key).Scan(&a.Failures, &last)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return auth.Attempts{}, nil
		}
		return a, fmt.Errorf("read login throttle: %w", err)
	}
	a.Last = fromMS(last)
	return a, nil
}

// LoginWait returns what is counted against a key and how long it must
// wait now under the rule (by the store's clock).
func (s *Store) LoginWait(ctx context.Context, rule auth.Throttle, key string) (auth.Attempts, time.Duration, error) {
	a, err := s.LoginAttempts(ctx, key)
	if err != nil {
		return a, 0, err
	}
	return a, rule.Wait(a, s.now()), nil
}

// UnlockMember clears the failed sign-ins counted against a member's
// account, and audits it.
func (s *Store) UnlockMember(ctx context.Context, wsID, actorID, agentID int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM agents WHERE id = $1 AND workspace_id = $2`, agentID, wsID).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.NotFoundf("agent")
		}
		if err != nil {
			return fmt.Errorf("read agent: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, auth.AccountKey(email))
		if err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		n, _ := res.RowsAffected()
		return s.audit(ctx, tx, wsID, actorID, "agent.unlock", "agent", agentID, map[string]any{"was_throttled": n > 0})
	})
}

// clearAccountThrottle forgets an account's failed sign-ins (a new
// password was set: whoever set it knows it).
func clearAccountThrottle(ctx context.Context, tx *Tx, agentID int64) error {
	var email string
	if err := tx.QueryRowContext(ctx, `SELECT email FROM agents WHERE id = $1`, agentID).Scan(&email); err != nil {
		return fmt.Errorf("read agent email: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, auth.AccountKey(email)); err != nil {
		return fmt.Errorf("clear login throttle: %w", err)
	}
	return nil
}
