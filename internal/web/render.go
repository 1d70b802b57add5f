package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	assets "github.com/palier/palier/web"
)

// pageSet holds one template set per page: the shared partials plus the
// page's own file, so that every page can define its own "content".
type pageSet struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	// bind pairs a value with the page's locale for partials, whose dot is
	// not the page: {{template "row" (bind $.L .)}}. bindOOB marks it for
	// an htmx out-of-band swap.
	"bind":      func(l *locale, v any) pair { return pair{L: l, V: v} },
	"bindOOB":   func(l *locale, v any) pair { return pair{L: l, V: v, OOB: true} },
	"hasStr":    slices.Contains[[]string, string],
	"join":      strings.Join,
	"hasPrefix": strings.HasPrefix,
	"idIn":      idIn,
	"mulf":      func(a, b float64) float64 { return a * b },
	"dict":      dict,
}

// idIn reports whether a form option's value is one of the ids.
func idIn(ids []int64, v string) bool {
	for _, id := range ids {
		if strconv.FormatInt(id, 10) == v {
			return true
		}
	}
	return false
}

// pair is the dot of a partial: the locale and the value to render.
type pair struct {
	L   *locale
	V   any
	OOB bool
}

// dict builds a map for a partial that needs several values.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

func loadPages(a *assetSet) (*pageSet, error) {
	shared := template.New("").Funcs(funcs).Funcs(template.FuncMap{"asset": a.URL})
	partials, err := fs.Glob(assets.Templates, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("list partials: %w", err)
	}
	if len(partials) > 0 {
		if shared, err = shared.ParseFS(assets.Templates, partials...); err != nil {
			return nil, fmt.Errorf("parse partials: %w", err)
		}
	}
	files, err := fs.Glob(assets.Templates, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := shared.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone partials for %s: %w", name, err)
		}
		if t, err = t.ParseFS(assets.Templates, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		ps.pages[name] = t
	}
	return ps, nil
}

// base is what the layout needs on every page.
type base struct {
	L      *locale
	Me     auth.Actor
	Signed bool
	Title  string
	Nav    string // the active section: "inbox", "new", "admin"
	Path   string // where the language switch comes back to
}

func (s *server) anonBase(r *http.Request, loc *locale, titleKey string) base {
	return base{L: loc, Title: loc.T(titleKey), Path: r.URL.RequestURI()}
}

func (s *server) base(r *http.Request, rq *request, title, nav string) base {
	return base{L: rq.loc, Me: rq.actor, Signed: rq.actor.AgentID != 0, Title: title, Nav: nav, Path: r.URL.RequestURI()}
}

// render executes a page (name "" = the full layout) or one of its named
// fragments. The output is buffered so a template error becomes a clean
// error page instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, loc *locale, status int, page, name string, data any) {
	t, ok := s.pages.pages[page]
	if !ok {
		s.log.ErrorContext(r.Context(), "unknown page template", "page", page)
		http.Error(w, loc.T("error.internal"), http.StatusInternalServerError)
		return
	}
	if name == "" {
		name = "layout"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "render template", "page", page, "template", name, "err", err)
		http.Error(w, loc.T("error.internal"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", loc.Lang)
	h.Add("Vary", "HX-Request, HX-Target")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var (
	errPageNotFound   = problem.New(problem.NotFound, "not_found", "not found")
	errUnavailable    = problem.New(problem.BadRequest, "unavailable", "the service is briefly unavailable")
	errOutcomeUnknown = problem.New(problem.BadRequest, "outcome_unknown", "the change may have been saved")
)

func badParameter(name string) error {
	return problem.New(problem.BadRequest, "bad_parameter", "invalid parameter").With("name", name)
}

type errorPage struct {
	base
	Status  int
	Message string
}

// fail renders an error for someone who may not be signed in.
func (s *server) fail(w http.ResponseWriter, r *http.Request, loc *locale, err error) {
	s.failReq(w, r, &request{loc: loc}, err)
}

// failReq renders an error as a translated page, or for htmx requests as a
// message in the page's alert area. Internal errors are logged with their
// detail and shown as "nothing was saved".
func (s *server) failReq(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	status, err := s.classify(w, r, err)
	if status == http.StatusUnauthorized {
		s.toLogin(w, r)
		return
	}
	p := errorPage{base: s.base(r, rq, rq.loc.T(titleForStatus(status)), ""), Status: status, Message: rq.loc.Error(err)}
	if isHTMX(r) {
		w.Header().Set("HX-Retarget", "#alerts")
		w.Header().Set("HX-Reswap", "innerHTML")
		s.render(w, r, rq.loc, status, "error", "alert", p)
		return
	}
	s.render(w, r, rq.loc, status, "error", "", p)
}

// classify gives the status an error answers with, and the error to show.
// A server-side failure is logged once here: an abandoned request at debug
// level, a database outage once per incident as 503 with Retry-After, and
// anything else as an error.
func (s *server) classify(w http.ResponseWriter, r *http.Request, err error) (int, error) {
	status := http.StatusInternalServerError
	if p, ok := problem.As(err); ok {
		status = p.Kind.Status()
		if ra := p.Params["retry_after"]; ra != "" {
			w.Header().Set("Retry-After", ra)
		}
	}
	if status < 500 {
		return status, err
	}
	switch {
	case errors.Is(err, store.ErrOutcomeUnknown):
		// Checked first (see api's fail): the visitor must not read
		// "nothing was saved" when the change may have been.
		s.log.ErrorContext(r.Context(), "commit outcome unknown", "method", r.Method, "path", r.URL.Path, "err", err)
		err = errOutcomeUnknown
	case errors.Is(r.Context().Err(), context.DeadlineExceeded):
		// The server's request budget ran out (server.DefaultRequestBudget):
		// a wait that should have taken milliseconds (a database
		// connection, the writer) did not end. The visitor is still there
		// and is told to try again; the path is logged, as it is a fault.
		s.log.ErrorContext(r.Context(), "request out of time: answering 503", "method", r.Method, "path", r.URL.Path, "err", err)
		status, err = http.StatusServiceUnavailable, errUnavailable
		w.Header().Set("Retry-After", "5")
	case r.Context().Err() != nil:
		// The visitor left; nobody reads this page.
		s.log.DebugContext(r.Context(), "request abandoned", "method", r.Method, "path", r.URL.Path, "err", err)
	case store.Unavailable(err):
		// Not a bug: the database is down. Reported once per incident,
		// and the visitor is told to try again shortly.
		s.d.Store().ReportUnavailable(r.Context(), s.log, err)
		status, err = http.StatusServiceUnavailable, errUnavailable
		w.Header().Set("Retry-After", "5")
	default:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return status, err
}

func titleForStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return "errpage.not_found"
	case http.StatusForbidden:
		return "errpage.forbidden"
	case http.StatusTooManyRequests:
		return "errpage.too_many"
	}
	if status >= 500 {
		return "errpage.internal"
	}
	return "errpage.bad_request"
}
