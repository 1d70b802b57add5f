package textsearch

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// elisions are the French words that lose their vowel before another word
// ("l'abonnement", "qu'il", "jusqu'à"). They carry no meaning for matching,
// and keeping them would make "l'abonnement" a different word from
// "abonnement".
var elisions = [...]string{"l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

// Tokens splits s into words: maximal runs of letters and digits (combining
// marks stay inside their word). A French elided article or pronoun followed
// by an apostrophe (' or ’) and a letter is dropped, so "L’abonnement" gives
// ["abonnement"]. English contractions are simply split ("don't" gives
// ["don", "t"]). The words are substrings of s, in their original case.
func Tokens(s string) []string {
	var out []string
	eachToken(s, func(tok string) bool {
		out = append(out, tok)
		return true
	})
	return out
}

// TokensSeq yields the words of s one by one, as Tokens defines them,
// without building a slice.
func TokensSeq(s string) iter.Seq[string] {
	return func(yield func(string) bool) { eachToken(s, yield) }
}

// eachToken calls fn for every word of s, as Tokens defines words, until fn
// returns false. It exists so that Terms can analyse text without building
// an intermediate slice.
func eachToken(s string, fn func(string) bool) {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			i += size
			continue
		}
		if start >= 0 {
			tok := s[start:i]
			start = -1
			if !(isApostrophe(r) && isElision(tok) && wordFollows(s[i+size:])) && !fn(tok) {
				return
			}
		}
		i += size
	}
	if start >= 0 {
		fn(s[start:])
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ'
}

func isElision(tok string) bool {
	if len(tok) > len("quoiqu") {
		return false
	}
	for _, e := range elisions {
		if strings.EqualFold(tok, e) {
			return true
		}
	}
	return false
}

// wordFollows reports whether s starts with a letter, i.e. whether the
// apostrophe before it really elides ("l'offre") rather than closing a quote
// or ending a sentence ("le mot l' seul").
func wordFollows(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && unicode.IsLetter(r)
}
