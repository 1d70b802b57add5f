// Package i18n holds Palier's French and English texts and picks the
// caller's language. Every user-visible string is a key with both
// translations; a test refuses a key that lacks one.
package i18n

import (
	"sort"
	"strconv"
	"strings"
)

// Languages Palier speaks, default first.
var Languages = []string{"en", "fr"}

// entry is one text in both languages.
type entry struct{ en, fr string }

// catalog maps keys to texts. Areas register their texts from their own
// files (errors.go, web.go…) so translators find them by area.
var catalog = map[string]entry{}

func register(texts map[string][2]string) {
	for k, v := range texts {
		if _, dup := catalog[k]; dup {
			panic("i18n: duplicate key " + k) // a programming error caught at start-up and by tests
		}
		catalog[k] = entry{en: v[0], fr: v[1]}
	}
}

// Has reports whether a key exists.
func Has(key string) bool { _, ok := catalog[key]; return ok }

// T returns the text of key in lang, with {name} placeholders replaced from
// params (pairs of name, value). An unknown key returns the key itself so a
// missing text is visible rather than blank.
func T(lang, key string, params ...string) string {
	e, ok := catalog[key]
	if !ok {
		return key
	}
	s := e.en
	if lang == "fr" && e.fr != "" {
		s = e.fr
	}
	if len(params) < 2 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(params))
	for i := 0; i+1 < len(params); i += 2 {
		pairs = append(pairs, "{"+params[i]+"}", params[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Tm is T with parameters from a map.
func Tm(lang, key string, params map[string]string) string {
	flat := make([]string, 0, 2*len(params))
	for k, v := range params {
		flat = append(flat, k, v)
	}
	return T(lang, key, flat...)
}

// Negotiate picks the best supported language from an Accept-Language
// header, or fallback when none matches.
func Negotiate(header, fallback string) string {
	type choice struct {
		lang string
		q    float64
	}
	var choices []choice
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		for _, l := range Languages {
			if base == l && q > 0 {
				choices = append(choices, choice{l, q})
			}
		}
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	if len(choices) > 0 {
		return choices[0].lang
	}
	if fallback == "fr" || fallback == "en" {
		return fallback
	}
	return "en"
}

// Keys lists every key (tests and tooling).
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Missing lists keys lacking a French or English text.
func Missing() []string {
	var out []string
	for _, k := range Keys() {
		if e := catalog[k]; strings.TrimSpace(e.en) == "" || strings.TrimSpace(e.fr) == "" {
			out = append(out, k)
		}
	}
	return out
}

// Number formats an integer the way the language writes it.
func Number(lang string, n int) string {
	s := strconv.Itoa(n)
	if n < 1000 && n > -1000 {
		return s
	}
	sep := ","
	if lang == "fr" {
		sep = "\u202f" // narrow no-break space, as French typography wants
	}
	var b strings.Builder
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
