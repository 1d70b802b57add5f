package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/store"
)

// Poller fetches the mail of the workspaces' IMAP mailboxes and hands each
// message to the same Intake as the SMTP receiver. A message is
// acknowledged on the server (moved, or flagged \Seen plus a keyword) only
// once it is stored, and the mailbox's checkpoint (UIDVALIDITY and the
// last acknowledged UID) moves only after that: a crash at any point
// offers the message again, and the Message-ID dedup stores it once.
//
// Each mailbox is leased in the database, so among several instances on
// one PostgreSQL only one polls it; a lease that is not renewed (the
// instance died) lapses and another instance takes the mailbox over.
type Poller struct {
	desk   *desk.Service
	intake *Intake
	log    *slog.Logger
	// Interval is how often a mailbox without IDLE is polled, and the
	// longest an IDLE waits before the mailbox is checked anyway (messages
	// left for later, a missed notification).
	Interval time.Duration
	// Lease is how long a claimed mailbox belongs to this instance; it is
	// renewed every third of it while the instance lives.
	Lease time.Duration
	// MaxMailboxes bounds the mailboxes one instance polls at once.
	MaxMailboxes int
	// MaxBackoff bounds the wait after repeated failures (a wrong
	// password is retried this rarely, not in a loop).
	MaxBackoff time.Duration
	// TLSConfig, when set, replaces the default TLS settings (tests trust
	// their own server with it).
	TLSConfig *tls.Config
	// Timeout bounds connecting and each command but IDLE.
	Timeout time.Duration

	// beforeAck, when set, runs before each acknowledgement; tests fail
	// it to stand for a crash between storing and acknowledging.
	beforeAck func(uid imap.UID) error
}

// NewPoller returns a poller of the desk's mailboxes, with defaults.
func NewPoller(d *desk.Service, log *slog.Logger) *Poller {
	if log == nil {
		log = slog.Default()
	}
	return &Poller{desk: d, intake: NewIntake(d, log), log: log, Interval: time.Minute, Lease: 2 * time.Minute,
		MaxMailboxes: 50, MaxBackoff: 15 * time.Minute, Timeout: time.Minute}
}

// Mailbox error codes shown to admins (translated in the admin page).
const (
	ImapConnectFailed  = "connect_failed"
	ImapAuthFailed     = "auth_failed"
	ImapFolderMissing  = "folder_missing"
	ImapPasswordSealed = "password_unreadable"
	ImapServerError    = "server_error"
)

// pollError is a failed poll with the code the admin page shows.
type pollError struct {
	code string
	err  error
}

func (e *pollError) Error() string { return e.code + ": " + e.err.Error() }
func (e *pollError) Unwrap() error { return e.err }

func failed(code string, err error) error { return &pollError{code: code, err: err} }

// errLeaseLost stops a mailbox's poll: another instance owns it now, or it
// was disabled or deleted.
var errLeaseLost = errors.New("imap: the mailbox lease was lost")

// Run polls every mailbox this instance can claim until ctx ends, then
// gives their leases back.
func (p *Poller) Run(ctx context.Context) error {
	var (
		mu      sync.Mutex
		running = map[int64]bool{}
		wg      sync.WaitGroup
	)
	claimEvery := min(p.Interval, p.Lease/3)
	for {
		mu.Lock()
		free := p.MaxMailboxes - len(running)
		mu.Unlock()
		list, err := p.desk.ClaimMailboxes(ctx, time.Now(), p.Lease, free)
		if err != nil && ctx.Err() == nil {
			p.log.Error("imap: claim mailboxes", "err", err)
		}
		for _, m := range list {
			mu.Lock()
			running[m.ID] = true
			mu.Unlock()
			wg.Go(func() {
				p.hold(ctx, m)
				mu.Lock()
				delete(running, m.ID)
				mu.Unlock()
			})
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-time.After(claimEvery):
		}
	}
}

// Once polls every mailbox it can claim one time, without waiting for new
// mail, and releases them: for tests and a "check now" command.
func (p *Poller) Once(ctx context.Context) error {
	list, err := p.desk.ClaimMailboxes(ctx, time.Now(), p.Lease, p.MaxMailboxes)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range list {
		err := p.session(ctx, &m, false)
		p.record(ctx, m, err)
		if err := p.desk.ReleaseMailbox(context.WithoutCancel(ctx), m); err != nil {
			errs = append(errs, err)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", desk.MailboxLabel(m), err))
		}
	}
	return errors.Join(errs...)
}

// hold polls one claimed mailbox until ctx ends or the lease is lost,
// renewing the lease meanwhile.
func (p *Poller) hold(ctx context.Context, m store.Mailbox) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go jobs.Every(ctx, p.Lease/3, func(ctx context.Context) {
		ok, err := p.desk.RenewMailboxLease(ctx, m, time.Now().Add(p.Lease))
		if err != nil && ctx.Err() == nil {
			p.log.Error("imap: renew lease", "mailbox", desk.MailboxLabel(m), "err", err)
		}
		if !ok && err == nil {
			p.log.Info("imap: mailbox lease lost", "mailbox", desk.MailboxLabel(m))
			cancel() // ends the polling below, and this loop
		}
	})
	defer func() { _ = p.desk.ReleaseMailbox(context.WithoutCancel(ctx), m) }()
	failures := 0
	for ctx.Err() == nil {
		began := time.Now()
		err := p.session(ctx, &m, true)
		if ctx.Err() != nil || errors.Is(err, errLeaseLost) {
			return
		}
		p.record(ctx, m, err)
		if time.Since(began) > p.Interval {
			failures = 0 // it worked for a while: this is a new failure, not the next of a row
		}
		failures++
		select {
		case <-ctx.Done():
		case <-time.After(Backoff(p.Interval, p.MaxBackoff, failures)):
		}
	}
}

// Backoff is the wait after the nth failure in a row of a mailbox's poll:
// the interval, doubled each time, up to max.
func Backoff(interval, max time.Duration, n int) time.Duration {
	d := interval
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// record shows a poll's outcome on the admin page.
func (p *Poller) record(ctx context.Context, m store.Mailbox, err error) {
	status, code, msg := store.MailboxOK, "", ""
	if err != nil {
		status, code, msg = store.MailboxError, ImapServerError, err.Error()
		var pe *pollError
		if errors.As(err, &pe) {
			code, msg = pe.code, pe.err.Error()
		}
		p.log.Warn("imap: poll failed", "mailbox", desk.MailboxLabel(m), "code", code, "err", msg)
	}
	if err := p.desk.SetMailboxStatus(context.WithoutCancel(ctx), m, status, code, msg); err != nil {
		p.log.Error("imap: record status", "mailbox", desk.MailboxLabel(m), "err", err)
	}
}

// dial connects and logs in.
func (p *Poller) dial(m store.Mailbox, password string, newMail chan<- struct{}) (*imapclient.Client, error) {
	opts := &imapclient.Options{
		TLSConfig: p.TLSConfig,
		Dialer:    &net.Dialer{Timeout: p.Timeout},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	if opts.TLSConfig == nil {
		opts.TLSConfig = &tls.Config{ServerName: m.Host, MinVersion: tls.VersionTLS12}
	}
	addr := net.JoinHostPort(m.Host, strconv.Itoa(m.Port))
	var c *imapclient.Client
	var err error
	switch m.TLS {
	case "tls":
		c, err = imapclient.DialTLS(addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(addr, opts)
	default:
		c, err = imapclient.DialInsecure(addr, opts)
	}
	if err != nil {
		return nil, failed(ImapConnectFailed, err)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, failed(ImapConnectFailed, err)
	}
	if err := c.Login(m.Username, password).Wait(); err != nil {
		c.Close()
		var ie *imap.Error
		if errors.As(err, &ie) {
			return nil, failed(ImapAuthFailed, err)
		}
		return nil, failed(ImapConnectFailed, err)
	}
	return c, nil
}

// session connects to a mailbox, stores and acknowledges what is waiting,
// then (when wait is set) waits for new mail with IDLE, or polls every
// Interval, until ctx ends or something fails.
func (p *Poller) session(ctx context.Context, m *store.Mailbox, wait bool) error {
	password, err := p.desk.MailboxPassword(*m)
	if errors.Is(err, secret.ErrOpen) {
		return failed(ImapPasswordSealed, err)
	}
	if err != nil {
		return err
	}
	newMail := make(chan struct{}, 1)
	c, err := p.dial(*m, password, newMail)
	if err != nil {
		return err
	}
	defer c.Close()
	// Commands take no context: closing the connection ends a blocked one.
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	sel, err := c.Select(m.Folder, nil).Wait()
	if err != nil {
		return failed(ImapFolderMissing, err)
	}
	if m.After == "move" {
		// The destination must exist; creating one that does is refused,
		// which is fine.
		_ = c.Create(m.MoveTo, nil).Wait()
	}
	if sel.UIDValidity != m.UIDValidity {
		// A new UIDVALIDITY means the UIDs were renumbered: start over.
		// Messages acknowledged by a move are gone, flagged ones are
		// skipped, and anything else already stored dedups by Message-ID.
		if m.UIDValidity != 0 {
			p.log.Warn("imap: UIDVALIDITY changed, rescanning the folder", "mailbox", desk.MailboxLabel(*m))
		}
		if err := p.checkpoint(ctx, m, sel.UIDValidity, 0); err != nil {
			return err
		}
	}
	for {
		if err := p.drain(ctx, c, m); err != nil {
			return err
		}
		p.record(ctx, *m, nil)
		if !wait {
			return nil
		}
		if err := p.await(ctx, c, newMail); err != nil {
			return err
		}
	}
}

// await waits for new mail: IDLE where the server offers it, else the
// interval and a NOOP (which brings the news of new messages).
func (p *Poller) await(ctx context.Context, c *imapclient.Client, newMail <-chan struct{}) error {
	timer := time.NewTimer(p.Interval)
	defer timer.Stop()
	if !c.Caps().Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		return c.Noop().Wait()
	}
	idle, err := c.Idle()
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-newMail:
	case <-timer.C:
	}
	if err := idle.Close(); err != nil {
		return err
	}
	if err := idle.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// drain stores and acknowledges every message after the checkpoint.
//
// The checkpoint only moves over a contiguous run of handled messages: a
// message left for later (its sender is over the rate limit) holds it,
// and the messages after it that were handled are recognised next time
// (moved away, or carrying the keyword).
func (p *Poller) drain(ctx context.Context, c *imapclient.Client, m *store.Mailbox) error {
	var set imap.UIDSet
	set.AddRange(imap.UID(m.LastUID+1), 0) // last+1:*
	list, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, RFC822Size: true}).Collect()
	if err != nil {
		return err
	}
	slices.SortFunc(list, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	held := false
	advance := func(uid imap.UID) error {
		if held {
			return nil
		}
		return p.checkpoint(ctx, m, m.UIDValidity, uint32(uid))
	}
	keyword := imap.Flag(m.Keyword)
	for _, msg := range list {
		if uint32(msg.UID) <= m.LastUID { // "n:*" also names the last message when it is below n
			continue
		}
		if m.After == "flag" && slices.Contains(msg.Flags, keyword) {
			if err := advance(msg.UID); err != nil {
				return err
			}
			continue
		}
		if msg.RFC822Size > MaxMessageBytes {
			p.log.Warn("imap: message too large, left in the mailbox", "mailbox", desk.MailboxLabel(*m), "uid", msg.UID, "size", msg.RFC822Size)
			if err := advance(msg.UID); err != nil {
				return err
			}
			continue
		}
		raw, err := p.fetchBody(c, msg.UID)
		if err != nil {
			return err
		}
		err = p.intake.Deliver(ctx, "", []Target{{WorkspaceID: m.WorkspaceID, Recipient: m.Address}}, raw)
		switch {
		case errors.Is(err, ErrRateLimited):
			held = true // offered again on a later poll
			continue
		case errors.Is(err, ErrUnreadable), errors.Is(err, ErrBadSender):
			// Never storable: left in the mailbox for a person to see,
			// and not offered again.
			p.log.Warn("imap: message left in the mailbox", "mailbox", desk.MailboxLabel(*m), "uid", msg.UID, "err", err)
			if err := advance(msg.UID); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		if err := p.acknowledge(c, *m, msg.UID); err != nil {
			return err
		}
		if err := advance(msg.UID); err != nil {
			return err
		}
	}
	return nil
}

func (p *Poller) fetchBody(c *imapclient.Client, uid imap.UID) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true} // PEEK: \Seen waits for the acknowledgement
	bufs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, err
	}
	if len(bufs) == 0 {
		return nil, fmt.Errorf("imap: message %d vanished", uid)
	}
	return bufs[0].FindBodySection(section), nil
}

// acknowledge marks a stored message processed on the server.
func (p *Poller) acknowledge(c *imapclient.Client, m store.Mailbox, uid imap.UID) error {
	if p.beforeAck != nil {
		if err := p.beforeAck(uid); err != nil {
			return err
		}
	}
	if m.After == "move" {
		_, err := c.Move(imap.UIDSetNum(uid), m.MoveTo).Wait()
		return err
	}
	return c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
		Flags: []imap.Flag{imap.FlagSeen, imap.Flag(m.Keyword)}}, nil).Close()
}

// checkpoint saves the mailbox's progress under its lease.
func (p *Poller) checkpoint(ctx context.Context, m *store.Mailbox, validity, last uint32) error {
	ok, err := p.desk.SaveMailboxCheckpoint(context.WithoutCancel(ctx), *m, validity, last)
	if err != nil {
		return err
	}
	if !ok {
		return errLeaseLost
	}
	m.UIDValidity, m.LastUID = validity, last
	return nil
}
