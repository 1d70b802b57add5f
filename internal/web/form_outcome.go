package web

import "net/http"

// The end of a form's POST, the same on every page that edits something:
// a save that worked sends the browser on (See Other, so a reload does not
// post again); a refusal whose problem names fields shows the page again
// with 422, the form as typed and each error beside its field; any other
// error goes back to the caller's error page.

// afterSave ends a POST whose save returned err: on success the browser
// goes to next, otherwise see showRefused.
func afterSave[P any](s *server, w http.ResponseWriter, r *http.Request, rq *request, err error, next string, page string, build func() (P, error), fill func(*P, formErrors)) error {
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return showRefused(s, w, r, rq, err, page, build, fill)
}

// showRefused renders page again after a refusal with field errors: build
// makes the page as a GET would, fill puts back what was typed and the
// errors. An error without field errors is returned as it is.
func showRefused[P any](s *server, w http.ResponseWriter, r *http.Request, rq *request, err error, page string, build func() (P, error), fill func(*P, formErrors)) error {
	fe, ok := rq.loc.fieldErrors(err)
	if !ok {
		return err
	}
	return showAgain(s, w, r, rq, page, build, func(p *P) { fill(p, fe) })
}

// afterSettingsSave ends the POST of a settings form (macros, mailboxes,
// SMTP relay) as afterSave does, but a conflict shows the form again too,
// with only its summary (see refusedForm).
func afterSettingsSave[P any](s *server, w http.ResponseWriter, r *http.Request, rq *request, err error, next string, page string, build func() (P, error), fill func(p *P, fe formErrors, message string)) error {
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	fe, message, err := refusedForm(rq.loc, err)
	if err != nil {
		return err
	}
	return showAgain(s, w, r, rq, page, build, func(p *P) { fill(p, fe, message) })
}

// showAgain renders a refused form's page with 422: build makes the page
// as a GET would, fill puts back what was typed and the refusal.
func showAgain[P any](s *server, w http.ResponseWriter, r *http.Request, rq *request, page string, build func() (P, error), fill func(*P)) error {
	p, err := build()
	if err != nil {
		return err
	}
	fill(&p)
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, page, "", p)
	return nil
}

// refuseVisitor shows a public page again after a refusal the visitor can
// act on (any problem but an internal one; other errors are returned for
// the error page), with the status classify gives it: build makes the page
// and fill puts back what was typed and the refusal.
func refuseVisitor[P any](s *server, w http.ResponseWriter, r *http.Request, loc *locale, err error, page, block string,
	build func() (P, error), fill func(p *P, err error)) error {
	if !visitorError(err) {
		return err
	}
	p, perr := build()
	if perr != nil {
		return perr
	}
	status, err := s.classify(w, r, err)
	fill(&p, err)
	s.render(w, r, loc, status, page, block, p)
	return nil
}
