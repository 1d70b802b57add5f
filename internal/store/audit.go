package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
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
	return nil
}

// AuditLog lists audit entries newest first, before the entry id `before`
// (0 = from the newest).
func (s *Store) AuditLog(ctx context.Context, wsID, before int64, limit int) ([]AuditEntry, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.read.QueryContext(ctx, `SELECT l.id, COALESCE(l.actor_agent_id, 0), COALESCE(a.name, ''), l.action, l.target_type, l.target_id, l.details, l.created_at
		FROM audit_log l LEFT JOIN agents a ON a.id = l.actor_agent_id
		WHERE l.workspace_id = $1 AND l.id < $2 ORDER BY l.id DESC LIMIT $3`, wsID, before, clampLimit(limit))
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
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM audit_log WHERE workspace_id = $1`, wsID).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read setup version: %w", err)
	}
	return v, nil
}
