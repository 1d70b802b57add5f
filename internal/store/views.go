package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/problem"
)

// Saved views (issue 12): named ticket lists in the inbox sidebar. Who may
// see and change which is decided by desk; the store keeps them. The query
// is the list's query parameters in desk's canonical form, never SQL.

// MaxSavedViews bounds what one agent sees in the sidebar (their own and
// the shared ones) and what a workspace holds, so a list is one read.
const MaxSavedViews = 100

// Scopes of a saved view.
const (
	ViewPersonal = "personal"
	ViewShared   = "shared"
)

// SavedView is a stored view.
type SavedView struct {
	ID, WorkspaceID int64
	Name            string
	Scope           string // ViewPersonal or ViewShared
	OwnerID         int64  // the agent it belongs to (personal) or who wrote it (shared)
	Query           string // canonical list parameters
	Columns         []string
	Position        int64
	UpdatedAt       time.Time
}

const savedViewColumns = `id, workspace_id, name, scope, owner_id, query, columns, position, updated_at`

func scanSavedView(r interface{ Scan(...any) error }) (SavedView, error) {
	var v SavedView
	var cols string
	var updated int64
	err := r.Scan(&v.ID, &v.WorkspaceID, &v.Name, &v.Scope, &v.OwnerID, &v.Query, &cols, &v.Position, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return v, problem.NotFoundf("view")
	}
	if err != nil {
		return v, fmt.Errorf("scan saved view: %w", err)
	}
	if cols != "" {
		v.Columns = strings.Split(cols, ",")
	}
	v.UpdatedAt = fromMS(updated)
	return v, nil
}

// savedViewAudit is what the audit log keeps of a view.
func savedViewAudit(v SavedView) map[string]any {
	return map[string]any{"name": v.Name, "scope": v.Scope, "owner_id": v.OwnerID, "query": v.Query, "columns": v.Columns, "position": v.Position}
}

// auditView records changes of shared views only: a personal view
// concerns its owner alone.
func (s *Store) auditView(ctx context.Context, tx *Tx, actorID int64, action string, v SavedView, shared bool) error {
	if !shared {
		return nil
	}
	return s.audit(ctx, tx, v.WorkspaceID, actorID, action, "view", v.ID, savedViewAudit(v))
}

var errTooManyViews = problem.New(problem.Conflict, "too_many_views", "too many saved views: delete unused ones first").
	With("max", fmt.Sprint(MaxSavedViews))

// CreateSavedView stores a new view.
func (s *Store) CreateSavedView(ctx context.Context, actorID int64, v SavedView) (SavedView, error) {
	now := fromMS(ms(s.now()))
	err := s.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM saved_views WHERE workspace_id = $1 AND (scope = $2 OR owner_id = $3)`,
			v.WorkspaceID, ViewShared, v.OwnerID).Scan(&n); err != nil {
			return fmt.Errorf("count saved views: %w", err)
		}
		if n >= MaxSavedViews {
			return errTooManyViews
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO saved_views (workspace_id, name, scope, owner_id, query, columns, position, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			v.WorkspaceID, v.Name, v.Scope, v.OwnerID, v.Query, strings.Join(v.Columns, ","), v.Position, ms(now)).Scan(&v.ID)
		if err != nil {
			return fmt.Errorf("create saved view: %w", err)
		}
		return s.auditView(ctx, tx, actorID, "view.create", v, v.Scope == ViewShared)
	})
	v.UpdatedAt = now
	return v, err
}

// UpdateSavedView saves a view's fields once guard accepts the stored one
// (checked inside the transaction, so a concurrent change of scope cannot
// slip past it); guard may settle what depends on it (the owner).
func (s *Store) UpdateSavedView(ctx context.Context, actorID int64, v SavedView, guard func(current SavedView, next *SavedView) error) (SavedView, error) {
	now := fromMS(ms(s.now()))
	err := s.inTx(ctx, func(tx *Tx) error {
		cur, err := s.lockSavedView(ctx, tx, v.WorkspaceID, v.ID)
		if err != nil {
			return err
		}
		if err := guard(cur, &v); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE saved_views SET name = $1, scope = $2, owner_id = $3, query = $4, columns = $5, position = $6, updated_at = $7
			WHERE id = $8 AND workspace_id = $9`,
			v.Name, v.Scope, v.OwnerID, v.Query, strings.Join(v.Columns, ","), v.Position, ms(now), v.ID, v.WorkspaceID); err != nil {
			return fmt.Errorf("update saved view: %w", err)
		}
		return s.auditView(ctx, tx, actorID, "view.update", v, v.Scope == ViewShared || cur.Scope == ViewShared)
	})
	v.UpdatedAt = now
	return v, err
}

// DeleteSavedView removes a view once guard accepts the stored one.
func (s *Store) DeleteSavedView(ctx context.Context, wsID, actorID, id int64, guard func(current SavedView) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		cur, err := s.lockSavedView(ctx, tx, wsID, id)
		if err != nil {
			return err
		}
		if err := guard(cur); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM saved_views WHERE id = $1 AND workspace_id = $2`, id, wsID); err != nil {
			return fmt.Errorf("delete saved view: %w", err)
		}
		return s.auditView(ctx, tx, actorID, "view.delete", cur, cur.Scope == ViewShared)
	})
}

// lockSavedView reads a view inside a write transaction. SQLite has one
// writer, so the row cannot change under it; PostgreSQL locks the row.
func (s *Store) lockSavedView(ctx context.Context, tx *Tx, wsID, id int64) (SavedView, error) {
	q := `SELECT ` + savedViewColumns + ` FROM saved_views WHERE id = $1 AND workspace_id = $2`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	return scanSavedView(tx.QueryRowContext(ctx, q, id, wsID))
}

// SavedViews lists the views an agent may see: the shared ones and their
// own, shared first, then in their order.
func (s *Store) SavedViews(ctx context.Context, wsID, agentID int64) ([]SavedView, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+savedViewColumns+` FROM saved_views
		WHERE workspace_id = $1 AND (scope = $2 OR owner_id = $3)
		ORDER BY CASE WHEN scope = $2 THEN 0 ELSE 1 END, position, id LIMIT $4`, wsID, ViewShared, agentID, MaxSavedViews)
	if err != nil {
		return nil, fmt.Errorf("saved views: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (SavedView, error) { return scanSavedView(r) })
}

// SavedView returns one of a workspace's views.
func (s *Store) SavedView(ctx context.Context, wsID, id int64) (SavedView, error) {
	return scanSavedView(s.read.QueryRowContext(ctx, `SELECT `+savedViewColumns+` FROM saved_views WHERE id = $1 AND workspace_id = $2`, id, wsID))
}
