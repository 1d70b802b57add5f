package routing

import "testing"

// The address an email was sent to is a value rules test like a channel:
// folded (case does not matter), with is, is_not and in.
func TestInboundAddressCondition(t *testing.T) {
	billing := Ticket{Channel: "email", InboundAddress: "facturation@acme.example"}
	for _, c := range []struct {
		name string
		when Condition
		t    Ticket
		want bool
	}{
		{"is", leaf(FieldInboundAddress, OpIs, "facturation@acme.example"), billing, true},
		{"is, other case", leaf(FieldInboundAddress, OpIs, "Facturation@ACME.example"), billing, true},
		{"is another", leaf(FieldInboundAddress, OpIs, "support@acme.example"), billing, false},
		{"is not", leaf(FieldInboundAddress, OpIsNot, "support@acme.example"), billing, true},
		{"in", in(FieldInboundAddress, "support@acme.example", "facturation@acme.example"), billing, true},
		{"not an email", leaf(FieldInboundAddress, OpIs, "facturation@acme.example"), Ticket{Channel: "api"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := mustCompile(t, RuleSet{Rules: []Rule{{ID: 1, Name: "r", Enabled: true, When: c.when, Then: Actions{Tier: "L2"}}},
				Fallback: Actions{Tier: "L1"}}, Env{})
			if got := e.Route(c.t).RuleID == 1; got != c.want {
				t.Fatalf("matched %v, want %v", got, c.want)
			}
		})
	}
	if _, errs := Compile(RuleSet{Rules: []Rule{{ID: 1, Name: "r", Enabled: true, When: leaf(FieldInboundAddress, OpContainsWords, "x"),
		Then: Actions{Tier: "L2"}}}, Fallback: Actions{Tier: "L1"}}, Env{}); errs == nil {
		t.Fatal("a word search on the inbound address compiled")
	}

	e := mustCompile(t, RuleSet{Rules: []Rule{{ID: 1, Name: "Facturation", Enabled: true,
		When: in(FieldInboundAddress, "facturation@acme.example", "billing@acme.example"), Then: Actions{Tier: "L2"}}},
		Fallback: Actions{Tier: "L1"}}, Env{})
	d := e.Route(billing)
	for lang, want := range map[string]string{
		"fr": "l'adresse de réception est parmi «\u00a0facturation@acme.example\u00a0», «\u00a0billing@acme.example\u00a0»",
		"en": "the receiving address is one of “facturation@acme.example”, “billing@acme.example”",
	} {
		if got := (Sentences{Lang: lang}).Reason(d.Reasons[0]); got != want {
			t.Errorf("%s: %q\nwant %q", lang, got, want)
		}
	}
}
