package web

import (
	"net/http"
	"net/url"

	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/helpbox"
)

// The contact form inside the help box: the same form and the same
// desk.SubmitContact as the help centre's (honeypot, signed stamp, rate
// limits, the journey the box carries attached to the ticket), shown in
// the frame instead of a new tab; and the callback request when the
// workspace offers it.

// contactView is the box's contact view with what the form needs.
func (s *server) contactView(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale, f contactForm) (boxPage, error) {
	p := s.newBoxPage(box, st, loc, "contact")
	p.Title = loc.T("contact.title")
	var err error
	p.Contact, err = s.loadContactPage(w, r, loc, box.WorkspaceID, f)
	return p, err
}

func (s *server) boxContact(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	p, err := s.contactView(w, r, box, st, loc, contactForm{})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	switch {
	case validReference(q.Get("sent")):
		p.Sent = q.Get("sent")
	case validReference(q.Get("called")):
		p.Called = q.Get("called")
	default:
		s.recordJourney(w, r, box.WorkspaceID, journeyStep{Kind: desk.StepFormStarted})
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

func (s *server) boxContactSubmit(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	f := readContactForm(r)
	t, err := s.d.SubmitContact(r.Context(), box.WorkspaceID, desk.ContactForm{Name: f.Name, Email: f.Email, RequestType: f.Type, Subject: f.Subject,
		Description: f.Description, Fields: f.Fields, Language: loc.Lang, Journey: s.journeyToken(w, r),
		Honeypot: r.PostFormValue("website"), Stamp: r.PostFormValue("ts"), Address: clientip.Of(r)})
	if err != nil {
		return refuseVisitor(s, w, r, loc, err, "helpbox", "box",
			func() (boxPage, error) { return s.contactView(w, r, box, st, loc, f) },
			func(p *boxPage, err error) {
				p.Contact.Errors, _ = loc.fieldErrors(err)
				p.Contact.Message = loc.Error(err)
			})
	}
	http.Redirect(w, r, st.Link("/help/box/contact")+"&sent="+url.QueryEscape(t.Reference), http.StatusSeeOther)
	return nil
}

func (s *server) boxCallback(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	t, f, err := s.requestCallback(r, loc, box.WorkspaceID, s.journeyToken(w, r))
	if err != nil {
		return refuseVisitor(s, w, r, loc, err, "helpbox", "box",
			func() (boxPage, error) { return s.contactView(w, r, box, st, loc, contactForm{}) },
			func(p *boxPage, _ error) { p.Callback = f })
	}
	http.Redirect(w, r, st.Link("/help/box/contact")+"&called="+url.QueryEscape(t.Reference), http.StatusSeeOther)
	return nil
}
