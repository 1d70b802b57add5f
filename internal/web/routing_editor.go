package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/routing"
)

// The editor of one rule (or of the fallback route): rows for flat
// conditions, JSON for nested ones, and the actions.

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
		c.Values = routing.SplitList(row.Value)
	} else {
		c.Value = strings.TrimSpace(row.Value)
	}
	if row.Not {
		return routing.Condition{Not: &c}
	}
	return c
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
	a := routing.Actions{Tier: f.Tier, Team: f.Team, Priority: f.Priority, RequestType: f.RequestType, AddTags: routing.SplitList(f.Tags),
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
func (e *ruleEditor) place(l *locale, verrs routing.ValidationErrors) bool {
	found := false
	if e.Errors == nil {
		e.Errors = formErrors{}
	}
	for _, v := range byPath(verrs) {
		p := placeIn(v.Place)
		if p.rule != e.Index {
			continue
		}
		found = true
		e.placeOne(l, p, routingErrText(l, v))
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
