package desk

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Outgoing mail settings: a workspace's own SMTP relay (it wins over the
// server's PALIER_SMTP_RELAY, which stays the fallback), the test message
// its admins send through it, and each agent's signature. The relay's
// password is sealed with the server key like mailbox passwords and is
// never shown back.

// relayPurpose binds sealed relay passwords to their use.
const relayPurpose = "palier smtp password"

// RelayTLSModes are a workspace relay's TLS modes: implicit TLS, STARTTLS
// required (a relay that does not offer it is refused), or none, allowed
// for a relay on the loopback interface only.
var RelayTLSModes = []string{"tls", "starttls", "none"}

// RelayConfig is a relay ready to log in to (the password opened).
type RelayConfig struct {
	Host     string
	Port     int
	TLS      string
	Username string
	Password string
	From     string
	FromName string
}

// RelaySender sends a test message through a relay (package mail's SMTP
// client, given by the server at start).
type RelaySender func(ctx context.Context, r RelayConfig, to, lang string) error

// EnableRelayTests lets admins send a test message with send.
func (d *Service) EnableRelayTests(send RelaySender) { d.relayTest = send }

// SMTPRelayInput is a relay as the admin types it.
type SMTPRelayInput struct {
	Host     string
	Port     int
	TLS      string
	Username string
	// Password: empty keeps the stored one (or none, without AUTH).
	Password    string
	FromAddress string
	FromName    string
}

// SMTPRelaySettings is a relay as shown to admins: never the password.
type SMTPRelaySettings struct {
	SMTPRelayInput
	HasPassword bool
}

// checkHost checks the host name (or address) of a mail server the
// workspace gives: a mailbox's IMAP server or its SMTP relay.
func checkHost(f problem.Fields, host string) {
	switch {
	case host == "":
		f.Required("host")
	case len(host) > 253 || strings.ContainsAny(host, " /:@\r\n") && net.ParseIP(host) == nil:
		f.Add("host", "bad_host", "is not a host name")
	}
}

func (in SMTPRelayInput) validate() (store.SMTPRelay, error) {
	f := problem.Fields{}
	r := store.SMTPRelay{Host: strings.TrimSpace(in.Host), Port: in.Port, TLS: in.TLS, Username: strings.TrimSpace(in.Username),
		FromAddress: strings.ToLower(strings.TrimSpace(in.FromAddress)), FromName: strings.TrimSpace(in.FromName)}
	checkHost(f, r.Host)
	if r.TLS == "" {
		r.TLS = "starttls"
	}
	if !slices.Contains(RelayTLSModes, r.TLS) {
		f.Add("tls", "unknown_value", "must be tls, starttls or none")
	} else if r.TLS == "none" && r.Host != "" && !loopback(r.Host) {
		// A password and customers' mail in clear text only where they
		// never leave the machine.
		f.Add("tls", "tls_required", "only a relay on this machine (localhost) may be used without TLS")
	}
	if r.Port == 0 {
		r.Port = map[string]int{"tls": 465, "starttls": 587, "none": 25}[r.TLS]
	}
	if r.Port < 1 || r.Port > 65535 {
		f.Add("port", "out_of_range", "must be between 1 and 65535", "min", "1", "max", "65535")
	}
	if r.FromAddress == "" {
		f.Required("from_address")
	} else if err := (customer.Customer{Name: "x", Email: r.FromAddress}).Validate(); err != nil {
		f.Add("from_address", "bad_email", "is not an email address")
	}
	for name, v := range map[string]string{"username": r.Username, "password": in.Password, "from_name": r.FromName} {
		if strings.ContainsAny(v, "\r\n\x00") {
			f.Add(name, "multiline", "must fit on one line")
		} else if len(v) > 500 {
			f.Add(name, "too_long", "is too long", "max", "500")
		}
	}
	if in.Password != "" && r.Username == "" {
		f.Required("username")
	}
	return r, f.Err()
}

// loopback tells a host name or address that stays on this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var errSecretsOff = problem.New(problem.Conflict, "secrets_disabled", "the server has no secret key to protect passwords")

func (d *Service) requireRelaySettings(a auth.Actor) error { return d.requireSealing(a, errSecretsOff) }

// RelaySettingsEnabled tells the admin page whether a relay can be set
// up (the server has a key to seal its password).
func (d *Service) RelaySettingsEnabled() bool { return d.inbound.box != nil }

// SMTPRelay returns the workspace's relay settings; ok is false when it
// has none (mail goes through the server's relay, if any).
func (d *Service) SMTPRelay(ctx context.Context, a auth.Actor) (s SMTPRelaySettings, ok bool, err error) {
	if err := requireAdmin(a); err != nil {
		return s, false, err
	}
	r, ok, err := d.store.SMTPRelay(ctx, a.WorkspaceID)
	if err != nil || !ok {
		return s, ok, err
	}
	return SMTPRelaySettings{SMTPRelayInput: SMTPRelayInput{Host: r.Host, Port: r.Port, TLS: r.TLS, Username: r.Username,
		FromAddress: r.FromAddress, FromName: r.FromName}, HasPassword: r.PasswordSealed != ""}, true, nil
}

// SaveSMTPRelay sets the workspace's relay; an empty password keeps the
// stored one.
func (d *Service) SaveSMTPRelay(ctx context.Context, a auth.Actor, in SMTPRelayInput) error {
	if err := d.requireRelaySettings(a); err != nil {
		return err
	}
	r, err := in.validate()
	if err != nil {
		return err
	}
	if in.Password != "" {
		r.PasswordSealed = d.inbound.box.Seal(in.Password, relayPurpose)
	}
	return d.store.SaveSMTPRelay(ctx, a.WorkspaceID, a.AgentID, r, in.Password == "")
}

// DeleteSMTPRelay removes the workspace's relay.
func (d *Service) DeleteSMTPRelay(ctx context.Context, a auth.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.DeleteSMTPRelay(ctx, a.WorkspaceID, a.AgentID)
}

// WorkspaceRelay returns the relay mail of a workspace goes through, its
// password opened; ok is false when the workspace has none.
func (d *Service) WorkspaceRelay(ctx context.Context, wsID int64) (RelayConfig, bool, error) {
	r, ok, err := d.store.SMTPRelay(ctx, wsID)
	if err != nil || !ok {
		return RelayConfig{}, false, err
	}
	c := RelayConfig{Host: r.Host, Port: r.Port, TLS: r.TLS, Username: r.Username, From: r.FromAddress, FromName: r.FromName}
	if r.PasswordSealed != "" {
		if d.inbound.box == nil {
			return c, false, errors.New("smtp relay: the server has no key to open its password")
		}
		if c.Password, err = d.inbound.box.Open(r.PasswordSealed, relayPurpose); err != nil {
			return c, false, err
		}
	}
	return c, true, nil
}

// errNoRelay: the test needs saved settings.
var errNoRelay = problem.New(problem.Conflict, "smtp_relay_missing", "save the relay's settings before testing them")

// TestSMTPRelay sends a test message through the workspace's saved relay
// to the address the admin typed, audited. err is for a refused request;
// a failed send is sent false with the server's answer.
func (d *Service) TestSMTPRelay(ctx context.Context, a auth.Actor, to, lang string) (sent bool, answer string, err error) {
	if err := d.requireRelaySettings(a); err != nil {
		return false, "", err
	}
	to = strings.TrimSpace(to)
	f := problem.Fields{}
	if to == "" {
		f.Required("to")
	} else if err := (customer.Customer{Name: "x", Email: to}).Validate(); err != nil {
		f.Add("to", "bad_email", "is not an email address")
	}
	if err := f.Err(); err != nil {
		return false, "", err
	}
	if d.relayTest == nil {
		return false, "", problem.New(problem.Conflict, "mail_disabled", "this server does not send mail")
	}
	c, ok, err := d.WorkspaceRelay(ctx, a.WorkspaceID)
	if err != nil {
		return false, "", err
	}
	if !ok {
		return false, "", errNoRelay
	}
	sendErr := d.relayTest(ctx, c, to, lang)
	if sendErr != nil {
		answer = sendErr.Error()
	}
	if err := d.store.AuditSMTPTest(ctx, a.WorkspaceID, a.AgentID, to, answer); err != nil {
		return false, answer, err
	}
	return sendErr == nil, answer, nil
}

// MaxSignature is the longest signature, in characters.
const MaxSignature = 1000

// OwnSignature returns the signed-in agent's signature.
func (d *Service) OwnSignature(ctx context.Context, a auth.Actor) (string, error) {
	if a.AgentID == 0 {
		return "", errForbidden
	}
	return d.store.Signature(ctx, a.AgentID)
}

// SetOwnSignature sets the signed-in agent's signature, appended to their
// public replies' emails ("" for none).
func (d *Service) SetOwnSignature(ctx context.Context, a auth.Actor, sig string) error {
	if a.AgentID == 0 {
		return errForbidden
	}
	sig = strings.TrimSpace(strings.ReplaceAll(sig, "\r\n", "\n"))
	f := problem.Fields{}
	switch {
	case !utf8.ValidString(sig) || strings.ContainsAny(sig, "\x00\r"):
		f.Add("signature", "bad_text", "contains characters that cannot be sent")
	case utf8.RuneCountInString(sig) > MaxSignature:
		f.Add("signature", "too_long", "is too long", "max", "1000")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return d.store.SetSignature(ctx, a.AgentID, sig)
}

// replyExtras adds to a reply's email its author's signature, the
// ticket's copied addresses and whether files go with it.
func (d *Service) replyExtras(ctx context.Context, tx *store.Tx, wsID int64, t ticket.Ticket, e ticket.Event, job *EmailJob) error {
	x, err := d.store.ReplyExtras(ctx, tx, wsID, t.ID, e.ActorAgentID)
	if err != nil {
		return err
	}
	job.Signature, job.Cc, job.Attachments = x.Signature, x.Cc, true
	return nil
}

// mailGoesOut tells whether a workspace's mail has a relay: the server's,
// or the workspace's own. Without one nothing is queued, so no pile of
// unsent mail surprises anyone later.
func (d *Service) mailGoesOut(ctx context.Context, tx *store.Tx, wsID int64) (bool, error) {
	if d.outbound == nil || !d.outbound.WorkspaceRelayOnly {
		return true, nil
	}
	return d.store.HasSMTPRelay(ctx, tx, wsID)
}

// OutgoingFile is one file an email carries.
type OutgoingFile struct {
	attachment.Attachment
	Open func() (io.ReadSeekCloser, error)
}

// OutgoingFiles lists the files of a reply for its email (the outbox:
// the reply was already checked when it was written).
func (d *Service) OutgoingFiles(ctx context.Context, wsID, eventID int64) ([]OutgoingFile, error) {
	list, err := d.store.EventAttachments(ctx, wsID, eventID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	if d.files == nil {
		return nil, errAttachmentsOff
	}
	out := make([]OutgoingFile, 0, len(list))
	for _, a := range list {
		sha := a.SHA256
		out = append(out, OutgoingFile{Attachment: a, Open: func() (io.ReadSeekCloser, error) { return d.files.blobs.Open(ctx, sha) }})
	}
	return out, nil
}
