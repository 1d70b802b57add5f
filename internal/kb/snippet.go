package kb

import (
	"html"
	"strings"

	"github.com/palier/palier/internal/textsearch"
)

// snippetWords is how many words a snippet shows.
const snippetWords = 28

// Snippet returns the passage of text that best answers the query: the
// window of snippetWords words holding the most distinct query words, with
// those words wrapped in <mark> and everything else HTML-escaped. Without a
// match it is the start of the text.
func Snippet(lang, text string, matches []Match) string {
	type word struct {
		start, end int // byte offsets in text
		match      int // index in matches, or -1
	}
	var words []word
	offset := 0
	heads := matchHeads(matches)
	for tok := range textsearch.TokensSeq(text) {
		i := strings.Index(text[offset:], tok) + offset
		offset = i + len(tok)
		words = append(words, word{i, offset, whichMatch(lang, tok, matches, heads)})
	}
	if len(words) == 0 {
		return html.EscapeString(text)
	}
	which := make([]int, len(words))
	for i, w := range words {
		which[i] = w.match
	}
	best := bestWindow(which, len(matches))
	// Start a few words before the first match so the passage reads.
	for i := best; i < len(words) && i < best+snippetWords; i++ {
		if words[i].match >= 0 {
			best = max(0, i-4)
			break
		}
	}
	last := min(len(words), best+snippetWords)
	var b strings.Builder
	from := words[best].start
	if best > 0 {
		b.WriteString("… ")
	}
	for _, w := range words[best:last] {
		b.WriteString(html.EscapeString(text[from:w.start]))
		if w.match >= 0 {
			b.WriteString("<mark>" + html.EscapeString(text[w.start:w.end]) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(text[w.start:w.end]))
		}
		from = w.end
	}
	if last < len(words) {
		b.WriteString(" …")
	} else {
		b.WriteString(html.EscapeString(text[from:]))
	}
	return b.String()
}

// matchHeads are the first two letters of every term and prefix: a word
// starting otherwise cannot match, and is not worth stemming.
func matchHeads(matches []Match) map[string]bool {
	heads := map[string]bool{}
	for _, m := range matches {
		for _, t := range append(m.Terms[:len(m.Terms):len(m.Terms)], m.Prefixes...) {
			heads[head(t)] = true
		}
	}
	return heads
}

func head(s string) string {
	if len(s) > 2 {
		return s[:2]
	}
	return s
}

func whichMatch(lang, tok string, matches []Match, heads map[string]bool) int {
	folded := textsearch.Normalize(tok)
	if !heads[head(folded)] {
		return -1
	}
	stem := textsearch.Stem(lang, folded)
	for i, m := range matches {
		for _, t := range m.Terms {
			if t == stem {
				return i
			}
		}
		for _, p := range m.Prefixes {
			if strings.HasPrefix(stem, p) || strings.HasPrefix(folded, p) {
				return i
			}
		}
	}
	return -1
}

// bestWindow returns where the first window of snippetWords words holding
// the most distinct query words starts; which[i] is the query word the
// i-th word of the text matches, or -1. The window slides, counting how
// often each query word occurs in it (a set per window start was most of
// a snippet's cost).
func bestWindow(which []int, queryWords int) int {
	count := make([]int, queryWords)
	distinct := 0
	add := func(m, d int) {
		if m < 0 {
			return
		}
		if d > 0 && count[m] == 0 {
			distinct++
		}
		count[m] += d
		if d < 0 && count[m] == 0 {
			distinct--
		}
	}
	for _, m := range which[:min(len(which), snippetWords)] {
		add(m, 1)
	}
	best, bestCount := 0, -1
	for start := range which {
		if start > 0 {
			add(which[start-1], -1)
			if end := start + snippetWords - 1; end < len(which) {
				add(which[end], 1)
			}
		}
		if distinct > bestCount {
			best, bestCount = start, distinct
		}
		if distinct == queryWords {
			break
		}
	}
	return best
}
