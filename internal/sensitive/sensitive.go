// Package sensitive finds payment data in free text: card numbers (the
// Luhn checksum and a card network's prefix) and IBANs (the ISO 13616
// mod-97 check). Channels use it to apply the sensitive-ticket rules to
// what customers write, whatever the routing rules say. It is pure: text
// in, findings out.
package sensitive

import (
	"iter"
	"math/big"
	"regexp"
	"strings"
)

// Kind is what was found.
type Kind string

// Kinds of sensitive data.
const (
	Card Kind = "card_number"
	IBAN Kind = "iban"
)

// Finding is one piece of sensitive data, given masked (its last four
// characters only) so that logs and events never repeat it.
type Finding struct {
	Kind   Kind
	Masked string
}

// digitRun is digits grouped by single spaces, dots or dashes. A card
// number is some whole groups of a run: "4970 1012 3456 7890 12/27" holds
// one followed by its expiry date.
var digitRun = regexp.MustCompile(`\d+(?:[ .\-]\d+)*`)

// ibanStart is a country code and two check digits.
var ibanStart = regexp.MustCompile(`(?i)\b[a-z]{2}\d{2}`)

// Find returns the sensitive data in text, in order of appearance, at
// most one finding per distinct value.
func Find(text string) []Finding {
	var out []Finding
	seen := map[string]bool{}
	add := func(k Kind, v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, Finding{Kind: k, Masked: mask(v)})
		}
	}
	for _, run := range digitRun.FindAllString(text, -1) {
		for digits := range cardsIn(run) {
			add(Card, digits)
		}
	}
	for _, loc := range ibanStart.FindAllStringIndex(text, -1) {
		if iban, ok := ibanAt(text[loc[0]:]); ok {
			add(IBAN, iban)
		}
	}
	return out
}

// cardsIn yields the card numbers (their digits) made of whole groups of
// a digit run, in order: every span of 14 to 19 digits starting at each
// group that passes isCard.
func cardsIn(run string) iter.Seq[string] {
	return func(yield func(string) bool) {
		groups := strings.FieldsFunc(run, func(r rune) bool { return r == ' ' || r == '.' || r == '-' })
		for i := range groups {
			n := 0
			for j := i; j < len(groups) && n < 19; j++ {
				if n += len(groups[j]); n >= 14 && n <= 19 {
					if digits, ok := isCard(groups[i : j+1]); ok && !yield(digits) {
						return
					}
				}
			}
		}
	}
}

// Contains reports whether text holds any sensitive data.
func Contains(text string) bool { return len(Find(text)) > 0 }

func mask(v string) string {
	if len(v) <= 4 {
		return v
	}
	return strings.Repeat("•", len(v)-4) + v[len(v)-4:]
}

// isCard checks a candidate: its digits, their count, a card network's
// prefix and the Luhn checksum. A 14-digit number grouped 3-3-3-5 is a
// French SIRET (also Luhn-valid), not a card.
func isCard(groups []string) (string, bool) {
	digits := strings.Join(groups, "")
	n := len(digits)
	if n < 14 || n > 19 || !luhn(digits) {
		return "", false
	}
	if strings.Count(digits, digits[:1]) == n { // 0000 0000 0000 0000
		return "", false
	}
	switch {
	case n == 14:
		if len(groups) == 4 && len(groups[0]) == 3 && len(groups[3]) == 5 {
			return "", false // SIRET
		}
		return digits, hasPrefix(digits, "36", "38", "300", "301", "302", "303", "304", "305") // Diners
	case n == 15:
		return digits, hasPrefix(digits, "34", "37") // American Express
	default:
		return digits, hasPrefix(digits, "4", "5", "2", "6", "35") // Visa, Mastercard (CB), Discover, Maestro, JCB
	}
}

func hasPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ibanLengths are the lengths of the IBANs French support mostly sees;
// other countries are tried at every length from 15 to 34.
var ibanLengths = map[string]int{
	"FR": 27, "MC": 27, "BE": 16, "LU": 20, "CH": 21, "DE": 22, "ES": 24, "IT": 27, "NL": 18, "GB": 22, "PT": 25, "IE": 22, "AT": 20,
}

// ibanAt reads an IBAN at the start of s: letters and digits, possibly
// grouped by single spaces, checked by mod-97.
func ibanAt(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < 34; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			b.WriteByte(c)
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c == ' ' && i+1 < len(s) && s[i+1] != ' ':
			continue
		default:
			i = len(s)
		}
	}
	v := b.String()
	if n, ok := ibanLengths[strings.ToUpper(v[:2])]; ok {
		return v[:min(n, len(v))], len(v) >= n && mod97(v[:n])
	}
	for n := min(len(v), 34); n >= 15; n-- {
		if mod97(v[:n]) {
			return v[:n], true
		}
	}
	return "", false
}

// mod97 is the IBAN check: the country and check digits moved to the end,
// letters as 10…35, the number modulo 97 must be 1.
func mod97(iban string) bool {
	if len(iban) < 15 {
		return false
	}
	var num strings.Builder
	for _, c := range iban[4:] + iban[:4] {
		switch {
		case c >= '0' && c <= '9':
			num.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			num.WriteString(big.NewInt(int64(c-'A') + 10).String())
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(num.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// Redact returns text with every card number and IBAN Find would report
// replaced by its masked form, for text that leaves the ticket (an
// article written from it).
func Redact(text string) string {
	text = digitRun.ReplaceAllStringFunc(text, func(run string) string {
		for digits := range cardsIn(run) {
			return mask(digits)
		}
		return run
	})
	var b strings.Builder
	last := 0
	for _, loc := range ibanStart.FindAllStringIndex(text, -1) {
		if loc[0] < last {
			continue
		}
		iban, ok := ibanAt(text[loc[0]:])
		if !ok {
			continue
		}
		// The IBAN's end in the text: as many letters and digits as it
		// has, spaces between groups included.
		end, seen := loc[0], 0
		for end < len(text) && seen < len(iban) {
			if text[end] != ' ' {
				seen++
			}
			end++
		}
		b.WriteString(text[last:loc[0]])
		b.WriteString(mask(iban))
		last = end
	}
	b.WriteString(text[last:])
	return b.String()
}
