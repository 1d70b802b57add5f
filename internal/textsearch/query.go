package textsearch

import (
	"strings"
	"unicode/utf8"
)

// QueryWord is one word of a search query, analysed.
type QueryWord struct {
	Folded string // the word as typed, folded (Normalize)
	Term   string // its stem, as Terms would index it
	// Prefix is set on the last word of a query that does not end with a
	// space or punctuation: the user is still typing it, so it also
	// matches the words it begins ("réinit" → "réinitialiser").
	Prefix bool
	// Fuzzy is set on words of FuzzyMinLen letters or more: one typo
	// (see Within1) is tolerated when the exact term is unknown.
	Fuzzy bool
}

// FuzzyMinLen is the length from which a word tolerates one typo. Shorter
// words have too many neighbours ("mot" and "mit", "pas" and "par").
const FuzzyMinLen = 5

// ParseQuery analyses a search query typed in language lang. Stop words
// ("le", "de", "the", "how") are dropped unless the query has nothing
// else, duplicates are removed, and at most maxQueryWords are kept.
func ParseQuery(lang, q string) []QueryWord {
	lang = BaseLang(lang)
	folded := Normalize(q)
	var words []QueryWord
	var stops []QueryWord
	seen := map[string]bool{}
	eachToken(folded, func(tok string) bool {
		w := QueryWord{Folded: tok, Term: stemFolded(lang, tok), Fuzzy: utf8.RuneCountInString(tok) >= FuzzyMinLen && !hasDigit(tok)}
		if seen[tok] {
			return true
		}
		seen[tok] = true
		if isStopWord(lang, tok) {
			stops = append(stops, w)
		} else {
			words = append(words, w)
		}
		return len(words) < maxQueryWords
	})
	if len(words) == 0 {
		words = stops
		if len(words) > maxQueryWords {
			words = words[:maxQueryWords]
		}
	}
	if n := len(words); n > 0 && !endsOutsideWord(q) && strings.HasSuffix(folded, words[n-1].Folded) {
		words[n-1].Prefix = true
		// One typed letter begins too many words to say anything: it
		// waits for the next keystroke.
		if utf8.RuneCountInString(words[n-1].Folded) < MinPrefixLen {
			words = words[:n-1]
		}
	}
	return words
}

// MinPrefixLen is how many letters a word being typed needs before it is
// searched as a prefix.
const MinPrefixLen = 2

const maxQueryWords = 12

// endsOutsideWord reports whether s ends with a character that is not part
// of a word (a space, punctuation): then the last word is complete.
func endsOutsideWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == utf8.RuneError || !isWordRune(r)
}

// Within1 reports whether a and b are at most one edit apart: one letter
// inserted, removed, replaced, or two neighbours swapped ("factrue").
func Within1(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		i := 0
		for i < len(ra) && ra[i] == rb[i] {
			i++
		}
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // one replacement
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// isStopWord reports whether a folded word carries no meaning for search
// in language lang ("" checks both lists).
func isStopWord(lang, w string) bool {
	switch lang {
	case "fr":
		return stopFR[w]
	case "en":
		return stopEN[w]
	}
	return stopFR[w] || stopEN[w]
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// The stop words are folded, like the words they are compared with. They
// are short on purpose: a word that may be what the user is looking for
// ("compte", "account", "paiement") must never be one.
var (
	stopFR = set(`a au aux avec ce ces cet cette comment dans de des du elle en est et etre eu il ils je la le les leur leurs lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que quel quelle quels quelles qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y puis peux peut faire fait quoi pourquoi quand ai as avez ont sont suis`)
	stopEN = set(`a an and are as at be by can could do does for from has have how i in into is it its me my no not of on or our so than that the their them then there these they this to us was we what when where which who why will with you your`)
)

// StemWithin1 reports whether word, after at most one edit, begins with the
// stem and goes on for at most maxRest more letters: how a typed word with
// a typo ("comptabilte", "reminedrs") is recognised as an inflection of a
// known stem ("comptabl", "remind") even when the typo changes how the word
// itself stems.
func StemWithin1(stem, word string, maxRest int) bool {
	s, w := []rune(stem), []rune(word)
	for k := len(s) - 1; k <= len(s)+1; k++ {
		if k < 1 || k > len(w) || len(w)-k > maxRest {
			continue
		}
		if Within1(string(s), string(w[:k])) {
			return true
		}
	}
	return false
}
