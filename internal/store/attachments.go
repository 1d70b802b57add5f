package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/problem"
)

const attachmentCols = `id, ticket_id, event_id, filename, declared_type, sniffed_type, size, sha256, inline, created_at`

func scanAttachment(r interface{ Scan(...any) error }) (attachment.Attachment, error) {
	var a attachment.Attachment
	var created int64
	err := r.Scan(&a.ID, &a.TicketID, &a.EventID, &a.Filename, &a.DeclaredType, &a.ContentType, &a.Size, &a.SHA256, &a.Inline, &created)
	a.CreatedAt = fromMS(created)
	return a, err
}

// AddAttachments records files attached to an event, in the event's
// transaction. Their blobs must already be stored.
func (s *Store) AddAttachments(ctx context.Context, tx *Tx, wsID, ticketID, eventID int64, files []attachment.Attachment) ([]attachment.Attachment, error) {
	now := s.now()
	out := make([]attachment.Attachment, 0, len(files))
	for _, a := range files {
		a.TicketID, a.EventID, a.CreatedAt = ticketID, eventID, fromMS(ms(now))
		err := tx.QueryRowContext(ctx, `INSERT INTO attachments (workspace_id, ticket_id, event_id, filename, declared_type, sniffed_type, size, sha256, inline, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			wsID, ticketID, eventID, a.Filename, a.DeclaredType, a.ContentType, a.Size, a.SHA256, a.Inline, ms(now)).Scan(&a.ID)
		if err != nil {
			return nil, fmt.Errorf("add attachment: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Attachment returns one of a workspace's attachments, or a not-found
// problem (also for another workspace's id).
func (s *Store) Attachment(ctx context.Context, wsID, id int64) (attachment.Attachment, error) {
	a, err := scanAttachment(s.read.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE id = $1 AND workspace_id = $2`, id, wsID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, problem.NotFoundf("attachment")
	}
	return a, err
}

// TicketAttachments lists a ticket's attachments, oldest first, at most
// limit.
func (s *Store) TicketAttachments(ctx context.Context, wsID, ticketID int64, limit int) ([]attachment.Attachment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY id LIMIT $3`,
		wsID, ticketID, limit)
	if err != nil {
		return nil, fmt.Errorf("ticket attachments: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (attachment.Attachment, error) { return scanAttachment(r) })
}

// CountAttachments counts a ticket's attachments.
func (s *Store) CountAttachments(ctx context.Context, wsID, ticketID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM attachments WHERE workspace_id = $1 AND ticket_id = $2`, wsID, ticketID).Scan(&n)
	return n, err
}

// BlobReferenced reports whether any attachment names a blob (the sweep
// keeps those).
func (s *Store) BlobReferenced(ctx context.Context, sha string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM attachments WHERE sha256 = $1`, sha).Scan(&n)
	return n > 0, err
}

// AttachmentLimits returns the limits a workspace's admin set (zero
// fields: not set).
func (s *Store) AttachmentLimits(ctx context.Context, wsID int64) (attachment.Limits, error) {
	var l attachment.Limits
	err := s.read.QueryRowContext(ctx, `SELECT max_file_bytes, max_files, max_total_bytes FROM attachment_limits WHERE workspace_id = $1`, wsID).
		Scan(&l.MaxFileBytes, &l.MaxFiles, &l.MaxTotalBytes)
	if errors.Is(err, sql.ErrNoRows) {
		return attachment.Limits{}, nil
	}
	if err != nil {
		return l, fmt.Errorf("attachment limits: %w", err)
	}
	return l, nil
}

// SetAttachmentLimits saves a workspace's attachment limits, audited.
func (s *Store) SetAttachmentLimits(ctx context.Context, wsID, actorID int64, l attachment.Limits) error {
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO attachment_limits (workspace_id, max_file_bytes, max_files, max_total_bytes, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id) DO UPDATE SET max_file_bytes = excluded.max_file_bytes,
			max_files = excluded.max_files, max_total_bytes = excluded.max_total_bytes, updated_at = excluded.updated_at`,
			wsID, l.MaxFileBytes, l.MaxFiles, l.MaxTotalBytes, ms(s.now()))
		if err != nil {
			return fmt.Errorf("set attachment limits: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "workspace.attachment_limits", "workspace", wsID,
			map[string]any{"max_file_bytes": l.MaxFileBytes, "max_files": l.MaxFiles, "max_total_bytes": l.MaxTotalBytes})
	})
}
