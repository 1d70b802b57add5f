// Package api serves Palier's JSON REST API under /api/v1, and its OpenAPI
// document at /api/v1/openapi.json.
//
// Handlers are thin: they parse the request, call the desk (the application
// service, which checks on the server who may do what), and render the
// result. Every route comes from one table (routes.go); the OpenAPI document
// is built from the same table, so what is documented is what is served.
//
// # Authentication
//
// Every route except the OpenAPI document needs "Authorization: Bearer
// <token>". A missing or unknown token is answered 401 "unauthenticated";
// an expired one 401 "token_expired", a revoked one 401 "token_revoked".
//
// # Errors
//
// Every error, including unknown routes (404 route_not_found) and wrong
// methods (405 method_not_allowed), is a JSON object:
//
//	{"error": {"code": "validation_failed", "message": "Some fields are invalid.",
//	           "fields": {"subject": {"code": "required", "message": "This field is required."}}}}
//
// code is stable and meant for programs; message is for people, in the
// language the Accept-Language header asks for (French or English, English
// by default). The HTTP status comes from the problem's kind (package
// problem): 400 malformed request, 401, 403, 404 (also for objects the
// caller may not see, and for other workspaces' ids), 405, 409, 413, 415,
// 422 (a value is wrong; "fields" says which), 429, 500 (details are logged,
// never sent). A rejected request writes nothing.
//
// # Writes
//
// POST creates, PATCH changes the fields it names (absent fields keep their
// value), PUT replaces a whole document: routing rules and escalation
// procedures are ordered lists whose order is their meaning, so they are
// sent whole.
//
// # Pagination
//
// Lists answer {"data": [...], "next_cursor": "..."}; next_cursor is null on
// the last page. Pass it back as ?cursor= with the same filters to get the
// next page. Cursors are opaque: tickets use the store's keyset cursor (it
// encodes the sort order), customers, organisations and the audit log an
// id to continue before, the timeline an event id to continue after. Pages
// are keyset-paginated, so deep pages cost as little as the first one.
package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// Prefix is where the API lives; every route path starts with it.
const Prefix = "/api/v1"

// API is the JSON API handler.
type API struct {
	desk   *desk.Service
	log    *slog.Logger
	mux    *http.ServeMux
	routes []route
	doc    []byte // the OpenAPI document, built once from the routes
	// publicURL is where customers reach the server (the article links
	// a macro puts in a reply); "" uses the address the caller reached.
	publicURL string
}

// New returns the handler of every path under /api/v1/. It expects full
// paths (it is mounted, not stripped). publicURL is where customers reach
// the server ("": the address each caller reached).
func New(d *desk.Service, log *slog.Logger, publicURL string) http.Handler {
	a := newAPI(d, log)
	a.publicURL = publicURL
	return a
}

func newAPI(d *desk.Service, log *slog.Logger) *API {
	if log == nil {
		log = slog.Default()
	}
	a := &API{desk: d, log: log, mux: http.NewServeMux()}
	allowed := map[string][]string{} // path → methods, for 405 answers
	a.routes = routeTable()
	for _, rt := range a.routes {
		a.mux.Handle(rt.Method+" "+rt.Path, a.endpoint(rt))
		allowed[rt.Path] = append(allowed[rt.Path], rt.Method)
	}
	// A pattern without a method is less specific than the ones above, so
	// it only catches the methods a path does not serve. This keeps 405
	// answers in JSON instead of the mux's plain text.
	for path, methods := range allowed {
		a.mux.Handle(path, a.methodNotAllowed(methods))
	}
	a.mux.Handle(Prefix+"/", http.HandlerFunc(a.routeNotFound))
	doc, err := buildOpenAPI(a.routes)
	if err != nil {
		// A route without a description is a programming error that the
		// package's tests catch; it cannot depend on input.
		panic(err)
	}
	a.doc = doc
	return a
}

// ServeHTTP serves one request under /api/v1/.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// call is one request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	route  route
	actor  auth.Actor
	lang   string
	status int // of a successful answer; 200 unless the handler says otherwise
}

// created marks the answer as 201 Created with the new object's address,
// when it has one of its own.
func (c *call) created(location string) {
	c.status = http.StatusCreated
	if location != "" {
		c.w.Header().Set("Location", location)
	}
}

func (a *API) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, route: rt, lang: language(r), status: http.StatusOK}
		if err := a.serve(c); err != nil {
			a.fail(c, err)
		}
	})
}

// serve authenticates, checks the query string against the route's
// declared parameters, runs the handler and renders its answer.
func (a *API) serve(c *call) error {
	if !c.route.Public {
		actor, err := a.authenticate(c.r)
		if err != nil {
			return err
		}
		c.actor = actor
	}
	if err := checkQuery(c.r, c.route.Query); err != nil {
		return err
	}
	out, err := c.route.Handle(a, c)
	if err != nil {
		return err
	}
	if d, ok := out.(download); ok {
		writeDownload(c, d)
		return nil
	}
	writeJSON(c.w, c.status, out)
	return nil
}

var errUnauthenticated = problem.New(problem.Unauthorized, "unauthenticated", "please sign in")

// authenticate resolves the bearer token to an actor.
func (a *API) authenticate(r *http.Request) (auth.Actor, error) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return auth.Actor{}, errUnauthenticated
	}
	actor, err := a.desk.TokenActor(r.Context(), token)
	if err != nil {
		// token_expired and token_revoked keep their codes, so a program
		// can tell its holder why; anything else is "unauthenticated".
		if p, ok := problem.As(err); ok && p.Kind == problem.Unauthorized && p.Code != "token_expired" && p.Code != "token_revoked" {
			return auth.Actor{}, errUnauthenticated
		}
		return auth.Actor{}, err
	}
	return actor, nil
}

// language picks the language of error messages from Accept-Language,
// English when the caller states no supported preference.
func language(r *http.Request) string {
	return i18n.Negotiate(i18n.Prefs{AcceptLanguage: r.Header.Get("Accept-Language")})
}

func (a *API) methodNotAllowed(methods []string) http.Handler {
	allow := slices.Clone(methods)
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	slices.Sort(allow)
	header := strings.Join(allow, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", header)
		a.fail(&call{w: w, r: r, lang: language(r)}, errMethodNotAllowed)
	})
}

var (
	errMethodNotAllowed = &problem.Error{Kind: problem.BadRequest, Code: "method_not_allowed", Message: "this method is not allowed here"}
	errRouteNotFound    = problem.New(problem.NotFound, "route_not_found", "no such API endpoint")
)

func (a *API) routeNotFound(w http.ResponseWriter, r *http.Request) {
	a.fail(&call{w: w, r: r, lang: language(r)}, errRouteNotFound)
}
