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

// CreateAPIToken stores a bearer token for an agent and audits it.
func (s *Store) CreateAPIToken(ctx context.Context, wsID, actorID, agentID int64, name, secret string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (agent_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			agentID, name, auth.HashSecret(secret), ms(s.now())).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert api token: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "api_token.create", "agent", agentID, map[string]any{"token_id": id, "name": name})
	})
}

// TokenAgent returns the agent of a valid API token.
func (s *Store) TokenAgent(ctx context.Context, secret string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT agent_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, auth.HashSecret(secret)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errUnauthenticated
	}
	if err != nil {
		return 0, fmt.Errorf("read api token: %w", err)
	}
	return id, nil
}

// LoginAllowed counts recent failed logins under key (an IP or an email)
// and reports whether another try is allowed. Attempts live in the database
// so that every instance behind a load balancer enforces the same limit.
func (s *Store) LoginAllowed(ctx context.Context, key string, max int, window time.Duration) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE key = $1 AND at > $2`, key, ms(s.now().Add(-window))).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count login attempts: %w", err)
	}
	return n < max, nil
}

// RecordLoginFailure notes a failed login under each key.
func (s *Store) RecordLoginFailure(ctx context.Context, keys ...string) error {
	now := s.now()
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE at < $1`, ms(now.Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("sweep login attempts: %w", err)
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (key, at) VALUES ($1, $2)`, k, ms(now)); err != nil {
				return fmt.Errorf("record login attempt: %w", err)
			}
		}
		return nil
	})
}
