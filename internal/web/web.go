// Package web is the agent UI: server-rendered HTML pages with htmx for the
// routine actions (reply, note, properties, sidebar counts), in French and
// English. Handlers are thin: they parse the request, call the desk service
// (which checks access on the server for every call) and render a template.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/palier/palier/internal/desk"
)

// Options configure the UI.
type Options struct {
	// SecureCookies marks the session cookie Secure even when the request
	// did not arrive over TLS (behind a TLS-terminating proxy).
	SecureCookies bool
	Log           *slog.Logger
	// PublicURL is the address customers reach this server at, for the
	// sign-in links emailed to them (empty: the request's own host).
	PublicURL string
	// Done, when closed, ends the open event streams (GET /events): a
	// graceful shutdown does not wait for them.
	Done <-chan struct{}
}

// server holds what every handler needs.
type server struct {
	d      *desk.Service
	opts   Options
	log    *slog.Logger
	pages  *pageSet
	assets *assetSet
}

// New returns the agent UI handler, to be mounted at "/". It expects the
// caller to add cross-origin protection (CSRF), panic recovery and the
// security headers around it.
func New(d *desk.Service, opts Options) (http.Handler, error) {
	if d == nil {
		return nil, errors.New("web: nil desk service")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pages, err := loadPages(assets)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &server{d: d, opts: opts, log: opts.Log, pages: pages, assets: assets}
	return s.routes(), nil
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{file...}", s.assets)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("POST /settings/language", s.setLanguage)

	mux.Handle("GET /{$}", s.auth(s.inbox))
	mux.Handle("GET /views/{key}", s.auth(s.inbox))
	mux.Handle("GET /sidebar", s.auth(s.sidebar))

	mux.Handle("GET /tickets/new", s.auth(s.newTicketPage))
	mux.Handle("POST /tickets/new", s.auth(s.createTicket))
	mux.Handle("GET /tickets/{id}", s.auth(s.ticketPage))
	mux.Handle("GET /t/{number}", s.auth(s.ticketByNumber))
	mux.Handle("POST /tickets/{id}/messages", s.auth(s.postMessage))
	mux.Handle("GET /attachments/{id}", s.auth(s.download))
	mux.Handle("POST /tickets/{id}/properties", s.auth(s.saveProperties))
	mux.Handle("POST /tickets/{id}/escalate", s.auth(s.escalate))
	mux.Handle("POST /tickets/{id}/invite", s.auth(s.invite))

	s.adminRoutes(mux)
	s.simulateRoutes(mux)
	s.routingAdminRoutes(mux)
	s.tokenRoutes(mux)
	s.mailboxRoutes(mux)
	s.macroRoutes(mux)
	s.bulkRoutes(mux)
	s.viewRoutes(mux)
	s.helpRoutes(mux)
	s.helpContactRoutes(mux)
	s.contactAdminRoutes(mux)
	s.portalRoutes(mux)
	s.attachRoutes(mux)
	s.kbEditorRoutes(mux)
	s.connectorRoutes(mux)
	s.notifyRoutes(mux)
	s.liveRoutes(mux)
	s.helpBoxRoutes(mux)
	s.chatCustomerRoutes(mux)
	s.helpCallbackRoutes(mux)
	s.chatAgentRoutes(mux)
	s.smtpRoutes(mux)
	s.signatureRoutes(mux)
	s.searchRoutes(mux)
	s.customerRoutes(mux)
	s.linkRoutes(mux)

	mux.Handle("/", s.auth(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		return errPageNotFound
	}))
	return s.checkText(mux)
}
