package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// The routing rules page: the workspace's ordered rules, each with a
// sentence saying what it does, an editor, and a dry run over past tickets.
//
// The working copy lives in the page rather than on the server: the form
// carries the whole rule set as JSON, every button posts it back with one
// operation ("move rule 2 up", "apply the editor") and the answer is the
// page for the new copy. Nothing is stored until Save hands the whole set
// to the desk, so instances stay stateless, and a lead can try changes in
// the dry run without being able to save them (the desk refuses).
//
// This file holds the routes and the page's actions; routing_state.go the
// working copy, routing_editor.go the form of one rule, routing_page.go
// the rendering and the selects' choices, routing_dryrun.go the dry run,
// routing_errors.go where validation errors show, and
// routing_sentences.go the rules and reasons worded by routing.Sentences.

const (
	routingPath = "/admin/routing"
	// noEdit and editFallback are the values of the editor's index besides
	// a rule's position (len(rules) for a rule being added).
	noEdit       = -1
	editFallback = -2
	// maxConditions bounds the rows of the simple editor: no sensible rule
	// needs more, and the bound keeps a forged form cheap to parse.
	maxConditions = 30
	// dryRunShown is how many moved tickets the dry run lists.
	dryRunShown = 100
)

// dryRunSizes are the choices of "try on the last N tickets"; the desk
// reads at most 100,000.
var dryRunSizes = []int{1000, 10000, 100000}

var errRoutingLeadOnly = problem.New(problem.Forbidden, "forbidden", "only a team lead or an administrator can do this")

// leadOrAdmin wraps a handler for team leads and administrators; agents get a 403.
func (s *server) leadOrAdmin(h handler) http.Handler {
	return s.auth(gate(auth.Actor.IsLeadOrAdmin, errRoutingLeadOnly, h))
}

// routingAdminRoutes registers the routing rules and escalation procedure
// pages.
func (s *server) routingAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET "+routingPath, s.leadOrAdmin(s.routingPage))
	mux.Handle("POST "+routingPath, s.leadOrAdmin(s.routingAction))
	mux.Handle("POST "+routingPath+"/dry-run", s.leadOrAdmin(s.routingDryRun))
	// A dry run's answer without htmx is a page at the dry-run address, so a
	// reload, a bookmark or "back" may ask for it with GET: the working
	// copy is gone by then, so send the reader to the rules.
	mux.Handle("GET "+routingPath+"/dry-run", s.leadOrAdmin(func(w http.ResponseWriter, r *http.Request, _ *request) error {
		http.Redirect(w, r, routingPath, http.StatusSeeOther)
		return nil
	}))
	s.procedureRoutes(mux)
}

// adminLink is one entry of the admin navigation of these pages.
type adminLink struct {
	URL, Label string
	Current    bool
}

// adminLinks is the admin navigation: every section for administrators,
// only the routing page for leads (the other sections would refuse them).
func adminLinks(rq *request, current string) []adminLink {
	var out []adminLink
	if rq.actor.IsAdmin() {
		for _, sec := range adminSections {
			out = append(out, adminLink{URL: "/admin/" + sec, Label: rq.loc.T("admin." + sec)})
		}
	}
	out = append(out, adminLink{URL: routingPath, Label: rq.loc.T("admin.routing"), Current: current == "routing"})
	if rq.actor.IsAdmin() {
		out = append(out, adminLink{URL: proceduresPath, Label: rq.loc.T("admin.procedures"), Current: current == "procedures"})
	}
	return out
}

func (s *server) routingPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := s.savedRouting(r.Context(), rq)
	if err != nil {
		return err
	}
	out := routingOutcome{status: http.StatusOK, saved: r.URL.Query().Get("saved") == "1"}
	// Saved rules that cannot apply are said first, with each error on its
	// rule: meanwhile every new ticket takes the default route.
	err = s.d.RoutingRulesError(r.Context(), rq.actor)
	if verrs := validationErrors(err); verrs != nil {
		out.broken, out.invalid = true, verrs
	} else if err != nil {
		return err
	}
	s.renderRouting(w, r, rq, s.newRoutingPage(r, rq, st, out))
	return nil
}

// savedRouting is a fresh working copy of the stored rules.
func (s *server) savedRouting(ctx context.Context, rq *request) (routingState, error) {
	rs, err := s.d.RoutingRules(ctx, rq.actor)
	if err != nil {
		return routingState{}, err
	}
	rs = normalizeSet(rs)
	return routingState{Set: rs, Base: setHash(rs), Edit: noEdit}, nil
}

// routingAction applies one operation of the form to the working copy.
func (s *server) routingAction(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := parseRoutingState(r)
	if err != nil {
		return err
	}
	op, arg, _ := strings.Cut(r.PostForm.Get("op"), ":")
	out, err := s.routingOp(r, rq, &st, op, arg)
	if err != nil {
		return err
	}
	if out.saved && !isHTMX(r) {
		http.Redirect(w, r, routingPath+"?saved=1", http.StatusSeeOther)
		return nil
	}
	s.renderRouting(w, r, rq, s.newRoutingPage(r, rq, st, out))
	return nil
}

// routingOp dispatches an operation: list operations move the copy's
// rules, editor operations change the open editor, save stores the copy.
func (s *server) routingOp(r *http.Request, rq *request, st *routingState, op, arg string) (routingOutcome, error) {
	ok := routingOutcome{status: http.StatusOK}
	switch op {
	case "up", "down", "toggle", "delete", "edit":
		i, err := ruleIndex(arg, len(st.Set.Rules))
		if err != nil {
			return ok, err
		}
		st.listOp(op, i)
	case "add":
		st.Edit = len(st.Set.Rules)
		st.Editor = &ruleEditor{Index: st.Edit, IsNew: true, Enabled: true, Mode: "all", Rows: []condRow{blankRow()}}
	case "fallback":
		st.Edit = editFallback
		st.Editor = &ruleEditor{Index: editFallback, IsFallback: true, Act: actionFormOf(st.Set.Fallback)}
	case "cancel":
		st.Edit, st.Editor = noEdit, nil
	case "add_row", "remove_row", "advanced", "simple", "refresh":
		if st.Editor == nil {
			return ok, badParameter("op")
		}
		return st.Editor.op(rq.loc, op, arg), nil
	case "apply":
		return st.apply(rq.loc, *desk.RoutingEnv(rq.dir).Refs), nil
	case "discard":
		fresh, err := s.savedRouting(r.Context(), rq)
		*st = fresh
		return ok, err
	case "save", "overwrite":
		return s.saveRouting(r.Context(), rq, st, op == "overwrite")
	}
	return ok, nil
}

func ruleIndex(arg string, n int) (int, error) {
	i, err := strconv.Atoi(arg)
	if err != nil || i < 0 || i >= n {
		return 0, badParameter("op")
	}
	return i, nil
}

// saveRouting stores the copy (the open editor applied first). A copy
// started from rules that someone has since changed is not saved unless
// the admin chooses to overwrite them.
func (s *server) saveRouting(ctx context.Context, rq *request, st *routingState, overwrite bool) (routingOutcome, error) {
	if st.Editor != nil {
		if out := st.apply(rq.loc, *desk.RoutingEnv(rq.dir).Refs); st.Editor != nil {
			return out, nil
		}
	}
	if !overwrite {
		cur, err := s.d.RoutingRules(ctx, rq.actor)
		if err != nil {
			return routingOutcome{}, err
		}
		if setHash(cur) != st.Base {
			return routingOutcome{status: http.StatusConflict, conflict: true, message: rq.loc.T("routing.conflict")}, nil
		}
	}
	err := s.d.SaveRoutingRules(ctx, rq.actor, st.Set)
	if verrs := validationErrors(err); verrs != nil {
		st.openFirstFaulty(rq.loc, verrs)
		return routingOutcome{status: http.StatusUnprocessableEntity, message: rq.loc.Error(err), invalid: verrs}, nil
	}
	if err != nil {
		return routingOutcome{}, err
	}
	st.Base = setHash(st.Set)
	return routingOutcome{status: http.StatusOK, saved: true}, nil
}
