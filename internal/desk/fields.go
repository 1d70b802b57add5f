package desk

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/text"
)

// checkLine validates a required one-line text that names something (a
// person, a view, a time to call): trimmed, not empty, at most max runes,
// without the characters a name may not hold. It returns the trimmed
// text; every fault is added to f under field.
func checkLine(f problem.Fields, field, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		f.Required(field)
	case utf8.RuneCountInString(s) > max:
		f.Add(field, "too_long", "is too long", "max", strconv.Itoa(max))
	default:
		text.Check(s, text.Name).Add(f, field)
	}
	return s
}
