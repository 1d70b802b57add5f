package routing

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo
)

func leaf(field, op, value string) Condition {
	return Condition{Field: field, Op: op, Value: value}
}

func in(field string, values ...string) Condition {
	return Condition{Field: field, Op: OpIn, Values: values}
}

func allOf(cs ...Condition) Condition { return Condition{All: cs} }
func anyOf(cs ...Condition) Condition { return Condition{Any: cs} }
func notOf(c Condition) Condition     { return Condition{Not: &c} }

func paris(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatalf("load Europe/Paris: %v", err)
	}
	return loc
}

// officeHours is Monday to Friday, 9:00 to 18:00, in Paris.
func officeHours(t testing.TB) BusinessHours {
	bh := BusinessHours{Location: paris(t)}
	for d := time.Monday; d <= time.Friday; d++ {
		bh.Days[d] = DayHours{Open: 9 * time.Hour, Close: 18 * time.Hour}
	}
	return bh
}

func mustCompile(t testing.TB, rs RuleSet, env Env) *Engine {
	t.Helper()
	e, err := Compile(rs, env)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return e
}
