package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// The contact form of the help centre (/help/contact): see desk/contact.go
// for what it does. The suggestions and the request type's extra fields
// are htmx fragments; without JavaScript the form still works (the
// suggestions are then skipped, the extra fields follow ?type=).

// contactForm is what the visitor typed, shown back on a refusal.
type contactForm struct {
	Name, Email, Type, Subject, Description string
	Fields                                  map[string]string
}

// contactField is one of the request type's extra fields as the form
// shows it.
type contactField struct {
	Name, Label, Help, Kind, Value, Error string
	Options                               []string
}

type contactPage struct {
	base
	Journey  string
	Stamp    string
	Form     contactForm
	Types    []option
	Extra    []contactField
	Suggest  bool // the type may be answered by articles
	Errors   formErrors
	Message  string
	Sent     string // the new ticket's reference
	Solved   bool
	Settings store.ContactSettings
	// The callback request (help_callback.go): what was typed, and the
	// reference of the request made.
	Callback callbackForm
	Called   string
}

// contactField names a procedure field in the form: cf_<key>.
const contactFieldPrefix = "cf_"

func readContactForm(r *http.Request) contactForm {
	f := contactForm{Name: r.FormValue("name"), Email: r.FormValue("email"), Type: r.FormValue("request_type"),
		Subject: r.FormValue("subject"), Description: r.FormValue("description"), Fields: map[string]string{}}
	if f.Type == "" {
		f.Type = r.URL.Query().Get("type")
	}
	_ = r.ParseForm()
	for k, v := range r.PostForm {
		if key, ok := strings.CutPrefix(k, contactFieldPrefix); ok && len(v) > 0 {
			f.Fields[key] = v[0]
		}
	}
	return f
}

// loadContactPage gathers what every view of the form needs.
func (s *server) loadContactPage(w http.ResponseWriter, r *http.Request, loc *locale, wsID int64, f contactForm) (contactPage, error) {
	ctx := r.Context()
	p := contactPage{base: s.anonBase(r, loc, "contact.title"), Journey: s.journeyToken(w, r), Form: f}
	var err error
	if p.Stamp, err = s.d.ContactStamp(ctx, wsID); err != nil {
		return p, err
	}
	types, err := s.d.ContactTypes(ctx, wsID)
	if err != nil {
		return p, err
	}
	p.Types = []option{{"", loc.T("contact.type_other")}}
	for _, rt := range types {
		p.Types = append(p.Types, option{rt.Key, rt.Name(loc.Lang)})
	}
	if p.Extra, p.Suggest, err = s.contactExtra(r, loc, wsID, f, nil); err != nil {
		return p, err
	}
	p.Settings, err = s.d.ContactSettings(ctx, wsID)
	return p, err
}

// contactExtra returns the request type's extra fields with their values
// and errors, and whether its requests may be answered by articles.
func (s *server) contactExtra(r *http.Request, loc *locale, wsID int64, f contactForm, errs formErrors) ([]contactField, bool, error) {
	ctx := r.Context()
	fields, err := s.d.ContactFields(ctx, wsID, f.Type)
	if err != nil {
		return nil, false, err
	}
	var out []contactField
	for _, cf := range fields {
		out = append(out, contactField{Name: contactFieldPrefix + cf.Field.Key, Label: cf.Item.Label(loc.Lang), Help: cf.Item.Help(loc.Lang),
			Kind: string(cf.Field.Kind), Options: cf.Field.Options, Value: f.Fields[cf.Field.Key], Error: errs["custom_fields."+cf.Field.Key]})
	}
	human, err := s.d.RequiresHuman(ctx, wsID, f.Type, "", "", loc.Lang)
	return out, !human, err
}

func (s *server) contactPage(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	p, err := s.loadContactPage(w, r, loc, ws, contactForm{Type: r.URL.Query().Get("type")})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	switch {
	case q.Get("solved") != "":
		p.Solved = true
	case validReference(q.Get("sent")):
		p.Sent = q.Get("sent")
	case validReference(q.Get("called")):
		p.Called = q.Get("called")
	default:
		s.recordStep(r.Context(), ws, p.Journey, desk.JourneyStep{Kind: desk.StepFormStarted})
	}
	s.render(w, r, loc, http.StatusOK, "help_contact", "", p)
	return nil
}

// validReference accepts a ticket reference as shown to customers (#1234).
func validReference(ref string) bool {
	n, ok := strings.CutPrefix(ref, "#")
	if !ok || n == "" || len(n) > 12 {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 64)
	return err == nil
}

func (s *server) contactSubmit(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	ctx := r.Context()
	f := readContactForm(r)
	t, err := s.d.SubmitContact(ctx, ws, desk.ContactForm{Name: f.Name, Email: f.Email, RequestType: f.Type, Subject: f.Subject,
		Description: f.Description, Fields: f.Fields, Language: loc.Lang, Journey: s.journeyToken(w, r),
		Honeypot: r.PostFormValue("website"), Stamp: r.PostFormValue("ts"), Address: clientip.Of(r)})
	if err != nil {
		return s.refuseContact(w, r, loc, ws, f, err)
	}
	http.Redirect(w, r, withJourney(r, "/help/contact?sent="+url.QueryEscape(t.Reference)), http.StatusSeeOther)
	return nil
}

// refuseContact shows the form again with what the visitor typed and
// why it was refused; an internal error is not theirs to correct.
func (s *server) refuseContact(w http.ResponseWriter, r *http.Request, loc *locale, ws int64, f contactForm, err error) error {
	p, ok := problem.As(err)
	if !ok || p.Kind == problem.Internal {
		return err
	}
	page, err := s.loadContactPage(w, r, loc, ws, f)
	if err != nil {
		return err
	}
	page.Errors, _ = loc.fieldErrors(p)
	page.Message = loc.Error(p)
	if page.Extra, page.Suggest, err = s.contactExtra(r, loc, ws, f, page.Errors); err != nil {
		return err
	}
	if ra := p.Params["retry_after"]; ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	s.render(w, r, loc, p.Kind.Status(), "help_contact", "", page)
	return nil
}

// contactFields is the fragment of the request type's extra fields.
func (s *server) contactFields(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	p := contactPage{base: s.anonBase(r, loc, "contact.title"), Form: contactForm{Type: r.URL.Query().Get("request_type")}}
	var err error
	if p.Extra, p.Suggest, err = s.contactExtra(r, loc, ws, p.Form, nil); err != nil {
		return err
	}
	s.render(w, r, loc, http.StatusOK, "help_contact", "contact-extra-fragment", p)
	return nil
}
