package textsearch

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/palier/palier/internal/i18n"
)

// minStem is the length at and under which a word is never stemmed: short
// words ("les", "bus", "moi") are kept whole rather than collapsed onto
// unrelated words.
const minStem = 3

// BaseLang reduces a language tag to the analysis it selects: the language
// i18n.Supported finds in it ("fr" for "fr-CA", "fr_BE", "fra"…, "en" for
// any English tag), and "" for everything else, which selects the combined
// rule described in Stem.
func BaseLang(tag string) string {
	lang, _ := i18n.Supported(tag)
	return lang
}

// Stem reduces one word to its stem for the language lang (see BaseLang).
// The word is folded with Normalize first if it is not already.
//
// The stemmers are the Snowball French and English algorithms
// (github.com/kljensen/snowball), applied to the FOLDED word. Snowball
// French is written for accented text, but customers type without
// accents: stemming "électricité" and "electricite" must give the same
// term, and that only holds if both sides are folded before stemming.
// Folding hides the accented participle endings -é, -ée, -ées, -és from
// Snowball, so French first turns a folded -ee/-ees into -e ("facturée"
// meets "facture", "créée" meets "créé"), which Snowball then removes like
// any other -e.
//
// So facture, factures, facturé, facturée, facturer, facturez, facturait,
// facturaient, facturation all give one term; so do invoice, invoices,
// invoiced, invoicing in English. Known Snowball limits, accepted: "-ons"
// and "-ent" verb forms keep their ending (facturons, facturent), and a
// few verbs put the present and the infinitive apart (oublie, oublier).
// Prefix matching in search makes up for most of them.
//
// Any other language ("") applies the English plural and -ing/-ed rules of
// the light stemmer this package used to have, then Snowball French: it is
// stable and lets French and English text each match most of their own
// inflections when the language of a ticket is unknown.
//
// Words of three letters or fewer and words containing a digit are
// returned folded but unstemmed.
func Stem(lang, token string) string {
	return stemFolded(BaseLang(lang), Normalize(token))
}

// stemFolded is Stem for an already folded word and an already reduced
// language.
func stemFolded(lang, w string) string {
	if utf8.RuneCountInString(w) <= minStem || hasDigit(w) || !isWord(w) {
		return w
	}
	c := &stemCaches[langIndex(lang)]
	c.mu.RLock()
	stem, ok := c.m[w]
	c.mu.RUnlock()
	if ok {
		return stem
	}
	stem = stemUncached(lang, w)
	c.mu.Lock()
	if len(c.m) >= maxCachedStems {
		clear(c.m) // a flood of unusual words must not grow memory without end
	}
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[strings.Clone(w)] = stem // w may be a slice of a long text
	c.mu.Unlock()
	return stem
}

// The Snowball stemmers cost a few microseconds a word (they work on rune
// slices and try many suffix lists), thirty times the light stemmer they
// replaced; routing stems every word of every ticket. Support text reuses
// a small vocabulary, so stems are remembered per language: a hit costs a
// map look-up.
var stemCaches [3]stemCache

type stemCache struct {
	mu sync.RWMutex
	m  map[string]string
}

const maxCachedStems = 1 << 17

func langIndex(lang string) int {
	switch lang {
	case "fr":
		return 0
	case "en":
		return 1
	}
	return 2
}

func stemUncached(lang, w string) string {
	switch lang {
	case "fr":
		return stemFrench(w)
	case "en":
		return english.Stem(w, true)
	}
	w = englishIes(w)
	w = englishIngEd(w)
	return stemFrench(englishY(w))
}

func stemFrench(w string) string {
	switch {
	case strings.HasSuffix(w, "ees"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ee"):
		w = w[:len(w)-1]
	}
	if utf8.RuneCountInString(w) <= minStem {
		return w
	}
	return french.Stem(w, true)
}

// englishIes turns -ies and -ied into -i, to meet the y → i of englishY
// (replies, replied, reply → "repli").
func englishIes(w string) string {
	if (strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied")) && len(w) > 4 {
		return w[:len(w)-2]
	}
	return w
}

// englishY spells a final y after a consonant as i (company → compani), so
// that it meets the -ies plural.
func englishY(w string) string {
	n := len(w)
	if n < 4 || w[n-1] != 'y' || strings.IndexByte("aeiouy", w[n-2]) >= 0 {
		return w
	}
	return w[:n-1] + "i"
}

// englishIngEd removes -ing or -ed when a vowel remains before it ("thing",
// "need" and "bring" keep theirs), then undoubles a final consonant so that
// "stopped" and "stop" meet. l, s and z stay doubled (billed, missed).
func englishIngEd(w string) string {
	var stem string
	switch {
	case strings.HasSuffix(w, "ing"):
		stem = w[:len(w)-3]
	case strings.HasSuffix(w, "ed"):
		stem = w[:len(w)-2]
	default:
		return w
	}
	if utf8.RuneCountInString(stem) < minStem || !strings.ContainsAny(stem, "aeiouy") {
		return w
	}
	if n := len(stem); n > minStem && stem[n-1] == stem[n-2] && strings.IndexByte("bdfgmnprt", stem[n-1]) >= 0 {
		stem = stem[:n-1]
	}
	return stem
}

func hasDigit(w string) bool {
	for i := 0; i < len(w); i++ {
		if '0' <= w[i] && w[i] <= '9' {
			return true
		}
	}
	return false
}

// isWord reports whether w is made of Latin letters only: the Snowball
// stemmers are defined for those, and other scripts are matched whole.
func isWord(w string) bool {
	for _, r := range w {
		if !('a' <= r && r <= 'z' || 0xC0 <= r && r <= 0x24F) {
			return false
		}
	}
	return true
}
