package web

import (
	"net/http"
	"net/url"

	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// The contact form's last rung (issue 11): when the workspace offers it
// (/admin/contact), a visitor may leave a phone number and when to call
// instead of writing. desk.RequestPublicCallback opens the ticket on
// channel phone; it waits in the Callbacks queue (/chats) of the tier
// routing chose until an agent logs the call on it.

// callbackForm is what the visitor typed in the callback form, and why it
// was refused (its own errors: its fields share names with the contact
// form's).
type callbackForm struct {
	Name, Email, Number, Window string
	Errors                      formErrors
	Message                     string
}

// requestCallback reads and submits the callback form of workspace ws
// under the journey token j.
func (s *server) requestCallback(r *http.Request, loc *locale, ws int64, j string) (ticket.Ticket, callbackForm, error) {
	f := callbackForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Number: r.PostFormValue("number"), Window: r.PostFormValue("window")}
	t, err := s.d.RequestPublicCallback(r.Context(), ws, desk.CallbackRequest{Name: f.Name, Email: f.Email, Number: f.Number, Window: f.Window,
		Language: loc.Lang, Journey: j, Honeypot: r.PostFormValue("website"), Stamp: r.PostFormValue("ts"), Address: clientip.Of(r)})
	if err != nil {
		f.Errors, _ = loc.fieldErrors(err)
		f.Message = loc.Error(err)
	}
	return t, f, err
}

// visitorError reports whether err is the visitor's to correct (shown in
// the form) rather than the server's.
func visitorError(err error) bool {
	p, ok := problem.As(err)
	return ok && p.Kind != problem.Internal
}

func (s *server) contactCallback(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	t, f, err := s.requestCallback(r, loc, ws, s.journeyToken(w, r))
	if err != nil {
		return refuseVisitor(s, w, r, loc, err, "help_contact", "",
			func() (contactPage, error) { return s.loadContactPage(w, r, loc, ws, contactForm{}) },
			func(p *contactPage, _ error) { p.Callback = f })
	}
	http.Redirect(w, r, withJourney(r, "/help/contact?called="+url.QueryEscape(t.Reference)), http.StatusSeeOther)
	return nil
}
