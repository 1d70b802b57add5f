package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
)

// Macros (package macro): canned replies with actions. Who may see and
// change which is decided by desk; the store keeps them and counts uses.

// MaxMacros bounds a workspace's macros, so a list is one read.
const MaxMacros = 1000

const macroColumns = `id, workspace_id, name, scope, COALESCE(owner_id, 0), COALESCE(team_id, 0), body_fr, body_en, actions, usage_count, updated_at`

func scanMacro(r interface{ Scan(...any) error }) (macro.Macro, error) {
	var m macro.Macro
	var actions string
	var updated int64
	err := r.Scan(&m.ID, &m.WorkspaceID, &m.Name, &m.Scope, &m.OwnerID, &m.TeamID, &m.BodyFR, &m.BodyEN, &actions, &m.Usage, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return m, problem.NotFoundf("macro")
	}
	if err != nil {
		return m, fmt.Errorf("scan macro: %w", err)
	}
	if err := json.Unmarshal([]byte(actions), &m.Actions); err != nil {
		return m, fmt.Errorf("macro %d actions: %w", m.ID, err)
	}
	m.UpdatedAt = fromMS(updated)
	return m, nil
}

// macroAudit is what the audit log keeps of a macro.
func macroAudit(m macro.Macro) map[string]any {
	return map[string]any{"name": m.Name, "scope": m.Scope, "team_id": m.TeamID, "owner_id": m.OwnerID, "actions": m.Actions}
}

// CreateMacro stores a new macro, audited as the actor's.
func (s *Store) CreateMacro(ctx context.Context, actorID int64, m macro.Macro) (macro.Macro, error) {
	actions, err := json.Marshal(m.Actions)
	if err != nil {
		return m, fmt.Errorf("macro actions: %w", err)
	}
	now := fromMS(ms(s.now()))
	err = s.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM macros WHERE workspace_id = $1`, m.WorkspaceID).Scan(&n); err != nil {
			return fmt.Errorf("count macros: %w", err)
		}
		if n >= MaxMacros {
			return problem.New(problem.Conflict, "too_many_macros", "this workspace has too many macros: delete unused ones first").
				With("max", fmt.Sprint(MaxMacros))
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO macros (workspace_id, name, scope, owner_id, team_id, body_fr, body_en, actions, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			m.WorkspaceID, m.Name, m.Scope, nullID(m.OwnerID), nullID(m.TeamID), m.BodyFR, m.BodyEN, string(actions), actorID, ms(now)).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("create macro: %w", err)
		}
		return s.audit(ctx, tx, m.WorkspaceID, actorID, "macro.create", "macro", m.ID, macroAudit(m))
	})
	m.UpdatedAt = now
	return m, err
}

// UpdateMacro saves a macro's fields; guard checks the stored macro inside
// the transaction (who may change it), so a concurrent change of scope
// cannot slip past the check.
func (s *Store) UpdateMacro(ctx context.Context, actorID int64, m macro.Macro, guard func(current macro.Macro) error) (macro.Macro, error) {
	actions, err := json.Marshal(m.Actions)
	if err != nil {
		return m, fmt.Errorf("macro actions: %w", err)
	}
	now := fromMS(ms(s.now()))
	err = s.inTx(ctx, func(tx *Tx) error {
		cur, err := s.lockMacro(ctx, tx, m.WorkspaceID, m.ID)
		if err != nil {
			return err
		}
		if err := guard(cur); err != nil {
			return err
		}
		m.Usage = cur.Usage
		if _, err := tx.ExecContext(ctx, `UPDATE macros SET name = $1, scope = $2, owner_id = $3, team_id = $4, body_fr = $5, body_en = $6,
			actions = $7, updated_at = $8 WHERE id = $9 AND workspace_id = $10`,
			m.Name, m.Scope, nullID(m.OwnerID), nullID(m.TeamID), m.BodyFR, m.BodyEN, string(actions), ms(now), m.ID, m.WorkspaceID); err != nil {
			return fmt.Errorf("update macro: %w", err)
		}
		return s.audit(ctx, tx, m.WorkspaceID, actorID, "macro.update", "macro", m.ID, macroAudit(m))
	})
	m.UpdatedAt = now
	return m, err
}

// DeleteMacro removes a macro once guard accepts the stored one.
func (s *Store) DeleteMacro(ctx context.Context, wsID, actorID, id int64, guard func(current macro.Macro) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		cur, err := s.lockMacro(ctx, tx, wsID, id)
		if err != nil {
			return err
		}
		if err := guard(cur); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM macros WHERE id = $1 AND workspace_id = $2`, id, wsID); err != nil {
			return fmt.Errorf("delete macro: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "macro.delete", "macro", id, macroAudit(cur))
	})
}

// lockMacro reads a macro inside a write transaction. SQLite has one
// writer, so the row cannot change under it; PostgreSQL locks the row.
func (s *Store) lockMacro(ctx context.Context, tx *Tx, wsID, id int64) (macro.Macro, error) {
	q := `SELECT ` + macroColumns + ` FROM macros WHERE id = $1 AND workspace_id = $2`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	return scanMacro(tx.QueryRowContext(ctx, q, id, wsID))
}

// Macros lists a workspace's macros, most used first.
func (s *Store) Macros(ctx context.Context, wsID int64) ([]macro.Macro, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+macroColumns+` FROM macros WHERE workspace_id = $1
		ORDER BY usage_count DESC, name, id LIMIT $2`, wsID, MaxMacros)
	if err != nil {
		return nil, fmt.Errorf("macros: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (macro.Macro, error) { return scanMacro(r) })
}

// Macro returns one of a workspace's macros.
func (s *Store) Macro(ctx context.Context, wsID, id int64) (macro.Macro, error) {
	return scanMacro(s.read.QueryRowContext(ctx, `SELECT `+macroColumns+` FROM macros WHERE id = $1 AND workspace_id = $2`, id, wsID))
}

// CountMacroUse counts one use of a macro inside the transaction that
// applied it: a use that fails to write is not counted.
func (s *Store) CountMacroUse(ctx context.Context, tx *Tx, wsID, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE macros SET usage_count = usage_count + 1 WHERE id = $1 AND workspace_id = $2`, id, wsID); err != nil {
		return fmt.Errorf("count macro use: %w", err)
	}
	return nil
}
