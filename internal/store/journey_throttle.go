package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RateLimit allows Max events per Window for one key (an address, a
// workspace).
type RateLimit struct {
	Key    string
	Max    int
	Window time.Duration
}

// ReserveContact counts one submission of the public contact form against
// every limit, in one transaction, the way ReserveLoginAttempt does: each
// key's row is locked (PostgreSQL FOR UPDATE; SQLite has one writer),
// checked and incremented together, so N concurrent submissions see N
// different counts and at most Max get through on every instance sharing
// the database. When a limit is reached nothing is counted and the wait
// until its window ends is returned.
func (s *Store) ReserveContact(ctx context.Context, limits ...RateLimit) (time.Duration, error) {
	limits = slices.Clone(limits)
	slices.SortFunc(limits, func(a, b RateLimit) int { return strings.Compare(a.Key, b.Key) }) // one lock order
	now := s.now()
	var wait time.Duration
	err := s.inTx(ctx, func(tx *Tx) error {
		next := make([][2]int64, len(limits))
		for i, l := range limits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contact_throttle (key, window_start, count) VALUES ($1, $2, 0) ON CONFLICT (key) DO NOTHING`,
				l.Key, ms(now)); err != nil {
				return fmt.Errorf("contact throttle row: %w", err)
			}
			q := `SELECT window_start, count FROM contact_throttle WHERE key = $1`
			if s.dialect == Postgres {
				q += ` FOR UPDATE`
			}
			var start, count int64
			if err := tx.QueryRowContext(ctx, q, l.Key).Scan(&start, &count); err != nil {
				return fmt.Errorf("read contact throttle: %w", err)
			}
			ends := fromMS(start).Add(l.Window)
			if !now.Before(ends) {
				start, count = ms(now), 0
				ends = now.Add(l.Window)
			}
			if count >= int64(l.Max) {
				if w := ends.Sub(now); w > wait {
					wait = w
				}
			}
			next[i] = [2]int64{start, count + 1}
		}
		if wait > 0 {
			return errThrottled
		}
		for i, l := range limits {
			if _, err := tx.ExecContext(ctx, `UPDATE contact_throttle SET window_start = $1, count = $2 WHERE key = $3`, next[i][0], next[i][1], l.Key); err != nil {
				return fmt.Errorf("count contact: %w", err)
			}
		}
		return nil
	})
	if errors.Is(err, errThrottled) {
		return wait, nil
	}
	return 0, err
}
