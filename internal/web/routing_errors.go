package web

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
)

// Validation failures of a rule set, placed on the page: each error of
// routing.Compile carries its place as data (routing.Place), which this
// file maps to the editor's rows and inputs.

// validationErrors returns the rule set's errors in a failure (the desk's
// invalid_rules problem carries them, as does Compile's own error), one
// per path; nil for any other error.
func validationErrors(err error) routing.ValidationErrors {
	var verrs routing.ValidationErrors
	if !errors.As(err, &verrs) {
		return nil
	}
	seen := map[string]bool{}
	out := routing.ValidationErrors{}
	for _, v := range verrs {
		if !seen[v.Path] {
			seen[v.Path] = true
			out = append(out, v)
		}
	}
	return out
}

// routingErrText words a rule set's validation failure for the reader.
func routingErrText(l *locale, v routing.ValidationError) string {
	key := "routing.err." + v.Code
	if i18n.Has(key) {
		return i18n.Tm(l.Lang, key, v.Params)
	}
	return l.fieldMessage(problem.Field{Code: v.Code, Message: v.Message, Params: v.Params})
}

// errPlace is where an error shows in the editor: a rule (its index, or
// editFallback, or noEdit for the environment) and the editor's key for
// the element — "name", "cond.1.value", "then.team", "when"…
type errPlace struct {
	rule int
	key  string
	row  int    // the condition row, or -1
	rest string // the path within the rule, for the JSON editor
}

// placeIn maps an error's place in the rule set to the row and input of
// the editor that shows it.
func placeIn(p routing.Place) errPlace {
	out := errPlace{rule: p.Rule, row: -1, rest: p.Within}
	switch {
	case p.Fallback:
		out.rule, out.key = editFallback, "then."+p.Action
	case p.Rule < 0:
		out.rule = noEdit
	case p.In == "then":
		out.key = "then." + p.Action
	case p.In == "when":
		out.row, out.key = condPlace(p)
	default:
		out.key = p.In
	}
	return out
}

// condPlace is the row of the simple editor that shows a condition: the
// child of the rule's all/any group, or row 0 for a lone (or negated)
// test; the key names the row's input when the error is on one.
func condPlace(p routing.Place) (int, string) {
	steps := p.Cond
	if len(steps) == 0 && p.Leaf == "" {
		return -1, "when"
	}
	row := 0
	if len(steps) > 0 && (steps[0].Group == "all" || steps[0].Group == "any") {
		row, steps = steps[0].Index, steps[1:]
	}
	if len(steps) > 0 && steps[0].Group == "not" {
		steps = steps[1:]
	}
	key := "cond." + strconv.Itoa(row)
	if len(steps) == 0 {
		switch p.Leaf {
		case "field", "op":
			key += "." + p.Leaf
		case "value", "values":
			key += ".value"
		}
	}
	return row, key
}

// byPath orders errors by path, so that messages come in the order of the
// rule set however they were found.
func byPath(verrs routing.ValidationErrors) routing.ValidationErrors {
	out := slices.Clone(verrs)
	slices.SortFunc(out, func(a, b routing.ValidationError) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// ruleErrors words the failures of each rule for the list, each prefixed
// with where it is ("Condition 2: …"), in path order.
func ruleErrors(l *locale, verrs routing.ValidationErrors) (byRule map[int][]string, other []string) {
	byRule = map[int][]string{}
	for _, v := range byPath(verrs) {
		p := placeIn(v.Place)
		msg := placeLabel(l, p) + routingErrText(l, v)
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
