package i18n

import (
	"strings"
	"time"
	"unicode"
)

// Numbers and dates as people type and read them, stored canonically
// (issue 8.8): a French reader types and reads "49,90" and "03/12/2026",
// the database and the API hold "49.90" and "2026-12-03". The web parses
// what a reader types with ParseDecimal/ParseDate and shows stored values
// with FormatDecimal/FormatDate; the API takes and gives canonical forms
// only. Separators and layouts come from the catalogue, not from tests on
// the language.

// ParseDecimal reads a number written the way lang writes it: its decimal
// separator (a dot is also taken, people type one whatever their locale),
// grouping with spaces or, in languages that group with a comma, commas.
// It returns the canonical form ("-1234.5"), or ok false.
func ParseDecimal(lang, s string) (canonical string, ok bool) {
	dec := T(lang, "num.decimal")
	thousands := T(lang, "num.thousands")
	s = strings.TrimSpace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u202f' || r == '\u00a0' || r == '\'' {
			return -1 // grouping spaces, whatever the language
		}
		return r
	}, s)
	if thousands == "," && dec == "." {
		if strings.Contains(s, ",") && !groupedByThousands(s) {
			return "", false
		}
		s = strings.ReplaceAll(s, ",", "")
	} else if dec != "." {
		if strings.Contains(s, dec) && strings.Contains(s, ".") {
			return "", false // "1.234,5": which one is the decimal point?
		}
		s = strings.ReplaceAll(s, dec, ".")
	}
	if !Canonical(s) {
		return "", false
	}
	return s, true
}

// groupedByThousands reports whether the commas of s split its integer
// part in groups of three ("1,234,567.8"), so "49,90" is not taken for
// 4990 in English.
func groupedByThousands(s string) bool {
	intPart, _, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// Canonical reports whether s is a number in the stored form: an optional
// minus, digits, at most one dot with digits on both sides.
func Canonical(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	return digits(intPart) && (!hasDot || digits(frac))
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// FormatDecimal shows a canonical number the way lang writes it ("49,90"
// in French). Anything else is returned unchanged, so a value stored
// before validation was strict still shows.
func FormatDecimal(lang, canonical string) string {
	if !Canonical(canonical) {
		return canonical
	}
	return strings.Replace(canonical, ".", T(lang, "num.decimal"), 1)
}

// ParseDate reads a date written the way lang writes it, or as an ISO date
// (what a browser's date input and the API send), and returns the ISO
// date ("2026-12-03"), or ok false.
func ParseDate(lang, s string) (iso string, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{T(lang, "date.layout_input"), time.DateOnly} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), true
		}
	}
	return "", false
}

// FormatDate shows an ISO date the way lang writes it ("03/12/2026" in
// French); anything else is returned unchanged.
func FormatDate(lang, iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return d.Format(T(lang, "date.layout"))
}
