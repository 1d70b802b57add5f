package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/palier/palier/internal/routing"
)

// The working copy of the rules page and the operations on it.

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
	// broken: the saved rules cannot compile (see desk.RoutingRulesError).
	broken  bool
	message string
	// invalid holds validation failures, placed on rules and rows.
	invalid routing.ValidationErrors
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
//
// The editor's form names teams and request types as people read them;
// refs gives them their ids again, so that a rule applied unchanged leaves
// the copy unchanged.
func (st *routingState) apply(l *locale, refs routing.Refs) routingOutcome {
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
		if e.place(l, validationErrors(err)) {
			return routingOutcome{status: http.StatusUnprocessableEntity, message: l.T("routing.invalid_rule")}
		}
	}
	st.Set, st.Edit, st.Editor = normalizeSet(routing.Resolve(next, refs)), noEdit, nil
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

// openFirstFaulty opens the editor on the first rule (or the fallback)
// that has an error, with the errors next to its rows.
func (st *routingState) openFirstFaulty(l *locale, verrs routing.ValidationErrors) {
	first := noEdit
	for _, v := range verrs {
		p := placeIn(v.Place)
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
	st.Editor.place(l, verrs)
}
