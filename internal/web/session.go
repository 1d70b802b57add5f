package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

const (
	sessionCookie = "palier_session"
	// langCookie remembers the language chosen before signing in (and
	// mirrors the member's setting), so the login page speaks it too.
	langCookie = "palier_lang"
)

// request is what an authenticated handler gets besides the HTTP request:
// who is acting, their workspace's setup and how to speak to them.
type request struct {
	actor  auth.Actor
	dir    desk.Directory
	loc    *locale
	secret string
}

// handler is an authenticated page or action. A returned error is rendered
// as a translated page or fragment by fail.
type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

// auth wraps a handler with the session check: without a live session the
// browser is sent to the login page, which brings them back afterwards.
func (s *server) auth(h handler) http.Handler {
	return signedIn(s, s.session, s.toLogin, h, s.failReq)
}

// signedIn runs h for a request whose session load finds, for agents
// (auth) and customers (customerAuth) alike: without a live session the
// browser goes to signIn; another error of load is a page in the
// visitor's language; an error of h is rendered by failed.
func signedIn[R any](s *server, load func(*http.Request) (R, error), signIn http.HandlerFunc,
	h func(http.ResponseWriter, *http.Request, R) error, failed func(http.ResponseWriter, *http.Request, R, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := load(r)
		if problem.Is(err, problem.Unauthorized) {
			signIn(w, r)
			return
		}
		if err != nil {
			s.fail(w, r, s.anonLocale(r), err)
			return
		}
		if err := h(w, r, req); err != nil {
			failed(w, r, req, err)
		}
	})
}

// session loads the actor of the request's session cookie.
func (s *server) session(r *http.Request) (*request, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, problem.New(problem.Unauthorized, "unauthenticated", "please sign in")
	}
	a, err := s.d.SessionActor(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	dir, err := s.d.DirectoryFor(r.Context(), a)
	if err != nil {
		return nil, err
	}
	lang := s.browserLanguage(r, a.Language, dir.Workspace.DefaultLanguage)
	tz := a.Timezone
	if tz == "" {
		tz = dir.Workspace.Timezone
	}
	return &request{actor: a, dir: dir, loc: newLocale(lang, tz, time.Now()), secret: c.Value}, nil
}

// browserLanguage is the user's setting, else the language chosen on the
// login page, else the browser's preference, else fallback (see
// i18n.Negotiate).
func (s *server) browserLanguage(r *http.Request, user, fallback string) string {
	picked := ""
	if c, err := r.Cookie(langCookie); err == nil {
		picked = c.Value
	}
	return i18n.Negotiate(i18n.Prefs{User: user, Picked: picked, AcceptLanguage: r.Header.Get("Accept-Language"), Workspace: fallback})
}

// anonLocale speaks to someone who is not signed in.
func (s *server) anonLocale(r *http.Request) *locale {
	return newLocale(s.browserLanguage(r, "", "en"), "", time.Now())
}

// toLogin sends an unauthenticated browser to the login page. htmx
// requests get HX-Redirect, since a redirect followed by XHR would swap the
// login page into a fragment.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	next := r.URL.RequestURI()
	if isHTMX(r) {
		// A fragment is no place to land after signing in: come back to
		// the page that asked for it.
		next = "/"
		if u, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil {
			next = localNext(u.RequestURI())
		}
	} else if r.Method != http.MethodGet {
		next = "/"
	}
	if next != "/" {
		target += "?next=" + url.QueryEscape(next)
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// localNext keeps only same-site paths, so the login form cannot be used
// to bounce a user to another site ("//evil.example", "/\evil.example").
func localNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

type loginPage struct {
	base
	Email string
	Next  string
	Error string
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	loc := s.anonLocale(r)
	if l := r.URL.Query().Get("lang"); slices.Contains(i18n.Languages, l) {
		s.setLangCookie(w, r, l)
		loc = newLocale(l, "", time.Now())
	}
	if _, err := s.session(r); err == nil {
		http.Redirect(w, r, localNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := loginPage{base: s.anonBase(r, loc, "login.title"), Next: localNext(r.URL.Query().Get("next"))}
	s.render(w, r, loc, http.StatusOK, "login", "", p)
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	loc := s.anonLocale(r)
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := localNext(r.PostFormValue("next"))
	secret, a, err := s.d.Login(r.Context(), email, password, clientip.Of(r))
	if err != nil {
		p := loginPage{base: s.anonBase(r, loc, "login.title"), Email: email, Next: next}
		status, err := s.classify(w, r, err)
		p.Error = loc.Error(err)
		s.render(w, r, loc, status, "login", "", p)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: int(s.d.SessionTTL / time.Second)})
	if a.Language != "" {
		s.setLangCookie(w, r, a.Language)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	s.signOut(w, r, sessionCookie, "/", s.d.Logout, "/login")
}

// signOut ends the session of the cookie name (scoped to path) for agents
// and customers alike: end forgets it on the server, the browser drops the
// cookie and goes to then.
func (s *server) signOut(w http.ResponseWriter, r *http.Request, name, path string, end func(context.Context, string) error, then string) {
	if c, err := r.Cookie(name); err == nil && c.Value != "" {
		if err := end(r.Context(), c.Value); err != nil {
			s.fail(w, r, s.anonLocale(r), err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: -1})
	http.Redirect(w, r, then, http.StatusSeeOther)
}

// setLanguage saves a signed-in member's language; before signing in it
// only remembers the choice in a cookie.
func (s *server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	back := localNext(r.PostFormValue("next"))
	if !slices.Contains(i18n.Languages, lang) {
		s.fail(w, r, s.anonLocale(r), badParameter("lang"))
		return
	}
	if rq, err := s.session(r); err == nil {
		if err := s.d.SetLanguage(r.Context(), rq.actor, lang); err != nil {
			s.fail(w, r, rq.loc, err)
			return
		}
	}
	s.setLangCookie(w, r, lang)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *server) setLangCookie(w http.ResponseWriter, r *http.Request, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: 365 * 24 * 3600})
}

func (s *server) secure(r *http.Request) bool { return s.opts.SecureCookies || r.TLS != nil }

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// seeOther sends the browser on to another page after a POST: htmx is told
// to load it whole (HX-Redirect), since a followed redirect would be
// swapped into the fragment.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
