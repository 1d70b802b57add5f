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
type docRanker struct {
	matches []kb.Match
	lens    []int32 // per candidate: subject length, body length, in terms
	hits    []int32 // per candidate, per word of the query: occurrences in the subject, in the body
}

// newDocRanker returns a ranker for the words of matches, sized for n
// candidates.
func newDocRanker(matches []kb.Match, n int) *docRanker {
	return &docRanker{matches: matches, lens: make([]int32, 0, 2*n), hits: make([]int32, 0, 2*n*len(matches))}
}

// add counts the next candidate's indexed subject and body (terms
// separated by spaces, as stored in the index).
func (r *docRanker) add(subject, body string) {
	at := len(r.hits)
	r.hits = append(r.hits, make([]int32, 2*len(r.matches))...)
	r.lens = append(r.lens, r.count(subject, r.hits[at:], 0), r.count(body, r.hits[at:], 1))
}

// count returns the number of terms of text and adds each term that
// matches a word of the query to hits[2*word+field].
func (r *docRanker) count(text string, hits []int32, field int) int32 {
	var n int32
	for t := range strings.FieldsSeq(text) {
		n++
		for w, m := range r.matches {
			if matchesTerm(t, m) {
				hits[2*w+field]++
			}
		}
	}
	return n
}

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
