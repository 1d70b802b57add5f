package mail

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"

	gomail "github.com/wneessen/go-mail"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/jobs"
)

// SendSignInLink emails a customer the link that signs them in to the
// help centre. The link's secret is made now (desk.SignInLinkMail), so the
// queue never holds a usable one; a retry makes a new one and only the
// last email sent works. A link used or expired meanwhile is not sent.
func (o *Outbox) SendSignInLink(ctx context.Context, j jobs.Job) error {
	var job desk.SignInJob
	if err := j.Decode(&job); err != nil {
		return err
	}
	m, ok, err := o.desk.SignInLinkMail(ctx, job)
	if err != nil || !ok {
		return err
	}
	msg, err := BuildSignInLink(m)
	if err != nil {
		return jobs.Permanent(err)
	}
	err = o.deliver(ctx, job.WorkspaceID, msg)
	var se *gomail.SendError
	if err != nil && (j.Attempt >= j.MaxAttempts || (errors.As(err, &se) && !se.IsTemp())) {
		return jobs.Permanent(err)
	}
	return err
}

// BuildSignInLink writes the sign-in email in the customer's language.
func BuildSignInLink(s desk.SignInMail) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.FromFormat(s.FromName, s.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", s.From, err)
	}
	if err := m.AddToFormat(s.ToName, s.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", s.To, err)
	}
	minutes := strconv.Itoa(int(s.ValidFor.Minutes()))
	m.Subject(i18n.T(s.Language, "portal.mail.subject"))
	m.SetGenHeader(gomail.HeaderContentLang, s.Language)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetDate()
	intro := i18n.T(s.Language, "portal.mail.intro", "minutes", minutes)
	ignore := i18n.T(s.Language, "portal.mail.ignore")
	m.SetBodyString(gomail.TypeTextPlain, intro+"\n\n"+s.Link+"\n\n"+ignore+"\n")
	m.AddAlternativeString(gomail.TypeTextHTML, `<!DOCTYPE html><html lang="`+html.EscapeString(s.Language)+`"><head><meta charset="utf-8"></head><body>`+
		`<p>`+html.EscapeString(intro)+`</p><p><a href="`+html.EscapeString(s.Link)+`">`+html.EscapeString(s.Link)+`</a></p>`+
		`<p style="color:#666;font-size:smaller">`+html.EscapeString(ignore)+`</p></body></html>`)
	return m, nil
}
