package i18n

import "testing"

func TestNumbersAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		lang, in, want string
		ok             bool
	}{
		{"fr", "49,90", "49.90", true},
		{"fr", "49.90", "49.90", true}, // a dot typed in French is still a decimal point
		{"fr", "1 234,5", "1234.5", true},
		{"fr", "1\u202f234,5", "1234.5", true},
		{"fr", "-3", "-3", true},
		{"fr", "1.234,5", "", false},
		{"fr", "49,9,0", "", false},
		{"fr", "douze", "", false},
		{"fr", ",5", "", false},
		{"en", "49.90", "49.90", true},
		{"en", "1,234.5", "1234.5", true},
		{"en", "49,90", "", false}, // not a thousands grouping: refused, not read as 4990
		{"en", "1e3", "", false},
		{"en", "", "", false},
	} {
		got, ok := ParseDecimal(c.lang, c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseDecimal(%s, %q) = %q, %v; want %q, %v", c.lang, c.in, got, ok, c.want, c.ok)
		}
		if ok {
			if back, _ := ParseDecimal(c.lang, FormatDecimal(c.lang, got)); back != got {
				t.Errorf("%s: %q does not survive a round trip (%q)", c.lang, got, back)
			}
		}
	}
	if got := FormatDecimal("fr", "49.90"); got != "49,90" {
		t.Errorf("French 49.90 reads %q", got)
	}
	if got := FormatDecimal("en", "49.90"); got != "49.90" {
		t.Errorf("English 49.90 reads %q", got)
	}
}

func TestDatesAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		lang, in, want string
		ok             bool
	}{
		{"fr", "03/12/2026", "2026-12-03", true},
		{"fr", "3/12/2026", "2026-12-03", true},
		{"fr", "2026-12-03", "2026-12-03", true}, // what a date input or the API sends
		{"fr", "12/31/2026", "", false},          // month-first is not French
		{"fr", "31/02/2026", "", false},
		{"en", "2026-12-03", "2026-12-03", true},
		{"en", "tomorrow", "", false},
	} {
		got, ok := ParseDate(c.lang, c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseDate(%s, %q) = %q, %v; want %q, %v", c.lang, c.in, got, ok, c.want, c.ok)
		}
	}
	if got := FormatDate("fr", "2026-12-03"); got != "03/12/2026" {
		t.Errorf("French date reads %q", got)
	}
	if got := FormatDate("en", "2026-12-03"); got != "2026-12-03" {
		t.Errorf("English date reads %q", got)
	}
}
