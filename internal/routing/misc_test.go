package routing

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRuleSetJSON(t *testing.T) {
	const stored = `{
	  "rules": [{
	    "id": 3, "name": "Facturation urgente", "enabled": true,
	    "when": {"all": [
	      {"field": "subject", "op": "contains_words", "value": "facturé"},
	      {"any": [{"field": "priority", "op": "in", "values": ["high", "urgent"]},
	               {"not": {"field": "business_hours", "op": "is", "value": "inside"}}]},
	      {"field": "custom_field:contract", "op": "is", "value": "gold"}
	    ]},
	    "then": {"tier": "L2", "team": "Billing experts", "priority": "high", "request_type": "billing",
	             "add_tags": ["facturation"], "assign_strategy": "least_loaded", "mark_sensitive": true,
	             "require_human": true, "auto_reply": "Bonjour {{customer.name}}"}
	  }, {
	    "id": 4, "name": "VIP", "enabled": false, "when": {}, "then": {"assign_agent": 42}
	  }],
	  "fallback": {"tier": "L1", "team": "Support de niveau 1"}
	}`
	var rs RuleSet
	if err := json.Unmarshal([]byte(stored), &rs); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	want := RuleSet{
		Rules: []Rule{{
			ID: 3, Name: "Facturation urgente", Enabled: true,
			When: allOf(
				leaf("subject", "contains_words", "facturé"),
				anyOf(in("priority", "high", "urgent"), notOf(leaf("business_hours", "is", "inside"))),
				leaf("custom_field:contract", "is", "gold"),
			),
			Then: Actions{Tier: "L2", Team: "Billing experts", Priority: "high", RequestType: "billing",
				AddTags: []string{"facturation"}, AssignStrategy: AssignLeastLoaded, MarkSensitive: true,
				RequireHuman: true, AutoReply: "Bonjour {{customer.name}}"},
		}, {ID: 4, Name: "VIP", Then: Actions{AssignAgent: 42}}},
		Fallback: Actions{Tier: "L1", Team: "Support de niveau 1"},
	}
	if !reflect.DeepEqual(rs, want) {
		t.Fatalf("decoded = %+v\nwant      %+v", rs, want)
	}
	if _, err := Compile(rs, knownEnv); err != nil {
		t.Errorf("Compile: %v", err)
	}
	out, err := json.Marshal(rs)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var again RuleSet
	if err := json.Unmarshal(out, &again); err != nil || !reflect.DeepEqual(again, rs) {
		t.Errorf("round trip = %+v, %v\nfrom %s", again, err, out)
	}
	for _, absent := range []string{`"values":null`, `"all":null`, `"not":null`, `"team":""`} {
		if strings.Contains(string(out), absent) {
			t.Errorf("encoded rule set carries %s: %s", absent, out)
		}
	}
}

func TestDecisionJSON(t *testing.T) {
	rs := RuleSet{
		Rules:    []Rule{{ID: 9, Name: "Billing", Enabled: true, When: leaf("subject", "contains_words", "facture"), Then: Actions{Tier: "L2"}}},
		Fallback: Actions{Tier: "L1"},
	}
	d := mustCompile(t, rs, Env{}).Route(Ticket{Subject: "Facture"})
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"rule_id":9,"rule_name":"Billing","actions":{"tier":"L2"},"reasons":[{"path":"rules[0].when","field":"subject","op":"contains_words","expected":"facture","actual":"Facture"}]}`
	if string(out) != want {
		t.Errorf("decision JSON = %s\nwant            %s", out, want)
	}
	var back Decision
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, d) {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestBusinessHoursInside(t *testing.T) {
	bh := officeHours(t)
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"Monday 09:30 Paris in summer (07:30 UTC)", utc(2025, 6, 2, 7, 30), true},
		{"Monday 08:59 Paris in summer", utc(2025, 6, 2, 6, 59), false},
		{"opening minute is inside", utc(2025, 6, 2, 7, 0), true},
		{"closing minute is outside", utc(2025, 6, 2, 16, 0), false},
		{"Monday 17:59 Paris", utc(2025, 6, 2, 15, 59), true},
		{"Monday 18:30 Paris in winter (17:30 UTC)", utc(2025, 1, 6, 17, 30), false},
		{"Monday 17:30 Paris in winter (16:30 UTC)", utc(2025, 1, 6, 16, 30), true},
		{"Saturday noon", utc(2025, 6, 7, 10, 0), false},
		{"Sunday noon", utc(2025, 6, 8, 10, 0), false},
		{"Friday 23:30 UTC is Saturday in Paris", utc(2025, 6, 6, 23, 30), false},
		{"Sunday 23:30 UTC is Monday 01:30 in Paris", utc(2025, 6, 8, 23, 30), false},
		{"same instant in another zone", time.Date(2025, 6, 2, 3, 30, 0, 0, time.FixedZone("EDT", -4*3600)), true},
		{"day of the spring clock change, 10:00 Paris", utc(2025, 3, 31, 8, 0), true},
	}
	for _, tt := range tests {
		if got := bh.Inside(tt.at); got != tt.want {
			t.Errorf("%s: Inside(%v) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
}

func TestBusinessHoursEdgeCases(t *testing.T) {
	if !(BusinessHours{}).Inside(time.Date(2025, 6, 8, 3, 0, 0, 0, time.UTC)) {
		t.Error("zero BusinessHours should be always inside")
	}
	utcOnly := BusinessHours{}
	utcOnly.Days[time.Monday] = DayHours{Open: 0, Close: 24 * time.Hour}
	if !utcOnly.Inside(time.Date(2025, 6, 2, 23, 59, 59, 0, time.UTC)) {
		t.Error("a day open until 24h should include 23:59:59 (nil location = UTC)")
	}
	if utcOnly.Inside(time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)) {
		t.Error("Tuesday is closed")
	}
}

func TestRenderAutoReply(t *testing.T) {
	v := ReplyValues{TicketReference: "PAL-1234", TicketSubject: "Facture", CustomerName: "Amélie"}
	tests := []struct{ tmpl, want string }{
		{"", ""},
		{"Merci.", "Merci."},
		{"Bonjour {{customer.name}}, votre demande {{ticket.reference}} ({{ ticket.subject }}) est reçue.",
			"Bonjour Amélie, votre demande PAL-1234 (Facture) est reçue."},
		{"{{ticket.reference}}{{ticket.reference}}", "PAL-1234PAL-1234"},
		{"{{unknown}} stays", "{{unknown}} stays"},
		{"unclosed {{customer.name", "unclosed {{customer.name"},
	}
	for _, tt := range tests {
		if got := RenderAutoReply(tt.tmpl, v); got != tt.want {
			t.Errorf("RenderAutoReply(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestMoved(t *testing.T) {
	d := func(tier, team string) Decision { return Decision{Actions: Actions{Tier: tier, Team: team}} }
	tests := []struct {
		name   string
		before Placement
		d      Decision
		want   bool
	}{
		{"same", Placement{"L1", "Front"}, d("L1", "Front"), false},
		{"same, other case", Placement{"l1", "front"}, d("L1", "Front"), false},
		{"other tier", Placement{"L1", "Front"}, d("L2", "Front"), true},
		{"other team", Placement{"L1", "Front"}, d("L1", "Billing"), true},
		{"decision names no team", Placement{"L1", "Front"}, d("L1", ""), false},
		{"team assigned where there was none", Placement{"L1", ""}, d("L1", "Front"), true},
	}
	for _, tt := range tests {
		if got := Moved(tt.before, tt.d); got != tt.want {
			t.Errorf("%s: Moved = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDryRun(t *testing.T) {
	rs := RuleSet{
		Rules: []Rule{
			{ID: 1, Name: "Billing", Enabled: true, When: leaf("text", "contains_any_word", "facture invoice"), Then: Actions{Tier: "L2", Team: "Billing"}},
			{ID: 2, Name: "Never", Enabled: true, When: leaf("channel", "is", "fax"), Then: Actions{Tier: "L3"}},
			{ID: 3, Name: "Off", Enabled: false, Then: Actions{Tier: "L3"}},
		},
		Fallback: Actions{Tier: "L1", Team: "Front"},
	}
	e := mustCompile(t, rs, Env{})
	ts := []Ticket{
		{Subject: "Facture"},      // Billing, was at L1/Front: moved
		{Subject: "invoices"},     // Billing, was at L2/Billing: stays
		{Subject: "Bonjour"},      // fallback, was at L2/Billing: moved
		{Subject: "Factures"},     // Billing, was at L1/Front: moved
		{Subject: "Hello"},        // fallback, stays
		{Subject: "facture, oui"}, // Billing, no known placement
	}
	before := []Placement{{"L1", "Front"}, {"L2", "Billing"}, {"L2", "Billing"}, {"L1", "Front"}, {"L1", "Front"}}
	got := e.DryRun(ts, before, 2)
	if got.Total != 6 || got.Moved != 3 || len(got.Decisions) != 6 {
		t.Errorf("total %d moved %d decisions %d, want 6, 3, 6", got.Total, got.Moved, len(got.Decisions))
	}
	wantHits := []RuleHit{{RuleID: 1, RuleName: "Billing", Count: 4}, {RuleID: 2, RuleName: "Never"}, {Fallback: true, Count: 2}}
	if !reflect.DeepEqual(got.Hits, wantHits) {
		t.Errorf("hits = %+v, want %+v", got.Hits, wantHits)
	}
	wantFlows := []Flow{
		{From: Placement{"L1", "Front"}, To: Placement{"L2", "Billing"}, Count: 2},
		{From: Placement{"L2", "Billing"}, To: Placement{"L1", "Front"}, Count: 1},
	}
	if !reflect.DeepEqual(got.Flows, wantFlows) {
		t.Errorf("flows = %+v, want %+v", got.Flows, wantFlows)
	}
	out, err := json.Marshal(got)
	if err != nil || strings.Contains(string(out), "decisions") || !strings.Contains(string(out), `"moved":3`) {
		t.Errorf("JSON = %s, %v", out, err)
	}
}

// FuzzCompileJSON holds Compile and Route to their promise on any stored
// rule set: an error or an engine, never a panic.
func FuzzCompileJSON(f *testing.F) {
	f.Add(`{"rules":[{"id":1,"name":"a","enabled":true,"when":{"all":[{"field":"subject","op":"contains_phrase","value":"mot de passe"},{"not":{"field":"custom_field:x","op":"gt","value":"1,5"}}]},"then":{"tier":"L2","auto_reply":"{{ticket.reference}}"}}],"fallback":{"tier":"L1"}}`)
	f.Add(`{"rules":[{"name":"b","enabled":true,"when":{"any":[{"field":"business_hours","op":"is","value":"inside"},{"field":"open_tickets","op":"gte","value":"3"}]},"then":{}}],"fallback":{"tier":"L1"}}`)
	f.Add(`{"rules":[{"when":{"field":"language","op":"in","values":["fr",""]}}]}`)
	ticket := Ticket{Subject: "Mot de passe", Body: "facture", Language: "fr", OpenTickets: 3,
		CustomFields: map[string]string{"x": "2"}, CreatedAt: mondayMorning}
	f.Fuzz(func(t *testing.T, data string) {
		var rs RuleSet
		if json.Unmarshal([]byte(data), &rs) != nil {
			return
		}
		e, err := Compile(rs, Env{BusinessHours: officeHours(t)})
		if err != nil {
			if _, ok := err.(ValidationErrors); !ok || e != nil {
				t.Fatalf("Compile = %v, %v", e, err)
			}
			return
		}
		if d := e.Route(ticket); d.Actions.Tier == "" {
			t.Fatalf("decision without a tier: %+v", d)
		}
	})
}
