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

// TestPlaceIn maps the engine's error places to the editor's rows and
// inputs; the places come from compiling faulty rules, so that the two
// cannot drift apart.
func TestPlaceIn(t *testing.T) {
	leaf := func(field, op, value string) routing.Condition {
		return routing.Condition{Field: field, Op: op, Value: value}
	}
	ok := leaf(routing.FieldText, routing.OpContainsWords, "ok")
	rs := routing.RuleSet{Rules: []routing.Rule{
		{ID: 1, Name: "a", When: routing.Condition{Any: []routing.Condition{ok, ok, ok, {Not: &routing.Condition{Field: routing.FieldText, Value: "x"}}}}},
		{ID: 2, Name: "", When: routing.Condition{All: []routing.Condition{{Field: routing.FieldChannel, Op: routing.OpIn, Values: []string{"email", " "}}}},
			Then: routing.Actions{AddTags: []string{"a", "", " "}}},
		{ID: 3, Name: "c", When: routing.Condition{All: []routing.Condition{ok, leaf(routing.FieldOpenTickets, routing.OpGt, "many")}}},
		{ID: 4, Name: "d", When: routing.Condition{Not: &routing.Condition{Field: routing.FieldOpenTickets, Op: routing.OpGt, Value: "x"}}},
		{ID: 5, Name: "e", When: routing.Condition{Field: "nope", Op: routing.OpIs, Value: "x"}},
		{ID: 6, Name: "f", When: routing.Condition{All: []routing.Condition{{}}}},
	}}
	_, err := routing.Compile(rs, routing.Env{})
	got := map[string]errPlace{}
	for _, v := range validationErrors(err) {
		got[v.Path] = placeIn(v.Place)
	}
	for path, want := range map[string]errPlace{
		"rules[2].when.all[1].value":     {rule: 2, row: 1, key: "cond.1.value", rest: "when.all[1].value"},
		"rules[0].when.any[3].not.op":    {rule: 0, row: 3, key: "cond.3.op", rest: "when.any[3].not.op"},
		"rules[1].when.all[0].values[1]": {rule: 1, row: 0, key: "cond.0.value", rest: "when.all[0].values[1]"},
		"rules[5].when.all[0]":           {rule: 5, row: 0, key: "cond.0", rest: "when.all[0]"},
		"rules[4].when.field":            {rule: 4, row: 0, key: "cond.0.field", rest: "when.field"},
		"rules[3].when.not.value":        {rule: 3, row: 0, key: "cond.0.value", rest: "when.not.value"},
		"rules[1].name":                  {rule: 1, row: -1, key: "name", rest: "name"},
		"rules[1].then.add_tags[2]":      {rule: 1, row: -1, key: "then.add_tags", rest: "then.add_tags[2]"},
		"fallback.tier":                  {rule: editFallback, row: -1, key: "then.tier", rest: "tier"},
	} {
		if got[path] != want {
			t.Errorf("%s: placed at %+v, want %+v", path, got[path], want)
		}
	}
	env := placeIn(routing.Place{Rule: -1})
	if env.rule != noEdit || env.row != -1 {
		t.Errorf("an error of the environment belongs to no rule: %+v", env)
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
