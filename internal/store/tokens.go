package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// APIToken is a bearer token as listed: never its secret, which only its
// holder has (the database keeps a hash).
type APIToken struct {
	ID         int64
	AgentID    int64
	AgentName  string
	AgentEmail string
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: live
}

// NewAPIToken is what issuing a token stores.
type NewAPIToken struct {
	AgentID   int64
	Name      string
	Secret    string
	ExpiresAt time.Time // zero: never
}

// Stable refusals of a token: the caller holds the secret, so telling why
// it no longer works reveals nothing and saves them a support ticket.
var (
	errTokenExpired = problem.New(problem.Unauthorized, "token_expired", "this API token has expired")
	errTokenRevoked = problem.New(problem.Unauthorized, "token_revoked", "this API token was revoked")
)

// tokenTouchEvery is how stale last_used_at may get: a busy token costs one
// write a minute, not one per request.
const tokenTouchEvery = time.Minute

// tokenTouchWait bounds the note of a token's use: on a context without
// cancellation (it outlives its request), it would otherwise wait for the
// writer for as long as the writer is held, and the request with it.
const tokenTouchWait = 5 * time.Second

func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// CreateAPIToken stores a bearer token that never expires, and audits it.
func (s *Store) CreateAPIToken(ctx context.Context, wsID, actorID, agentID int64, name, secret string) error {
	_, err := s.IssueAPIToken(ctx, wsID, actorID, NewAPIToken{AgentID: agentID, Name: name, Secret: secret})
	return err
}

// IssueAPIToken stores a bearer token for a member of the workspace and
// audits it.
func (s *Store) IssueAPIToken(ctx context.Context, wsID, actorID int64, n NewAPIToken) (APIToken, error) {
	var out APIToken
	err := s.inTx(ctx, func(tx *Tx) error {
		var member int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agents WHERE id = $1 AND workspace_id = $2`, n.AgentID, wsID).Scan(&member); err != nil {
			return fmt.Errorf("read agent: %w", err)
		}
		if member == 0 {
			return problem.NotFoundf("agent")
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (agent_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			n.AgentID, n.Name, auth.HashSecret(n.Secret), ms(s.now()), nullMS(n.ExpiresAt)).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert api token: %w", err)
		}
		if out, err = scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = $1`, id)); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, actorID, "api_token.create", "agent", n.AgentID, map[string]any{"token_id": id, "name": n.Name})
	})
	return out, err
}

const tokenSelect = `SELECT t.id, t.agent_id, a.name, a.email, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
FROM api_tokens t JOIN agents a ON a.id = t.agent_id`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var created int64
	var expires, used, revoked sql.NullInt64
	err := row.Scan(&t.ID, &t.AgentID, &t.AgentName, &t.AgentEmail, &t.Name, &created, &expires, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, problem.NotFoundf("token")
	}
	if err != nil {
		return t, fmt.Errorf("read api token: %w", err)
	}
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromMS(created), fromNullMS(expires), fromNullMS(used), fromNullMS(revoked)
	return t, nil
}

// TokenAgent returns the agent of a live API token (see TokenActor).
func (s *Store) TokenAgent(ctx context.Context, secret string) (int64, error) {
	a, err := s.TokenActor(ctx, secret)
	return a.AgentID, err
}

// tokenActorQuery reads, in one statement, a token and everything an
// authenticated request needs of its agent: the agent row (workspace, role,
// language, active) and the ids of its teams and tiers, as comma-separated
// lists. Authentication runs on every API request: as four statements
// (token, agent, teams, tiers) it was four of the ten round trips of a
// ticket's intake on PostgreSQL. string_agg with ORDER BY exists in both
// dialects (SQLite since 3.44).
const tokenActorQuery = `SELECT t.id, t.expires_at, t.last_used_at, t.revoked_at,
  a.id, a.workspace_id, a.name, a.email, a.role, a.language, a.timezone, a.active,
  COALESCE((SELECT string_agg(CAST(m.team_id AS TEXT), ',' ORDER BY m.team_id) FROM team_members m WHERE m.agent_id = a.id), ''),
  COALESCE((SELECT string_agg(CAST(x.tier_id AS TEXT), ',' ORDER BY x.tier_id) FROM (
    SELECT g.tier_id FROM agent_tiers g WHERE g.agent_id = a.id
    UNION SELECT tm.tier_id FROM team_members mm JOIN teams tm ON tm.id = mm.team_id WHERE mm.agent_id = a.id) x), '')
FROM api_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.token_hash = $1`

// TokenActor returns the actor of a live API token, refusing expired
// (token_expired) and revoked (token_revoked) tokens and inactive agents
// (unauthenticated). The token is read in one statement (tokenActorQuery),
// and a live one is then kept for a short while (tokens_cache.go, which says
// how soon a revocation, a deactivation or a change of teams holds).
//
// When the token was last used is written at most once a minute per token
// (tokenTouchEvery), by a conditional UPDATE that the request makes itself,
// rather than batched in memory and flushed later: a busy token costs one
// small write a minute whatever its rate, the time is in the database as
// soon as it is shown (several instances share one database), and there is
// no buffer to lose or flush at shutdown.
func (s *Store) TokenActor(ctx context.Context, secret string) (auth.Actor, error) {
	hash := auth.HashSecret(secret)
	e, ok := s.tokens.get(hash)
	if !ok {
		gen, at := s.tokens.begin()
		var err error
		if e, err = s.readToken(ctx, hash); err != nil {
			return auth.Actor{}, err
		}
		e.gen, e.readAt = gen, at
		s.tokens.put(hash, e)
	}
	now := s.now()
	if !e.expires.IsZero() && !now.Before(e.expires) {
		return auth.Actor{}, errTokenExpired
	}
	if s.tokens.claimTouch(hash, e, now) {
		// The condition repeats in SQL so that instances write once.
		// Failing to note the use must not fail the request it belongs to,
		// nor hold it: the note outlives a cancelled request, but waits for
		// the writer for tokenTouchWait at most.
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenTouchWait)
		_, _ = s.write.ExecContext(tctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`,
			ms(now), e.id, ms(now.Add(-tokenTouchEvery)))
		cancel()
	}
	return e.actorOf(), nil
}

// readToken reads a token by its hash, refusing it when it is unknown,
// revoked or expired, or its agent inactive.
func (s *Store) readToken(ctx context.Context, hash string) (tokenEntry, error) {
	var e tokenEntry
	a := &e.actor
	var expires, used, revoked sql.NullInt64
	var role, teams, tiers string
	var active bool
	err := s.read.QueryRowContext(ctx, tokenActorQuery, hash).Scan(&e.id, &expires, &used, &revoked,
		&a.AgentID, &a.WorkspaceID, &a.Name, &a.Email, &role, &a.Language, &a.Timezone, &active, &teams, &tiers)
	if errors.Is(err, sql.ErrNoRows) {
		return e, errUnauthenticated
	}
	if err != nil {
		return e, fmt.Errorf("read api token: %w", err)
	}
	e.expires, e.used = fromNullMS(expires), fromNullMS(used)
	switch {
	case revoked.Valid:
		return e, errTokenRevoked
	case !e.expires.IsZero() && !s.now().Before(e.expires):
		return e, errTokenExpired
	case !active:
		return e, errUnauthenticated
	}
	a.Role = workspace.Role(role)
	if a.TeamIDs, err = parseIDList(teams); err != nil {
		return e, err
	}
	if a.TierIDs, err = parseIDList(tiers); err != nil {
		return e, err
	}
	return e, nil
}

// parseIDList reads "3,7,12" (empty: none) as ids, nil when empty like the
// lists Actor builds.
func parseIDList(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	var out []int64
	for f := range strings.SplitSeq(s, ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("read id list %q: %w", s, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// APITokens lists a workspace's tokens, newest first: one agent's (agentID
// ≠ 0) or everyone's, before the id before (0: from the newest).
func (s *Store) APITokens(ctx context.Context, wsID, agentID, before int64, limit int) ([]APIToken, error) {
	q := tokenSelect + ` WHERE a.workspace_id = $1 AND (t.agent_id = $2 OR $2 = 0) AND (t.id < $3 OR $3 = 0) ORDER BY t.id DESC LIMIT $4`
	rows, err := s.read.QueryContext(ctx, q, wsID, agentID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	return out, nil
}

// APITokenByID returns one token of the workspace.
func (s *Store) APITokenByID(ctx context.Context, wsID, id int64) (APIToken, error) {
	return scanToken(s.read.QueryRowContext(ctx, tokenSelect+` WHERE t.id = $1 AND a.workspace_id = $2`, id, wsID))
}

// RevokeAPIToken revokes a token of the workspace (again is harmless: the
// first revocation time stays) and audits it.
func (s *Store) RevokeAPIToken(ctx context.Context, wsID, actorID, id int64) (APIToken, error) {
	var out APIToken
	err := s.inTx(ctx, func(tx *Tx) error {
		t, err := scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = $1 AND a.workspace_id = $2`, id, wsID))
		if err != nil {
			return err
		}
		if t.RevokedAt.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, ms(s.now()), id); err != nil {
				return fmt.Errorf("revoke api token: %w", err)
			}
			if err := s.audit(ctx, tx, wsID, actorID, "api_token.revoke", "agent", t.AgentID, map[string]any{"token_id": id, "name": t.Name}); err != nil {
				return err
			}
		}
		out, err = scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = $1`, id))
		return err
	})
	// Again after the commit: a request that read the token between the
	// audit row and the commit kept it live (see tokens_cache.go).
	s.tokens.forget()
	return out, err
}

// TokenWorkspace returns the workspace of a token by id (CLI tools, which
// act outside any workspace).
func (s *Store) TokenWorkspace(ctx context.Context, id int64) (int64, error) {
	var wsID int64
	err := s.read.QueryRowContext(ctx, `SELECT a.workspace_id FROM api_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.id = $1`, id).Scan(&wsID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, problem.NotFoundf("token")
	}
	if err != nil {
		return 0, fmt.Errorf("read api token: %w", err)
	}
	return wsID, nil
}
