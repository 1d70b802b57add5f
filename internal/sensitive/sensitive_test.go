package sensitive_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/palier/palier/internal/sensitive"
)

func TestFindInFrenchMail(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		want string // kinds and masked values found
	}{
		{"card grouped by fours", "Bonjour,\n\nvoici ma carte pour le remboursement : 4111 1111 1111 1111, expiration 12/27.\n\nCordialement,\nMme Lefèvre",
			"[{card_number ••••••••••••1111}]"},
		{"card then expiry in one run", "Carte 4012888888881881 12 27 cryptogramme au dos", "[{card_number ••••••••••••1881}]"},
		{"card with dashes", "n° de carte : 5555-5555-5555-4444", "[{card_number ••••••••••••4444}]"},
		{"American Express", "Ma carte AMEX 3782 822463 10005 a été débitée deux fois", "[{card_number •••••••••••0005}]"},
		{"Diners, 14 digits", "Carte Diners 3622 7206 2716 67", "[{card_number ••••••••••1667}]"},
		{"wrong checksum", "Le numéro 4111 1111 1111 1112 ne passe pas", "[]"},
		{"SIRET is not a card", "Notre SIRET : 732 829 320 00074, TVA FR 12 732829320", "[]"},
		{"order number", "Commande n° 1234567890123456 du 3 mars", "[]"},
		{"phone number", "Rappelez-moi au 06 12 34 56 78 ou au +33 1 23 45 67 89", "[]"},
		{"zeros", "Référence 0000 0000 0000 0000", "[]"},
		{"French IBAN grouped", "Bonjour, merci de rembourser sur FR76 3000 6000 0112 3456 7890 189 merci d'avance", "[{iban •••••••••••••••••••••••0189}]"},
		{"IBAN lower case, no spaces", "iban : fr7630006000011234567890189.", "[{iban •••••••••••••••••••••••0189}]"},
		{"German IBAN", "Überweisung an DE89 3704 0044 0532 0130 00 bitte", "[{iban ••••••••••••••••••3000}]"},
		{"Belgian IBAN then text", "Compte BE68 5390 0754 7034 au nom de Dupont", "[{iban ••••••••••••7034}]"},
		{"IBAN with a wrong check", "FR76 3000 6000 0112 3456 7890 188", "[]"},
		{"words that look like a country code", "Le FR76 est un formulaire, pas un compte ; voir la page 12.", "[]"},
		{"both, once each", "Carte 4111111111111111 et IBAN FR7630006000011234567890189, je répète : 4111 1111 1111 1111",
			"[{card_number ••••••••••••1111} {iban •••••••••••••••••••••••0189}]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := fmt.Sprint(sensitive.Find(c.text))
			if got != c.want {
				t.Errorf("Find = %s\nwant  %s", got, c.want)
			}
			if sensitive.Contains(c.text) != (c.want != "[]") {
				t.Errorf("Contains disagrees with Find")
			}
			for _, f := range sensitive.Find(c.text) {
				if strings.Count(f.Masked, "•") == 0 {
					t.Errorf("finding %v is not masked", f)
				}
			}
		})
	}
}

func FuzzFind(f *testing.F) {
	f.Add("FR76 3000 6000 0112 3456 7890 189")
	f.Add("4111 1111 1111 1111 12/27")
	f.Add("de89")
	f.Fuzz(func(t *testing.T, s string) {
		for _, x := range sensitive.Find(s) {
			if x.Kind != sensitive.Card && x.Kind != sensitive.IBAN {
				t.Fatalf("unknown kind %q", x.Kind)
			}
		}
	})
}

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ma carte 4111 1111 1111 1111, expire", "ma carte " + strings.Repeat("•", 12) + "1111, expire"},
		{"IBAN FR76 3000 6000 0112 3456 7890 189 merci", "IBAN " + strings.Repeat("•", 23) + "0189 merci"},
		{"commande 12345, SIRET 732 829 320 00074", "commande 12345, SIRET 732 829 320 00074"},
	} {
		if got := sensitive.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
		if sensitive.Contains(sensitive.Redact(c.in)) {
			t.Errorf("Redact(%q) still holds sensitive data", c.in)
		}
	}
}
