package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/palier/palier/internal/attachment"
)

// Outgoing mail: a workspace's own SMTP relay, agents' signatures, and
// what the outbox reads to build a reply (its files, the ticket's Cc).

// SMTPRelay is a workspace's SMTP relay as stored.
type SMTPRelay struct {
	Host     string
	Port     int
	TLS      string // tls, starttls, none
	Username string
	// PasswordSealed is the password sealed with the server key; "" when
	// the relay takes no AUTH.
	PasswordSealed string
	FromAddress    string
	FromName       string
}

// SMTPRelay returns the workspace's relay; ok is false when it has none.
func (s *Store) SMTPRelay(ctx context.Context, wsID int64) (r SMTPRelay, ok bool, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT host, port, tls, username, password_enc, from_address, from_name FROM smtp_relays WHERE workspace_id = $1`, wsID).
		Scan(&r.Host, &r.Port, &r.TLS, &r.Username, &r.PasswordSealed, &r.FromAddress, &r.FromName)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("smtp relay: %w", err)
	}
	return r, true, nil
}

// HasSMTPRelay tells, in the caller's transaction, whether the workspace
// has its own relay.
func (s *Store) HasSMTPRelay(ctx context.Context, tx *Tx, wsID int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM smtp_relays WHERE workspace_id = $1`, wsID).Scan(&n)
	return n > 0, err
}

// SaveSMTPRelay sets the workspace's relay, audited. keepPassword keeps
// the stored sealed password (the admin left the field empty).
func (s *Store) SaveSMTPRelay(ctx context.Context, wsID, actorID int64, r SMTPRelay, keepPassword bool) error {
	now := ms(s.now())
	return s.inTx(ctx, func(tx *Tx) error {
		if keepPassword {
			err := tx.QueryRowContext(ctx, `SELECT password_enc FROM smtp_relays WHERE workspace_id = $1`, wsID).Scan(&r.PasswordSealed)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("smtp relay password: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM smtp_relays WHERE workspace_id = $1`, wsID); err != nil {
			return fmt.Errorf("save smtp relay: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO smtp_relays (workspace_id, host, port, tls, username, password_enc, from_address, from_name, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			wsID, r.Host, r.Port, r.TLS, r.Username, r.PasswordSealed, r.FromAddress, r.FromName, now)
		if err != nil {
			return fmt.Errorf("save smtp relay: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "smtp_relay.save", "workspace", wsID, map[string]any{
			"host": r.Host, "port": r.Port, "tls": r.TLS, "username": r.Username, "from": r.FromAddress,
			"password_changed": !keepPassword})
	})
}

// DeleteSMTPRelay removes the workspace's relay (mail goes through the
// server's relay again), audited.
func (s *Store) DeleteSMTPRelay(ctx context.Context, wsID, actorID int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM smtp_relays WHERE workspace_id = $1`, wsID); err != nil {
			return fmt.Errorf("delete smtp relay: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "smtp_relay.delete", "workspace", wsID, nil)
	})
}

// AuditSMTPTest records that an admin sent a test message and how the
// relay answered.
func (s *Store) AuditSMTPTest(ctx context.Context, wsID, actorID int64, to, answer string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		return s.audit(ctx, tx, wsID, actorID, "smtp_relay.test", "workspace", wsID, map[string]any{"to": to, "answer": answer})
	})
}

// Signature returns an agent's signature ("" when they have none).
func (s *Store) Signature(ctx context.Context, agentID int64) (string, error) {
	return signature(ctx, s.read, agentID)
}

func signature(ctx context.Context, q querier, agentID int64) (string, error) {
	var sig string
	err := q.QueryRowContext(ctx, `SELECT signature FROM agent_signatures WHERE agent_id = $1`, agentID).Scan(&sig)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return sig, err
}

// SetSignature sets an agent's own signature ("" removes it).
func (s *Store) SetSignature(ctx context.Context, agentID int64, sig string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent_signatures WHERE agent_id = $1`, agentID); err != nil {
			return fmt.Errorf("set signature: %w", err)
		}
		if sig == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO agent_signatures (agent_id, signature, updated_at) VALUES ($1, $2, $3)`, agentID, sig, ms(s.now()))
		return err
	})
}

// ReplyExtras is what a reply's email carries beside its text: the
// author's signature and the ticket's copied addresses, read in the
// reply's transaction.
type ReplyExtras struct {
	Signature string
	Cc        []string
}

// ReplyExtras reads, in the caller's transaction, the signature of the
// reply's author and the addresses copied on the ticket (at most 50).
func (s *Store) ReplyExtras(ctx context.Context, tx *Tx, wsID, ticketID, agentID int64) (ReplyExtras, error) {
	var x ReplyExtras
	var err error
	if agentID != 0 {
		if x.Signature, err = signature(ctx, tx, agentID); err != nil {
			return x, fmt.Errorf("reply signature: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT address FROM ticket_cc WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY created_at, address LIMIT 50`, wsID, ticketID)
	if err != nil {
		return x, fmt.Errorf("ticket cc: %w", err)
	}
	x.Cc, err = collect(rows, func(r *sql.Rows) (string, error) {
		var a string
		return a, r.Scan(&a)
	})
	return x, err
}

// EventAttachments lists the files of one event, in upload order.
func (s *Store) EventAttachments(ctx context.Context, wsID, eventID int64) ([]attachment.Attachment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = $1 AND event_id = $2 ORDER BY id LIMIT 100`, wsID, eventID)
	if err != nil {
		return nil, fmt.Errorf("event attachments: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (attachment.Attachment, error) { return scanAttachment(r) })
}
