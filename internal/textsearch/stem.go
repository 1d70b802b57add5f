package textsearch

import (
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/i18n"
)

// minStem is the shortest stem a suffix may leave. Together with the rule
// that words of three letters or fewer are never stemmed, it keeps short
// words ("les", "bus", "agent", "vente") intact instead of collapsing them
// onto unrelated words.
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
// French ("fr") removes, in this order and each at most once:
//   - the plural -s (not after another s) or -x after u (bureaux, jeux);
//   - the feminine or participle -ée or -e;
//   - the longest of the verb and derivation endings -aient, -ation,
//     -ement, -ait, -ent, -ez, -er, provided three letters remain.
//
// So facture, factures, facturé, facturée, facturer, facturez, facturation
// all give "factur"; prélèvement, prélèvements, prélevé, prélever give
// "prelev"; remboursé, rembourser, remboursement give "rembours".
// Known limits, accepted to stay predictable: -ons is NOT removed, because
// it cannot be told apart from noun plurals (bouton/boutons, maison/maisons)
// which matter more in support requests than "nous facturons"; adjectives
// ending in -s keep their masculine and feminine apart (anglais ≠ anglaise);
// some unrelated words meet (mois and moi both give "moi").
//
// English ("en") removes the plural (-s, -es after ss, -ies → i), then -ing
// or -ed (undoubling "stopped" → "stop"), then a final -e, and spells a
// final consonant-y as i: invoice, invoices, invoiced, invoicing give
// "invoic"; company and companies give "compani".
//
// Any other language ("") applies the English -ies/-ied, -ing and -ed
// rules, then the French rules, then the English y → i: it is stable and
// lets French and English text each match their own inflections when the
// language of a ticket is unknown.
//
// Words of three letters or fewer and words containing a digit are
// returned folded but unstemmed.
func Stem(lang, token string) string {
	return stemFolded(BaseLang(lang), Normalize(token))
}

// stemFolded is Stem for an already folded word and an already reduced
// language. It only ever returns a substring of w (no allocation), except
// for the y → i spelling.
func stemFolded(lang, w string) string {
	if utf8.RuneCountInString(w) <= minStem || hasDigit(w) {
		return w
	}
	switch lang {
	case "fr":
		return stemFrench(w)
	case "en":
		return stemEnglish(w)
	}
	w = englishIes(w)
	w = englishIngEd(w)
	w = stemFrench(w)
	return englishY(w)
}

func stemFrench(w string) string {
	w = frenchPlural(w)
	w = frenchFeminine(w)
	return frenchVerb(w)
}

func frenchPlural(w string) string {
	switch {
	case strings.HasSuffix(w, "ss"):
		return w
	case strings.HasSuffix(w, "s"):
		return trim(w, 1)
	case strings.HasSuffix(w, "ux"):
		return trim(w, 1)
	}
	return w
}

func frenchFeminine(w string) string {
	if strings.HasSuffix(w, "ee") && long(w, 2) {
		return trim(w, 2)
	}
	if strings.HasSuffix(w, "e") {
		return trim(w, 1)
	}
	return w
}

// frenchVerb removes the longest of the verb and derivation endings. The
// longest ending present decides, and if it would leave too short a stem
// nothing is removed ("element" keeps its -ement rather than losing -ent
// instead). Endings are grouped by last letter so that most words are
// settled by one comparison.
func frenchVerb(w string) string {
	var endings []string
	switch w[len(w)-1] {
	case 't':
		endings = frenchEndingsT[:]
	case 'n':
		endings = []string{"ation"}
	case 'z':
		endings = []string{"ez"}
	case 'r':
		endings = []string{"er"}
	}
	for _, end := range endings {
		if strings.HasSuffix(w, end) {
			return trim(w, len(end))
		}
	}
	return w
}

// frenchEndingsT is ordered longest first.
var frenchEndingsT = [...]string{"aient", "ement", "ait", "ent"}

func stemEnglish(w string) string {
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies"):
		w = englishIes(w)
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		// class, status, analysis: not plurals.
	case strings.HasSuffix(w, "s"):
		w = trim(w, 1)
	}
	w = englishIngEd(w)
	if strings.HasSuffix(w, "e") {
		w = trim(w, 1)
	}
	return englishY(w)
}

// englishIes turns -ies and -ied into -i, to meet the y → i of englishY
// (replies, replied, reply → "repli").
func englishIes(w string) string {
	if (strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied")) && len(w) > 4 {
		return w[:len(w)-2]
	}
	return w
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

// englishY spells a final y after a consonant as i (company → compani), so
// that it meets the -ies plural.
func englishY(w string) string {
	n := len(w)
	if n < 4 || w[n-1] != 'y' || strings.IndexByte("aeiouy", w[n-2]) >= 0 {
		return w
	}
	return w[:n-1] + "i"
}

// trim removes n bytes of suffix from w unless fewer than minStem runes
// would remain.
func trim(w string, n int) string {
	if !long(w, n) {
		return w
	}
	return w[:len(w)-n]
}

func long(w string, n int) bool {
	rest := len(w) - n
	if rest < minStem || rest >= minStem*utf8.UTFMax {
		// Settled by the byte length alone: a rune is 1 to 4 bytes.
		return rest >= minStem
	}
	return utf8.RuneCountInString(w[:rest]) >= minStem
}

func hasDigit(w string) bool {
	for i := 0; i < len(w); i++ {
		if '0' <= w[i] && w[i] <= '9' {
			return true
		}
	}
	return false
}
