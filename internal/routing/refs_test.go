package routing

import (
	"errors"
	"reflect"
	"testing"
)

func testRefs(team string) Refs {
	return Refs{
		Tiers:        []Ref{{ID: 1, Name: "L1"}, {ID: 2, Name: "L2"}},
		Teams:        []Ref{{ID: 10, Name: "Front line"}, {ID: 20, Name: team}},
		RequestTypes: []Ref{{ID: 5, Name: "billing"}, {ID: 6, Name: "bug"}},
		Agents:       []Ref{{ID: 7, Name: "Nadia"}},
	}
}

// refRules names everything by name only, as a set written by hand (or
// stored before rules held ids) does.
func refRules() RuleSet {
	return RuleSet{Rules: []Rule{
		{ID: 1, Name: "Fraud", Enabled: true, When: in(FieldRequestType, "billing", "bug"),
			Then: Actions{Tier: "L2", Team: "Billing experts", MarkSensitive: true}},
		{ID: 2, Name: "Nadia", Enabled: false, When: leaf(FieldRequestType, OpIs, "bug"),
			Then: Actions{RequestType: "bug", AssignAgent: 7}},
	}, Fallback: Actions{Tier: "L1", Team: "Front line"}}
}

func TestResolveGivesNamesTheirIdsAndIdsTheirNames(t *testing.T) {
	rs := Resolve(refRules(), testRefs("Billing experts"))
	a := rs.Rules[0].Then
	if a.TierID != 2 || a.TeamID != 20 || rs.Fallback.TeamID != 10 || rs.Rules[1].Then.RequestTypeID != 6 {
		t.Fatalf("ids not filled: %+v / %+v / %+v", a, rs.Rules[1].Then, rs.Fallback)
	}
	if got := rs.Rules[0].When.IDs; !reflect.DeepEqual(got, []int64{5, 6}) {
		t.Errorf("request type ids = %v", got)
	}
	if refRules().Rules[0].Then.TeamID != 0 {
		t.Error("Resolve must not change its argument")
	}

	// The team is renamed: the stored ids still name it, under its new name.
	renamed := Resolve(rs, testRefs("Facturation"))
	if got := renamed.Rules[0].Then; got.Team != "Facturation" || got.TeamID != 20 {
		t.Errorf("after the rename the rule should name the team by its new name: %+v", got)
	}
	e, err := Compile(rs, Env{Refs: new(testRefs("Facturation"))})
	if err != nil {
		t.Fatalf("a renamed team must not break the rules: %v", err)
	}
	d := e.Route(Ticket{RequestType: "bug"})
	if d.RuleID != 1 || d.Actions.TeamID != 20 || d.Actions.Team != "Facturation" || !d.Actions.MarkSensitive {
		t.Errorf("decision after the rename: %+v", d)
	}

	uses := rs.Uses(RefRequestType, 6)
	if len(uses) != 2 || uses[0].Name != "Fraud" || uses[1].Index != 1 {
		t.Errorf("rules using the request type bug: %+v", uses)
	}
	if u := rs.Uses(RefAgent, 7); len(u) != 1 || u[0].ID != 2 {
		t.Errorf("rules using agent 7: %+v", u)
	}
	if u := rs.Uses(RefTeam, 10); len(u) != 1 || u[0].Index != -1 {
		t.Errorf("the fallback uses team 10: %+v", u)
	}
}

func TestCompileRefusesIdsThatNoLongerExist(t *testing.T) {
	rs := Resolve(refRules(), testRefs("Billing experts"))
	gone := testRefs("Billing experts")
	gone.Teams = gone.Teams[:1]
	gone.RequestTypes = gone.RequestTypes[:1]
	gone.Agents = nil
	_, err := Compile(rs, Env{Refs: &gone})
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("want validation errors, got %v", err)
	}
	want := map[string]string{
		"rules[0].then.team":         "unknown_team_id",
		"rules[0].when.values[1]":    "unknown_request_type_id",
		"rules[1].when.value":        "unknown_request_type_id",
		"rules[1].then.request_type": "unknown_request_type_id",
		"rules[1].then.assign_agent": "unknown_agent_id",
	}
	got := map[string]string{}
	var team ValidationError
	for _, v := range verrs {
		got[v.Path] = v.Code
		if v.Path == "rules[0].then.team" {
			team = v
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %v\nwant %v", got, want)
	}
	if p := team.Params; p["id"] != "20" || p["name"] != "Billing experts" {
		t.Errorf("the message should name the team as the rule last knew it: %v", p)
	}

	bad := rs
	bad.Rules = []Rule{{Name: "x", Enabled: true, When: Condition{Field: FieldChannel, Op: OpIs, Value: "email", IDs: []int64{5}}, Then: Actions{}}}
	if _, err := Compile(bad, Env{}); err == nil {
		t.Error("ids on a field other than request_type must be refused")
	}
}
