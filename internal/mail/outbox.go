package mail

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/store"
)

// Relay is the SMTP server outgoing mail is handed to.
type Relay struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS: "starttls" (the default: upgrade when offered, as relays on
	// port 587 and 25 do), "tls" (implicit TLS, smtps:// on 465) or
	// "none" (a local relay on a trusted network, and tests).
	TLS string
	// RequireTLS refuses a "starttls" relay that does not offer it (a
	// workspace's relay; the server's only tries).
	RequireTLS bool
}

// ParseRelay reads smtp://user:pass@host:port, smtps://… for implicit TLS,
// and ?tls=none to refuse encryption (a relay on localhost).
func ParseRelay(s string) (Relay, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return Relay{}, fmt.Errorf("SMTP relay %q: use smtp://user:password@host:port", redactURL(s))
	}
	r := Relay{Host: u.Hostname(), TLS: "starttls", Port: 587}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		r.TLS, r.Port = "tls", 465
	default:
		return Relay{}, fmt.Errorf("SMTP relay %q: the scheme must be smtp or smtps", redactURL(s))
	}
	if p := u.Port(); p != "" {
		if r.Port, err = strconv.Atoi(p); err != nil || r.Port <= 0 || r.Port > 65535 {
			return Relay{}, fmt.Errorf("SMTP relay %q: bad port", redactURL(s))
		}
	}
	if u.User != nil {
		r.Username = u.User.Username()
		r.Password, _ = u.User.Password()
	}
	if t := u.Query().Get("tls"); t != "" {
		if t != "none" && t != "starttls" && t != "tls" {
			return Relay{}, fmt.Errorf("SMTP relay %q: tls must be starttls, tls or none", redactURL(s))
		}
		r.TLS = t
	}
	return r, nil
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}

// Outbox sends agents' replies: it is the handler of desk.EmailSendJob.
type Outbox struct {
	desk  *desk.Service
	relay Relay
	log   *slog.Logger
	// Timeout bounds one delivery to the relay.
	Timeout time.Duration
}

// NewOutbox returns the sender of email.send jobs through relay.
func NewOutbox(d *desk.Service, relay Relay, log *slog.Logger) *Outbox {
	if log == nil {
		log = slog.Default()
	}
	return &Outbox{desk: d, relay: relay, log: log, Timeout: time.Minute}
}

// Register makes a job runner send email.send jobs with this outbox.
func (o *Outbox) Register(r *jobs.Runner) {
	r.Handle(desk.EmailSendJob, o.Send)
	r.Handle(desk.SignInLinkJob, o.SendSignInLink) // portal_link.go
}

// Send delivers one reply. It is idempotent: a message already sent is not
// sent again, and a retried send carries the Message-ID fixed when the
// reply was written (a crash between the relay's answer and recording it
// can still send twice; mail clients fold such twins by Message-ID).
func (o *Outbox) Send(ctx context.Context, j jobs.Job) error {
	var job desk.EmailJob
	if err := j.Decode(&job); err != nil {
		return err
	}
	state, _, err := o.desk.MailState(ctx, job.WorkspaceID, job.MessageID)
	if err != nil {
		return err
	}
	if state == store.MailSent {
		return nil
	}
	relay, from, fromName, err := o.relayOf(ctx, job.WorkspaceID)
	if err != nil {
		return err
	}
	if from != "" {
		job.From = from
		if fromName != "" {
			job.FromName = fromName
		}
	}
	msg, err := BuildReply(job)
	var closeFiles func()
	if err == nil {
		closeFiles, err = o.addExtras(ctx, job, msg)
	}
	if err != nil {
		_ = o.desk.SetMailState(ctx, job.WorkspaceID, job.MessageID, store.MailFailed, err.Error())
		return jobs.Permanent(err)
	}
	sendErr := o.deliverVia(ctx, relay, msg)
	closeFiles()
	if sendErr == nil {
		return o.desk.SetMailState(ctx, job.WorkspaceID, job.MessageID, store.MailSent, "")
	}
	var se *gomail.SendError
	final := j.Attempt >= j.MaxAttempts || (errors.As(sendErr, &se) && !se.IsTemp())
	next := store.MailQueued // still queued: the job retries
	if final {
		next = store.MailFailed
		sendErr = jobs.Permanent(sendErr)
	}
	if err := o.desk.SetMailState(ctx, job.WorkspaceID, job.MessageID, next, sendErr.Error()); err != nil {
		o.log.Error("outbox: record send state", "message_id", job.MessageID, "err", err)
	}
	return sendErr
}

// deliver sends msg through the workspace's relay, else the server's.
func (o *Outbox) deliver(ctx context.Context, wsID int64, msg *gomail.Msg) error {
	relay, from, fromName, err := o.relayOf(ctx, wsID)
	if err != nil {
		return err
	}
	if from != "" {
		if err := msg.FromFormat(fromName, from); err != nil {
			return err
		}
	}
	return o.deliverVia(ctx, relay, msg)
}

// testTimeout bounds an admin's test message: they are waiting for it.
const testTimeout = 30 * time.Second

func (o *Outbox) deliverVia(ctx context.Context, relay Relay, msg *gomail.Msg) error {
	opts := []gomail.Option{gomail.WithPort(relay.Port), gomail.WithTimeout(o.Timeout)}
	switch {
	case relay.TLS == "tls":
		opts = append(opts, gomail.WithSSL())
	case relay.TLS == "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case relay.RequireTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	switch {
	case relay.Username != "" && relay.TLS == "none":
		// Without TLS go-mail's discovery never sends a password in the
		// clear; a relay reached without TLS is on this machine (a
		// workspace's must be on the loopback), so PLAIN and LOGIN may.
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
			gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc),
			gomail.WithUsername(relay.Username), gomail.WithPassword(relay.Password))
	case relay.Username != "":
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(relay.Username), gomail.WithPassword(relay.Password))
	}
	c, err := gomail.NewClient(relay.Host, opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	return c.DialAndSendWithContext(ctx, msg)
}

// BuildReply writes the email of an agent's reply: Message-ID fixed at
// enqueue, In-Reply-To and References to the thread so the customer's
// client files it with the conversation, "Re: [#1042] subject" so any
// reply finds the ticket even without them, a text part and an HTML part,
// in the customer's language.
func BuildReply(job desk.EmailJob) (*gomail.Msg, error) {
	lang := job.Language
	if lang == "" {
		lang = "fr"
	}
	m := gomail.NewMsg()
	if err := m.FromFormat(job.FromName, job.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", job.From, err)
	}
	if err := m.AddToFormat(job.ToName, job.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", job.To, err)
	}
	if job.Subject != "" {
		m.Subject(job.Subject)
	} else {
		m.Subject(ReplySubject(job.TicketNumber, job.TicketSubject))
	}
	m.SetMessageIDWithValue(job.MessageID)
	if job.InReplyTo != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+job.InReplyTo+">")
	}
	if len(job.References) > 0 {
		refs := make([]string, len(job.References))
		for i, r := range job.References {
			refs[i] = "<" + r + ">"
		}
		m.SetGenHeaderPreformatted(gomail.HeaderReferences, strings.Join(refs, "\r\n "))
	}
	m.SetGenHeader(gomail.HeaderContentLang, lang)
	// RFC 3834: an automatic answer to this message is pointless.
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "no")
	m.SetDate()
	footer := job.Footer
	if footer == "" {
		footer = i18n.T(lang, "mail.reply.footer", "ref", "[#"+strconv.FormatInt(job.TicketNumber, 10)+"]")
	}
	body := withSignature(job.Body, job.Signature)
	m.SetBodyString(gomail.TypeTextPlain, body+"\n\n-- \n"+footer+"\n")
	m.AddAlternativeString(gomail.TypeTextHTML, replyHTML(body, footer, lang))
	return m, nil
}

// replyHTML renders the agent's plain text as HTML paragraphs.
func replyHTML(body, footer, lang string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="` + html.EscapeString(lang) + `"><head><meta charset="utf-8"></head><body>`)
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>")
	}
	b.WriteString(`<p style="color:#666;font-size:smaller">` + html.EscapeString(footer) + `</p></body></html>`)
	return b.String()
}
