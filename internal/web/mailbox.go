package web

import (
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
)

// The admin page of the IMAP mailboxes a workspace polls: the list with
// each mailbox's last poll (an error such as a wrong password shows here),
// a form to add one, and the same form to change or delete one. The
// password is never shown back; left empty on a change, it is kept.

type mailboxesPage struct {
	base
	Enabled   bool // the server has a key to seal passwords with
	Mailboxes []store.Mailbox
	// Form is the mailbox being added (EditID 0) or changed.
	Form     desk.MailboxInput
	EditID   int64
	Errors   formErrors
	Message  string
	Done     string
	TLSModes []option
	Actions  []option
}

// retryEmail is the retry button of a reply whose email failed: the email
// is queued again and the agent comes back to the reply.
func (s *server) retryEmail(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	mid, err := pathID(r, "mid")
	if err != nil {
		return err
	}
	if _, _, err := s.d.RetryEmail(r.Context(), rq.actor, id, mid); err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10)+"#event-"+strconv.FormatInt(mid, 10), http.StatusSeeOther)
	return nil
}

func (s *server) newMailboxesPage(r *http.Request, rq *request) (mailboxesPage, error) {
	p := mailboxesPage{base: s.base(r, rq, rq.loc.T("admin.mailboxes"), "admin"), Enabled: s.d.MailboxesEnabled(),
		Form: desk.MailboxInput{TLS: "tls", Port: 993, Folder: "INBOX", After: "move", MoveTo: "Processed", Enabled: true}}
	for _, m := range desk.MailboxTLSModes {
		p.TLSModes = append(p.TLSModes, option{m, rq.loc.T("mailbox.tls." + m)})
	}
	for _, a := range desk.MailboxActions {
		p.Actions = append(p.Actions, option{a, rq.loc.T("mailbox.after." + a)})
	}
	p.Done = doneKey(r, "mailbox")
	list, err := s.d.Mailboxes(r.Context(), rq.actor)
	p.Mailboxes = list
	return p, err
}

// fillMailbox puts a mailbox in the form to change it (its password is
// never shown back).
func fillMailbox(p *mailboxesPage, id int64, m store.Mailbox) error {
	p.EditID = id
	p.Form = desk.MailboxInput{Address: m.Address, Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username, Folder: m.Folder,
		After: m.After, MoveTo: m.MoveTo, Keyword: m.Keyword, Enabled: m.Enabled}
	return nil
}

// saveMailbox adds a mailbox (POST /admin/mailboxes) or changes one.
func (s *server) saveMailbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, f, err := postedForm(r)
	if err != nil {
		return err
	}
	in := desk.MailboxInput{Address: f.Get("address"), Host: f.Get("host"), TLS: f.Get("tls"), Username: f.Get("username"),
		Password: f.Get("password"), Folder: f.Get("folder"), After: f.Get("after"), MoveTo: f.Get("move_to"), Keyword: f.Get("keyword"),
		Enabled: f.Get("enabled") == "1"}
	in.Port, err = optionalNumber(f, "port")
	if err == nil {
		if id == 0 {
			_, err = s.d.CreateMailbox(r.Context(), rq.actor, in)
		} else {
			err = s.d.UpdateMailbox(r.Context(), rq.actor, id, in)
		}
	}
	in.Password = "" // never sent back
	return afterSettingsSave(s, w, r, rq, err, "/admin/mailboxes?done=saved", "admin_mailboxes",
		func() (mailboxesPage, error) { return s.newMailboxesPage(r, rq) },
		func(p *mailboxesPage, fe formErrors, message string) {
			p.Form, p.EditID, p.Errors, p.Message = in, id, fe, message
		})
}
