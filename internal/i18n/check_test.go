package i18n

import (
	"strings"
	"testing"
)

// TestCheckRefusesBrokenTranslations proves the catalogue check can fail:
// each entry is one way a translation goes wrong.
func TestCheckRefusesBrokenTranslations(t *testing.T) {
	cases := []struct {
		name   string
		en, fr string
		want   string // in the problem reported; "" for none
	}{
		{"good", "Unknown tier {tier}.", "Niveau {tier} inconnu.", ""},
		{"reordered", "{a} before {b}", "{b} après {a}", ""},
		{"template actions kept", "Use {{ticket.subject}}.", "Utilisez {{ticket.subject}}.", ""},
		{"missing French", "Sign in", "", "missing a translation"},
		{"blank English", " ", "Connexion", "missing a translation"},
		{"translated placeholder", "Hello {name}", "Bonjour {nom}", "placeholders differ"},
		{"broken placeholder", "Hello {name}", "Bonjour {name", "placeholders differ"},
		{"dropped placeholder", "Maximum {max}.", "Trop long.", "placeholders differ"},
		{"extra placeholder", "Too long.", "Trop long ({max}).", "placeholders differ"},
		{"translated template action", "Use {{ticket.subject}}.", "Utilisez {{ticket.sujet}}.", "placeholders differ"},
		{"printf verb changed", "%[1]s agents", "%[2]s agents", "placeholders differ"},
	}
	for _, c := range cases {
		got := strings.Join(check(catalogue{"k": {en: c.en, fr: c.fr}}), "; ")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: check(%q, %q) = %q, want %q", c.name, c.en, c.fr, got, c.want)
		}
	}
}
