package ticket

import "testing"

func TestSolveByCustomer(t *testing.T) {
	const agent = 7
	tests := []struct {
		name string
		t    Ticket
		ok   bool
		fcr  bool
	}{
		{name: "open, answered once, no hand-off: resolved at first contact", t: Ticket{Status: Open, FirstReplierID: agent}, ok: true, fcr: true},
		{name: "pending after an escalation", t: Ticket{Status: Pending, FirstReplierID: agent, EscalationCount: 1, HandoffCount: 1}, ok: true},
		{name: "new, never answered", t: Ticket{Status: New}, ok: true},
		{name: "already solved", t: Ticket{Status: Solved}, ok: false},
		{name: "closed", t: Ticket{Status: Closed}, ok: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.t.SolveByCustomer()
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				if got.Status != tc.t.Status || got.FirstContactResolved != tc.t.FirstContactResolved {
					t.Fatalf("a refused solve changed the ticket: %+v", got)
				}
				return
			}
			if got.Status != Solved || got.FirstContactResolved != tc.fcr {
				t.Fatalf("status %s, first-contact %v; want solved, %v", got.Status, got.FirstContactResolved, tc.fcr)
			}
		})
	}
}
