package routing

import (
	"errors"
	"reflect"
	"testing"
)

// TestErrorsCarryTheirPlace: every error says where it is as data, the
// same place its path names, so that editors never read paths back.
func TestErrorsCarryTheirPlace(t *testing.T) {
	rs := RuleSet{Rules: []Rule{
		{ID: 1, Name: "", Enabled: true, When: allOf(leaf(FieldText, OpContainsWords, "ok"), notOf(leaf("nope", OpIs, "x"))),
			Then: Actions{AddTags: []string{"a", " "}}},
		{ID: 2, Name: "b", Enabled: true, When: anyOf(leaf(FieldText, OpContainsWords, "x"), allOf(in(FieldChannel, "email", ""))),
			Then: Actions{AssignStrategy: "random"}},
		{ID: 3, Name: "c", Enabled: true, When: leaf(FieldOpenTickets, OpGt, "many")},
	}}
	_, err := Compile(rs, Env{})
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatal(err)
	}
	want := map[string]Place{
		"rules[0].name":                  {Rule: 0, In: "name", Within: "name"},
		"rules[0].when.all[1].not.field": {Rule: 0, In: "when", Cond: []Step{{"all", 1}, {"not", 0}}, Leaf: "field", Within: "when.all[1].not.field"},
		"rules[0].then.add_tags[1]":      {Rule: 0, In: "then", Action: "add_tags", Within: "then.add_tags[1]"},
		"rules[1].when.any[1].all[0].values[1]": {Rule: 1, In: "when", Cond: []Step{{"any", 1}, {"all", 0}}, Leaf: "values",
			Within: "when.any[1].all[0].values[1]"},
		"rules[1].then.assign_strategy": {Rule: 1, In: "then", Action: "assign_strategy", Within: "then.assign_strategy"},
		"rules[2].when.value":           {Rule: 2, In: "when", Leaf: "value", Within: "when.value"},
		"fallback.tier":                 {Rule: -1, Fallback: true, In: "then", Action: "tier", Within: "tier"},
	}
	got := map[string]Place{}
	for _, v := range verrs {
		got[v.Path] = v.Place
	}
	if !reflect.DeepEqual(got, want) {
		for path, p := range got {
			if !reflect.DeepEqual(p, want[path]) {
				t.Errorf("%s: place %+v, want %+v", path, p, want[path])
			}
		}
		for path := range want {
			if _, ok := got[path]; !ok {
				t.Errorf("no error at %s", path)
			}
		}
	}
}
