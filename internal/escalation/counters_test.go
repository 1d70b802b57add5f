package escalation

import "testing"

func TestCount(t *testing.T) {
	const alice, bob = 1, 2
	reply := func(a int64) Fact { return Fact{Kind: FactReply, AgentID: a} }
	owner := func(a int64) Fact { return Fact{Kind: FactOwnerChanged, AgentID: a} }
	solved := func(a int64) Fact { return Fact{Kind: FactSolved, AgentID: a} }
	var (
		escalated   = Fact{Kind: FactEscalated, AgentID: alice}
		deEscalated = Fact{Kind: FactDeEscalated, AgentID: bob}
		returned    = Fact{Kind: FactReturned, AgentID: bob}
		reopened    = Fact{Kind: FactReopened}
	)
	tests := []struct {
		name  string
		facts []Fact
		want  Counters
	}{
		{"no facts", nil, Counters{}},
		{"solved by the only agent who replied", []Fact{owner(alice), reply(alice), reply(alice), solved(alice)},
			Counters{FirstContactResolved: true}},
		{"automatic replies do not count", []Fact{reply(0), reply(alice), solved(alice)}, Counters{FirstContactResolved: true}},
		{"two agents replied", []Fact{reply(alice), reply(bob), solved(bob)}, Counters{}},
		{"back to the first agent after another replied", []Fact{reply(alice), reply(bob), reply(alice), solved(alice)}, Counters{}},
		{"solved by someone else", []Fact{reply(alice), solved(bob)}, Counters{}},
		{"solved without any reply", []Fact{solved(alice)}, Counters{}},
		{"solved automatically", []Fact{reply(alice), solved(0)}, Counters{}},
		{"not solved yet", []Fact{reply(alice)}, Counters{}},
		{"reopened then solved again", []Fact{reply(alice), solved(alice), reopened, reply(alice), solved(alice)}, Counters{}},
		{"reopened and still open", []Fact{reply(alice), solved(alice), reopened}, Counters{}},
		{"escalated then solved by the same agent", []Fact{owner(alice), reply(alice), escalated, solved(alice)},
			Counters{Escalations: 1, Handoffs: 1}},
		{"escalated and picked up by the next tier", []Fact{owner(alice), reply(alice), escalated, owner(bob), reply(bob), solved(bob)},
			Counters{Escalations: 1, Handoffs: 1}},
		{"escalated twice, de-escalated once", []Fact{owner(alice), escalated, owner(bob), escalated, owner(3), deEscalated, owner(alice), reply(alice), solved(alice)},
			Counters{Escalations: 2, Handoffs: 3}},
		{"returned to sender is a hand-off, not an escalation", []Fact{escalated, owner(bob), returned, owner(alice)},
			Counters{Escalations: 1, Handoffs: 2}},
		{"reassigned within the tier", []Fact{owner(alice), owner(bob)}, Counters{Handoffs: 1}},
		{"first assignment is no hand-off", []Fact{owner(alice), owner(alice)}, Counters{}},
		{"unassigned and taken back", []Fact{owner(alice), owner(0), owner(alice)}, Counters{}},
		{"unassigned and taken by another", []Fact{owner(alice), owner(0), owner(bob)}, Counters{Handoffs: 1}},
		{"reassigned before anyone replied still resolves at first contact", []Fact{owner(alice), owner(bob), reply(bob), solved(bob)},
			Counters{Handoffs: 1, FirstContactResolved: true}},
		{"unknown facts are ignored", []Fact{{Kind: "sla_breached"}, reply(alice), solved(alice)}, Counters{FirstContactResolved: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Count(tt.facts); got != tt.want {
				t.Errorf("Count = %+v, want %+v", got, tt.want)
			}
		})
	}
}
