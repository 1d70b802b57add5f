// Package assistant is Palier's Level 0 "bot": a customer asks a question
// in a sentence and gets back the passages of the knowledge base that
// answer it, with the article each comes from. It is pure and computed in
// process: the articles are the best matches of the one knowledge-base
// search (desk.Answer finds them), cut into passages (Split) and scored
// against the question with the search's own analysis (textsearch: accent
// folding, Snowball stems, stop words, one typo). No external service is
// called. When no passage covers enough of the question, the answer is
// empty and the caller offers the contact form instead.
package assistant

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/textsearch"
)

// Article is a candidate article, in the search's order.
type Article struct {
	ID    int64
	Title string
	Body  string // Markdown
}

// Passage is one block of an article that answers the question.
type Passage struct {
	ArticleID    int64
	ArticleTitle string
	Heading      string  // the heading the passage sits under, if any
	Markdown     string  // the block's Markdown: render it with kb.Render
	Score        float64 // share of the question it covers, 0…1, adjusted
}

// Reply is what the assistant says: the passages that answer, best first,
// or none when it has no good answer.
type Reply struct {
	Language string
	Passages []Passage
}

// Answered reports whether the assistant found a good answer.
func (r Reply) Answered() bool { return len(r.Passages) > 0 }

// Tuning. MinScore is the share of the question's weight a passage must
// cover to count as an answer: a passage that matches only the common
// words of a question ("payment" in "can I pay with bitcoin") must not
// pass for one. The others keep answers short and focused.
const (
	MinScore    = 0.55
	MaxPassages = 3
	// Passages after the first must come close to it.
	closeShare = 0.8
	// A word found only in the article's title or the passage's heading
	// counts this much: the passage is read in their context.
	contextWeight = 0.5
	// A word matched with one typo, or a word of the same family (one
	// term begins the other: "subscrib" and "subscript", "apparaitr" and
	// "apparait"), counts this much.
	nearWeight = 0.9
	// The shortest terms that match by family: shorter ones begin too
	// many unrelated words.
	minFamily = 5
	// Each rank down the search's list costs this share: search already
	// weighed the whole article (title, votes, views).
	rankPenalty = 0.04
	// Each passage down an article costs this share: an article's first
	// paragraph usually states its answer.
	placePenalty = 0.05
)

// askingWords are words of asking rather than of the subject ("je veux
// résilier", "I would like to cancel"): not stop words for search, where
// they are rare and harmless, but they would dilute a question's weight.
var askingWords = map[string]map[string]bool{
	"fr": set(`veux voudrais voudrions souhaite souhaiterais aimerais dois doit faut besoin savoir possible merci bonjour svp aide aider
		combien temps pendant sous deja ete trouver trouve ci`),
	"en": set("want would like need should must possible know please hello hi thanks help get find long often much many happens happen still"),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range textsearch.Tokens(words) {
		m[w] = true
	}
	return m
}

// MaxQuestion bounds a question, in runes.
const MaxQuestion = 200

// Answer picks the passages of the articles that answer the question
// asked in language lang ("fr" or "en"). articles are the search's best
// matches, best first; only their order is used besides their text.
func Answer(lang, question string, articles []Article) Reply {
	lang = textsearch.BaseLang(lang)
	reply := Reply{Language: lang}
	words := questionWords(lang, question)
	if len(words) == 0 || len(articles) == 0 {
		return reply
	}
	type candidate struct {
		Passage
		terms   []string
		context []string
		rank    int
		index   int       // position in its article
		own     []float64 // how well each question word matches the passage
		near    []float64 // … and its title and heading
	}
	var cands []candidate
	for rank, a := range articles {
		title := textsearch.Terms(lang, a.Title)
		for i, b := range split(a.Body) {
			c := candidate{Passage: Passage{ArticleID: a.ID, ArticleTitle: a.Title, Heading: b.heading, Markdown: b.markdown},
				terms: textsearch.Terms(lang, b.text), context: title, rank: rank, index: i}
			if b.heading != "" {
				c.context = textsearch.AppendTerms(slices.Clone(title), lang, b.heading)
			}
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return reply
	}
	// How each question word matches each term seen, computed once.
	m := newMatcher(words)
	// A word's weight is its rarity among the passages (BM25's idf): a
	// word no passage has weighs most, so a question about something the
	// articles never mention cannot be answered by its common words.
	n := float64(len(cands))
	idf := make([]float64, len(words))
	var total float64
	for i := range cands {
		c := &cands[i]
		c.own, c.near = make([]float64, len(words)), make([]float64, len(words))
		for wi := range words {
			c.own[wi], c.near[wi] = m.best(wi, c.terms), m.best(wi, c.context)
		}
	}
	for wi := range words {
		df := 0.0
		for _, c := range cands {
			if c.own[wi] > 0 {
				df++
			}
		}
		idf[wi] = math.Log(1 + (n-df+0.5)/(df+0.5))
		total += idf[wi]
	}
	for i := range cands {
		c := &cands[i]
		var got float64
		for wi := range words {
			got += idf[wi] * max(c.own[wi], contextWeight*c.near[wi])
		}
		c.Score = got / total * (1 - rankPenalty*float64(c.rank) - placePenalty*float64(c.index))
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(a.index, b.index)
	})
	best := cands[0].Score
	if best < MinScore {
		return reply
	}
	for _, c := range cands {
		if len(reply.Passages) == MaxPassages || c.Score < max(MinScore, closeShare*best) {
			break
		}
		reply.Passages = append(reply.Passages, c.Passage)
	}
	return reply
}

// questionWords are the words of a question that say what it is about:
// the search's analysis of it (ParseQuery: folded, stemmed, deduplicated),
// without stop words and words of asking. The question is complete, so no
// word is taken as a prefix being typed.
func questionWords(lang, q string) []textsearch.QueryWord {
	if utf8.RuneCountInString(q) > MaxQuestion {
		q = string([]rune(q)[:MaxQuestion])
	}
	var out []textsearch.QueryWord
	for _, w := range textsearch.ParseQuery(lang, q+" ") {
		if len(w.Folded) < 2 || textsearch.IsStopWord(lang, w.Folded) || askingWords[lang][w.Folded] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// matcher remembers how well each question word matches a term: 1 for its
// own stem, nearWeight for a term one typo away (words of
// textsearch.FuzzyMinLen letters or more) or of the same family, 0
// otherwise.
type matcher struct {
	words []textsearch.QueryWord
	memo  []map[string]float64
}

func newMatcher(words []textsearch.QueryWord) *matcher {
	m := &matcher{words: words, memo: make([]map[string]float64, len(words))}
	for i := range m.memo {
		m.memo[i] = map[string]float64{}
	}
	return m
}

func (m *matcher) match(wi int, term string) float64 {
	if v, ok := m.memo[wi][term]; ok {
		return v
	}
	w := m.words[wi]
	v := 0.0
	switch {
	case term == w.Term:
		v = 1
	case w.Fuzzy && utf8.RuneCountInString(term) >= textsearch.FuzzyMinLen-1 &&
		(textsearch.Within1(term, w.Term) || textsearch.StemWithin1(term, w.Folded, 3)):
		v = nearWeight
	case min(utf8.RuneCountInString(term), utf8.RuneCountInString(w.Term)) >= minFamily &&
		(strings.HasPrefix(term, w.Term) || strings.HasPrefix(w.Term, term)):
		v = nearWeight
	}
	m.memo[wi][term] = v
	return v
}

// best is how well word wi matches any of terms.
func (m *matcher) best(wi int, terms []string) float64 {
	b := 0.0
	for _, t := range terms {
		if v := m.match(wi, t); v > b {
			b = v
			if b == 1 {
				break
			}
		}
	}
	return b
}
