package i18n

import "testing"

func TestEveryTextExistsInBothLanguages(t *testing.T) {
	if m := Missing(); len(m) > 0 {
		t.Fatalf("texts missing a translation: %v", m)
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ header, fallback, want string }{
		{"fr-FR,fr;q=0.9,en;q=0.8", "en", "fr"},
		{"en-US,en;q=0.9", "fr", "en"},
		{"de-DE,de;q=0.9", "fr", "fr"},
		{"de, en;q=0.5, fr;q=0.7", "en", "fr"},
		{"", "", "en"},
		{"fr;q=0, en", "fr", "en"},
	}
	for _, c := range cases {
		if got := Negotiate(c.header, c.fallback); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.header, c.fallback, got, c.want)
		}
	}
}

func TestTranslateWithParameters(t *testing.T) {
	if got := T("fr", "field.too_long", "max", "250"); got != "C'est trop long (maximum 250)." {
		t.Errorf("got %q", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key should show itself, got %q", got)
	}
	if got := Number("fr", 1234567); got != "1\u202f234\u202f567" {
		t.Errorf("Number fr = %q", got)
	}
	if got := Number("en", -1234); got != "-1,234" {
		t.Errorf("Number en = %q", got)
	}
}
