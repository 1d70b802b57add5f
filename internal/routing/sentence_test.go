package routing

import (
	"testing"
	"time"
)

// TestReasonsReadAsSentences: the conditions that placed a ticket read as
// sentences in the reader's language, not in rule notation.
func TestReasonsReadAsSentences(t *testing.T) {
	bh := officeHours(t)
	e := mustCompile(t, RuleSet{Rules: []Rule{{ID: 1, Name: "RGPD la nuit", Enabled: true, When: allOf(
		leaf(FieldBusinessHours, OpIs, "outside"),
		leaf(FieldText, OpContainsAnyWord, "RGPD GDPR"),
		notOf(leaf(FieldChannel, OpIs, "phone")),
		in(FieldPriority, "high", "urgent"),
		leaf(FieldSubject, OpContainsWords, "facturé"),
	)}}, Fallback: Actions{Tier: "L1"}}, Env{BusinessHours: bh})
	sunday := time.Date(2026, 3, 1, 23, 0, 0, 0, paris(t))
	d := e.Route(Ticket{Subject: "Facturée et RGPD", Channel: "email", Priority: "urgent", CreatedAt: sunday})
	if d.RuleID != 1 || len(d.Reasons) != 5 {
		t.Fatalf("decision %+v", d)
	}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"en dehors des heures ouvrées", "le texte contient l'un des mots «\u00a0RGPD GDPR\u00a0» (trouvé\u00a0: RGPD)",
			"le canal n'est pas téléphone", "la priorité est parmi haute, urgente", "l'objet contient «\u00a0facturé\u00a0» (trouvé\u00a0: Facturée)"}},
		{"en", []string{"outside business hours", "the text contains one of the words “RGPD GDPR” (found: RGPD)",
			"the channel is not phone", "the priority is one of high, urgent", "the subject contains “facturé” (found: Facturée)"}},
	} {
		say := Sentences{Lang: c.lang}
		for i, r := range d.Reasons {
			if got := say.Reason(r); got != c.want[i] {
				t.Errorf("%s reason %d = %q, want %q", c.lang, i, got, c.want[i])
			}
		}
	}
}
