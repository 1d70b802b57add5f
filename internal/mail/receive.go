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
	r := &Receiver{desk: d, log: log, Timeout: time.Minute}
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

// deliver parses, classifies and stores one message for each workspace it
// was addressed to. A nil error means everything is committed.
func (r *Receiver) deliver(ctx context.Context, envelopeFrom string, workspaces []int64, rcpts []string, raw []byte) error {
	m, err := Parse(raw)
	if err != nil {
		r.log.Info("smtp: refused unreadable message", "from", envelopeFrom, "err", err)
		return errNotMail
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
		r.log.Info("smtp: automatic message stored nowhere", "kind", v.Kind, "reason", v.Reason, "from", m.From.Email, "message_id", m.MessageID)
		if v.Kind == Bounce && m.Report != nil && m.Report.OriginalMessageID != "" {
			r.markBounced(ctx, workspaces, m.Report)
		}
		return nil
	}
	keys := Thread(m)
	for i, ws := range workspaces {
		in := desk.InboundEmail{Recipient: rcpts[i], MessageID: m.MessageID, FromEmail: m.From.Email, FromName: m.From.Name,
			Subject: m.Subject, Text: m.Text, ThreadIDs: keys.MessageIDs, TicketNumber: keys.TicketNumber,
			Files: inboundFiles(m.Attachments)}
		res, err := r.desk.ReceiveEmail(ctx, ws, in)
		if err != nil {
			if errors.Is(err, desk.ErrBadSender) {
				r.log.Info("smtp: refused message", "from", m.From.Email, "err", err)
				return errBadSender
			}
			r.log.Error("smtp: store message", "from", m.From.Email, "message_id", m.MessageID, "err", err)
			return errTryLater
		}
		r.log.Info("smtp: received", "workspace", ws, "ticket", res.Reference, "new", res.NewTicket, "duplicate", res.Duplicate,
			"message_id", m.MessageID)
	}
	return nil
}

// markBounced shows on the timeline that one of the desk's messages could
// not be delivered.
func (r *Receiver) markBounced(ctx context.Context, workspaces []int64, rep *Report) {
	answer := strings.TrimSpace(fmt.Sprintf("%s %s", rep.Status, rep.Diagnostic))
	for _, ws := range workspaces {
		if err := r.desk.MailBounced(ctx, ws, rep.OriginalMessageID, answer); err != nil {
			r.log.Error("smtp: record bounce", "message_id", rep.OriginalMessageID, "err", err)
		}
	}
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
