package routing

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var knownEnv = Env{
	Tiers:        []string{"L0", "L1", "L2", "L3", "L4"},
	Teams:        []string{"Support de niveau 1", "Billing experts"},
	Priorities:   []string{"low", "normal", "high", "urgent"},
	Channels:     []string{"email", "chat", "phone", "api"},
	RequestTypes: []string{"billing", "bug", "question"},
	Languages:    []string{"fr", "en"},
	Segments:     []string{"vip", "b2b", "b2c"},
}

// TestCompileRejectsBadRules feeds one rule set full of mistakes and checks
// that every one is reported, in order, at its exact path with its code.
func TestCompileRejectsBadRules(t *testing.T) {
	ok := leaf("channel", "is", "email")
	deep := ok
	for range maxDepth {
		deep = notOf(deep)
	}
	rs := RuleSet{
		Rules: []Rule{
			{ID: 1, Name: "", Enabled: true, When: ok, Then: Actions{Tier: "L9"}},
			{ID: 1, Name: "dup id", Enabled: true, When: allOf(
				ok,
				leaf("colour", "is", "red"),
				leaf("channel", "equals", "email"),
				leaf("channel", "", "email"),
				leaf("", "is", "email"),
				leaf("open_tickets", "gt", "three"),
				leaf("open_tickets", "gt", "-1"),
				leaf("open_tickets", "is", "3"),
				leaf("channel", "contains_words", "mail"),
			), Then: Actions{Tier: "L1"}},
			{ID: 3, Name: "values", Enabled: false, When: anyOf(
				in("channel", "email", "fax", " "),
				Condition{Field: "channel", Op: "in", Value: "email"},
				Condition{Field: "channel", Op: "in"},
				Condition{Field: "channel", Op: "is", Values: []string{"email"}},
				leaf("channel", "is", ""),
				leaf("subject", "contains_words", "!!! ?"),
				leaf("business_hours", "is", "lunch"),
				leaf("sensitive", "is", "yes"),
				leaf("custom_field:", "is", "x"),
				leaf("custom_field:amount", "gte", "12,5,0"),
				leaf("request_type", "is", "refund"),
				leaf("language", "is", "de"),
				leaf("language", "is", "fr-CA"),
				leaf("segment", "in", "vip"),
				in("priority", "urgent", "critical"),
			), Then: Actions{Tier: "L2"}},
			{ID: 4, Name: "shapes", Enabled: true, When: allOf(
				Condition{},
				Condition{All: []Condition{ok}, Field: "channel", Op: "is", Value: "email"},
				notOf(Condition{}),
				Condition{Any: []Condition{ok}, Not: &ok},
				deep,
			), Then: Actions{Tier: "L1"}},
			{ID: -5, Name: "actions", Enabled: true, Then: Actions{
				Tier: "l2", Team: "Billing", Priority: "asap", RequestType: "refund",
				AddTags: []string{"ok", ""}, AssignAgent: -2, AssignStrategy: "random",
				AutoReply: "Bonjour {{customer.name}}, {{ticket.ref}}",
			}},
			{ID: 6, Name: "assignment", Enabled: true, Then: Actions{
				Tier: "L1", AssignAgent: 4, AssignStrategy: AssignRoundRobin, AutoReply: "Réf. {{ticket.reference",
			}},
			{ID: 7, Name: "strategy without team", Enabled: true, Then: Actions{Tier: "L1", AssignStrategy: AssignLeastLoaded}},
			{ID: 8, Name: "blank", Enabled: true, Then: Actions{Tier: " ", Team: "\t"}},
		},
		Fallback: Actions{Team: "Nobody"},
	}
	env := knownEnv
	env.BusinessHours.Days[time.Sunday] = DayHours{Open: 18 * time.Hour, Close: 9 * time.Hour}
	env.BusinessHours.Days[time.Monday] = DayHours{Open: 9 * time.Hour, Close: 25 * time.Hour}

	want := []string{
		"rules[0].name empty_rule_name",
		"rules[0].then.tier unknown_tier",
		"rules[1].id duplicate_rule_id",
		"rules[1].when.all[1].field unknown_field",
		"rules[1].when.all[2].op unknown_op",
		"rules[1].when.all[3].op missing_op",
		"rules[1].when.all[4].field missing_field",
		"rules[1].when.all[5].value bad_number",
		"rules[1].when.all[6].value bad_number",
		"rules[1].when.all[7].op op_not_allowed",
		"rules[1].when.all[8].op op_not_allowed",
		"rules[2].when.any[0].values[1] unknown_channel",
		"rules[2].when.any[0].values[2] empty_value",
		"rules[2].when.any[1].value unexpected_value",
		"rules[2].when.any[2].values missing_values",
		"rules[2].when.any[3].values unexpected_values",
		"rules[2].when.any[4].value missing_value",
		"rules[2].when.any[5].value no_words",
		"rules[2].when.any[6].value invalid_value",
		"rules[2].when.any[7].value invalid_value",
		"rules[2].when.any[8].field missing_custom_field_key",
		"rules[2].when.any[9].value bad_number",
		"rules[2].when.any[10].value unknown_request_type",
		"rules[2].when.any[11].value unknown_language",
		"rules[2].when.any[13].value unexpected_value",
		"rules[2].when.any[14].values[1] unknown_priority",
		"rules[3].when.all[0] empty_condition",
		"rules[3].when.all[1] mixed_condition",
		"rules[3].when.all[2].not empty_condition",
		"rules[3].when.all[3] mixed_condition",
		"rules[3].when.all[4]" + strings.Repeat(".not", maxDepth-1) + " too_deep",
		"rules[4].id invalid_rule_id",
		"rules[4].then.team unknown_team",
		"rules[4].then.priority unknown_priority",
		"rules[4].then.request_type unknown_request_type",
		"rules[4].then.add_tags[1] empty_tag",
		"rules[4].then.assign_agent invalid_agent",
		"rules[4].then.assign_strategy unknown_assign_strategy",
		"rules[4].then.auto_reply unknown_placeholder",
		"rules[5].then.assign_strategy conflicting_assignment",
		"rules[5].then.auto_reply unclosed_placeholder",
		"rules[6].then.assign_strategy strategy_requires_team",
		"rules[7].then.tier blank_value",
		"rules[7].then.team blank_value",
		"fallback.tier missing_fallback_tier",
		"fallback.team unknown_team",
		"env.business_hours.days[0] invalid_business_hours",
		"env.business_hours.days[1] invalid_business_hours",
	}

	e, err := Compile(rs, env)
	if e != nil {
		t.Errorf("Compile returned an engine along with errors")
	}
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("Compile error = %v, want ValidationErrors", err)
	}
	var got []string
	for _, v := range verrs {
		got = append(got, v.Path+" "+v.Code)
		if v.Message == "" {
			t.Errorf("%s %s has no message", v.Path, v.Code)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValidationErrorDetails(t *testing.T) {
	rs := RuleSet{
		Rules: []Rule{{Name: "r", Enabled: true, When: allOf(
			leaf("channel", "is", "email"),
			leaf("open_tickets", "gt", "beaucoup"),
		)}},
		Fallback: Actions{Tier: "L1", Team: "Billing"},
	}
	_, err := Compile(rs, knownEnv)
	var verrs ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) != 2 {
		t.Fatalf("Compile error = %v, want two validation errors", err)
	}
	first := verrs[0]
	if first.Path != "rules[0].when.all[1].value" || first.Code != "bad_number" || first.Params["value"] != "beaucoup" ||
		first.Message != `"beaucoup" is not a whole number of tickets` {
		t.Errorf("first error = %+v", first)
	}
	second := verrs[1]
	if second.Path != "fallback.team" || second.Code != "unknown_team" || second.Params["team"] != "Billing" {
		t.Errorf("second error = %+v", second)
	}
	const wantMsg = `routing: invalid rule set (2 errors): rules[0].when.all[1].value: "beaucoup" is not a whole number of tickets; fallback.team: team "Billing" is not defined in this workspace`
	if err.Error() != wantMsg {
		t.Errorf("Error() = %s\nwant      %s", err, wantMsg)
	}
}

func TestValidationErrorsMessageIsBounded(t *testing.T) {
	var rs RuleSet
	for i := range 8 {
		rs.Rules = append(rs.Rules, Rule{ID: int64(i + 1), Enabled: true})
	}
	_, err := Compile(rs, Env{})
	msg := err.Error()
	if !strings.HasPrefix(msg, "routing: invalid rule set (9 errors)") || !strings.HasSuffix(msg, "; and 4 more") {
		t.Errorf("Error() = %s", msg)
	}
}

func TestCompileAcceptsKnownValuesLoosely(t *testing.T) {
	rs := RuleSet{
		Rules: []Rule{{ID: 1, Name: "ok", Enabled: true,
			When: allOf(leaf("channel", "is", "EMAIL"), leaf("language", "in", ""), leaf("language", "is", "fr-CA"), leaf("segment", "is", "VIP")),
			Then: Actions{Tier: "l2", Team: "billing EXPERTS", AssignStrategy: AssignRoundRobin, AutoReply: "Bonjour {{ customer.name }}, réf. {{ticket.reference}}"},
		}},
		Fallback: Actions{Tier: "L1"},
	}
	rs.Rules[0].When.All[1] = in("language", "fr", "en-GB")
	if _, err := Compile(rs, knownEnv); err != nil {
		t.Errorf("Compile: %v", err)
	}
}

func TestCompileWithoutKnownValuesChecksNothing(t *testing.T) {
	rs := RuleSet{
		Rules:    []Rule{{ID: 1, Name: "free", Enabled: true, When: leaf("channel", "is", "pigeon"), Then: Actions{Tier: "L7", Team: "Anyone"}}},
		Fallback: Actions{Tier: "anything"},
	}
	if _, err := Compile(rs, Env{}); err != nil {
		t.Errorf("Compile: %v", err)
	}
}

func TestEmptyRuleSetRoutesToFallback(t *testing.T) {
	e := mustCompile(t, RuleSet{Fallback: Actions{Tier: "L1"}}, Env{})
	if d := e.Route(Ticket{Subject: "x"}); !d.Fallback || d.Actions.Tier != "L1" {
		t.Errorf("decision = %+v", d)
	}
}

func ExampleCompile() {
	rs := RuleSet{
		Rules: []Rule{{
			ID: 1, Name: "Facturation", Enabled: true,
			When: Condition{Field: "subject", Op: "contains_words", Value: "facturé"},
			Then: Actions{Tier: "L2", Team: "Billing experts"},
		}},
		Fallback: Actions{Tier: "L1"},
	}
	e, err := Compile(rs, Env{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := e.Route(Ticket{Subject: "Deux factures reçues", Language: "fr"})
	fmt.Printf("%s → %s/%s because %s\n", d.RuleName, d.Actions.Tier, d.Actions.Team, d.Reasons[0])
	// Output: Facturation → L2/Billing experts because subject contains_words "facturé" (found: factures)
}
