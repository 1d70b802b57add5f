// Package i18n holds Palier's French and English texts and picks the
// reader's language. It is the one place both happen:
//
//   - every user-visible string is a key with both translations, written
//     in JSON files a translator edits without reading Go (texts/README.md)
//     and registered at init: here for the edges (texts/errors.json,
//     texts/web.json…) and by the domain packages for their own texts
//     (escalation, sim), which embed their files and register them under
//     their own prefix so that i18n imports none of them;
//   - Negotiate decides the language of a reader, Lang reduces any tag to
//     a language Palier speaks, and Pick chooses between two versions of
//     something held in both languages (bilingual names, typography).
//
// Check lists every key lacking a translation or whose placeholders differ
// between the languages; a test runs it over every package that registers.
package i18n

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The languages Palier speaks.
const (
	English = "en"
	French  = "fr"
)

// Languages Palier speaks, default first.
var Languages = []string{English, French}

// Messages declares texts in both languages: key → {English, French}.
// Placeholders are written {name} and filled from T's parameters.
type Messages map[string][2]string

// entry is one text in both languages.
type entry struct{ en, fr string }

// catalogue maps keys to texts.
type catalogue map[string]entry

// registry is a catalogue and the problems met while filling it, which
// Check reports with the catalogue's own.
type registry struct {
	cat      catalogue
	problems []string
}

// registered is every text. It is written only by Register and
// RegisterJSON during package initialisation and read concurrently
// afterwards.
var registered = registry{cat: catalogue{}}

// Register adds texts to the catalogue, each under prefix+key, so that a
// package keeps its texts beside the code that uses them (escalation's
// under "escalation.", the simulator's under "sim."). Texts are declared
// in JSON files, which RegisterJSON reads and hands to Register; call
// either from init. A key registered twice keeps its first text and is
// reported by Check, which a test runs over every package that registers.
func Register(prefix string, texts Messages) { registered.register(prefix, texts, "") }

// register adds texts under prefix; from names where they come from, for
// the problem of a key registered twice.
func (r *registry) register(prefix string, texts Messages, from string) {
	for _, k := range slices.Sorted(maps.Keys(texts)) {
		v := texts[k]
		k = prefix + k
		if _, dup := r.cat[k]; dup {
			r.problems = append(r.problems, k+": registered twice"+from)
			continue
		}
		r.cat[k] = entry{en: v[0], fr: v[1]}
	}
}

// Has reports whether a key exists.
func Has(key string) bool { _, ok := registered.cat[key]; return ok }

// T returns the text of key in lang, with {name} placeholders replaced from
// params (pairs of name, value). An unknown key returns the key itself so a
// missing text is visible rather than blank.
func T(lang, key string, params ...string) string { return registered.cat.t(lang, key, params) }

func (c catalogue) t(lang, key string, params []string) string {
	e, ok := c[key]
	if !ok {
		return key
	}
	s := Pick(lang, e.en, e.fr)
	if s == "" {
		s = e.en
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

// Supported reports the language Palier speaks for a tag: French for any
// French tag ("fr", "FR", "fr-CA", "fr_BE", "fr_FR.UTF-8", "fra", "fre"),
// English for any English one; ok is false for every other tag.
func Supported(tag string) (lang string, ok bool) {
	if tag == English || tag == French { // the common case, without work
		return tag, true
	}
	primary := tag
	if i := strings.IndexAny(tag, "-_.@"); i >= 0 {
		primary = tag[:i]
	}
	switch strings.ToLower(strings.TrimSpace(primary)) {
	case "fr", "fra", "fre":
		return French, true
	case "en", "eng":
		return English, true
	}
	return "", false
}

// Lang is the language Palier speaks to a reader of tag: the supported
// language it names, English otherwise.
func Lang(tag string) string {
	if l, ok := Supported(tag); ok {
		return l
	}
	return English
}

// Pick returns en or fr, whichever lang reads: the one way code holding
// both versions of something (bilingual names, sample texts, typography)
// chooses between them.
func Pick[T any](lang string, en, fr T) T {
	if Lang(lang) == French {
		return fr
	}
	return en
}

// Either is the text in lang, else the other language's when lang's is
// empty, so that a gap in a translation shows a text rather than nothing.
func Either(lang, en, fr string) string {
	if s := Pick(lang, en, fr); s != "" {
		return s
	}
	return Pick(lang, fr, en)
}

// Prefs are where a reader's language may come from, from the most to the
// least specific. Any of them may be empty or name an unsupported language;
// Negotiate skips those.
type Prefs struct {
	// User is the signed-in user's own setting.
	User string
	// Picked is a choice made on this browser before signing in (the
	// language switch of the login page).
	Picked string
	// Customer is the language recorded for the customer being spoken to
	// (email, portal).
	Customer string
	// AcceptLanguage is the request's Accept-Language header.
	AcceptLanguage string
	// Workspace is the workspace's default language.
	Workspace string
}

// Negotiate decides the language to speak: the user's setting, else the
// language picked on this browser, else the customer's, else the best
// supported language of Accept-Language, else the workspace default, else
// English. It is the only place that order is written.
func Negotiate(p Prefs) string {
	for _, tag := range []string{p.User, p.Picked, p.Customer} {
		if l, ok := Supported(tag); ok {
			return l
		}
	}
	if l, ok := acceptLanguage(p.AcceptLanguage); ok {
		return l
	}
	return Lang(p.Workspace)
}

// acceptLanguage picks the supported language an Accept-Language header
// prefers (the highest q; the first listed among equals).
func acceptLanguage(header string) (string, bool) {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if base != English && base != French {
			continue
		}
		if q > bestQ {
			best, bestQ = base, q
		}
	}
	return best, best != ""
}

// Keys lists every key (tests and tooling).
func Keys() []string {
	keys := make([]string, 0, len(registered.cat))
	for k := range registered.cat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Number formats an integer the way the language writes it: "1,234" or,
// in French, "1 234" with a narrow no-break space.
func Number(lang string, n int) string {
	s := strconv.Itoa(n)
	if n < 1000 && n > -1000 {
		return s
	}
	sep := T(lang, "num.thousands")
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
