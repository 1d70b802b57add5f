package routing

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// mondayMorning is 10:00 in Paris on Monday 2 June 2025 (UTC+2).
var mondayMorning = time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)

// TestConditions checks every field and op, one condition per case, through
// the public path: a one-rule set, compiled and routed.
func TestConditions(t *testing.T) {
	base := Ticket{
		Channel: "email", RequestType: "billing", Segment: "VIP", Organisation: "Société Générale",
		Language: "fr-FR", Priority: "urgent", OpenTickets: 3, CreatedAt: mondayMorning,
		Subject: "Facture impayée", Body: "Bonjour, mon prélèvement a été refusé. J'ai oublié mon mot de passe.",
		CustomFields: map[string]string{"contract": "Gold", "amount": "1500,50", "notes": "Client très mécontent"},
	}
	with := func(edit func(*Ticket)) Ticket {
		tk := base
		tk.CustomFields = map[string]string{}
		for k, v := range base.CustomFields {
			tk.CustomFields[k] = v
		}
		edit(&tk)
		return tk
	}
	tests := []struct {
		name   string
		when   Condition
		ticket Ticket
		want   bool
	}{
		{"empty condition matches everything", Condition{}, base, true},

		{"channel is", leaf("channel", "is", "email"), base, true},
		{"channel is, ignoring case", leaf("channel", "is", "EMAIL"), base, true},
		{"channel is, other value", leaf("channel", "is", "chat"), base, false},
		{"channel is_not", leaf("channel", "is_not", "chat"), base, true},
		{"channel is_not, same value", leaf("channel", "is_not", "email"), base, false},
		{"channel in", in("channel", "chat", "email"), base, true},
		{"channel in, absent", in("channel", "chat", "phone"), base, false},
		{"request_type is", leaf("request_type", "is", "billing"), base, true},
		{"request_type in", in("request_type", "bug", "outage"), base, false},
		{"segment is, ignoring case", leaf("segment", "is", "vip"), base, true},
		{"organisation is, ignoring accents and case", leaf("organisation", "is", "SOCIETE GENERALE"), base, true},
		{"organisation is_not", leaf("organisation", "is_not", "Société Générale"), base, false},
		{"language without region matches its regions", leaf("language", "is", "fr"), base, true},
		{"language with region", leaf("language", "is", "fr-FR"), base, true},
		{"language with another region", leaf("language", "is", "fr-CA"), base, false},
		{"language in", in("language", "en", "de"), base, false},
		{"language region of a bare ticket language", leaf("language", "is", "fr-CA"), with(func(t *Ticket) { t.Language = "fr" }), false},
		{"priority is", leaf("priority", "is", "urgent"), base, true},
		{"priority in", in("priority", "low", "normal"), base, false},

		{"subject contains a word", leaf("subject", "contains_words", "facture"), base, true},
		{"accented rule word matches plain ticket word", leaf("subject", "contains_words", "facturé"), base, true},
		{"plain rule word matches accented plural", leaf("subject", "contains_words", "facture"), with(func(t *Ticket) { t.Subject = "FACTURÉES en double" }), true},
		{"French plural in rule, singular in ticket", leaf("body", "contains_words", "prélèvements"), base, true},
		{"French verb in rule, participle in ticket", leaf("body", "contains_words", "refuser"), base, true},
		{"elided article in ticket", leaf("subject", "contains_words", "abonnement"), with(func(t *Ticket) { t.Subject = "Résilier l’abonnement" }), true},
		{"all words needed", leaf("subject", "contains_words", "facture remboursement"), base, false},
		{"all words, any order", leaf("subject", "contains_words", "impayé facture"), base, true},
		{"subject ignores body", leaf("subject", "contains_words", "prélèvement"), base, false},
		{"body ignores subject", leaf("body", "contains_words", "facture"), base, false},
		{"any word", leaf("subject", "contains_any_word", "remboursement facture"), base, true},
		{"any word, none", leaf("subject", "contains_any_word", "remboursement litige"), base, false},
		{"phrase", leaf("body", "contains_phrase", "mot de passe"), base, true},
		{"phrase in plural", leaf("body", "contains_phrase", "mots de passe"), base, true},
		{"phrase needs consecutive words", leaf("body", "contains_phrase", "mot passe"), base, false},
		{"phrase needs its order", leaf("body", "contains_phrase", "passe de mot"), base, false},
		{"text spreads words over subject and body", leaf("text", "contains_words", "facture prélèvement"), base, true},
		{"text any word in body", leaf("text", "contains_any_word", "passe"), base, true},
		{"text phrase within body", leaf("text", "contains_phrase", "mot de passe"), base, true},
		{"text phrase does not span subject and body", leaf("text", "contains_phrase", "impayée bonjour"), base, false},
		{"English stems", leaf("text", "contains_words", "invoice refund"),
			with(func(t *Ticket) { t.Language = "en-GB"; t.Subject = "Invoices"; t.Body = "I was refunded twice" }), true},
		{"English -ing", leaf("subject", "contains_words", "billing"),
			with(func(t *Ticket) { t.Language = "en"; t.Subject = "Bills and billed amounts" }), true},
		{"unknown language: French inflections", leaf("subject", "contains_words", "facturé"),
			with(func(t *Ticket) { t.Language = ""; t.Subject = "Factures" }), true},
		{"unknown language: English inflections", leaf("subject", "contains_words", "invoice"),
			with(func(t *Ticket) { t.Language = "de"; t.Subject = "invoiced" }), true},
		{"no false friend", leaf("subject", "contains_words", "fracture"), base, false},

		{"custom field is, ignoring case", leaf("custom_field:contract", "is", "gold"), base, true},
		{"custom field in", in("custom_field:contract", "silver", "bronze"), base, false},
		{"missing custom field is not a value", leaf("custom_field:missing", "is_not", "gold"), base, true},
		{"missing custom field is nothing", leaf("custom_field:missing", "is", "gold"), base, false},
		{"custom field number with decimal comma", leaf("custom_field:amount", "gt", "1000"), base, true},
		{"custom field number lte", leaf("custom_field:amount", "lte", "1500.5"), base, true},
		{"custom field number lt", leaf("custom_field:amount", "lt", "1500.5"), base, false},
		{"custom field not a number", leaf("custom_field:contract", "gt", "0"), base, false},
		{"custom field words", leaf("custom_field:notes", "contains_words", "mécontente"), base, true},
		{"custom field keys are exact", leaf("custom_field:Contract", "is", "gold"), base, false},

		{"inside business hours", leaf("business_hours", "is", "inside"), base, true},
		{"outside business hours", leaf("business_hours", "is", "outside"), base, false},
		{"outside business hours at night", leaf("business_hours", "is", "outside"),
			with(func(t *Ticket) { t.CreatedAt = time.Date(2025, 6, 2, 22, 0, 0, 0, time.UTC) }), true},

		{"open tickets eq", leaf("open_tickets", "eq", "3"), base, true},
		{"open tickets gt", leaf("open_tickets", "gt", "3"), base, false},
		{"open tickets gte", leaf("open_tickets", "gte", "3"), base, true},
		{"open tickets lt", leaf("open_tickets", "lt", "3"), base, false},
		{"open tickets lte", leaf("open_tickets", "lte", " 3 "), base, true},

		{"sensitive false", leaf("sensitive", "is", "false"), base, true},
		{"sensitive true", leaf("sensitive", "is", "true"), with(func(t *Ticket) { t.Sensitive = true }), true},
		{"sensitive true, not sensitive", leaf("sensitive", "is", "TRUE"), base, false},

		{"not", notOf(leaf("channel", "is", "chat")), base, true},
		{"not of a match", notOf(leaf("channel", "is", "email")), base, false},
		{"double not", notOf(notOf(leaf("channel", "is", "email"))), base, true},
		{"all holds", allOf(leaf("channel", "is", "email"), leaf("priority", "is", "urgent")), base, true},
		{"all fails on one", allOf(leaf("channel", "is", "email"), leaf("priority", "is", "low")), base, false},
		{"any holds on one", anyOf(leaf("channel", "is", "chat"), leaf("priority", "is", "urgent")), base, true},
		{"any fails on all", anyOf(leaf("channel", "is", "chat"), leaf("priority", "is", "low")), base, false},
		{"nested all/any/not", allOf(
			anyOf(leaf("segment", "is", "b2b"), leaf("segment", "is", "vip")),
			notOf(anyOf(leaf("channel", "is", "chat"), leaf("sensitive", "is", "true"))),
			leaf("text", "contains_any_word", "facturation"),
		), base, true},
	}
	env := Env{BusinessHours: officeHours(t)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := RuleSet{
				Rules:    []Rule{{ID: 1, Name: "under test", Enabled: true, When: tt.when, Then: Actions{Tier: "L2"}}},
				Fallback: Actions{Tier: "L1"},
			}
			d := mustCompile(t, rs, env).Route(tt.ticket)
			if got := !d.Fallback; got != tt.want {
				t.Errorf("%s: matched = %v, want %v (decision %+v)", tt.when, got, tt.want, d)
			}
		})
	}
}

func TestFirstMatchWins(t *testing.T) {
	rs := RuleSet{
		Rules: []Rule{
			{ID: 10, Name: "Chat", Enabled: true, When: leaf("channel", "is", "chat"), Then: Actions{Tier: "L1", Team: "Chat"}},
			{ID: 11, Name: "Disabled billing", Enabled: false, When: leaf("subject", "contains_words", "facture"), Then: Actions{Tier: "L3"}},
			{ID: 12, Name: "Billing", Enabled: true, When: leaf("subject", "contains_words", "facture"), Then: Actions{Tier: "L2", Team: "Billing", AddTags: []string{"billing"}}},
			{ID: 13, Name: "Urgent billing, too late", Enabled: true, When: allOf(leaf("subject", "contains_words", "facture"), leaf("priority", "is", "urgent")), Then: Actions{Tier: "L3"}},
			{ID: 14, Name: "Tags only", Enabled: true, When: leaf("channel", "is", "phone"), Then: Actions{AddTags: []string{"phone"}}},
		},
		Fallback: Actions{Tier: "L1", Team: "Front", RequireHuman: true},
	}
	e := mustCompile(t, rs, Env{})
	tests := []struct {
		name     string
		ticket   Ticket
		ruleID   int64
		fallback bool
		place    Placement
	}{
		{"first rule", Ticket{Channel: "chat", Subject: "facture"}, 10, false, Placement{"L1", "Chat"}},
		{"disabled rule skipped, next match wins over a later one", Ticket{Channel: "email", Subject: "Facture", Priority: "urgent"}, 12, false, Placement{"L2", "Billing"}},
		{"rule without tier takes the fallback's tier and team", Ticket{Channel: "phone"}, 14, false, Placement{"L1", "Front"}},
		{"nothing matches", Ticket{Channel: "email", Subject: "Bonjour"}, 0, true, Placement{"L1", "Front"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := e.Route(tt.ticket)
			if d.RuleID != tt.ruleID || d.Fallback != tt.fallback || d.Placement() != tt.place {
				t.Errorf("decision = rule %d fallback %v at %+v, want rule %d fallback %v at %+v",
					d.RuleID, d.Fallback, d.Placement(), tt.ruleID, tt.fallback, tt.place)
			}
			if tt.fallback && (d.RuleName != "" || d.Reasons != nil || !d.Actions.RequireHuman) {
				t.Errorf("fallback decision = %+v, want the fallback actions and no rule", d)
			}
		})
	}
}

func TestRuleWithOwnTierKeepsItsTeam(t *testing.T) {
	rs := RuleSet{
		Rules:    []Rule{{ID: 1, Name: "Experts", Enabled: true, Then: Actions{Tier: "L3"}}},
		Fallback: Actions{Tier: "L1", Team: "Front"},
	}
	d := mustCompile(t, rs, Env{}).Route(Ticket{})
	if d.Placement() != (Placement{Tier: "L3"}) {
		t.Errorf("placement = %+v, want L3 without the fallback's team", d.Placement())
	}
}

func TestDecisionReasons(t *testing.T) {
	rs := RuleSet{
		Rules: []Rule{{
			ID: 7, Name: "Facturation urgente", Enabled: true,
			When: allOf(
				leaf("subject", "contains_words", "facturé"),
				anyOf(leaf("channel", "is", "chat"), leaf("priority", "in", ""), in("priority", "high", "urgent")),
				notOf(leaf("segment", "is", "internal")),
				notOf(anyOf(leaf("open_tickets", "gt", "10"), leaf("sensitive", "is", "true"))),
				leaf("text", "contains_any_word", "prélèvements inconnu"),
				leaf("business_hours", "is", "inside"),
			),
			Then: Actions{Tier: "L2", Team: "Billing", Priority: "high"},
		}},
		Fallback: Actions{Tier: "L1"},
	}
	// leaf("priority","in","") is invalid; replace it to keep the rule valid.
	rs.Rules[0].When.All[1].Any[1] = leaf("priority", "is", "low")
	e := mustCompile(t, rs, Env{BusinessHours: officeHours(t)})
	d := e.Route(Ticket{
		Channel: "email", Priority: "Urgent", Segment: "vip", Language: "fr",
		Subject: "Facturée deux fois : FACTURE 12", Body: "Deux prélèvements le même jour.", CreatedAt: mondayMorning,
	})
	want := []Reason{
		{Path: "rules[0].when.all[0]", Field: "subject", Op: "contains_words", Expected: "facturé", Actual: "Facturée, FACTURE"},
		{Path: "rules[0].when.all[1].any[2]", Field: "priority", Op: "in", Expected: "high, urgent", Actual: "Urgent"},
		{Path: "rules[0].when.all[2].not", Field: "segment", Op: "is", Expected: "internal", Actual: "vip", Negated: true},
		{Path: "rules[0].when.all[3].not", Op: "any", Expected: `any(open_tickets gt "10", sensitive is "true")`, Negated: true},
		{Path: "rules[0].when.all[4]", Field: "text", Op: "contains_any_word", Expected: "prélèvements inconnu", Actual: "prélèvements"},
		{Path: "rules[0].when.all[5]", Field: "business_hours", Op: "is", Expected: "inside", Actual: "inside"},
	}
	if d.RuleID != 7 || d.RuleName != "Facturation urgente" || !reflect.DeepEqual(d.Reasons, want) {
		t.Errorf("decision = %+v\nreasons = %#v\nwant     %#v", d, d.Reasons, want)
	}
	gotText := d.Reasons[0].String() + " | " + d.Reasons[2].String() + " | " + d.Reasons[3].String()
	wantText := `subject contains_words "facturé" (found: Facturée, FACTURE) | not segment is "internal" (found: vip) | not any(open_tickets gt "10", sensitive is "true")`
	if gotText != wantText {
		t.Errorf("reason text = %s\nwant          %s", gotText, wantText)
	}
}

func TestReasonActualValues(t *testing.T) {
	tests := []struct {
		name   string
		when   Condition
		ticket Ticket
		actual string
	}{
		{"words as written", leaf("subject", "contains_any_word", "facture prélèvement"),
			Ticket{Subject: "FACTURES et Prélèvements, factures encore"}, "FACTURES, Prélèvements"},
		{"stray combining mark", leaf("subject", "contains_words", "facture"),
			Ticket{Subject: "\u0301 Facturée"}, "Facturée"},
		{"phrase words", leaf("body", "contains_phrase", "mot de passe"),
			Ticket{Body: "Mon mot de passe expire"}, "mot, de, passe"},
		{"custom field words", leaf("custom_field:notes", "contains_words", "urgent"),
			Ticket{CustomFields: map[string]string{"notes": "Très URGENTE"}}, "URGENTE"},
		{"custom field value", leaf("custom_field:plan", "is", "pro"),
			Ticket{CustomFields: map[string]string{"plan": "Pro"}}, "Pro"},
		{"open tickets", leaf("open_tickets", "gte", "2"), Ticket{OpenTickets: 4}, "4"},
		{"sensitive", leaf("sensitive", "is", "true"), Ticket{Sensitive: true}, "true"},
		{"business hours", leaf("business_hours", "is", "outside"),
			Ticket{CreatedAt: time.Date(2025, 6, 7, 10, 0, 0, 0, time.UTC)}, "outside"},
	}
	for _, tt := range tests {
		rs := RuleSet{
			Rules:    []Rule{{ID: 1, Name: "r", Enabled: true, When: tt.when, Then: Actions{Tier: "L2"}}},
			Fallback: Actions{Tier: "L1"},
		}
		d := mustCompile(t, rs, Env{BusinessHours: officeHours(t)}).Route(tt.ticket)
		if len(d.Reasons) != 1 || d.Reasons[0].Actual != tt.actual {
			t.Errorf("%s: reasons = %+v, want actual %q", tt.name, d.Reasons, tt.actual)
		}
	}
}

func TestDecisionTagsAreTheCallers(t *testing.T) {
	rs := RuleSet{
		Rules:    []Rule{{ID: 1, Name: "Tag", Enabled: true, Then: Actions{Tier: "L1", AddTags: []string{"a"}}}},
		Fallback: Actions{Tier: "L1"},
	}
	e := mustCompile(t, rs, Env{})
	d := e.Route(Ticket{})
	d.Actions.AddTags[0] = "changed"
	if got := e.Route(Ticket{}).Actions.AddTags[0]; got != "a" {
		t.Errorf("editing a decision changed the engine's tag to %q", got)
	}
}

func TestRouteManyKeepsOrder(t *testing.T) {
	rs := RuleSet{
		Rules: []Rule{
			{ID: 1, Name: "Billing", Enabled: true, When: leaf("subject", "contains_words", "facture"), Then: Actions{Tier: "L2"}},
			{ID: 2, Name: "Chat", Enabled: true, When: leaf("channel", "is", "chat"), Then: Actions{Tier: "L1"}},
		},
		Fallback: Actions{Tier: "L0"},
	}
	e := mustCompile(t, rs, Env{})
	ts := make([]Ticket, 1000)
	for i := range ts {
		switch i % 3 {
		case 0:
			ts[i] = Ticket{Subject: "Factures"}
		case 1:
			ts[i] = Ticket{Channel: "chat"}
		}
	}
	for _, workers := range []int{0, 1, 3, 64} {
		ds := e.RouteMany(ts, workers)
		if len(ds) != len(ts) {
			t.Fatalf("workers=%d: %d decisions for %d tickets", workers, len(ds), len(ts))
		}
		for i, d := range ds {
			if want := e.Route(ts[i]); !reflect.DeepEqual(d, want) {
				t.Fatalf("workers=%d: decision %d = %+v, want %+v", workers, i, d, want)
			}
		}
	}
	if ds := e.RouteMany(nil, 4); len(ds) != 0 {
		t.Errorf("RouteMany(nil) = %v", ds)
	}
}

// An engine says which fields its enabled rules test, at any depth of a
// condition, so that intake reads a customer's open tickets or
// organisation only when a rule needs them.
func TestEngineSaysWhichFieldsItsRulesTest(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		want  []string // the fields tested; every other is not
	}{
		{"no rule", nil, nil},
		{"a rule without condition", []Rule{{ID: 1, Name: "All", Enabled: true, Then: Actions{Tier: "L2"}}}, nil},
		{"a leaf", []Rule{{ID: 1, Name: "Busy", Enabled: true, When: leaf("open_tickets", "gte", "3"), Then: Actions{Tier: "L2"}}},
			[]string{FieldOpenTickets}},
		{"deep in all, any and not", []Rule{{ID: 1, Name: "Deep", Enabled: true, Then: Actions{Tier: "L2"},
			When: allOf(leaf("channel", "is", "email"), anyOf(leaf("subject", "contains_words", "facture"), notOf(leaf("organisation", "is", "Globex"))))}},
			[]string{FieldChannel, FieldSubject, FieldOrganisation}},
		{"a disabled rule tests nothing", []Rule{{ID: 1, Name: "Off", Enabled: false, When: leaf("open_tickets", "gte", "3"), Then: Actions{Tier: "L2"}},
			{ID: 2, Name: "Segment", Enabled: true, When: leaf("segment", "is", "vip"), Then: Actions{Tier: "L3"}}},
			[]string{FieldSegment}},
	}
	every := []string{FieldChannel, FieldRequestType, FieldSegment, FieldOrganisation, FieldLanguage, FieldPriority, FieldText, FieldSubject,
		FieldBody, FieldBusinessHours, FieldOpenTickets, FieldSensitive, FieldInboundAddress}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustCompile(t, RuleSet{Rules: tt.rules, Fallback: Actions{Tier: "L1"}}, Env{})
			for _, f := range every {
				if got, want := e.Tests(f), slices.Contains(tt.want, f); got != want {
					t.Errorf("Tests(%q) = %v, want %v", f, got, want)
				}
			}
			if e.Tests("no_such_field") {
				t.Error("an unknown field is tested")
			}
		})
	}
}
