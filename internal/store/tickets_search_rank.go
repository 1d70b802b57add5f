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

// analysedDoc is a candidate's indexed text: its analysed subject and
// body terms as stored in the index.
type analysedDoc struct {
	subject, body []string
}

// rankDocs scores SQLite's candidates in Go: BM25's term-frequency
// saturation and length normalisation (the average length taken over the
// candidates), each field weighted, without the inverse document
// frequency. FTS5's bm25() weighs each word by counting every ticket that
// holds it, once per query: a walk of whole posting lists, which at a
// million tickets cost tens of milliseconds per search whatever the page.
// Every candidate holds every word of the query, so the frequency would
// only weigh the words against each other; PostgreSQL's ts_rank leaves it
// out too.
func rankDocs(docs []analysedDoc, matches []kb.Match) []float64 {
	scores := make([]float64, len(docs))
	if len(docs) == 0 {
		return scores
	}
	var subjLen, bodyLen float64
	for _, d := range docs {
		subjLen += float64(len(d.subject))
		bodyLen += float64(len(d.body))
	}
	avgSubj, avgBody := max(subjLen/float64(len(docs)), 1), max(bodyLen/float64(len(docs)), 1)
	for i, d := range docs {
		for _, m := range matches {
			scores[i] += saturate(subjectWeight*float64(occurrences(d.subject, m)), float64(len(d.subject)), avgSubj) +
				saturate(float64(occurrences(d.body, m)), float64(len(d.body)), avgBody)
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

// occurrences counts the terms that match m: equal to one of its terms or
// starting with one of its prefixes.
func occurrences(terms []string, m kb.Match) int {
	n := 0
	for _, t := range terms {
		if matchesTerm(t, m) {
			n++
		}
	}
	return n
}

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
