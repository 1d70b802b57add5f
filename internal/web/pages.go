package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

// Shapes the settings pages share (macros, mailboxes, SMTP relay): a page
// built from the request and shown, the same page with the form filled
// with one thing to change, the optional id of the thing a form saves, a
// number field, a refused save, a delete and the confirmation a save or a
// delete comes back with.

// showPage serves a page built by build with its template.
func showPage[P any](s *server, template string, build func(*http.Request, *request) (P, error)) handler {
	return showPart(s, template, "", build)
}

// showPart serves one block of a page's template (an htmx fragment), built
// as the whole page is.
func showPart[P any](s *server, template, block string, build func(*http.Request, *request) (P, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		p, err := build(r, rq)
		if err != nil {
			return err
		}
		s.render(w, r, rq.loc, http.StatusOK, template, block, p)
		return nil
	}
}

// editPage serves GET /things/{id}: the page build makes, with its form
// filled by fill with the thing load finds (fill may still refuse it, e.g.
// a macro the reader may use but not change).
func editPage[T, P any](s *server, template string, build func(*http.Request, *request) (P, error),
	load func(context.Context, auth.Actor, int64) (T, error), fill func(p *P, id int64, thing T) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		thing, err := load(r.Context(), rq.actor, id)
		if err != nil {
			return err
		}
		p, err := build(r, rq)
		if err != nil {
			return err
		}
		if err := fill(&p, id, thing); err != nil {
			return err
		}
		s.render(w, r, rq.loc, http.StatusOK, template, "", p)
		return nil
	}
}

// deleteThen serves POST /things/{id}/delete: del removes the thing, then
// the browser goes back to back?done=deleted.
func deleteThen(back string, del func(context.Context, auth.Actor, int64) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := del(r.Context(), rq.actor, id); err != nil {
			return err
		}
		http.Redirect(w, r, back+"?done=deleted", http.StatusSeeOther)
		return nil
	}
}

// optionalNumber reads a whole number a form may leave empty (0).
func optionalNumber(f url.Values, field string) (int, error) {
	v := strings.TrimSpace(f.Get(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, problem.Fields{field: {Code: "not_a_number", Message: "must be a number"}}.Err()
	}
	return n, nil
}

// refusedForm is what a settings form shows when its save is refused: each
// field's error, and the summary (a conflict has only the summary). Any
// other error is not the form's: it comes back as err, for the error page.
func refusedForm(l *locale, refusal error) (fe formErrors, message string, err error) {
	fe, ok := l.fieldErrors(refusal)
	if !ok && !problem.Is(refusal, problem.Conflict) {
		return nil, "", refusal
	}
	return fe, l.Error(refusal), nil
}

// withID serves a route whose path names the thing it is about ({id}):
// an id that is not one is refused before anything is done.
func withID(h func(w http.ResponseWriter, r *http.Request, rq *request, id int64) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return h(w, r, rq, id)
	}
}

// byPathID hands a page's builder the id of the path ({id}), for showPage.
func byPathID[P any](build func(*http.Request, *request, int64) (P, error)) func(*http.Request, *request) (P, error) {
	return func(r *http.Request, rq *request) (P, error) {
		id, err := pathID(r, "id")
		if err != nil {
			var none P
			return none, err
		}
		return build(r, rq, id)
	}
}

// postedForm reads a form posted to save a thing: its fields and the id
// it posts to (POST /things/{id}), or 0 for a new one (POST /things).
func postedForm(r *http.Request) (int64, url.Values, error) {
	if err := r.ParseForm(); err != nil {
		return 0, nil, badParameter("form")
	}
	if r.PathValue("id") == "" {
		return 0, r.PostForm, nil
	}
	id, err := pathID(r, "id")
	return id, r.PostForm, err
}

// doneKey is the catalogue key of the confirmation a page shows after a
// save or a delete redirected to it with ?done=saved|deleted, or "".
func doneKey(r *http.Request, prefix string) string {
	if d := r.URL.Query().Get("done"); d == "saved" || d == "deleted" {
		return prefix + ".done_" + d
	}
	return ""
}
