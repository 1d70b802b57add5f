package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

var errUnauthenticated = problem.New(problem.Unauthorized, "unauthenticated", "please sign in")

// CreateSession stores a new login session (by the hash of its secret).
func (s *Store) CreateSession(ctx context.Context, secret string, agentID int64, ttl time.Duration) error {
	now := s.now()
	return s.inTx(ctx, func(tx *Tx) error {
		// Expired sessions of this agent are swept on each login so the
		// table stays small without a background job.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE agent_id = $1 AND expires_at < $2`, agentID, ms(now)); err != nil {
			return fmt.Errorf("sweep sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			auth.HashSecret(secret), agentID, ms(now), ms(now.Add(ttl)))
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return nil
	})
}

// SessionAgent returns the agent of a live session.
func (s *Store) SessionAgent(ctx context.Context, secret string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT agent_id FROM sessions WHERE token_hash = $1 AND expires_at > $2`, auth.HashSecret(secret), ms(s.now())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errUnauthenticated
	}
	if err != nil {
		return 0, fmt.Errorf("read session: %w", err)
	}
	return id, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, auth.HashSecret(secret)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
