package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// ContactSettings are a workspace's contact form settings: the last rung
// (a phone number and its hours, shown when set).
type ContactSettings struct {
	Phone string `json:"phone"`
	Hours string `json:"hours"`
	// Callbacks offers customers to be called back instead of writing.
	Callbacks bool `json:"callbacks"`
}

// ContactSettings returns a workspace's contact settings (empty when none
// were saved).
func (s *Store) ContactSettings(ctx context.Context, wsID int64) (ContactSettings, error) {
	var c ContactSettings
	err := s.read.QueryRowContext(ctx, `SELECT phone, hours, callbacks FROM contact_settings WHERE workspace_id = $1`, wsID).Scan(&c.Phone, &c.Hours, &c.Callbacks)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("read contact settings: %w", err)
	}
	return c, nil
}

// SetContactSettings saves a workspace's contact settings, audited.
func (s *Store) SetContactSettings(ctx context.Context, wsID, actorID int64, c ContactSettings) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_settings (workspace_id, phone, hours, callbacks) VALUES ($1, $2, $3, $4)
			ON CONFLICT (workspace_id) DO UPDATE SET phone = excluded.phone, hours = excluded.hours, callbacks = excluded.callbacks`, wsID, c.Phone, c.Hours, c.Callbacks); err != nil {
			return fmt.Errorf("save contact settings: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "contact.settings", "workspace", wsID, map[string]any{"phone": c.Phone, "hours": c.Hours, "callbacks": c.Callbacks})
	})
}

// ContactFormKey returns the key that signs a workspace's contact forms,
// made on first use. It lives in the database so that every instance
// accepts a form another served.
func (s *Store) ContactFormKey(ctx context.Context, wsID int64) (string, error) {
	var key string
	err := s.read.QueryRowContext(ctx, `SELECT form_key FROM contact_settings WHERE workspace_id = $1`, wsID).Scan(&key)
	if err == nil && key != "" {
		return key, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read contact form key: %w", err)
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		// Two instances may make one at once: the first written wins.
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_settings (workspace_id, form_key) VALUES ($1, $2)
			ON CONFLICT (workspace_id) DO UPDATE SET form_key = CASE WHEN contact_settings.form_key = '' THEN excluded.form_key ELSE contact_settings.form_key END`,
			wsID, rand.Text()+rand.Text()); err != nil {
			return fmt.Errorf("make contact form key: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT form_key FROM contact_settings WHERE workspace_id = $1`, wsID).Scan(&key)
	})
	return key, err
}
