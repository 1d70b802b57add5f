package desk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/sensitive"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// The IMAP mailboxes a workspace polls, set up by its admins, and the
// per-sender limit every inbound channel shares. Passwords are sealed with
// the server key before they reach the store and never leave the desk
// again except to log in.

// ErrRateLimited refuses, for now, a message from a sender who sent more
// than the workspace's inbound limit allows in its window. The source
// keeps the message and offers it again later (SMTP 4xx, an IMAP message
// left unacknowledged): it is never dropped.
var ErrRateLimited = errors.New("too many messages from this sender; try again later")

type inbound struct {
	box *secret.Box
	// limit messages per sender per window; 0 means no limit.
	limit  int
	window time.Duration
}

// passwordPurpose binds sealed mailbox passwords to their use.
const passwordPurpose = "palier imap password"

// EnableMailboxes lets admins set up IMAP mailboxes, their passwords
// sealed with box.
func (d *Service) EnableMailboxes(box *secret.Box) { d.inbound.box = box }

// MailboxesEnabled tells the admin page whether mailboxes can be set up.
func (d *Service) MailboxesEnabled() bool { return d.inbound.box != nil }

// LimitInboundSenders refuses a sender's messages beyond n per window
// (n <= 0: no limit).
func (d *Service) LimitInboundSenders(n int, window time.Duration) {
	d.inbound.limit, d.inbound.window = n, window
}

// MailboxInput is a mailbox as the admin types it.
type MailboxInput struct {
	Address  string
	Host     string
	Port     int
	TLS      string // tls, starttls, none
	Username string
	// Password is required on creation; empty on update keeps the old one.
	Password string
	Folder   string
	After    string // move, flag
	MoveTo   string
	Keyword  string
	Enabled  bool
}

// Mailbox TLS modes and after-processing actions.
var (
	MailboxTLSModes = []string{"tls", "starttls", "none"}
	MailboxActions  = []string{"move", "flag"}
)

// validate collects every bad field of a mailbox into a store row.
func (in MailboxInput) validate(creating bool) (store.Mailbox, error) {
	f := problem.Fields{}
	m := store.Mailbox{Address: strings.ToLower(strings.TrimSpace(in.Address)), Host: strings.TrimSpace(in.Host), Port: in.Port,
		TLS: in.TLS, Username: strings.TrimSpace(in.Username), Folder: strings.TrimSpace(in.Folder), After: in.After,
		MoveTo: strings.TrimSpace(in.MoveTo), Keyword: strings.TrimSpace(in.Keyword), Enabled: in.Enabled}
	if m.Address == "" {
		f.Required("address")
	} else if err := (customer.Customer{Name: "x", Email: m.Address}).Validate(); err != nil {
		f.Add("address", "bad_email", "is not an email address")
	}
	checkHost(f, m.Host)
	if m.TLS == "" {
		m.TLS = "tls"
	}
	if !slices.Contains(MailboxTLSModes, m.TLS) {
		f.Add("tls", "unknown_value", "must be tls, starttls or none")
	}
	if m.Port == 0 {
		m.Port = 993
		if m.TLS != "tls" {
			m.Port = 143
		}
	}
	if m.Port < 1 || m.Port > 65535 {
		f.Add("port", "out_of_range", "must be between 1 and 65535", "min", "1", "max", "65535")
	}
	if m.Username == "" {
		f.Required("username")
	}
	if creating && in.Password == "" {
		f.Required("password")
	}
	if m.Folder == "" {
		m.Folder = "INBOX"
	}
	switch m.After {
	case "move":
		if m.MoveTo == "" {
			f.Required("move_to")
		} else if m.MoveTo == m.Folder {
			f.Add("move_to", "same_folder", "must differ from the folder polled")
		}
	case "flag":
		if m.Keyword == "" {
			m.Keyword = "$Palier"
		}
		if strings.ContainsAny(m.Keyword, ` ()[]{}%*"\`) || strings.HasPrefix(m.Keyword, `\`) {
			f.Add("keyword", "bad_keyword", "must be one word without spaces or brackets")
		}
	default:
		f.Add("after", "unknown_value", "must be move or flag")
	}
	for name, v := range map[string]string{"username": m.Username, "folder": m.Folder, "move_to": m.MoveTo, "keyword": m.Keyword, "password": in.Password} {
		if strings.ContainsAny(v, "\r\n\x00") {
			f.Add(name, "multiline", "must fit on one line")
		} else if len(v) > 500 {
			f.Add(name, "too_long", "is too long", "max", "500")
		}
	}
	return m, f.Err()
}

var errMailboxesOff = problem.New(problem.Conflict, "mailboxes_disabled", "IMAP mailboxes are not enabled on this server")

func (d *Service) requireMailboxes(a auth.Actor) error { return d.requireSealing(a, errMailboxesOff) }

// requireSealing lets an admin set up what keeps a password: the server
// must have the secret key that seals it (else the refusal off).
func (d *Service) requireSealing(a auth.Actor, off error) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	if d.inbound.box == nil {
		return off
	}
	return nil
}

// CreateMailbox adds a mailbox for the workspace to poll.
func (d *Service) CreateMailbox(ctx context.Context, a auth.Actor, in MailboxInput) (store.Mailbox, error) {
	if err := d.requireMailboxes(a); err != nil {
		return store.Mailbox{}, err
	}
	m, err := in.validate(true)
	if err != nil {
		return m, err
	}
	m.PasswordSealed = d.inbound.box.Seal(in.Password, passwordPurpose)
	return d.store.CreateMailbox(ctx, a.WorkspaceID, a.AgentID, m)
}

// UpdateMailbox saves a mailbox's settings; an empty password keeps the
// stored one.
func (d *Service) UpdateMailbox(ctx context.Context, a auth.Actor, id int64, in MailboxInput) error {
	if err := d.requireMailboxes(a); err != nil {
		return err
	}
	m, err := in.validate(false)
	if err != nil {
		return err
	}
	m.ID = id
	if in.Password != "" {
		m.PasswordSealed = d.inbound.box.Seal(in.Password, passwordPurpose)
	}
	return d.store.UpdateMailbox(ctx, a.WorkspaceID, a.AgentID, m)
}

// DeleteMailbox stops polling a mailbox.
func (d *Service) DeleteMailbox(ctx context.Context, a auth.Actor, id int64) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.DeleteMailbox(ctx, a.WorkspaceID, a.AgentID, id)
}

// Mailboxes lists the workspace's mailboxes with their polling state.
func (d *Service) Mailboxes(ctx context.Context, a auth.Actor) ([]store.Mailbox, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	return d.store.Mailboxes(ctx, a.WorkspaceID)
}

// Mailbox returns one of the workspace's mailboxes.
func (d *Service) Mailbox(ctx context.Context, a auth.Actor, id int64) (store.Mailbox, error) {
	if err := requireAdmin(a); err != nil {
		return store.Mailbox{}, err
	}
	return d.store.Mailbox(ctx, a.WorkspaceID, id)
}

// The poller's side (package mail): it claims mailboxes, opens their
// password, and records its checkpoint and state under its lease.

// MailboxPassword opens a mailbox's sealed password.
func (d *Service) MailboxPassword(m store.Mailbox) (string, error) {
	if d.inbound.box == nil {
		return "", errors.New("mailboxes are not enabled: no server key")
	}
	return d.inbound.box.Open(m.PasswordSealed, passwordPurpose)
}

// ClaimMailboxes leases mailboxes nobody polls.
func (d *Service) ClaimMailboxes(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Mailbox, error) {
	return d.store.ClaimMailboxes(ctx, now, lease, limit)
}

// RenewMailboxLease extends a lease; false: it was lost.
func (d *Service) RenewMailboxLease(ctx context.Context, m store.Mailbox, until time.Time) (bool, error) {
	return d.store.RenewMailboxLease(ctx, m, until)
}

// ReleaseMailbox gives a lease back.
func (d *Service) ReleaseMailbox(ctx context.Context, m store.Mailbox) error {
	return d.store.ReleaseMailbox(ctx, m)
}

// SaveMailboxCheckpoint records the last stored and acknowledged UID.
func (d *Service) SaveMailboxCheckpoint(ctx context.Context, m store.Mailbox, uidValidity, lastUID uint32) (bool, error) {
	return d.store.SaveMailboxCheckpoint(ctx, m, uidValidity, lastUID)
}

// SetMailboxStatus records a poll's outcome for the admin page.
func (d *Service) SetMailboxStatus(ctx context.Context, m store.Mailbox, status, code, message string) error {
	return d.store.SetMailboxStatus(ctx, m, status, code, message)
}

// MailboxLabel names a mailbox in logs: user@host:port/folder.
func MailboxLabel(m store.Mailbox) string {
	return m.Username + "@" + net.JoinHostPort(m.Host, strconv.Itoa(m.Port)) + "/" + m.Folder
}

// ConfigureMailbox sets up the mailbox a server flag names (palier serve
// --imap) for a workspace: created the first time, its settings and
// password brought up to date on later starts (same host, user and
// folder). The audit log shows the server (no agent) as the author.
func (d *Service) ConfigureMailbox(ctx context.Context, wsID int64, in MailboxInput) (store.Mailbox, error) {
	if d.inbound.box == nil {
		return store.Mailbox{}, errors.New("mailboxes are not enabled: no server key")
	}
	m, err := in.validate(true)
	if err != nil {
		return m, err
	}
	m.PasswordSealed = d.inbound.box.Seal(in.Password, passwordPurpose)
	list, err := d.store.Mailboxes(ctx, wsID)
	if err != nil {
		return m, err
	}
	for _, old := range list {
		if old.Host == m.Host && old.Username == m.Username && old.Folder == m.Folder {
			m.ID = old.ID
			return m, d.store.UpdateMailbox(ctx, wsID, 0, m)
		}
	}
	return d.store.CreateMailbox(ctx, wsID, 0, m)
}

// checkSender counts a message against its sender's limit, or refuses it
// for now with ErrRateLimited.
func (d *Service) checkSender(ctx context.Context, wsID int64, sender string) error {
	if d.inbound.limit <= 0 {
		return nil
	}
	ok, err := d.store.CountSenderMessage(ctx, wsID, sender, d.inbound.limit, d.inbound.window)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w (%s: more than %d in %s)", ErrRateLimited, sender, d.inbound.limit, d.inbound.window)
	}
	return nil
}

// holdsPaymentData reports whether a message carries a card number or an
// IBAN: the ticket follows the sensitive-ticket rules (routing sees it
// sensitive; only its assignees and leads may read it), whatever the
// routing rules say.
func holdsPaymentData(in InboundEmail, body string) bool {
	return sensitive.Contains(in.Subject + "\n" + body)
}

// sensitiveHook marks the ticket a message is added to sensitive, in the
// message's transaction, when the message carries payment data; then runs
// next.
func (d *Service) sensitiveHook(wsID int64, in InboundEmail, body string, next store.TxHook) store.TxHook {
	if !holdsPaymentData(in, body) {
		return next
	}
	return func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
		if !t.Sensitive {
			if err := d.store.MarkSensitiveTx(ctx, tx, wsID, t.ID); err != nil {
				return err
			}
		}
		return next(ctx, tx, t, events)
	}
}

// sender is who wrote a message threaded onto a ticket.
type sender string

const (
	fromCustomer sender = "customer"
	fromVendor   sender = "vendor"
	fromCc       sender = "cc"
)

// maxCc bounds the copied addresses kept from one message.
const maxCc = 20

// recordCc keeps, in the message's transaction, the addresses it was
// copied to (not the customer, the sender or the workspace's own
// addresses): their answers are accepted onto the ticket. Anyone else
// writing with the ticket's reference opens a ticket of their own.
func (d *Service) recordCc(ctx context.Context, tx *store.Tx, wsID int64, t ticket.Ticket, in InboundEmail) error {
	if len(in.Cc) == 0 {
		return nil
	}
	var keep []string
	for _, a := range in.Cc {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" || a == in.FromEmail || a == strings.ToLower(in.Recipient) || slices.Contains(keep, a) || len(a) > 254 {
			continue
		}
		if err := (customer.Customer{Name: "x", Email: a}).Validate(); err != nil {
			continue
		}
		if _, err := d.store.InboundWorkspace(ctx, a); err == nil {
			continue // one of the desks' own addresses
		}
		if keep = append(keep, a); len(keep) == maxCc {
			break
		}
	}
	return d.store.AddTicketCcTx(ctx, tx, wsID, t.ID, keep)
}

// RetryEmail sends a reply's failed email again (the retry button of the
// timeline): whoever may work the ticket may, and it is audited. It
// returns the reply with its email state.
func (d *Service) RetryEmail(ctx context.Context, a auth.Actor, ticketID, eventID int64) (ticket.Event, ticket.Ticket, error) {
	t, err := d.Ticket(ctx, a, ticketID)
	if err != nil {
		return ticket.Event{}, t, err
	}
	if !ticket.CanWork(a, t) {
		return ticket.Event{}, t, errForbidden
	}
	if err := d.retryDelivery(ctx, a, t.ID, eventID); err != nil {
		return ticket.Event{}, t, err
	}
	evs, err := d.store.Events(ctx, a.WorkspaceID, t.ID, eventID-1, 1)
	if err != nil || len(evs) == 0 {
		return ticket.Event{}, t, err
	}
	return evs[0], t, nil
}
