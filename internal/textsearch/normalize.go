// Package textsearch analyses French and English text for matching: it folds
// case and accents, splits text into words (dropping French elided articles)
// and reduces words to a light stem, so that "Facturée", "factures" and
// "facturer" all become the same term.
//
// The same analysis is shared by the routing rule engine and, later, by
// knowledge-base search: whatever was stored or compiled with Terms must be
// compared with Terms of the same language, never with raw text.
//
// The stemmers are deliberately light and conservative (see Stem): a routing
// rule that matches a word it should not is worse than one that misses an
// inflection, because it silently sends tickets to the wrong team.
package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds s for comparison: lower case, accents removed (canonical
// decomposition, then combining marks dropped), the ligatures œ and æ spelled
// out (oe, ae), ß written ss, typographic apostrophes (’ ‘ ʼ) turned into ',
// and every run of white space collapsed to one space, without leading or
// trailing space.
//
// Normalize returns s itself, without allocating, when s is already folded;
// the routing engine relies on this for short values such as channel names.
func Normalize(s string) string {
	if isFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is owed before the next visible rune
	emit := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case asciiSpace(c):
				space = true
			case 'A' <= c && c <= 'Z':
				emit(rune(c + 'a' - 'A'))
			default:
				emit(rune(c))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		// Decompose rune by rune: stripping marks needs no reordering, and
		// this avoids the allocations of a transform chain.
		if d := norm.NFD.PropertiesString(s[i:]).Decomposition(); d != nil {
			for _, dr := range string(d) {
				foldRune(dr, emit, &space)
			}
		} else {
			foldRune(r, emit, &space)
		}
		i += size
	}
	return b.String()
}

// foldRune writes the folded form of one decomposed rune.
func foldRune(r rune, emit func(rune), space *bool) {
	if unicode.IsSpace(r) {
		*space = true
		return
	}
	if unicode.Is(unicode.Mn, r) {
		return
	}
	r = unicode.ToLower(r)
	switch r {
	case 'œ':
		emit('o')
		emit('e')
	case 'æ':
		emit('a')
		emit('e')
	case 'ß':
		emit('s')
		emit('s')
	case 'ø':
		emit('o')
	case 'ł':
		emit('l')
	case 'đ':
		emit('d')
	case '’', '‘', 'ʼ':
		emit('\'')
	default:
		emit(r)
	}
}

// isFolded reports whether Normalize(s) == s, checked cheaply: only plain
// lower-case ASCII with single inner spaces qualifies.
func isFolded(s string) bool {
	prevSpace := true // forbids a leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case asciiSpace(c):
			return false
		default:
			prevSpace = false
		}
	}
	return len(s) == 0 || !prevSpace
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
