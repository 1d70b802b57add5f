package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// Customer sign-in for the help centre (issue 11): a link emailed to the
// customer, or their password. The customer's session has its own cookie
// and its own table; the agents' auth never reads this cookie, and these
// handlers never read the agents' one, so neither session opens the
// other's pages.

const customerCookie = "palier_customer"

// portalReq is what a signed-in customer's handler gets.
type portalReq struct {
	c      desk.Customer
	loc    *locale
	secret string
}

type portalHandler func(w http.ResponseWriter, r *http.Request, pr *portalReq) error

// customerAuth admits a live customer session of the help centre's
// workspace; anyone else goes to the customer sign-in page.
func (s *server) customerAuth(h portalHandler) http.Handler {
	return signedIn(s, s.customerSession, s.toPortalSignIn, h, func(w http.ResponseWriter, r *http.Request, pr *portalReq, err error) {
		if problem.Is(err, problem.Unauthorized) {
			s.toPortalSignIn(w, r)
			return
		}
		s.fail(w, r, pr.loc, err)
	})
}

func (s *server) customerSession(r *http.Request) (*portalReq, error) {
	ck, err := r.Cookie(customerCookie)
	if err != nil || ck.Value == "" {
		return nil, problem.New(problem.Unauthorized, "customer_unauthenticated", "please sign in")
	}
	c, err := s.d.CustomerSession(r.Context(), ck.Value)
	if err != nil {
		return nil, err
	}
	ws, err := s.d.HelpWorkspace(r.Context())
	if err != nil {
		return nil, err
	}
	if c.WorkspaceID != ws {
		return nil, problem.New(problem.Unauthorized, "customer_unauthenticated", "please sign in")
	}
	return &portalReq{c: c, loc: s.portalLocale(r, c.Language), secret: ck.Value}, nil
}

// portalLocale is the language picked on the page, else the customer's,
// else the browser's.
func (s *server) portalLocale(r *http.Request, customerLang string) *locale {
	if ck, err := r.Cookie(langCookie); err == nil && ck.Value != "" || customerLang == "" {
		return s.anonLocale(r)
	}
	return newLocale(s.browserLanguage(r, customerLang, "en"), "", time.Now())
}

func (s *server) toPortalSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/help/sign-in"
	if r.Method == http.MethodGet {
		if next := localNext(r.URL.RequestURI()); strings.HasPrefix(next, "/help/") {
			target += "?next=" + url.QueryEscape(next)
		}
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// portalNext keeps a "come back to" path inside the customer's pages.
func portalNext(next string) string {
	next = localNext(next)
	if !strings.HasPrefix(next, "/help/requests") && !strings.HasPrefix(next, "/help/account") {
		return "/help/requests"
	}
	return next
}

// baseURL is where the links emailed to customers point: the configured
// public address, else (tests, the demo's log) this request's own.
func (s *server) baseURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *server) portalPage(r *http.Request, loc *locale, view, titleKey string) portalPage {
	return portalPage{base: s.anonBase(r, loc, titleKey), View: view}
}

func (s *server) portalSignInPage(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	if _, err := s.customerSession(r); err == nil {
		http.Redirect(w, r, portalNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := s.portalPage(r, loc, "sign-in", "portal.sign_in")
	p.Next = portalNext(r.URL.Query().Get("next"))
	s.render(w, r, loc, http.StatusOK, "portal", "", p)
}

// portalSignIn sends a link (no password typed) or checks the password.
// The link's answer is the same page whether or not the address is known.
func (s *server) portalSignIn(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := portalNext(r.PostFormValue("next"))
	var err error
	if password == "" {
		err = s.d.RequestSignInLink(r.Context(), ws, email, clientip.Of(r), s.baseURL(r))
		if err == nil {
			p := s.portalPage(r, loc, "sent", "portal.sign_in")
			s.render(w, r, loc, http.StatusOK, "portal", "", p)
			return nil
		}
	} else {
		var secret string
		if secret, err = s.d.SignInWithPassword(r.Context(), ws, email, password, clientip.Of(r)); err == nil {
			s.setCustomerCookie(w, r, secret)
			http.Redirect(w, r, next, http.StatusSeeOther)
			return nil
		}
	}
	p := s.portalPage(r, loc, "sign-in", "portal.sign_in")
	p.Email, p.Next = email, next
	status, err := s.classify(w, r, err)
	if fe, ok := loc.fieldErrors(err); ok {
		p.Errors = fe
	} else {
		p.Error = loc.Error(err)
	}
	s.render(w, r, loc, status, "portal", "", p)
	return nil
}

// portalLinkPage is where an emailed link lands: a button that signs in.
// Opening the link spends nothing, so a mail scanner that fetches links
// before the customer does cannot use it up.
func (s *server) portalLinkPage(w http.ResponseWriter, r *http.Request) {
	loc := s.helpLocale(w, r)
	// The token is in this page's address: never send it on as a Referer.
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := s.portalPage(r, loc, "confirm", "portal.sign_in")
	p.Token = r.PathValue("token")
	p.Path = "/help/sign-in" // the language switch must not carry the token
	s.render(w, r, loc, http.StatusOK, "portal", "", p)
}

func (s *server) portalLinkSignIn(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	secret, err := s.d.SignInWithLink(r.Context(), ws, r.PostFormValue("token"))
	if err != nil {
		p := s.portalPage(r, loc, "sign-in", "portal.sign_in")
		p.Next = "/help/requests"
		status, err := s.classify(w, r, err)
		p.Error = loc.Error(err)
		s.render(w, r, loc, status, "portal", "", p)
		return nil
	}
	s.setCustomerCookie(w, r, secret)
	http.Redirect(w, r, "/help/requests", http.StatusSeeOther)
	return nil
}

func (s *server) portalSignOut(w http.ResponseWriter, r *http.Request) {
	s.signOut(w, r, customerCookie, "/help", s.d.CustomerSignOut, "/help")
}

// setCustomerCookie scopes the customer's cookie to /help: it is never
// even sent to the agents' pages.
func (s *server) setCustomerCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: customerCookie, Value: secret, Path: "/help", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: int(desk.CustomerSessionTTL / time.Second)})
}
