package web

import (
	"errors"
	"slices"
	"testing"

	"github.com/palier/palier/internal/routing"
)

// TestFieldOpsMatchTheEngine compiles every field with every op: the
// editor must offer exactly the ops the engine accepts for the field.
func TestFieldOpsMatchTheEngine(t *testing.T) {
	fields := []string{routing.FieldCustomPrefix + "contract"}
	for f := range fieldOps {
		fields = append(fields, f)
	}
	ops := slices.Concat(enumFieldOps, textFieldOps, numberFieldOps)
	for _, field := range fields {
		for _, op := range ops {
			c := routing.Condition{Field: field, Op: op, Value: sampleValue(field, op)}
			if op == routing.OpIn {
				c.Value, c.Values = "", []string{"x"}
			}
			rs := routing.RuleSet{Rules: []routing.Rule{{Name: "r", When: c}}, Fallback: routing.Actions{Tier: "L1"}}
			_, err := routing.Compile(rs, routing.Env{})
			offered := slices.Contains(opsFor(field), op)
			var verrs routing.ValidationErrors
			refused := errors.As(err, &verrs) && slices.ContainsFunc(verrs, func(v routing.ValidationError) bool { return v.Code == "op_not_allowed" })
			if offered == refused {
				t.Errorf("%s %s: offered %v, but the engine says %v", field, op, offered, err)
			}
			if offered && err != nil {
				t.Errorf("%s %s with %q should compile: %v", field, op, c.Value, err)
			}
		}
	}
}

func sampleValue(field, op string) string {
	switch {
	case field == routing.FieldBusinessHours:
		return "inside"
	case field == routing.FieldSensitive:
		return "true"
	case slices.Contains(numberFieldOps, op):
		return "3"
	}
	return "facture"
}

// TestPlaceOf maps the engine's error paths to the editor's rows and inputs.
func TestPlaceOf(t *testing.T) {
	for path, want := range map[string]errPlace{
		"rules[2].when.all[1].value":     {rule: 2, row: 1, key: "cond.1.value", rest: "when.all[1].value"},
		"rules[0].when.any[3].not.op":    {rule: 0, row: 3, key: "cond.3.op", rest: "when.any[3].not.op"},
		"rules[1].when.all[0].values[2]": {rule: 1, row: 0, key: "cond.0.value", rest: "when.all[0].values[2]"},
		"rules[1].when.all[0]":           {rule: 1, row: 0, key: "cond.0", rest: "when.all[0]"},
		"rules[4].when.field":            {rule: 4, row: 0, key: "cond.0.field", rest: "when.field"},
		"rules[4].when.not.value":        {rule: 4, row: 0, key: "cond.0.value", rest: "when.not.value"},
		"rules[4].when":                  {rule: 4, row: -1, key: "when", rest: "when"},
		"rules[1].name":                  {rule: 1, row: -1, key: "name", rest: "name"},
		"rules[1].then.add_tags[2]":      {rule: 1, row: -1, key: "then.add_tags", rest: "then.add_tags[2]"},
		"fallback.tier":                  {rule: editFallback, row: -1, key: "then.tier", rest: "tier"},
		"env.business_hours.days[1]":     {rule: noEdit, row: -1, rest: "env.business_hours.days[1]"},
		"rules[x].name":                  {rule: noEdit, row: -1, rest: "rules[x].name"},
	} {
		if got := placeOf(path); got != want {
			t.Errorf("placeOf(%q) = %+v, want %+v", path, got, want)
		}
	}
}

// TestSimpleRows: flat groups become rows, nested ones go to JSON, and
// rows turn back into the same conditions.
func TestSimpleRows(t *testing.T) {
	leaf := routing.Condition{Field: routing.FieldChannel, Op: routing.OpIn, Values: []string{"email", "chat"}}
	negated := routing.Condition{Not: &routing.Condition{Field: routing.FieldSubject, Op: routing.OpContainsWords, Value: "test"}}
	mode, rows, ok := simpleRows(routing.Condition{Any: []routing.Condition{leaf, negated}})
	if !ok || mode != "any" || len(rows) != 2 || rows[0].Value != "email, chat" || !rows[1].Not {
		t.Fatalf("flat any: %q %+v %v", mode, rows, ok)
	}
	e := &ruleEditor{Name: "r", Mode: mode, Rows: rows}
	r, _ := e.rule(7)
	if r.ID != 7 || !slices.Equal(r.When.Any[0].Values, leaf.Values) || r.When.Any[1].Not.Value != "test" {
		t.Errorf("rows back to a condition: %+v", r.When)
	}
	if _, _, ok := simpleRows(routing.Condition{All: []routing.Condition{leaf, {Any: []routing.Condition{leaf}}}}); ok {
		t.Error("a nested group cannot be rows")
	}
	if mode, rows, ok := simpleRows(routing.Condition{}); !ok || mode != "all" || len(rows) != 0 {
		t.Error("no condition is no rows")
	}
}
