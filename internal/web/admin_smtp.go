package web

import (
	"net/http"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// The admin page of the workspace's own SMTP relay: its settings (the
// password never shown back; left empty it is kept), and a button that
// sends a test message through it to an address the admin types and
// shows the server's answer as it was given.

type smtpPage struct {
	base
	Enabled  bool // the server has a key to seal the password with
	Saved    bool // the workspace has a relay
	Form     desk.SMTPRelayInput
	HasPass  bool
	Errors   formErrors
	Message  string
	Done     string
	TLSModes []option
	// The test message: the address, and the outcome.
	TestTo     string
	TestErrors formErrors
	TestOK     string
	TestFailed string // the server's answer
}

func (s *server) newSMTPPage(r *http.Request, rq *request) (smtpPage, error) {
	p := smtpPage{base: s.base(r, rq, rq.loc.T("admin.smtp"), "admin"), Enabled: s.d.RelaySettingsEnabled(),
		Form: desk.SMTPRelayInput{TLS: "starttls", Port: 587}, TestTo: rq.dir.Member(rq.actor.AgentID).Email}
	for _, m := range desk.RelayTLSModes {
		p.TLSModes = append(p.TLSModes, option{m, rq.loc.T("smtp.tls." + m)})
	}
	p.Done = doneKey(r, "smtp")
	cur, ok, err := s.d.SMTPRelay(r.Context(), rq.actor)
	if ok {
		p.Saved, p.Form, p.HasPass = true, cur.SMTPRelayInput, cur.HasPassword
	}
	return p, err
}

func (s *server) saveSMTP(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	f := r.PostForm
	in := desk.SMTPRelayInput{Host: f.Get("host"), TLS: f.Get("tls"), Username: f.Get("username"), Password: f.Get("password"),
		FromAddress: f.Get("from_address"), FromName: f.Get("from_name")}
	var err error
	in.Port, err = optionalNumber(f, "port")
	if err == nil {
		err = s.d.SaveSMTPRelay(r.Context(), rq.actor, in)
	}
	in.Password = "" // never sent back
	return afterSettingsSave(s, w, r, rq, err, "/admin/smtp?done=saved", "admin_smtp",
		func() (smtpPage, error) { return s.newSMTPPage(r, rq) },
		func(p *smtpPage, fe formErrors, message string) { p.Form, p.Errors, p.Message = in, fe, message })
}

func (s *server) deleteSMTP(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.d.DeleteSMTPRelay(r.Context(), rq.actor); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/smtp?done=deleted", http.StatusSeeOther)
	return nil
}

// testSMTP sends the test message and shows the page with the outcome:
// 200 when the server accepted it, 502 with its answer when it refused.
func (s *server) testSMTP(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	to := r.PostForm.Get("to")
	sent, answer, err := s.d.TestSMTPRelay(r.Context(), rq.actor, to, rq.loc.Lang)
	p, lerr := s.newSMTPPage(r, rq)
	if lerr != nil {
		return lerr
	}
	p.TestTo = to
	status := http.StatusOK
	switch {
	case err != nil:
		fe, ok := rq.loc.fieldErrors(err)
		if !ok && !problem.Is(err, problem.Conflict) {
			return err
		}
		p.TestErrors, p.TestFailed, status = fe, "", http.StatusUnprocessableEntity
		if !ok {
			p.Message = rq.loc.Error(err)
		}
	case sent:
		p.TestOK = rq.loc.T("smtp.test_sent", "to", strings.TrimSpace(to))
	default:
		p.TestFailed, status = answer, http.StatusBadGateway
	}
	s.render(w, r, rq.loc, status, "admin_smtp", "", p)
	return nil
}
