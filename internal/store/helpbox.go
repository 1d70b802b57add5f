package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/problem"
)

var errNoHelpBox = problem.New(problem.NotFound, "not_found", "the help box is not turned on")

const helpBoxCols = `workspace_id, public_key, allowed_origins, updated_at`

func scanHelpBox(r interface{ Scan(...any) error }) (helpbox.Settings, error) {
	var st helpbox.Settings
	var origins string
	var updated int64
	err := r.Scan(&st.WorkspaceID, &st.Key, &origins, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return st, errNoHelpBox
	}
	if err != nil {
		return st, fmt.Errorf("get help box: %w", err)
	}
	st.Origins = strings.Fields(origins)
	st.UpdatedAt = fromMS(updated)
	return st, nil
}

// HelpBox returns a workspace's help-box settings (not found until an
// admin turns the box on).
func (s *Store) HelpBox(ctx context.Context, wsID int64) (helpbox.Settings, error) {
	return scanHelpBox(s.read.QueryRowContext(ctx, `SELECT `+helpBoxCols+` FROM helpbox_settings WHERE workspace_id = $1`, wsID))
}

// HelpBoxByKey returns the settings a public key names.
func (s *Store) HelpBoxByKey(ctx context.Context, key string) (helpbox.Settings, error) {
	return scanHelpBox(s.read.QueryRowContext(ctx, `SELECT `+helpBoxCols+` FROM helpbox_settings WHERE public_key = $1`, key))
}

// SetHelpBoxKey gives a workspace a new public key, turning the box on
// the first time; the old key stops working at once. Audited.
func (s *Store) SetHelpBoxKey(ctx context.Context, wsID, actorID int64, key string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT public_key FROM helpbox_settings WHERE workspace_id = $1`, wsID).Scan(&old)
		action := "helpbox.key_rotate"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			action = "helpbox.key_create"
			_, err = tx.ExecContext(ctx, `INSERT INTO helpbox_settings (workspace_id, public_key, updated_at) VALUES ($1, $2, $3)`, wsID, key, ms(s.now()))
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE helpbox_settings SET public_key = $1, updated_at = $2 WHERE workspace_id = $3`, key, ms(s.now()), wsID)
		}
		if err != nil {
			return fmt.Errorf("set help box key: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, action, "helpbox", wsID, map[string]any{"key": key, "old_key": old})
	})
}

// SetHelpBoxOrigins saves the origins allowed to embed a workspace's box
// (already validated). Audited.
func (s *Store) SetHelpBoxOrigins(ctx context.Context, wsID, actorID int64, origins []string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE helpbox_settings SET allowed_origins = $1, updated_at = $2 WHERE workspace_id = $3`,
			strings.Join(origins, "\n"), ms(s.now()), wsID)
		if err != nil {
			return fmt.Errorf("set help box origins: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoHelpBox
		}
		return s.audit(ctx, tx, wsID, actorID, "helpbox.origins", "helpbox", wsID, map[string]any{"origins": origins})
	})
}

// HelpBoxMappings lists a workspace's page mappings in order.
func (s *Store) HelpBoxMappings(ctx context.Context, wsID int64) ([]helpbox.Mapping, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, kind, pattern, coalesce(article_id, 0), coalesce(category_id, 0), position
		FROM helpbox_mappings WHERE workspace_id = $1 ORDER BY position, id LIMIT $2`, wsID, helpbox.MaxMappings)
	if err != nil {
		return nil, fmt.Errorf("list help box mappings: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (m helpbox.Mapping, err error) {
		err = r.Scan(&m.ID, &m.Kind, &m.Pattern, &m.ArticleID, &m.CategoryID, &m.Position)
		return m, err
	})
}

// AddHelpBoxMapping adds a mapping (already validated) after the others.
// Its article or category must be the workspace's. Audited.
func (s *Store) AddHelpBoxMapping(ctx context.Context, wsID, actorID int64, m helpbox.Mapping) (helpbox.Mapping, error) {
	err := s.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM helpbox_mappings WHERE workspace_id = $1`, wsID).Scan(&n); err != nil {
			return fmt.Errorf("count help box mappings: %w", err)
		}
		if n >= helpbox.MaxMappings {
			return problem.Fields{"pattern": {Code: "too_many", Message: "too many mappings", Params: map[string]string{"max": fmt.Sprint(helpbox.MaxMappings)}}}.Err()
		}
		table, id := "kb_articles", m.ArticleID
		if m.CategoryID != 0 {
			table, id = "kb_categories", m.CategoryID
		}
		var found int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1 AND workspace_id = $2`, id, wsID).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.Fields{"target": {Code: "unknown_value", Message: "does not exist"}}.Err()
		}
		if err != nil {
			return fmt.Errorf("check help box target: %w", err)
		}
		m.Position = n + 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO helpbox_mappings (workspace_id, kind, pattern, article_id, category_id, position, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, wsID, string(m.Kind), m.Pattern, nullID(m.ArticleID), nullID(m.CategoryID), m.Position, ms(s.now())).Scan(&m.ID); err != nil {
			return fmt.Errorf("add help box mapping: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "helpbox.mapping_add", "helpbox_mapping", m.ID,
			map[string]any{"kind": m.Kind, "pattern": m.Pattern, "article_id": m.ArticleID, "category_id": m.CategoryID})
	})
	return m, err
}

// DeleteHelpBoxMapping removes a mapping. Audited.
func (s *Store) DeleteHelpBoxMapping(ctx context.Context, wsID, actorID, id int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var m helpbox.Mapping
		err := tx.QueryRowContext(ctx, `DELETE FROM helpbox_mappings WHERE id = $1 AND workspace_id = $2 RETURNING kind, pattern`, id, wsID).Scan(&m.Kind, &m.Pattern)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "not_found", "no such mapping")
		}
		if err != nil {
			return fmt.Errorf("delete help box mapping: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "helpbox.mapping_delete", "helpbox_mapping", id, map[string]any{"kind": m.Kind, "pattern": m.Pattern})
	})
}
