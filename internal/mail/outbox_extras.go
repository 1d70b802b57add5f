package mail

import (
	"context"
	"fmt"
	"html"
	"io"
	"mime"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
)

// What a reply's email carries beyond its text (the Cc of the ticket, the
// agent's signature, the reply's files), the relay of the workspace, and
// the test message its admins send.

// relayOf is the relay a workspace's mail goes through: its own when its
// admins set one, else the server's; from and name replace the sender
// when the workspace's relay names one.
func (o *Outbox) relayOf(ctx context.Context, wsID int64) (r Relay, from, name string, err error) {
	c, ok, err := o.desk.WorkspaceRelay(ctx, wsID)
	if err != nil || !ok {
		return o.relay, "", "", err
	}
	return RelayFromConfig(c), c.From, c.FromName, nil
}

// RelayFromConfig is a workspace relay as the SMTP client sees it: its
// STARTTLS is required, not merely tried.
func RelayFromConfig(c desk.RelayConfig) Relay {
	return Relay{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, TLS: c.TLS, RequireTLS: c.TLS == "starttls"}
}

// addExtras puts the ticket's Cc and the reply's files on msg; the files
// are read while the message is sent, and close must be called after.
func (o *Outbox) addExtras(ctx context.Context, job desk.EmailJob, m *gomail.Msg) (closeAll func(), err error) {
	var opened []io.Closer
	closeAll = func() {
		for _, c := range opened {
			_ = c.Close()
		}
	}
	if len(job.Cc) > 0 {
		if err := m.Cc(job.Cc...); err != nil {
			return closeAll, fmt.Errorf("cc: %w", err)
		}
	}
	if !job.Attachments {
		return closeAll, nil
	}
	files, err := o.desk.OutgoingFiles(ctx, job.WorkspaceID, job.EventID)
	if err != nil {
		return closeAll, err
	}
	for _, f := range files {
		r, err := f.Open()
		if err != nil {
			closeAll()
			return func() {}, fmt.Errorf("attachment %d: %w", f.ID, err)
		}
		opened = append(opened, r)
		m.AttachReadSeeker(f.Filename, r, fileHeaders(f.ContentType, f.Filename))
	}
	return closeAll, nil
}

// fileHeaders names a file with its sniffed type and its name encoded as
// RFC 2231 says when it is not plain ASCII (« Relevé d'août.pdf »), which
// mime.FormatMediaType does; go-mail would write an RFC 2047 word inside
// quotes, which RFC 2047 itself forbids in parameters.
func fileHeaders(contentType, name string) gomail.FileOption {
	return func(f *gomail.File) {
		mt, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			mt, params = "application/octet-stream", map[string]string{}
		}
		params["name"] = name
		ct := mime.FormatMediaType(mt, params)
		cd := mime.FormatMediaType("attachment", map[string]string{"filename": name})
		if ct == "" || cd == "" { // a name no encoding can carry: keep the type, drop the name
			ct, cd = mt, "attachment"
		}
		f.ContentType = gomail.ContentType(mt)
		f.Header.Set("Content-Type", ct)
		f.Header.Set("Content-Disposition", cd)
	}
}

// withSignature is the reply's text followed by the agent's signature.
func withSignature(body, sig string) string {
	if strings.TrimSpace(sig) == "" {
		return body
	}
	return strings.TrimRight(body, "\n") + "\n\n" + sig
}

// SendTest sends the test message of the admin page through relay r, and
// returns the server's refusal as it was given.
func SendTest(ctx context.Context, c desk.RelayConfig, to, lang string) error {
	m := gomail.NewMsg()
	if err := m.FromFormat(c.FromName, c.From); err != nil {
		return fmt.Errorf("from %q: %w", c.From, err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("to %q: %w", to, err)
	}
	m.Subject(i18n.T(lang, "mail.test.subject"))
	m.SetGenHeader(gomail.HeaderContentLang, lang)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetDate()
	text := i18n.T(lang, "mail.test.body", "host", c.Host)
	m.SetBodyString(gomail.TypeTextPlain, text+"\n")
	m.AddAlternativeString(gomail.TypeTextHTML, `<!DOCTYPE html><html lang="`+html.EscapeString(lang)+`"><head><meta charset="utf-8"></head><body><p>`+
		html.EscapeString(text)+`</p></body></html>`)
	o := &Outbox{Timeout: testTimeout}
	return o.deliverVia(ctx, RelayFromConfig(c), m)
}
