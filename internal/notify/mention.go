package notify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mentions lists the members an internal note names with "@": "@Julie
// Martin" (the full display name, as the composer completes it) or
// "@Julie" (the first name, when no other active member shares it). Case
// does not matter; an "@" inside a word (an email address) is no mention,
// and a name must end at a word boundary ("@Julien" does not name Julie).
// The longest name wins, so "@Julie Martin" names Julie Martin even when
// another Julie exists. Each member is listed once, in order of mention.
func Mentions(body string, members []Member) []int64 {
	if !strings.Contains(body, "@") {
		return nil
	}
	var names []name
	first := map[string][]int64{}
	for _, m := range members {
		if !m.Active || strings.TrimSpace(m.Name) == "" {
			continue
		}
		full := strings.ToLower(strings.Join(strings.Fields(m.Name), " "))
		names = append(names, name{full, m.Actor.AgentID})
		if f, _, ok := strings.Cut(full, " "); ok {
			first[f] = append(first[f], m.Actor.AgentID)
		}
	}
	for f, ids := range first {
		if len(ids) == 1 && !hasName(names, f) {
			names = append(names, name{f, ids[0]})
		}
	}
	lower := strings.ToLower(body)
	var out []int64
	seen := map[int64]bool{}
	for i := 0; i < len(lower); {
		j := strings.IndexByte(lower[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		i = at + 1
		if at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(lower[:at]); isWord(r) {
				continue
			}
		}
		rest := lower[at+1:]
		best := name{}
		for _, n := range names {
			if len(n.text) > len(best.text) && strings.HasPrefix(rest, n.text) {
				if r, _ := utf8.DecodeRuneInString(rest[len(n.text):]); !isWord(r) {
					best = n
				}
			}
		}
		if best.id != 0 && !seen[best.id] {
			seen[best.id] = true
			out = append(out, best.id)
		}
	}
	return out
}

// name is a way to write one member's name after "@", lower-cased.
type name struct {
	text string
	id   int64
}

func hasName(names []name, s string) bool {
	for _, n := range names {
		if n.text == s {
			return true
		}
	}
	return false
}

func isWord(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-')
}
