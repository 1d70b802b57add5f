package store

import (
	"strings"

	"github.com/palier/palier/internal/kb"
)

// BM25's constants: how fast repeated words stop adding (k1) and how much
// a long document's words count for less (b).
const (
	rankK1 = 1.2
	rankB  = 0.75
	// subjectWeight is how many body occurrences a word in the subject is
	// worth, as the PostgreSQL ranking weighs them (weights A and B).
	subjectWeight = 3.0
)

// docRanker scores SQLite's candidates in Go as they are read: BM25's
// term-frequency saturation and length normalisation (the average length
// taken over the candidates), each field weighted, without the inverse
// document frequency. FTS5's bm25() weighs each word by counting every
// ticket that holds it, once per query: a walk of whole posting lists,
// which at a million tickets cost tens of milliseconds per search whatever
// the page. Every candidate holds every word of the query, so the
// frequency would only weigh the words against each other; PostgreSQL's
// ts_rank leaves it out too.
//
// It keeps of each candidate only its fields' lengths and the occurrences
// of each word, not its terms: splitting a thousand documents into term
// slices was half of what a search allocated, and at 8 searches at once
// the garbage collector's share of the CPU grew with it.
//
// Most terms of a document match no word of the query: a term is first
// tested on its first byte (heads), and only a term starting like one of
// the query's terms or prefixes is compared with them (matchesTerm). At a
// million tickets a search counts some 40,000 terms of a thousand
// candidates, and comparing each with every term and prefix of every word
// was a tenth of the search's CPU.
type docRanker struct {
	matches []kb.Match
	heads   [256]bool // first bytes a matching term can start with
	lens    []int32   // per candidate: subject length, body length, in terms
	hits    []int32   // per candidate, per word of the query: occurrences in the subject, in the body
}

// newDocRanker returns a ranker for the words of matches, sized for n
// candidates.
func newDocRanker(matches []kb.Match, n int) *docRanker {
	r := &docRanker{matches: matches, lens: make([]int32, 0, 2*n), hits: make([]int32, 0, 2*n*len(matches))}
	for _, m := range matches {
		for _, t := range m.Terms {
			if t != "" { // an empty term equals no term
				r.heads[t[0]] = true
			}
		}
		for _, p := range m.Prefixes {
			if p == "" { // an empty prefix begins every term
				for i := range r.heads {
					r.heads[i] = true
				}
				return r
			}
			r.heads[p[0]] = true
		}
	}
	return r
}

// add counts the next candidate's indexed subject and body (terms
// separated by spaces, as stored in the index).
func (r *docRanker) add(subject, body string) {
	at := len(r.hits)
	r.hits = append(r.hits, make([]int32, 2*len(r.matches))...)
	r.lens = append(r.lens, r.count(subject, r.hits[at:], 0), r.count(body, r.hits[at:], 1))
}

// count returns the number of terms of text and adds each term that
// matches a word of the query to hits[2*word+field]. The index stores a
// field's terms separated by spaces (searchTerms, indexMessages), and a
// term is letters and digits: the terms are the runs of bytes other than
// ASCII white space, as strings.Fields would split them.
func (r *docRanker) count(text string, hits []int32, field int) int32 {
	var n int32
	for i := 0; i < len(text); {
		if asciiBlank[text[i]] {
			i++
			continue
		}
		start := i
		for i < len(text) && !asciiBlank[text[i]] {
			i++
		}
		n++
		if !r.heads[text[start]] {
			continue
		}
		t := text[start:i]
		for w, m := range r.matches {
			if matchesTerm(t, m) {
				hits[2*w+field]++
			}
		}
	}
	return n
}

// asciiBlank marks the bytes strings.Fields takes for white space in
// ASCII text.
var asciiBlank = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// scores returns each candidate's score, in the order they were added.
func (r *docRanker) scores() []float64 {
	docs := len(r.lens) / 2
	scores := make([]float64, docs)
	if docs == 0 {
		return scores
	}
	var subjLen, bodyLen float64
	for i := range docs {
		subjLen += float64(r.lens[2*i])
		bodyLen += float64(r.lens[2*i+1])
	}
	avgSubj, avgBody := max(subjLen/float64(docs), 1), max(bodyLen/float64(docs), 1)
	words := len(r.matches)
	for i := range docs {
		nSubj, nBody := float64(r.lens[2*i]), float64(r.lens[2*i+1])
		for w := range words {
			h := r.hits[2*(i*words+w):]
			scores[i] += saturate(subjectWeight*float64(h[0]), nSubj, avgSubj) + saturate(float64(h[1]), nBody, avgBody)
		}
	}
	return scores
}

// saturate is BM25's term-frequency part for tf occurrences in a field of
// n terms whose average is avg.
func saturate(tf, n, avg float64) float64 {
	if tf == 0 {
		return 0
	}
	return tf * (rankK1 + 1) / (tf + rankK1*(1-rankB+rankB*n/avg))
}

// matchesTerm tells whether term t matches m: equal to one of its terms
// or starting with one of its prefixes.
func matchesTerm(t string, m kb.Match) bool {
	for _, x := range m.Terms {
		if t == x {
			return true
		}
	}
	for _, p := range m.Prefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
