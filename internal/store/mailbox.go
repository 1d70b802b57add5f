package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// IMAP mailboxes a workspace polls (package mail polls them). A mailbox is
// leased like a job so that one instance at a time polls it; every write
// after the claim names the lease token, so an instance whose lease lapsed
// cannot move the checkpoint another instance now owns.

// Mailbox is one IMAP mailbox and its polling state.
type Mailbox struct {
	ID          int64
	WorkspaceID int64
	// Address is the address the mailbox receives: the inbound-address
	// value its messages are routed with.
	Address  string
	Host     string
	Port     int
	TLS      string // tls, starttls, none
	Username string
	// PasswordSealed is the password sealed with the server key.
	PasswordSealed string
	Folder         string
	// After is what is done to a message once stored: "move" to MoveTo,
	// or "flag" \Seen plus Keyword.
	After   string
	MoveTo  string
	Keyword string
	Enabled bool
	// UIDValidity and LastUID are the checkpoint: every message up to
	// LastUID was stored and acknowledged.
	UIDValidity uint32
	LastUID     uint32
	LeaseToken  string
	// Status is "" (never polled), "ok" or "error" with ErrorCode and
	// LastError, for the admin page.
	Status    string
	ErrorCode string
	LastError string
	CheckedAt *time.Time
}

// Mailbox error states.
const (
	MailboxOK    = "ok"
	MailboxError = "error"
)

const mailboxColumns = `id, workspace_id, address, host, port, tls, username, password_enc, folder, after_action, move_to, keyword,
	enabled, uid_validity, last_uid, lease_token, status, error_code, last_error, checked_at`

func scanMailbox(r interface{ Scan(...any) error }) (Mailbox, error) {
	var m Mailbox
	var validity, last int64
	var checked sql.NullInt64
	err := r.Scan(&m.ID, &m.WorkspaceID, &m.Address, &m.Host, &m.Port, &m.TLS, &m.Username, &m.PasswordSealed, &m.Folder,
		&m.After, &m.MoveTo, &m.Keyword, &m.Enabled, &validity, &last, &m.LeaseToken, &m.Status, &m.ErrorCode, &m.LastError, &checked)
	m.UIDValidity, m.LastUID = uint32(validity), uint32(last)
	m.CheckedAt = optMS(checked)
	return m, err
}

// CreateMailbox adds a mailbox to poll, audited.
func (s *Store) CreateMailbox(ctx context.Context, wsID, actorID int64, m Mailbox) (Mailbox, error) {
	now := ms(s.now())
	err := s.inTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO mailboxes (workspace_id, address, host, port, tls, username, password_enc, folder,
			after_action, move_to, keyword, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			wsID, m.Address, m.Host, m.Port, m.TLS, m.Username, m.PasswordSealed, m.Folder, m.After, m.MoveTo, m.Keyword, m.Enabled, now).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("create mailbox: %w", err)
		}
		m.WorkspaceID = wsID
		return s.audit(ctx, tx, wsID, actorID, "mailbox.create", "mailbox", m.ID, map[string]any{
			"address": m.Address, "host": m.Host, "port": m.Port, "username": m.Username, "folder": m.Folder})
	})
	return m, err
}

// UpdateMailbox changes a mailbox's settings, audited; an empty
// PasswordSealed keeps the stored password. Changing the server, account
// or folder restarts the checkpoint (another folder has other UIDs), and
// clears the error state so the admin sees the next poll's outcome. The
// lease is dropped: the instance polling with the old settings stops at
// its next renewal, and the mailbox is claimed afresh with the new ones.
func (s *Store) UpdateMailbox(ctx context.Context, wsID, actorID int64, m Mailbox) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mailboxes SET address = $1, host = $2, port = $3, tls = $4, username = $5,
			password_enc = CASE WHEN $6 = '' THEN password_enc ELSE $6 END, after_action = $7, move_to = $8, keyword = $9, enabled = $10,
			uid_validity = CASE WHEN host = $2 AND username = $5 AND folder = $11 THEN uid_validity ELSE 0 END,
			last_uid = CASE WHEN host = $2 AND username = $5 AND folder = $11 THEN last_uid ELSE 0 END,
			folder = $11, status = '', error_code = '', last_error = '', updated_at = $12, lease_until = NULL, lease_token = ''
			WHERE id = $13 AND workspace_id = $14`,
			m.Address, m.Host, m.Port, m.TLS, m.Username, m.PasswordSealed, m.After, m.MoveTo, m.Keyword, m.Enabled, m.Folder,
			ms(s.now()), m.ID, wsID)
		if err != nil {
			return fmt.Errorf("update mailbox: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.NotFoundf("mailbox")
		}
		return s.audit(ctx, tx, wsID, actorID, "mailbox.update", "mailbox", m.ID, map[string]any{
			"address": m.Address, "host": m.Host, "port": m.Port, "username": m.Username, "folder": m.Folder,
			"enabled": m.Enabled, "password_changed": m.PasswordSealed != ""})
	})
}

// DeleteMailbox stops polling a mailbox, audited.
func (s *Store) DeleteMailbox(ctx context.Context, wsID, actorID, id int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM mailboxes WHERE id = $1 AND workspace_id = $2`, id, wsID)
		if err != nil {
			return fmt.Errorf("delete mailbox: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.NotFoundf("mailbox")
		}
		return s.audit(ctx, tx, wsID, actorID, "mailbox.delete", "mailbox", id, nil)
	})
}

// Mailboxes lists a workspace's mailboxes, oldest first.
func (s *Store) Mailboxes(ctx context.Context, wsID int64) ([]Mailbox, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+mailboxColumns+` FROM mailboxes WHERE workspace_id = $1 ORDER BY id LIMIT 100`, wsID)
	if err != nil {
		return nil, fmt.Errorf("mailboxes: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Mailbox, error) { return scanMailbox(r) })
}

// Mailbox returns one of a workspace's mailboxes.
func (s *Store) Mailbox(ctx context.Context, wsID, id int64) (Mailbox, error) {
	m, err := scanMailbox(s.write.QueryRowContext(ctx, `SELECT `+mailboxColumns+` FROM mailboxes WHERE id = $1 AND workspace_id = $2`, id, wsID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, problem.NotFoundf("mailbox")
	}
	return m, err
}

// ClaimMailboxes leases up to limit enabled mailboxes nobody holds (or
// whose holder's lease lapsed) until now+lease. On PostgreSQL the rows are
// picked with FOR UPDATE SKIP LOCKED, so two instances never claim the
// same mailbox; on SQLite the single writer serialises claims.
func (s *Store) ClaimMailboxes(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mailbox, error) {
	if limit <= 0 {
		return nil, nil
	}
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	token := rand.Text()
	var out []Mailbox
	err := s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `WITH next AS (SELECT id FROM mailboxes
				WHERE enabled = $1 AND (lease_until IS NULL OR lease_until <= $2) ORDER BY id LIMIT $3`+lock+`)
			UPDATE mailboxes SET lease_until = $4, lease_token = $5 FROM next WHERE mailboxes.id = next.id
			RETURNING mailboxes.id`, true, ms(now), limit, ms(now.Add(lease)), token)
		if err != nil {
			return fmt.Errorf("claim mailboxes: %w", err)
		}
		ids, err := collect(rows, scanID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			m, err := scanMailbox(tx.QueryRowContext(ctx, `SELECT `+mailboxColumns+` FROM mailboxes WHERE id = $1`, id))
			if err != nil {
				return fmt.Errorf("claimed mailbox: %w", err)
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// RenewMailboxLease extends a held lease; false means it was lost (or the
// mailbox was deleted or disabled) and the holder must stop.
func (s *Store) RenewMailboxLease(ctx context.Context, m Mailbox, until time.Time) (bool, error) {
	return s.leasedWrite(ctx, `UPDATE mailboxes SET lease_until = $1 WHERE id = $2 AND lease_token = $3 AND enabled = $4`,
		ms(until), m.ID, m.LeaseToken, true)
}

// ReleaseMailbox gives a held lease back, so another instance may poll the
// mailbox at once.
func (s *Store) ReleaseMailbox(ctx context.Context, m Mailbox) error {
	_, err := s.leasedWrite(ctx, `UPDATE mailboxes SET lease_until = NULL, lease_token = '' WHERE id = $1 AND lease_token = $2`, m.ID, m.LeaseToken)
	return err
}

// SaveMailboxCheckpoint records that every message up to lastUID of the
// folder with this UIDVALIDITY was stored and acknowledged.
func (s *Store) SaveMailboxCheckpoint(ctx context.Context, m Mailbox, uidValidity, lastUID uint32) (bool, error) {
	return s.leasedWrite(ctx, `UPDATE mailboxes SET uid_validity = $1, last_uid = $2, updated_at = $3 WHERE id = $4 AND lease_token = $5`,
		int64(uidValidity), int64(lastUID), ms(s.now()), m.ID, m.LeaseToken)
}

// SetMailboxStatus records the outcome of a poll for the admin page.
func (s *Store) SetMailboxStatus(ctx context.Context, m Mailbox, status, code, message string) error {
	_, err := s.leasedWrite(ctx, `UPDATE mailboxes SET status = $1, error_code = $2, last_error = $3, checked_at = $4 WHERE id = $5 AND lease_token = $6`,
		status, code, clip(message, 1000), ms(s.now()), m.ID, m.LeaseToken)
	return err
}

func (s *Store) leasedWrite(ctx context.Context, q string, args ...any) (bool, error) {
	return s.updateOne(ctx, "mailbox", q, args...)
}

// CountSenderMessage counts one inbound message from sender against the
// workspace's limit of limit messages per window, and reports whether it
// is allowed. The count and the check are one step (the sender's row is
// locked on PostgreSQL; SQLite has one writer), so a burst delivered over
// several connections or instances is counted exactly. A refused message
// is not counted: when it is offered again after the window, it is.
func (s *Store) CountSenderMessage(ctx context.Context, wsID int64, sender string, limit int, window time.Duration) (bool, error) {
	now := s.now()
	allowed := false
	err := s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_sender_window (workspace_id, sender, window_start, messages) VALUES ($1, $2, $3, 0)
			ON CONFLICT (workspace_id, sender) DO NOTHING`, wsID, sender, ms(now)); err != nil {
			return fmt.Errorf("sender window: %w", err)
		}
		q := `SELECT window_start, messages FROM mail_sender_window WHERE workspace_id = $1 AND sender = $2`
		if s.dialect == Postgres {
			q += ` FOR UPDATE`
		}
		var start int64
		var n int
		if err := tx.QueryRowContext(ctx, q, wsID, sender).Scan(&start, &n); err != nil {
			return fmt.Errorf("sender window: %w", err)
		}
		if !fromMS(start).Add(window).After(now) { // the window is over: a new one starts
			start, n = ms(now), 0
		}
		if n >= limit {
			return nil
		}
		allowed = true
		_, err := tx.ExecContext(ctx, `UPDATE mail_sender_window SET window_start = $1, messages = $2 WHERE workspace_id = $3 AND sender = $4`,
			start, n+1, wsID, sender)
		return err
	})
	return allowed, err
}

// MarkSensitiveTx marks a ticket sensitive in the caller's transaction,
// with a sensitive_changed event by nobody (the channel found payment data
// in a message), unless it already is.
func (s *Store) MarkSensitiveTx(ctx context.Context, tx *Tx, wsID, ticketID int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE tickets SET sensitive = $1 WHERE id = $2 AND workspace_id = $3 AND sensitive = $4`,
		true, ticketID, wsID, false)
	if err != nil {
		return fmt.Errorf("mark sensitive: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: ticketID, Kind: ticket.SensitiveChanged,
		Data: event.SensitiveChange{Sensitive: true}}, fromMS(ms(s.now())))
	return err
}

// AddTicketCcTx records, in the caller's transaction, addresses copied on
// a ticket's mail; ones already known are kept as they are.
func (s *Store) AddTicketCcTx(ctx context.Context, tx *Tx, wsID, ticketID int64, addresses []string) error {
	now := ms(s.now())
	for _, a := range addresses {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_cc (workspace_id, ticket_id, address, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (ticket_id, address) DO NOTHING`, wsID, ticketID, a, now); err != nil {
			return fmt.Errorf("ticket cc: %w", err)
		}
	}
	return nil
}

// IsTicketCc reports whether an address was copied on a ticket's mail.
func (s *Store) IsTicketCc(ctx context.Context, wsID, ticketID int64, address string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM ticket_cc WHERE ticket_id = $1 AND workspace_id = $2 AND address = $3`,
		ticketID, wsID, strings.ToLower(address)).Scan(&n)
	return n > 0, err
}

// RetryMail queues a failed outgoing message again, audited, in one
// transaction: its send job (named by jobKey; failed, done when a bounce
// failed the email afterwards, still waiting, or still held by the worker
// that just recorded the failure — its lease is taken back, so that
// worker's own finish no longer applies) is made due now with fresh
// attempts, and its state shows queued. It refuses a message that did not
// fail (409 email_not_failed) and one whose job was pruned (409
// email_retry_expired).
func (s *Store) RetryMail(ctx context.Context, wsID, actorID, ticketID, eventID int64, jobKey string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var messageID string
		if err := scanFailedMessage(tx.QueryRowContext(ctx, `SELECT message_id, state FROM mail_messages
			WHERE workspace_id = $1 AND ticket_id = $2 AND event_id = $3 AND direction = $4`, wsID, ticketID, eventID, MailOut),
			problem.New(problem.Conflict, "email_not_failed", "only an email that failed can be sent again"), &messageID); err != nil {
			return err
		}
		now := ms(s.now())
		requeued, err := requeueJob(ctx, tx, jobKey, now, JobFailed, JobDone, JobQueued, JobRunning)
		if err != nil {
			return fmt.Errorf("retry mail job: %w", err)
		}
		if !requeued {
			return problem.New(problem.Conflict, "email_retry_expired", "this email is too old to be sent again; write a new reply")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mail_messages SET state = $1, answer = '', updated_at = $2
			WHERE workspace_id = $3 AND message_id = $4 AND direction = $5`, MailQueued, now, wsID, messageID, MailOut); err != nil {
			return fmt.Errorf("retry mail: %w", err)
		}
		return s.audit(ctx, tx, wsID, actorID, "email.retry", "ticket", ticketID, map[string]any{"event_id": eventID, "message_id": messageID})
	})
}
