package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
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
	return s.auth(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if !rq.actor.IsLeadOrAdmin() {
			return errRoutingLeadOnly
		}
		return h(w, r, rq)
	})
}

// routingAdminRoutes registers the routing rules and escalation procedure
// pages.
func (s *server) routingAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET "+routingPath, s.leadOrAdmin(s.routingPage))
	mux.Handle("POST "+routingPath, s.leadOrAdmin(s.routingAction))
	mux.Handle("POST "+routingPath+"/dry-run", s.leadOrAdmin(s.routingDryRun))
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

// routingState is the working copy and what the page is doing with it.
type routingState struct {
	Set routing.RuleSet
	// Base identifies the stored set the copy started from, so that saving
	// over someone else's newer rules is noticed.
	Base   string
	Edit   int
	Editor *ruleEditor
}

// routingOutcome is what an operation leaves to show besides the copy.
type routingOutcome struct {
	status   int
	saved    bool
	conflict bool
	message  string
	// invalid holds validation failures by path, placed on rules and rows.
	invalid map[string]problem.Field
}

func (s *server) routingPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := s.savedRouting(r.Context(), rq)
	if err != nil {
		return err
	}
	out := routingOutcome{status: http.StatusOK, saved: r.URL.Query().Get("saved") == "1"}
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

// normalizeSet makes an empty rule list non-nil so that the hash of a set
// does not depend on how it was decoded.
func normalizeSet(rs routing.RuleSet) routing.RuleSet {
	if rs.Rules == nil {
		rs.Rules = []routing.Rule{}
	}
	return rs
}

func setHash(rs routing.RuleSet) string {
	raw, _ := json.Marshal(normalizeSet(rs)) // plain data: cannot fail
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
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

// parseRoutingState reads the working copy and the open editor.
func parseRoutingState(r *http.Request) (routingState, error) {
	if err := r.ParseForm(); err != nil {
		return routingState{}, badParameter("form")
	}
	f := r.PostForm
	st := routingState{Base: f.Get("base"), Edit: noEdit}
	if err := json.Unmarshal([]byte(f.Get("draft")), &st.Set); err != nil {
		return st, badParameter("draft")
	}
	st.Set = normalizeSet(st.Set)
	if v := f.Get("edit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < editFallback || n > len(st.Set.Rules) {
			return st, badParameter("edit")
		}
		st.Edit = n
	}
	if st.Edit != noEdit {
		st.Editor = parseEditor(f, st)
	}
	return st, nil
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
		return st.apply(rq.loc), nil
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

// listOp changes the copy's rule i; moves past either end do nothing.
func (st *routingState) listOp(op string, i int) {
	rules := st.Set.Rules
	switch op {
	case "up":
		if i > 0 {
			rules[i-1], rules[i] = rules[i], rules[i-1]
		}
	case "down":
		if i < len(rules)-1 {
			rules[i], rules[i+1] = rules[i+1], rules[i]
		}
	case "toggle":
		rules[i].Enabled = !rules[i].Enabled
	case "delete":
		st.Set.Rules = slices.Delete(rules, i, i+1)
	case "edit":
		st.Edit, st.Editor = i, editorFor(rules[i], i)
	}
}

// apply puts the editor's rule into the copy once its structure is valid.
// Names the workspace must know (tiers, teams…) are checked on saving, by
// the desk: the editor offers only known ones anyway.
func (st *routingState) apply(l *locale) routingOutcome {
	e := st.Editor
	if e == nil {
		return routingOutcome{status: http.StatusOK}
	}
	next, err := st.withEditor()
	if err != nil {
		e.Errors = formErrors{"json": l.T("routing.err.bad_json", "detail", err.Error())}
		return routingOutcome{status: http.StatusUnprocessableEntity, message: l.T("routing.invalid_rule")}
	}
	if _, err := routing.Compile(next, routing.Env{}); err != nil {
		fields := validationFields(err)
		if e.place(l, fields) {
			return routingOutcome{status: http.StatusUnprocessableEntity, message: l.T("routing.invalid_rule")}
		}
	}
	st.Set, st.Edit, st.Editor = next, noEdit, nil
	return routingOutcome{status: http.StatusOK}
}

// withEditor is the copy with the open editor's rule (or fallback) in
// place; the error is a JSON syntax error of the advanced editor.
func (st *routingState) withEditor() (routing.RuleSet, error) {
	e := st.Editor
	next := st.Set
	next.Rules = slices.Clone(st.Set.Rules)
	if e == nil {
		return next, nil
	}
	if e.IsFallback {
		next.Fallback = e.Act.actions()
		return next, nil
	}
	id := nextRuleID(st.Set.Rules)
	if !e.IsNew {
		id = st.Set.Rules[e.Index].ID
	}
	rule, err := e.rule(id)
	if err != nil {
		return next, err
	}
	if e.IsNew {
		next.Rules = append(next.Rules, rule)
	} else {
		next.Rules[e.Index] = rule
	}
	return next, nil
}

// nextRuleID gives a new rule an id of its own, so that timelines and dry
// runs can name it even after it moves.
func nextRuleID(rules []routing.Rule) int64 {
	var last int64
	for _, r := range rules {
		last = max(last, r.ID)
	}
	return last + 1
}

// saveRouting stores the copy (the open editor applied first). A copy
// started from rules that someone has since changed is not saved unless
// the admin chooses to overwrite them.
func (s *server) saveRouting(ctx context.Context, rq *request, st *routingState, overwrite bool) (routingOutcome, error) {
	if st.Editor != nil {
		if out := st.apply(rq.loc); st.Editor != nil {
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
	if fields := validationFields(err); fields != nil {
		st.openFirstFaulty(rq.loc, fields)
		return routingOutcome{status: http.StatusUnprocessableEntity, message: rq.loc.Error(err), invalid: fields}, nil
	}
	if err != nil {
		return routingOutcome{}, err
	}
	st.Base = setHash(st.Set)
	return routingOutcome{status: http.StatusOK, saved: true}, nil
}

// openFirstFaulty opens the editor on the first rule (or the fallback)
// that has an error, with the errors next to its rows.
func (st *routingState) openFirstFaulty(l *locale, fields map[string]problem.Field) {
	first := noEdit
	for path := range fields {
		p := placeOf(path)
		switch {
		case p.rule >= 0 && (first < 0 || p.rule < first):
			first = p.rule
		case p.rule == editFallback && first == noEdit:
			first = editFallback
		}
	}
	switch {
	case first >= 0:
		st.Edit, st.Editor = first, editorFor(st.Set.Rules[first], first)
	case first == editFallback:
		st.Edit = editFallback
		st.Editor = &ruleEditor{Index: editFallback, IsFallback: true, Act: actionFormOf(st.Set.Fallback)}
	default:
		return
	}
	st.Editor.place(l, fields)
}

// validationFields returns the failures of a validation error by path:
// the desk's problem, or the rule set's own errors. It is nil for any
// other error.
func validationFields(err error) map[string]problem.Field {
	var verrs routing.ValidationErrors
	if errors.As(err, &verrs) {
		out := map[string]problem.Field{}
		for _, v := range verrs {
			if _, seen := out[v.Path]; !seen {
				out[v.Path] = problem.Field{Code: v.Code, Message: v.Message, Params: v.Params}
			}
		}
		return out
	}
	if p, ok := problem.As(err); ok && p.Kind == problem.Invalid && len(p.Fields) > 0 {
		return p.Fields
	}
	return nil
}

// routingErrText words a rule set's validation failure for the reader.
func routingErrText(l *locale, f problem.Field) string {
	key := "routing.err." + f.Code
	if i18n.Has(key) {
		return i18n.Tm(l.Lang, key, f.Params)
	}
	return l.fieldMessage(f)
}

// errPlace is where a validation path points: a rule (its index, or
// editFallback, or noEdit for the environment) and the editor's key for
// the element — "name", "cond.1.value", "then.team", "when"…
type errPlace struct {
	rule int
	key  string
	row  int    // the condition row, or -1
	rest string // the path within the rule, for the JSON editor
}

// placeOf maps a path such as "rules[2].when.all[1].value" to the row
// and input of the editor that shows it.
func placeOf(path string) errPlace {
	if rest, ok := strings.CutPrefix(path, "fallback"); ok {
		rest = strings.TrimPrefix(rest, ".")
		return errPlace{rule: editFallback, key: "then." + pathHead(rest), row: -1, rest: rest}
	}
	rest, ok := strings.CutPrefix(path, "rules[")
	end := strings.IndexByte(rest, ']')
	if !ok || end < 0 {
		return errPlace{rule: noEdit, row: -1, rest: path}
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil {
		return errPlace{rule: noEdit, row: -1, rest: path}
	}
	rest = strings.TrimPrefix(rest[end+1:], ".")
	p := errPlace{rule: i, row: -1, rest: rest, key: pathHead(rest)}
	switch {
	case strings.HasPrefix(rest, "then."):
		p.key = "then." + pathHead(strings.TrimPrefix(rest, "then."))
	case rest == "when" || strings.HasPrefix(rest, "when."):
		p.row, p.key = condPlace(strings.TrimPrefix(rest, "when"))
	}
	return p
}

// condPlace maps the part of a path after "when" to a row of the simple
// editor: ".all[j]…" and ".any[j]…" are row j, a lone condition is row 0.
func condPlace(rest string) (int, string) {
	if rest == "" {
		return -1, "when"
	}
	row := 0
	if strings.HasPrefix(rest, ".all[") || strings.HasPrefix(rest, ".any[") {
		tail := rest[len(".all["):]
		end := strings.IndexByte(tail, ']')
		if end < 0 {
			return -1, "when"
		}
		n, err := strconv.Atoi(tail[:end])
		if err != nil {
			return -1, "when"
		}
		row, rest = n, tail[end+1:]
	}
	rest = strings.TrimPrefix(rest, ".not")
	key := "cond." + strconv.Itoa(row)
	switch {
	case rest == ".field":
		key += ".field"
	case rest == ".op":
		key += ".op"
	case rest == ".value" || strings.HasPrefix(rest, ".values"):
		key += ".value"
	}
	return row, key
}

// pathHead is the first element of a path, without an index:
// "add_tags[1]" → "add_tags".
func pathHead(path string) string {
	name, _, _ := strings.Cut(path, ".")
	name, _, _ = strings.Cut(name, "[")
	return name
}

// ruleErrors words the failures of each rule for the list, each prefixed
// with where it is ("Condition 2: …"), in path order.
func ruleErrors(l *locale, fields map[string]problem.Field) (byRule map[int][]string, other []string) {
	byRule = map[int][]string{}
	paths := make([]string, 0, len(fields))
	for path := range fields {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		p := placeOf(path)
		msg := placeLabel(l, p) + routingErrText(l, fields[path])
		if p.rule == noEdit {
			other = append(other, msg)
			continue
		}
		byRule[p.rule] = append(byRule[p.rule], msg)
	}
	return byRule, other
}

// placeLabel names where an error is, as a prefix of its message.
func placeLabel(l *locale, p errPlace) string {
	switch {
	case p.row >= 0:
		return l.T("routing.place.cond", "n", strconv.Itoa(p.row+1))
	case strings.HasPrefix(p.key, "then."):
		return l.T("routing.place.then", "what", actionLabel(l, strings.TrimPrefix(p.key, "then.")))
	case p.key == "name":
		return l.T("routing.place.name")
	case p.rule == noEdit:
		return ""
	}
	return l.T("routing.place.rule")
}

// actionLabel names an action of a rule.
func actionLabel(l *locale, name string) string {
	key := "routing.f." + name
	if name == "assign_agent" || name == "assign_strategy" {
		key = "routing.f.assign"
	}
	if i18n.Has(key) {
		return l.T(key)
	}
	return name
}

// ruleEditor is the form of one rule (or of the fallback route), as typed
// so that a refused form shows back what was entered.
type ruleEditor struct {
	Index      int
	IsNew      bool
	IsFallback bool
	Name       string
	Enabled    bool
	Mode       string // "all" or "any"
	// Advanced edits the whole rule as JSON: rules whose conditions nest
	// groups are shown this way, since rows cannot.
	Advanced bool
	JSON     string
	Rows     []condRow
	Act      actionForm
	// Errors are keyed by input: "name", "json", "then.team"…; Messages
	// are failures without an input of their own.
	Errors   formErrors
	Messages []string
}

// condRow is one condition of the simple editor.
type condRow struct {
	Index, N                  int // N counts from 1, for people
	Field, Op, Value          string
	Not                       bool
	FieldErr, OpErr, ValueErr string
	RowErr                    string
	// Choices of the row's selects, filled just before rendering; a field
	// with a closed list of values gets a select for its value.
	FieldOpts, Ops, Choices []option
	HasChoices              bool
	Hint                    string
}

// actionForm is what a rule does, as typed.
type actionForm struct {
	Tier, Team, Priority, RequestType, Tags string
	Assign                                  string // "", "agent:<id>" or "strategy:<name>"
	Sensitive, Human                        bool
	AutoReply                               string
}

func blankRow() condRow { return condRow{Field: routing.FieldText, Op: routing.OpContainsWords} }

// editorFor opens the editor on a rule: rows when its conditions are one
// flat group, JSON otherwise.
func editorFor(r routing.Rule, index int) *ruleEditor {
	e := &ruleEditor{Index: index, Name: r.Name, Enabled: r.Enabled, Act: actionFormOf(r.Then)}
	if mode, rows, ok := simpleRows(r.When); ok {
		e.Mode, e.Rows = mode, rows
		return e
	}
	e.Mode, e.Advanced, e.JSON = "all", true, ruleJSON(r)
	return e
}

func ruleJSON(r routing.Rule) string {
	raw, _ := json.MarshalIndent(r, "", "  ") // plain data: cannot fail
	return string(raw)
}

// simpleRows flattens a condition into rows: nothing, a test, a negated
// test, or one all/any group of those. ok is false for anything nested
// deeper.
func simpleRows(c routing.Condition) (mode string, rows []condRow, ok bool) {
	switch {
	case len(c.All) > 0 && len(c.Any) == 0 && c.Not == nil && !isFieldTest(c):
		rows, ok = flatRows(c.All)
		return "all", rows, ok
	case len(c.Any) > 0 && len(c.All) == 0 && c.Not == nil && !isFieldTest(c):
		rows, ok = flatRows(c.Any)
		return "any", rows, ok
	case len(c.All) == 0 && len(c.Any) == 0 && c.Not == nil && !isFieldTest(c):
		return "all", nil, true
	}
	rows, ok = flatRows([]routing.Condition{c})
	return "all", rows, ok
}

func flatRows(conds []routing.Condition) ([]condRow, bool) {
	rows := make([]condRow, 0, len(conds))
	for _, c := range conds {
		row, ok := rowOf(c)
		if !ok {
			return nil, false
		}
		rows = append(rows, row)
	}
	return rows, true
}

// rowOf is a test or a negated test as a row.
func rowOf(c routing.Condition) (condRow, bool) {
	not := false
	if c.Not != nil && len(c.All) == 0 && len(c.Any) == 0 && !isFieldTest(c) {
		c, not = *c.Not, true
	}
	if len(c.All) > 0 || len(c.Any) > 0 || c.Not != nil || !isFieldTest(c) {
		return condRow{}, false
	}
	v := c.Value
	if c.Op == routing.OpIn {
		v = strings.Join(c.Values, ", ")
	}
	return condRow{Field: c.Field, Op: c.Op, Value: v, Not: not}, true
}

// isAlways reports an empty condition, which matches every ticket.
func isAlways(c routing.Condition) bool {
	return len(c.All) == 0 && len(c.Any) == 0 && c.Not == nil && !isFieldTest(c)
}

func isFieldTest(c routing.Condition) bool {
	return c.Field != "" || c.Op != "" || c.Value != "" || len(c.Values) > 0
}

// parseEditor reads the open editor from the form.
func parseEditor(f url.Values, st routingState) *ruleEditor {
	e := &ruleEditor{Index: st.Edit, IsFallback: st.Edit == editFallback, IsNew: st.Edit == len(st.Set.Rules),
		Name: strings.TrimSpace(f.Get("e_name")), Enabled: f.Get("e_enabled") != "", Mode: f.Get("e_mode"),
		Advanced: f.Get("e_advanced") == "1", JSON: f.Get("e_json")}
	if e.Mode != "any" {
		e.Mode = "all"
	}
	n, _ := strconv.Atoi(f.Get("e_rows"))
	for j := range min(max(n, 0), maxConditions) {
		p := "c" + strconv.Itoa(j) + "_"
		row := condRow{Field: f.Get(p + "field"), Op: f.Get(p + "op"), Value: f.Get(p + "value"), Not: f.Get(p+"not") != ""}
		if was := f.Get(p + "was"); was != "" && was != row.Field {
			row.Value = "" // "email" means nothing to the new field
		}
		e.Rows = append(e.Rows, row)
	}
	e.Act = actionForm{Tier: f.Get("a_tier"), Team: f.Get("a_team"), Priority: f.Get("a_priority"), RequestType: f.Get("a_request_type"),
		Tags: f.Get("a_tags"), Assign: f.Get("a_assign"), Sensitive: f.Get("a_sensitive") != "", Human: f.Get("a_human") != "",
		AutoReply: f.Get("a_auto_reply")}
	return e
}

// op runs an operation of the editor itself.
func (e *ruleEditor) op(l *locale, op, arg string) routingOutcome {
	ok := routingOutcome{status: http.StatusOK}
	switch op {
	case "add_row":
		if len(e.Rows) < maxConditions {
			e.Rows = append(e.Rows, blankRow())
		}
	case "remove_row":
		if j, err := strconv.Atoi(arg); err == nil && j >= 0 && j < len(e.Rows) {
			e.Rows = slices.Delete(e.Rows, j, j+1)
		}
	case "advanced":
		r, _ := e.rule(0) // rows cannot fail to convert
		e.Advanced, e.JSON = true, ruleJSON(r)
	case "simple":
		return e.toSimple(l)
	}
	return ok
}

// toSimple goes back to rows when the JSON allows it.
func (e *ruleEditor) toSimple(l *locale) routingOutcome {
	r, err := e.rule(0)
	if err != nil {
		e.Errors = formErrors{"json": l.T("routing.err.bad_json", "detail", err.Error())}
		return routingOutcome{status: http.StatusUnprocessableEntity}
	}
	mode, rows, ok := simpleRows(r.When)
	if !ok {
		e.Messages = []string{l.T("routing.editor.too_nested")}
		return routingOutcome{status: http.StatusOK}
	}
	e.Name, e.Enabled, e.Act = r.Name, r.Enabled, actionFormOf(r.Then)
	e.Advanced, e.Mode, e.Rows = false, mode, rows
	return routingOutcome{status: http.StatusOK}
}

// rule is the editor's rule; the error is a JSON syntax error.
func (e *ruleEditor) rule(id int64) (routing.Rule, error) {
	if e.Advanced {
		var r routing.Rule
		dec := json.NewDecoder(strings.NewReader(e.JSON))
		dec.DisallowUnknownFields() // a misspelt key would silently do nothing
		if err := dec.Decode(&r); err != nil {
			return r, err
		}
		if r.ID == 0 {
			r.ID = id
		}
		return r, nil
	}
	r := routing.Rule{ID: id, Name: e.Name, Enabled: e.Enabled, Then: e.Act.actions()}
	if len(e.Rows) > 0 {
		kids := make([]routing.Condition, len(e.Rows))
		for j, row := range e.Rows {
			kids[j] = row.condition()
		}
		if e.Mode == "any" {
			r.When.Any = kids
		} else {
			r.When.All = kids
		}
	}
	return r, nil
}

func (row condRow) condition() routing.Condition {
	c := routing.Condition{Field: row.Field, Op: row.Op}
	if row.Op == routing.OpIn {
		c.Values = splitCommaList(row.Value)
	} else {
		c.Value = strings.TrimSpace(row.Value)
	}
	if row.Not {
		return routing.Condition{Not: &c}
	}
	return c
}

// splitCommaList reads a comma-separated list, dropping blanks.
func splitCommaList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func actionFormOf(a routing.Actions) actionForm {
	f := actionForm{Tier: a.Tier, Team: a.Team, Priority: a.Priority, RequestType: a.RequestType, Tags: strings.Join(a.AddTags, ", "),
		Sensitive: a.MarkSensitive, Human: a.RequireHuman, AutoReply: a.AutoReply}
	switch {
	case a.AssignAgent != 0:
		f.Assign = "agent:" + strconv.FormatInt(a.AssignAgent, 10)
	case a.AssignStrategy != "":
		f.Assign = "strategy:" + a.AssignStrategy
	}
	return f
}

func (f actionForm) actions() routing.Actions {
	a := routing.Actions{Tier: f.Tier, Team: f.Team, Priority: f.Priority, RequestType: f.RequestType, AddTags: splitCommaList(f.Tags),
		MarkSensitive: f.Sensitive, RequireHuman: f.Human, AutoReply: strings.TrimSpace(f.AutoReply)}
	kind, v, _ := strings.Cut(f.Assign, ":")
	switch kind {
	case "agent":
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			id = -1 // reported as an invalid agent rather than dropped
		}
		a.AssignAgent = id
	case "strategy":
		a.AssignStrategy = v
	}
	return a
}

// place puts the failures of the editor's rule next to its inputs and
// reports whether there were any.
func (e *ruleEditor) place(l *locale, fields map[string]problem.Field) bool {
	found := false
	if e.Errors == nil {
		e.Errors = formErrors{}
	}
	paths := make([]string, 0, len(fields))
	for path := range fields {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		p := placeOf(path)
		if p.rule != e.Index {
			continue
		}
		found = true
		e.placeOne(l, p, routingErrText(l, fields[path]))
	}
	return found
}

func (e *ruleEditor) placeOne(l *locale, p errPlace, msg string) {
	switch {
	case e.Advanced:
		e.Messages = append(e.Messages, l.T("routing.place.path", "path", p.rest)+msg)
	case p.row >= 0 && p.row < len(e.Rows):
		row := &e.Rows[p.row]
		switch p.key {
		case "cond." + strconv.Itoa(p.row) + ".field":
			row.FieldErr = msg
		case "cond." + strconv.Itoa(p.row) + ".op":
			row.OpErr = msg
		case "cond." + strconv.Itoa(p.row) + ".value":
			row.ValueErr = msg
		default:
			row.RowErr = msg
		}
	case p.key == "name" || strings.HasPrefix(p.key, "then."):
		if p.key == "then.assign_agent" || p.key == "then.assign_strategy" {
			p.key = "then.assign"
		}
		e.Errors[p.key] = msg
	default:
		e.Messages = append(e.Messages, placeLabel(l, p)+msg)
	}
}

// Title of the editor.
func (e *ruleEditor) Title(l *locale) string {
	switch {
	case e.IsFallback:
		return l.T("routing.fallback.edit")
	case e.IsNew:
		return l.T("routing.editor.new")
	}
	return l.T("routing.editor.edit", "n", strconv.Itoa(e.Index+1))
}

// routingPage is the page, or its #routing fragment for htmx.
type routingPage struct {
	base
	status   int
	Links    []adminLink
	CanSave  bool
	Draft    string
	Base     string
	Edit     int
	Dirty    bool
	Saved    bool
	Conflict bool
	Message  string
	Others   []string // failures outside any rule
	Rules    []ruleRow
	Fallback string
	FallErrs []string
	Editor   *ruleEditor
	Opts     routingOptions
	Sizes    []option
	N        string
	DryRun   *dryRunView
}

// ruleRow is a rule in the list.
type ruleRow struct {
	Index, Position int
	Name, Summary   string
	Enabled         bool
	First, Last     bool
	Errors          []string
}

func (s *server) newRoutingPage(r *http.Request, rq *request, st routingState, out routingOutcome) routingPage {
	l := rq.loc
	raw, _ := json.Marshal(st.Set) // plain data: cannot fail
	p := routingPage{base: s.base(r, rq, l.T("admin.routing"), "admin"), status: cmp.Or(out.status, http.StatusOK),
		Links: adminLinks(rq, "routing"), CanSave: rq.actor.IsAdmin(),
		Draft: string(raw), Base: st.Base, Edit: st.Edit, Dirty: setHash(st.Set) != st.Base, Saved: out.saved,
		Conflict: out.conflict, Message: out.message, Editor: st.Editor, Opts: newRoutingOptions(rq), N: r.PostForm.Get("n")}
	if p.N == "" {
		p.N = strconv.Itoa(dryRunSizes[0])
	}
	for _, n := range dryRunSizes {
		p.Sizes = append(p.Sizes, option{strconv.Itoa(n), l.Num(n)})
	}
	byRule, other := ruleErrors(l, out.invalid)
	p.Others, p.FallErrs = other, byRule[editFallback]
	say := describer{l: l, dir: rq.dir}
	for i, rule := range st.Set.Rules {
		p.Rules = append(p.Rules, ruleRow{Index: i, Position: i + 1, Name: rule.Name, Summary: say.rule(rule), Enabled: rule.Enabled,
			First: i == 0, Last: i == len(st.Set.Rules)-1, Errors: byRule[i]})
	}
	p.Fallback = say.actions(st.Set.Fallback)
	if p.Editor != nil {
		p.Opts.decorate(l, p.Editor)
	}
	return p
}

func (s *server) renderRouting(w http.ResponseWriter, r *http.Request, rq *request, p routingPage) {
	if isHTMX(r) {
		s.render(w, r, rq.loc, p.status, "admin_routing", "routing", p)
		return
	}
	s.render(w, r, rq.loc, p.status, "admin_routing", "", p)
}

// routingOptions are the choices of the editor's selects.
type routingOptions struct {
	Fields, Tiers, Teams, Priorities, Types, Assign []option
	// values are the known values of the fields that have a closed list.
	values map[string][]option
}

func newRoutingOptions(rq *request) routingOptions {
	l := rq.loc
	o := routingOptions{values: knownValues(rq)}
	for _, f := range []string{routing.FieldText, routing.FieldSubject, routing.FieldBody, routing.FieldChannel, routing.FieldRequestType,
		routing.FieldPriority, routing.FieldSegment, routing.FieldOrganisation, routing.FieldLanguage, routing.FieldBusinessHours,
		routing.FieldOpenTickets, routing.FieldSensitive} {
		o.Fields = append(o.Fields, option{f, l.T("routing.field." + f)})
	}
	for _, cf := range rq.dir.CustomFields {
		o.Fields = append(o.Fields, option{routing.FieldCustomPrefix + cf.Key, l.T("routing.field.custom", "label", cf.Label(l.Lang))})
	}
	o.Tiers = []option{{"", l.T("routing.a.tier_default")}}
	for _, t := range rq.dir.Tiers {
		o.Tiers = append(o.Tiers, option{t.Code, t.Code + " · " + t.NameIn(l.Lang)})
	}
	o.Teams = []option{{"", l.T("routing.a.team_default")}}
	for _, t := range rq.dir.Teams {
		o.Teams = append(o.Teams, option{t.Name, t.NameIn(l.Lang)})
	}
	o.Priorities = append([]option{{"", l.T("routing.a.unchanged")}}, o.values[routing.FieldPriority]...)
	o.Types = append([]option{{"", l.T("routing.a.unchanged")}}, o.values[routing.FieldRequestType]...)
	o.Assign = []option{{"", l.T("routing.a.assign_none")},
		{"strategy:" + routing.AssignRoundRobin, l.T("routing.a.round_robin")},
		{"strategy:" + routing.AssignLeastLoaded, l.T("routing.a.least_loaded")}}
	for _, m := range rq.dir.Members {
		if m.Active && m.Role != workspace.Collaborator { // collaborators never own tickets
			o.Assign = append(o.Assign, option{"agent:" + strconv.FormatInt(m.ID, 10), l.T("routing.a.assign_to", "name", m.Name)})
		}
	}
	return o
}

// knownValues are the values a field can take, as the summary words them.
func knownValues(rq *request) map[string][]option {
	l := rq.loc
	say := describer{l: l, dir: rq.dir}
	out := map[string][]option{}
	add := func(field string, values ...string) {
		for _, v := range values {
			out[field] = append(out[field], option{v, say.label(field, v)})
		}
	}
	add(routing.FieldChannel, ticket.Channels...)
	add(routing.FieldPriority, ticket.PriorityNames()...)
	add(routing.FieldSegment, customer.Segments...)
	add(routing.FieldLanguage, workspace.Languages...)
	for _, rt := range rq.dir.RequestTypes {
		add(routing.FieldRequestType, rt.Key)
	}
	out[routing.FieldBusinessHours] = []option{{"inside", l.T("routing.v.inside")}, {"outside", l.T("routing.v.outside")}}
	out[routing.FieldSensitive] = []option{{"true", l.T("value.yes")}, {"false", l.T("value.no")}}
	return out
}

// Ops each field accepts, as routing.Condition documents them. A test
// compiles every pair so that this table cannot drift from the engine.
var (
	enumFieldOps   = []string{routing.OpIs, routing.OpIsNot, routing.OpIn}
	textFieldOps   = []string{routing.OpContainsWords, routing.OpContainsAnyWord, routing.OpContainsPhrase}
	numberFieldOps = []string{routing.OpEq, routing.OpGt, routing.OpGte, routing.OpLt, routing.OpLte}
	customFieldOps = slices.Concat(enumFieldOps, textFieldOps, numberFieldOps)
	fieldOps       = map[string][]string{
		routing.FieldChannel: enumFieldOps, routing.FieldRequestType: enumFieldOps, routing.FieldSegment: enumFieldOps,
		routing.FieldOrganisation: enumFieldOps, routing.FieldLanguage: enumFieldOps, routing.FieldPriority: enumFieldOps,
		routing.FieldText: textFieldOps, routing.FieldSubject: textFieldOps, routing.FieldBody: textFieldOps,
		routing.FieldBusinessHours: {routing.OpIs}, routing.FieldOpenTickets: numberFieldOps, routing.FieldSensitive: {routing.OpIs},
	}
)

// opsFor lists the ops a field accepts; an unknown field accepts none.
func opsFor(field string) []string {
	if strings.HasPrefix(field, routing.FieldCustomPrefix) {
		return customFieldOps
	}
	return fieldOps[field]
}

// decorate fills the rows' choices: the ops of each row's field (an op
// the field does not take is replaced by its first), and the values of
// fields with a closed list.
func (o routingOptions) decorate(l *locale, e *ruleEditor) {
	for j := range e.Rows {
		row := &e.Rows[j]
		row.Index, row.N = j, j+1
		row.FieldOpts = o.Fields
		if !slices.ContainsFunc(o.Fields, func(op option) bool { return op.Value == row.Field }) {
			row.FieldOpts = append([]option{{row.Field, row.Field}}, o.Fields...)
		}
		ops := opsFor(row.Field)
		if len(ops) > 0 && !slices.Contains(ops, row.Op) {
			row.Op = ops[0]
		}
		for _, op := range ops {
			row.Ops = append(row.Ops, option{op, l.T("routing.opname." + op)})
		}
		if len(ops) == 0 {
			row.Ops = []option{{row.Op, row.Op}}
		}
		o.rowValues(l, row)
	}
}

// rowValues offers a select for one value of a closed list, and a hint
// with the allowed values for a list of them.
func (o routingOptions) rowValues(l *locale, row *condRow) {
	known := o.values[row.Field]
	switch {
	case len(known) > 0 && row.Op != routing.OpIn:
		row.HasChoices, row.Choices = true, known
		if row.Value != "" && !slices.ContainsFunc(known, func(op option) bool { return op.Value == row.Value }) {
			row.Choices = append([]option{{row.Value, row.Value}}, known...)
		}
	case len(known) > 0:
		vals := make([]string, len(known))
		for i, k := range known {
			vals[i] = k.Value
		}
		row.Hint = strings.Join(vals, ", ")
	case slices.Contains(textFieldOps, row.Op):
		row.Hint = l.T("routing.hint.words")
	case slices.Contains(numberFieldOps, row.Op):
		row.Hint = "3"
	}
}

// routingDryRun runs the working copy, open editor included, over the last
// N tickets and shows what would change.
func (s *server) routingDryRun(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := parseRoutingState(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostForm.Get("n"))
	if err != nil || !slices.Contains(dryRunSizes, n) {
		return badParameter("n")
	}
	view, status, err := s.dryRun(r.Context(), rq, st, n)
	if err != nil {
		return err
	}
	if isHTMX(r) {
		s.render(w, r, rq.loc, status, "admin_routing", "dry-run", pair{L: rq.loc, V: view})
		return nil
	}
	p := s.newRoutingPage(r, rq, st, routingOutcome{status: status})
	p.DryRun = &view
	s.render(w, r, rq.loc, status, "admin_routing", "", p)
	return nil
}

func (s *server) dryRun(ctx context.Context, rq *request, st routingState, n int) (dryRunView, int, error) {
	l := rq.loc
	set, err := st.withEditor()
	if err != nil {
		return dryRunView{Message: l.T("routing.invalid_rule"), Errors: []string{l.T("routing.err.bad_json", "detail", err.Error())}},
			http.StatusUnprocessableEntity, nil
	}
	res, err := s.d.DryRun(ctx, rq.actor, set, n)
	if fields := validationFields(err); fields != nil {
		byRule, other := ruleErrors(l, fields)
		v := dryRunView{Message: l.Error(err)}
		for i := range set.Rules {
			for _, msg := range byRule[i] {
				v.Errors = append(v.Errors, l.T("routing.place.in_rule", "n", strconv.Itoa(i+1), "name", set.Rules[i].Name)+msg)
			}
		}
		for _, msg := range byRule[editFallback] {
			v.Errors = append(v.Errors, l.T("routing.place.fallback")+msg)
		}
		v.Errors = append(v.Errors, other...)
		return v, http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return dryRunView{}, 0, err
	}
	return newDryRunView(l, set, res), http.StatusOK, nil
}

// dryRunView is the result of a dry run as the page shows it.
type dryRunView struct {
	Message      string
	Errors       []string
	Total, Moved string
	Hits         []hitRow
	Flows        []flowRow
	Samples      []sampleRow
	More         bool // more tickets moved than the list shows
}

type hitRow struct {
	Position       int
	Name, Count    string
	Zero, Fallback bool
	Disabled       bool
}

type flowRow struct{ From, To, Count string }

type sampleRow struct {
	ID                         int64
	Ref, Subject, From, To, By string
}

func newDryRunView(l *locale, set routing.RuleSet, res desk.DryRunResult) dryRunView {
	v := dryRunView{Total: l.Num(res.Total), Moved: l.Num(res.Moved)}
	v.Hits = hitRows(l, set, res.Hits)
	for _, f := range res.Flows {
		v.Flows = append(v.Flows, flowRow{From: placementText(f.From), To: placementText(f.To), Count: l.Num(f.Count)})
	}
	for i, d := range res.Decisions {
		if i >= len(res.Samples) {
			break
		}
		sm := res.Samples[i]
		before := routing.Placement{Tier: sm.Tier, Team: sm.Team}
		if !routing.Moved(before, d) {
			continue
		}
		if len(v.Samples) == dryRunShown {
			v.More = true
			break
		}
		by := d.RuleName
		if d.Fallback {
			by = l.T("routing.fallback")
		}
		v.Samples = append(v.Samples, sampleRow{ID: sm.TicketID, Ref: "#" + strconv.FormatInt(sm.Number, 10), Subject: sm.Input.Subject,
			From: placementText(before), To: placementText(d.Placement()), By: by})
	}
	return v
}

// hitRows lines the hit counts up with the rules: the engine counts
// enabled rules only, in order, then the fallback.
func hitRows(l *locale, set routing.RuleSet, hits []routing.RuleHit) []hitRow {
	var out []hitRow
	next := 0
	for i, rule := range set.Rules {
		row := hitRow{Position: i + 1, Name: rule.Name, Disabled: !rule.Enabled}
		if rule.Enabled && next < len(hits) {
			row.Count, row.Zero = l.Num(hits[next].Count), hits[next].Count == 0
			next++
		}
		out = append(out, row)
	}
	if next < len(hits) {
		out = append(out, hitRow{Name: l.T("routing.fallback"), Fallback: true, Count: l.Num(hits[next].Count), Zero: hits[next].Count == 0})
	}
	return out
}

// placementText writes where a ticket sits: "L2 · Billing experts", or
// the tier alone when a rule leaves the team to the service.
func placementText(p routing.Placement) string {
	if p.Team == "" {
		return p.Tier
	}
	return p.Tier + " · " + p.Team
}

// describer words rules in the reader's language: « Si le texte contient
// « facturé deux fois » et le canal est e-mail → L2 · Billing experts,
// priorité urgente ».
type describer struct {
	l   *locale
	dir desk.Directory
}

func (d describer) rule(r routing.Rule) string {
	then := d.actions(r.Then)
	if isAlways(r.When) {
		return d.l.T("routing.sum.always", "then", then)
	}
	return d.l.T("routing.sum.if", "when", d.cond(r.When, false), "then", then)
}

func (d describer) cond(c routing.Condition, nested bool) string {
	switch {
	case len(c.All) > 0:
		return d.group(c.All, "routing.sum.and", nested)
	case len(c.Any) > 0:
		return d.group(c.Any, "routing.sum.or", nested)
	case c.Not != nil && isFieldTest(*c.Not):
		return d.test(*c.Not, true)
	case c.Not != nil:
		return d.l.T("routing.sum.not", "cond", d.cond(*c.Not, true))
	}
	return d.test(c, false)
}

func (d describer) group(kids []routing.Condition, joinKey string, nested bool) string {
	parts := make([]string, len(kids))
	for i, k := range kids {
		parts[i] = d.cond(k, true)
	}
	s := strings.Join(parts, d.l.T(joinKey))
	if nested && len(kids) > 1 {
		s = "(" + s + ")"
	}
	return s
}

// test words one field test, negated or not.
func (d describer) test(c routing.Condition, negated bool) string {
	l := d.l
	switch c.Field {
	case routing.FieldBusinessHours:
		inside := strings.EqualFold(strings.TrimSpace(c.Value), "inside") != negated
		if inside {
			return l.T("routing.sum.inside")
		}
		return l.T("routing.sum.outside")
	case routing.FieldSensitive:
		if strings.EqualFold(strings.TrimSpace(c.Value), "true") != negated {
			return l.T("routing.sum.sensitive")
		}
		return l.T("routing.sum.not_sensitive")
	}
	key := "routing.op." + c.Op
	if negated {
		key = "routing.nop." + c.Op
	}
	if !i18n.Has(key) {
		return c.String()
	}
	return l.T(key, "field", d.field(c.Field), "value", d.values(c))
}

func (d describer) field(f string) string {
	if key, ok := strings.CutPrefix(f, routing.FieldCustomPrefix); ok {
		label := key
		if cf, found := d.dir.CustomField(key); found {
			label = cf.Label(d.l.Lang)
		}
		return d.l.T("routing.sumfield.custom", "label", label)
	}
	if i18n.Has("routing.sumfield." + f) {
		return d.l.T("routing.sumfield." + f)
	}
	return f
}

func (d describer) values(c routing.Condition) string {
	if c.Op == routing.OpIn {
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = d.value(c.Field, v)
		}
		return strings.Join(vals, ", ")
	}
	if slices.Contains(textFieldOps, c.Op) {
		return d.l.T("routing.sum.quote", "v", c.Value)
	}
	return d.value(c.Field, c.Value)
}

// label names a value of a field with a closed list the way the rest of
// the UI does: "email" → "e-mail", "billing" → "Facturation".
func (d describer) label(field, v string) string {
	key := ""
	switch field {
	case routing.FieldChannel:
		key = "channel." + v
	case routing.FieldPriority:
		key = "priority." + v
	case routing.FieldSegment:
		key = "segment." + v
	case routing.FieldLanguage:
		key = "lang." + v
	case routing.FieldRequestType:
		if rt := d.dir.RequestTypeByKey(v); rt.ID != 0 {
			return rt.Name(d.l.Lang)
		}
	}
	if key != "" && v != "" && i18n.Has(key) {
		return d.l.T(key)
	}
	return v
}

// value is label as a sentence needs it: "priorité urgente", "la langue
// est français" (French writes languages in lower case, English does not).
func (d describer) value(field, v string) string {
	switch field {
	case routing.FieldOrganisation:
		return d.l.T("routing.sum.quote", "v", v)
	case routing.FieldChannel, routing.FieldPriority:
		return strings.ToLower(d.label(field, v))
	case routing.FieldLanguage:
		if d.l.Lang == "fr" {
			return strings.ToLower(d.label(field, v))
		}
	}
	return d.label(field, v)
}

// actions words what a rule does: where the ticket goes, then the rest.
func (d describer) actions(a routing.Actions) string {
	l := d.l
	where := a.Tier
	if where == "" {
		where = l.T("routing.sum.fallback_tier")
	}
	if a.Team != "" {
		where += " · " + a.Team
	}
	parts := []string{where}
	if a.Priority != "" {
		parts = append(parts, l.T("routing.sum.priority", "p", d.value(routing.FieldPriority, a.Priority)))
	}
	if a.RequestType != "" {
		parts = append(parts, l.T("routing.sum.type", "t", d.value(routing.FieldRequestType, a.RequestType)))
	}
	if len(a.AddTags) > 0 {
		parts = append(parts, l.T("routing.sum.tags", "tags", strings.Join(a.AddTags, ", ")))
	}
	parts = append(parts, d.assignment(a)...)
	if a.MarkSensitive {
		parts = append(parts, l.T("routing.sum.mark_sensitive"))
	}
	if a.RequireHuman {
		parts = append(parts, l.T("routing.sum.human"))
	}
	if a.AutoReply != "" {
		parts = append(parts, l.T("routing.sum.auto_reply"))
	}
	return strings.Join(parts, ", ")
}

func (d describer) assignment(a routing.Actions) []string {
	switch {
	case a.AssignAgent != 0:
		name := d.dir.Member(a.AssignAgent).Name
		if name == "" {
			name = fmt.Sprintf("#%d", a.AssignAgent)
		}
		return []string{d.l.T("routing.sum.assign_to", "name", name)}
	case a.AssignStrategy == routing.AssignRoundRobin:
		return []string{d.l.T("routing.sum.round_robin")}
	case a.AssignStrategy == routing.AssignLeastLoaded:
		return []string{d.l.T("routing.sum.least_loaded")}
	}
	return nil
}
