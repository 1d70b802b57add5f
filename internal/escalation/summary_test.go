package escalation

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBuildSummaryAndText(t *testing.T) {
	l2 := Procedure{Name: "bug", Steps: []Step{{
		FromTier: "L2", ToTier: "L3",
		Required: []Item{
			{Key: KeyReproductionSteps, Kind: KindAnswer, LabelFR: "Étapes pour reproduire", LabelEN: "Steps to reproduce"},
			{Key: "contract", Kind: KindCustomField, LabelFR: "Contrat", LabelEN: "Contract"},
			{Key: "screenshot", Kind: KindAttachment, LabelFR: "Capture d'écran", LabelEN: "Screenshot"},
		},
	}}}
	tests := []struct {
		name        string
		proc        Procedure
		req         Request
		subject     string
		message     string
		selfService []string
		want        Summary
		en, fr      string
	}{{
		name: "first escalation, with self-service",
		proc: DefaultProcedure("fr"),
		req: Request{
			TicketTier: "L1", Reason: " Payment refused three times ", By: "Alice Martin", AttachmentCount: 2,
			Answers: map[string]string{
				KeyStepsTried:   "- Cleared the browser cache\n* Tried another card\n\n",
				KeyErrorMessage: "Card declined (code 51)",
			},
		},
		subject: "Cannot pay my invoice", message: "Hello,\nmy payment fails every time.\n",
		selfService: []string{"Read article: Payment methods", "  ", "Used the help box on /billing"},
		want: Summary{
			Direction: Up, From: "L1", To: "L2", By: "Alice Martin", Reason: "Payment refused three times",
			Subject: "Cannot pay my invoice", Problem: "Hello,\nmy payment fails every time.",
			SelfService: []string{"Read article: Payment methods", "Used the help box on /billing"},
			Tried:       []string{"Cleared the browser cache", "Tried another card"},
			Answers: []Answer{{Key: KeyErrorMessage, Kind: KindAnswer, LabelFR: "Message d'erreur", LabelEN: "Error message",
				Value: "Card declined (code 51)"}},
			Attachments: 2,
		},
		en: `Escalated from L1 to L2 by Alice Martin.
Reason: Payment refused three times

Problem: Cannot pay my invoice
Hello,
my payment fails every time.

Self-service before contact:
- Read article: Payment methods
- Used the help box on /billing

Already tried:
- Cleared the browser cache
- Tried another card

Information collected:
- Error message: Card declined (code 51)

Attachments on the ticket: 2
`,
		fr: `Escaladé de L1 vers L2 par Alice Martin.
Motif : Payment refused three times

Problème : Cannot pay my invoice
Hello,
my payment fails every time.

Libre-service avant le contact :
- Read article: Payment methods
- Used the help box on /billing

Déjà essayé :
- Cleared the browser cache
- Tried another card

Informations recueillies :
- Message d'erreur : Card declined (code 51)

Pièces jointes au ticket : 2
`,
	}, {
		name: "second escalation keeps earlier answers",
		proc: l2,
		req: Request{
			TicketTier: "L2", Reason: "Reproducible bug", AttachmentCount: 1,
			CustomFields: map[string]string{"contract": "Gold", "unlisted": "not in the summary"},
			Answers: map[string]string{
				KeyReproductionSteps: "1. Open billing\n2. Click pay",
				KeyErrorMessage:      "E51",
				"zeta":               "extra",
				"blank":              "  ",
			},
		},
		subject: "Paiement impossible",
		want: Summary{
			Direction: Up, From: "L2", To: "L3", Reason: "Reproducible bug", Subject: "Paiement impossible",
			Answers: []Answer{
				{Key: KeyReproductionSteps, Kind: KindAnswer, LabelFR: "Étapes pour reproduire", LabelEN: "Steps to reproduce", Value: "1. Open billing\n2. Click pay"},
				{Key: "contract", Kind: KindCustomField, LabelFR: "Contrat", LabelEN: "Contract", Value: "Gold"},
				{Key: "screenshot", Kind: KindAttachment, LabelFR: "Capture d'écran", LabelEN: "Screenshot"},
				{Key: KeyErrorMessage, Kind: KindAnswer, LabelFR: "Message d'erreur", LabelEN: "Error message", Value: "E51"},
				{Key: "zeta", Kind: KindAnswer, Value: "extra"},
			},
			Attachments: 1,
		},
		en: `Escalated from L2 to L3.
Reason: Reproducible bug

Problem: Paiement impossible

Information collected:
- Steps to reproduce:
    1. Open billing
    2. Click pay
- Contract: Gold
- Screenshot: attached
- Error message: E51
- zeta: extra

Attachments on the ticket: 1
`,
		fr: `Escaladé de L2 vers L3.
Motif : Reproducible bug

Problème : Paiement impossible

Informations recueillies :
- Étapes pour reproduire :
    1. Open billing
    2. Click pay
- Contrat : Gold
- Capture d'écran : en pièce jointe
- Message d'erreur : E51
- zeta : extra

Pièces jointes au ticket : 1
`,
	}, {
		name:    "de-escalation with a known fix",
		proc:    DefaultProcedure("en"),
		req:     Request{TicketTier: "L3", TargetTier: "L1", Direction: Down, Reason: "Known fix:\nclear the cache", By: "Bob"},
		subject: "Login loop",
		want:    Summary{Direction: Down, From: "L3", To: "L1", By: "Bob", Reason: "Known fix:\nclear the cache", Subject: "Login loop"},
		en: `De-escalated from L3 to L1 by Bob.
Reason:
    Known fix:
    clear the cache

Problem: Login loop
`,
		fr: `Désescaladé de L3 vers L1 par Bob.
Motif :
    Known fix:
    clear the cache

Problème : Login loop
`,
	}, {
		name:    "return to sender",
		proc:    DefaultProcedure("en"),
		req:     Request{TicketTier: "L2", TargetTier: "L1", Direction: Return, Reason: "Error message missing"},
		subject: "Export fails",
		want:    Summary{Direction: Return, From: "L2", To: "L1", Reason: "Error message missing", Subject: "Export fails"},
		en:      "Returned from L2 to L1.\nReason: Error message missing\n\nProblem: Export fails\n",
		fr:      "Renvoyé de L2 vers L1.\nMotif : Error message missing\n\nProblème : Export fails\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, _, err := Check(tt.proc, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			s := BuildSummary(step, tt.req, tt.subject, tt.message, tt.selfService)
			if !reflect.DeepEqual(s, tt.want) {
				t.Errorf("summary:\n%+v\nwant:\n%+v", s, tt.want)
			}
			if got := s.Text("en"); got != tt.en {
				t.Errorf("English:\n%s\nwant:\n%s", got, tt.en)
			}
			if got := s.Text("fr"); got != tt.fr {
				t.Errorf("French:\n%s\nwant:\n%s", got, tt.fr)
			}
		})
	}
}

func TestSummaryStepsTriedCustomFieldIsAnAnswer(t *testing.T) {
	// Only the answer "steps_tried" becomes the Tried list; a custom field
	// that happens to share the key is an ordinary collected value.
	step := Step{FromTier: "L1", ToTier: "L2", Required: []Item{{Key: KeyStepsTried, Kind: KindCustomField, LabelEN: "Tried (field)"}}}
	r := Request{CustomFields: map[string]string{KeyStepsTried: "rebooted"}}
	s := BuildSummary(step, r, "s", "", nil)
	if len(s.Tried) != 0 || len(s.Answers) != 1 || s.Answers[0].Value != "rebooted" {
		t.Errorf("Tried %v, Answers %+v", s.Tried, s.Answers)
	}
}

func TestSummaryShortensTheProblem(t *testing.T) {
	tests := []struct {
		message string
		want    string
	}{
		{strings.Repeat("é", MaxProblem), strings.Repeat("é", MaxProblem)},
		{strings.Repeat("é", MaxProblem+1), strings.Repeat("é", MaxProblem-1) + "…"},
		{strings.Repeat("a ", MaxProblem), strings.TrimSpace(strings.Repeat("a ", MaxProblem/2)) + "…"},
	}
	for _, tt := range tests {
		s := BuildSummary(Step{}, Request{}, "s", tt.message, nil)
		if s.Problem != tt.want || utf8.RuneCountInString(s.Problem) > MaxProblem {
			t.Errorf("Problem of a %d-rune message has %d runes, want %d", utf8.RuneCountInString(tt.message),
				utf8.RuneCountInString(s.Problem), utf8.RuneCountInString(tt.want))
		}
	}
}

func TestSummaryUnknownDirectionReadsAsEscalation(t *testing.T) {
	// A summary stored by a future version must still render.
	s := Summary{Direction: "sideways", From: "L1", To: "L2"}
	if got := s.Text("en"); !strings.HasPrefix(got, "Escalated from L1 to L2.") {
		t.Errorf("Text = %q", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	values := []any{
		DefaultProcedure("fr"),
		Request{TicketTier: "L1", TargetTier: "L3", Direction: Up, Reason: "r", Answers: map[string]string{"a": "b"},
			CustomFields: map[string]string{"c": "d"}, AttachmentCount: 2, By: "Alice"},
		Summary{Direction: Down, From: "L2", To: "L1", Reason: "fix", Subject: "s", Tried: []string{"x"},
			Answers: []Answer{{Key: "k", Kind: KindAnswer, LabelFR: "K", LabelEN: "K", Value: "v"}}, Attachments: 1},
		Counters{Escalations: 1, Handoffs: 2, FirstContactResolved: true},
		ValidationErrors{newError("steps", "no_steps", nil)},
	}
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal %T: %v", v, err)
		}
		back := reflect.New(reflect.TypeOf(v))
		if err := json.Unmarshal(b, back.Interface()); err != nil {
			t.Fatalf("Unmarshal %T: %v", v, err)
		}
		if !reflect.DeepEqual(back.Elem().Interface(), v) {
			t.Errorf("%T round trip:\n%s\ngave %+v", v, b, back.Elem().Interface())
		}
	}
	b, _ := json.Marshal(DefaultProcedure("en").Steps[0])
	for _, key := range []string{`"from_tier":"L1"`, `"to_tier":"L2"`, `"guidance_fr"`, `"required":[{"key":"steps_tried","kind":"answer"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("step JSON %s lacks %s", b, key)
		}
	}
}
