package web

import "net/http"

// A settings page with one form that changes one value (the agent's
// signature, the contact form's settings): GET shows the value as saved;
// POST saves what was typed and comes back to the page with ?saved=1, or
// shows the form again as typed with the refusal.

// oneFormPage is such a page; Value is what the form shows.
type oneFormPage[T any] struct {
	base
	Value   T
	Saved   bool
	Errors  formErrors
	Message string
}

// oneForm describes one such page.
type oneForm[T any] struct {
	path, template string
	title, section string // the page's title key and its place in the menu
	load           func(*http.Request, *request) (T, error)
	read           func(*http.Request) T
	save           func(*http.Request, *request, T) error
	refusedToo     func(error) bool // refusals without field errors that the form shows too, or nil
}

func (f oneForm[T]) page(s *server, r *http.Request, rq *request, v T) oneFormPage[T] {
	return oneFormPage[T]{base: s.base(r, rq, rq.loc.T(f.title), f.section), Value: v}
}

// show serves GET path.
func (f oneForm[T]) show(s *server) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		v, err := f.load(r, rq)
		if err != nil {
			return err
		}
		p := f.page(s, r, rq, v)
		p.Saved = r.URL.Query().Get("saved") == "1"
		s.render(w, r, rq.loc, http.StatusOK, f.template, "", p)
		return nil
	}
}

// post serves POST path.
func (f oneForm[T]) post(s *server) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := r.ParseForm(); err != nil {
			return badParameter("form")
		}
		v := f.read(r)
		err := f.save(r, rq, v)
		if err == nil {
			http.Redirect(w, r, f.path+"?saved=1", http.StatusSeeOther)
			return nil
		}
		fe, ok := rq.loc.fieldErrors(err)
		if !ok && (f.refusedToo == nil || !f.refusedToo(err)) {
			return err
		}
		p := f.page(s, r, rq, v)
		p.Errors, p.Message = fe, rq.loc.Error(err)
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, f.template, "", p)
		return nil
	}
}
