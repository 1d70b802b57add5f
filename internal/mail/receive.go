package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// Receiver is the built-in SMTP server an MTA delivers the workspaces'
// mail to. It refuses unknown recipients at RCPT, and answers 250 after
// DATA only once every workspace the message is for has stored it; any
// failure before that is a temporary error, so the sending MTA retries and
// nothing is lost (a repeated delivery is recognised by its Message-ID).
type Receiver struct {
	desk   *desk.Service
	intake *Intake
	log    *slog.Logger
	server *smtp.Server
	// Timeout bounds the storing of one message.
	Timeout time.Duration
}

// NewReceiver returns a receiver for the desk's inbound addresses; domain
// is the name it greets with.
func NewReceiver(d *desk.Service, domain string, log *slog.Logger) *Receiver {
	if log == nil {
		log = slog.Default()
	}
	r := &Receiver{desk: d, intake: NewIntake(d, log), log: log, Timeout: time.Minute}
	s := smtp.NewServer(r)
	s.Domain = domain
	s.MaxMessageBytes = MaxMessageBytes
	s.MaxRecipients = 50
	s.ReadTimeout = 2 * time.Minute
	s.WriteTimeout = 2 * time.Minute
	s.EnableSMTPUTF8 = true
	r.server = s
	return r
}

// Serve accepts SMTP connections on l until Shutdown.
func (r *Receiver) Serve(l net.Listener) error {
	err := r.server.Serve(l)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for the sessions in progress.
func (r *Receiver) Shutdown(ctx context.Context) error { return r.server.Shutdown(ctx) }

// NewSession implements smtp.Backend.
func (r *Receiver) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{r: r, remote: c.Conn().RemoteAddr().String()}, nil
}

type session struct {
	r          *Receiver
	remote     string
	from       string
	workspaces []int64
	rcpts      []string
}

var (
	errUnknownRecipient = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	errTryLater         = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, please try again later"}
	errNotMail          = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "This is not a readable email message"}
	errBadSender        = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 7}, Message: "The sender address is not valid"}
	// 450 4.7.1: the sender's messages are accepted again once its
	// window has passed; the sending MTA keeps this one and retries.
	errSlowDown = &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Too many messages from this sender, please try again later"}
)

func (s *session) Reset() { s.from, s.workspaces, s.rcpts = "", nil, nil }

func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = strings.ToLower(from)
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := s.r.desk.InboundWorkspace(ctx, to)
	if problem.Is(err, problem.NotFound) {
		return errUnknownRecipient
	}
	if err != nil {
		s.r.log.Error("smtp: recipient lookup", "rcpt", to, "err", err)
		return errTryLater
	}
	if !slices.Contains(s.workspaces, ws) {
		s.workspaces = append(s.workspaces, ws)
		s.rcpts = append(s.rcpts, strings.ToLower(to))
	}
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // too large, or the connection broke: go-smtp answers
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.r.Timeout)
	defer cancel()
	return s.r.deliver(ctx, s.from, s.workspaces, s.rcpts, raw)
}

// deliver stores one message through the intake and answers as SMTP
// must: 250 (nil) only once it is stored, a temporary 4xx for anything a
// later attempt can fix, a 5xx for what it never can.
func (r *Receiver) deliver(ctx context.Context, envelopeFrom string, workspaces []int64, rcpts []string, raw []byte) error {
	targets := make([]Target, len(workspaces))
	for i, ws := range workspaces {
		targets[i] = Target{WorkspaceID: ws, Recipient: rcpts[i]}
	}
	err := r.intake.Deliver(ctx, envelopeFrom, targets, raw)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrUnreadable):
		return errNotMail
	case errors.Is(err, ErrBadSender):
		return errBadSender
	case errors.Is(err, ErrRateLimited):
		return errSlowDown
	default:
		return errTryLater
	}
}

// Target is one workspace a message is for, and the address it was sent
// to there (the inbound-address value routing rules test).
type Target struct {
	WorkspaceID int64
	Recipient   string
}

// Errors of Intake.Deliver. Anything else is temporary: the source keeps
// the message and offers it again.
var (
	// ErrUnreadable: not an email message; offering it again cannot help.
	ErrUnreadable = errors.New("this is not a readable email message")
	// ErrBadSender: its sender cannot be a customer; never storable.
	ErrBadSender = desk.ErrBadSender
	// ErrRateLimited: its sender sent too much lately; offer it later.
	ErrRateLimited = desk.ErrRateLimited
)

// Intake is the one path every inbound message takes, whatever brought it
// (the SMTP receiver, the IMAP poller): parse, classify, thread, store.
// Deliver returns nil only once every workspace the message is for has it
// committed, so a source acknowledges the message only then.
type Intake struct {
	desk *desk.Service
	log  *slog.Logger
}

// NewIntake returns the intake of a desk.
func NewIntake(d *desk.Service, log *slog.Logger) *Intake {
	if log == nil {
		log = slog.Default()
	}
	return &Intake{desk: d, log: log}
}

// Deliver parses, classifies and stores one message for each target.
// Automatic mail (auto-replies, bounces) is stored nowhere and returns nil:
// it is handled, and must not be offered again.
func (in *Intake) Deliver(ctx context.Context, envelopeFrom string, targets []Target, raw []byte) error {
	m, err := Parse(raw)
	if err != nil {
		in.log.Info("mail: refused unreadable message", "from", envelopeFrom, "err", err)
		return fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if m.MessageID == "" {
		// Without a Message-ID a redelivery cannot be recognised by it:
		// name the message by its content instead.
		sum := sha256.Sum256(raw)
		m.MessageID = "sha256-" + hex.EncodeToString(sum[:16]) + "@palier.no-message-id"
	}
	if m.From.Email == "" {
		m.From.Email = envelopeFrom
	}
	v := Classify(m)
	if v.Kind != Person {
		in.log.Info("mail: automatic message stored nowhere", "kind", v.Kind, "reason", v.Reason, "from", m.From.Email, "message_id", m.MessageID)
		if v.Kind == Bounce && m.Report != nil && m.Report.OriginalMessageID != "" {
			in.markBounced(ctx, targets, m.Report)
		}
		return nil
	}
	keys := Thread(m)
	for _, t := range targets {
		e := desk.InboundEmail{Recipient: t.Recipient, MessageID: m.MessageID, FromEmail: m.From.Email, FromName: m.From.Name,
			Subject: m.Subject, Text: m.Text, ThreadIDs: keys.MessageIDs, TicketNumber: keys.TicketNumber,
			Cc: addressesOf(m.Cc), Files: inboundFiles(m.Attachments)}
		res, err := in.desk.ReceiveEmail(ctx, t.WorkspaceID, e)
		if err != nil {
			if errors.Is(err, desk.ErrBadSender) || errors.Is(err, desk.ErrRateLimited) {
				in.log.Info("mail: refused message", "from", m.From.Email, "message_id", m.MessageID, "err", err)
				return err
			}
			in.log.Error("mail: store message", "from", m.From.Email, "message_id", m.MessageID, "err", err)
			return err
		}
		in.log.Info("mail: received", "workspace", t.WorkspaceID, "ticket", res.Reference, "new", res.NewTicket, "duplicate", res.Duplicate,
			"message_id", m.MessageID)
	}
	return nil
}

// markBounced shows on the timeline that one of the desk's messages could
// not be delivered.
func (in *Intake) markBounced(ctx context.Context, targets []Target, rep *Report) {
	answer := strings.TrimSpace(fmt.Sprintf("%s %s", rep.Status, rep.Diagnostic))
	for _, t := range targets {
		if err := in.desk.MailBounced(ctx, t.WorkspaceID, rep.OriginalMessageID, answer); err != nil {
			in.log.Error("mail: record bounce", "message_id", rep.OriginalMessageID, "err", err)
		}
	}
}

func addressesOf(list []Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Email)
	}
	return out
}

// inboundFiles hands a message's attachments (inline images included) to
// the desk.
func inboundFiles(list []Attachment) []desk.InboundFile {
	out := make([]desk.InboundFile, len(list))
	for i, a := range list {
		out[i] = desk.InboundFile{Filename: a.Filename, DeclaredType: a.DeclaredType, Inline: a.Inline, Data: a.Data}
	}
	return out
}
