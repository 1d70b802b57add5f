package web

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// The rules page as rendered: the list, the open editor and the choices
// its selects offer.

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
	Broken   bool
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
		Conflict: out.conflict, Broken: out.broken, Message: out.message, Editor: st.Editor, Opts: newRoutingOptions(rq), N: r.PostForm.Get("n")}
	if p.N == "" {
		p.N = strconv.Itoa(dryRunSizes[0])
	}
	for _, n := range dryRunSizes {
		p.Sizes = append(p.Sizes, option{strconv.Itoa(n), l.Num(n)})
	}
	byRule, other := ruleErrors(l, out.invalid)
	p.Others, p.FallErrs = other, byRule[editFallback]
	say := sentences(rq)
	for i, rule := range st.Set.Rules {
		p.Rules = append(p.Rules, ruleRow{Index: i, Position: i + 1, Name: rule.Name, Summary: say.Rule(rule), Enabled: rule.Enabled,
			First: i == 0, Last: i == len(st.Set.Rules)-1, Errors: byRule[i]})
	}
	p.Fallback = say.Actions(st.Set.Fallback)
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
		routing.FieldOpenTickets, routing.FieldSensitive, routing.FieldInboundAddress} {
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
	say := sentences(rq)
	out := map[string][]option{}
	add := func(field string, values ...string) {
		for _, v := range values {
			out[field] = append(out[field], option{v, say.Label(field, v)})
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
		routing.FieldInboundAddress: enumFieldOps,
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
