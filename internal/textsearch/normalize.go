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
	f := folder{}
	f.b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case asciiSpace(c):
				f.space = true
			case 'A' <= c && c <= 'Z':
				f.emitByte(c + 'a' - 'A')
			default:
				f.emitByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if latinFirst <= r && r <= latinLast {
			// French text is mostly accented Latin letters: fold them from
			// a table rather than decomposing each one.
			if folded := latinFolds[r-latinFirst]; folded != "" {
				f.emitString(folded)
			}
		} else {
			f.foldDecomposed(s[i:], r)
		}
		i += size
	}
	return f.b.String()
}

// The Latin-1 Supplement and Latin Extended-A blocks (À … ſ), folded once.
const latinFirst, latinLast = 0xC0, 0x17F

var latinFolds = func() (t [latinLast - latinFirst + 1]string) {
	for r := rune(latinFirst); r <= latinLast; r++ {
		var f folder
		f.foldDecomposed(string(r), r)
		t[r-latinFirst] = f.b.String()
	}
	return t
}()

// folder accumulates folded text.
type folder struct {
	b     strings.Builder
	space bool // a space is owed before the next visible rune
}

func (f *folder) emitByte(c byte) {
	if f.space && f.b.Len() > 0 {
		f.b.WriteByte(' ')
	}
	f.space = false
	f.b.WriteByte(c)
}

func (f *folder) emitString(s string) {
	if f.space && f.b.Len() > 0 {
		f.b.WriteByte(' ')
	}
	f.space = false
	f.b.WriteString(s)
}

// foldDecomposed folds r, the first rune of s, through its canonical
// decomposition (é → e + ◌́), dropping the combining marks.
func (f *folder) foldDecomposed(s string, r rune) {
	d := norm.NFD.PropertiesString(s).Decomposition()
	if d == nil {
		f.foldRune(r)
		return
	}
	for _, dr := range string(d) {
		f.foldRune(dr)
	}
}

// foldRune writes the folded form of one decomposed rune.
func (f *folder) foldRune(r rune) {
	if unicode.IsSpace(r) {
		f.space = true
		return
	}
	if unicode.Is(unicode.Mn, r) {
		return
	}
	r = unicode.ToLower(r)
	switch r {
	case 'œ':
		f.emitString("oe")
	case 'æ':
		f.emitString("ae")
	case 'ß':
		f.emitString("ss")
	case 'ø':
		f.emitByte('o')
	case 'ł':
		f.emitByte('l')
	case 'đ':
		f.emitByte('d')
	case '’', '‘', 'ʼ':
		f.emitByte('\'')
	default:
		if f.space && f.b.Len() > 0 {
			f.b.WriteByte(' ')
		}
		f.space = false
		f.b.WriteRune(r)
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
