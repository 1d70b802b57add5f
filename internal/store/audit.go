package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// AuditEntry records who did what to the workspace's setup.
type AuditEntry struct {
	ID         int64           `json:"id"`
	ActorID    int64           `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name,omitempty"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   int64           `json:"target_id"`
	Details    json.RawMessage `json:"details"`
	CreatedAt  time.Time       `json:"created_at"`
}

// audit writes an audit entry inside the transaction of the change it
// describes, so the log cannot miss a change nor record one that failed.
func (s *Store) audit(ctx context.Context, tx *Tx, wsID, actorID int64, action, targetType string, targetID int64, details any) error {
	b, err := json.Marshal(details)
	if err != nil || details == nil {
		b = []byte("{}")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (workspace_id, actor_agent_id, action, target_type, target_id, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		wsID, nullID(actorID), action, targetType, targetID, string(b), ms(s.now()))
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	// Every change an actor is made of (role, teams, tiers, active, a
	// token's revocation) is audited: kept token actors are read again.
	s.tokens.forget()
	return nil
}

// AuditLog lists audit entries newest first, before the entry id `before`
// (0 = from the newest).
func (s *Store) AuditLog(ctx context.Context, wsID, before int64, limit int) ([]AuditEntry, error) {
	return s.AuditEntries(ctx, wsID, AuditFilter{Before: before}, limit)
}

// AuditFilter narrows the audit log: entries before an id (keyset paging),
// by one member, on one kind of target, in a time range [From, To).
type AuditFilter struct {
	Before     int64
	ActorID    int64
	TargetType string
	From, To   time.Time
}

// AuditEntries lists the entries a filter keeps, newest first.
func (s *Store) AuditEntries(ctx context.Context, wsID int64, f AuditFilter, limit int) ([]AuditEntry, error) {
	before := f.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	q := `SELECT l.id, COALESCE(l.actor_agent_id, 0), COALESCE(a.name, ''), l.action, l.target_type, l.target_id, l.details, l.created_at
		FROM audit_log l LEFT JOIN agents a ON a.id = l.actor_agent_id
		WHERE l.workspace_id = $1 AND l.id < $2`
	args := []any{wsID, before}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.ActorID != 0 {
		add("l.actor_agent_id = $%d", f.ActorID)
	}
	if f.TargetType != "" {
		add("l.target_type = $%d", f.TargetType)
	}
	if !f.From.IsZero() {
		add("l.created_at >= $%d", ms(f.From))
	}
	if !f.To.IsZero() {
		add("l.created_at < $%d", ms(f.To))
	}
	args = append(args, clampLimit(limit))
	q += fmt.Sprintf(" ORDER BY l.id DESC LIMIT $%d", len(args))
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (AuditEntry, error) {
		var e AuditEntry
		var details string
		var at int64
		err := r.Scan(&e.ID, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID, &details, &at)
		e.Details, e.CreatedAt = json.RawMessage(details), fromMS(at)
		return e, err
	})
}

// AuditBefore returns, for each entry, the details of the previous entry
// on the same target: the state before the change (nil for a creation or
// when the target's history starts with this entry). One indexed lookup
// per entry, and entries come a page at a time.
func (s *Store) AuditBefore(ctx context.Context, wsID int64, entries []AuditEntry) (map[int64]json.RawMessage, error) {
	out := map[int64]json.RawMessage{}
	for _, e := range entries {
		var details string
		err := s.read.QueryRowContext(ctx, `SELECT details FROM audit_log WHERE workspace_id = $1 AND target_type = $2 AND target_id = $3 AND id < $4
			ORDER BY id DESC LIMIT 1`, wsID, e.TargetType, e.TargetID, e.ID).Scan(&details)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("audit: state before %d: %w", e.ID, err)
		}
		out[e.ID] = json.RawMessage(details)
	}
	return out, nil
}

// SetOwnLanguage saves the language a member picked for their own pages.
// It is not a change to the workspace's setup, so it writes no audit entry
// (issue 8.9); it still moves the setup version so that cached directories
// (which hold members' languages) reload.
func (s *Store) SetOwnLanguage(ctx context.Context, wsID, agentID int64, lang string) error {
	if lang != "" && !slices.Contains(workspace.Languages, lang) {
		f := problem.Fields{}
		f.Add("language", "unknown_value", "unsupported language", "value", lang)
		return f.Err()
	}
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE agents SET language = $1 WHERE id = $2 AND workspace_id = $3`, lang, agentID, wsID)
		if err := mustAffect(res, err, "agent"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET setup_changes = setup_changes + 1 WHERE id = $1`, wsID); err != nil {
			return fmt.Errorf("move setup version: %w", err)
		}
		s.tokens.forget() // the actor carries the member's language
		return nil
	})
}

// clampLimit bounds page sizes: every list is paginated.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}

// SetupVersion changes whenever the workspace's setup changes: every such
// change writes an audit entry in its own transaction, so the newest entry
// id is a version number that costs one index lookup to read. Instances use
// it to know when their cached copy of the setup is stale.
func (s *Store) SetupVersion(ctx context.Context, wsID int64) (int64, error) {
	return s.readVersion(ctx, wsID, setupVersionSQL, "setup")
}
