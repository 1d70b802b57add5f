package kb

import (
	"math"
	"slices"
	"strings"
)

// Candidate is an article a search matched, with what ranking needs: its
// analysed title and body terms (Index) and its popularity. Its title is
// read for the hits returned only.
type Candidate struct {
	ID                         int64
	Language                   string
	TitleTerms, BodyTerms      string
	Helpful, NotHelpful, Views int64
}

// Ranking weights: a match in the title counts as many matches in the
// body; k1 and b are BM25's usual term-frequency saturation and length
// normalisation.
const (
	titleWeight = 10.0
	bm25K1      = 1.2
	bm25B       = 0.75
)

// Rank orders the candidates of a search best first and returns the first
// limit as hits, without titles and snippets (the caller reads and makes
// them for those only, with Snippet). The score is
// BM25 over the query's alternatives (each term and prefix of each word),
// a title match weighing titleWeight body matches, times a popularity
// boost: up to +50% for helpful votes and +30% for views, saturating so a
// popular article never outranks a much better match. An alternative's
// weight (its inverse document frequency) comes from how many candidates
// it matches out of the n articles searched: the candidates are all the
// matches, or (a broad prefix on a large knowledge base) a sample of them,
// so the estimate needs no pass over the full-text index. It is pure and
// the same on both databases.
func Rank(cands []Candidate, matches []Match, n, limit int) []Hit {
	type alt struct {
		text   string
		prefix bool
	}
	var alts []alt
	for _, m := range matches {
		for _, t := range m.Terms {
			alts = append(alts, alt{t, false})
		}
		for _, p := range m.Prefixes {
			alts = append(alts, alt{p, true})
		}
	}
	// tf[i][j]: weighted occurrences of alternative j in candidate i.
	tf := make([][]float64, len(cands))
	length := make([]float64, len(cands))
	df := make([]int, len(alts))
	total := 0.0
	for i, c := range cands {
		tf[i] = make([]float64, len(alts))
		length[i] = float64(countTerms(c.TitleTerms) + countTerms(c.BodyTerms))
		total += length[i]
		for j, a := range alts {
			tf[i][j] = titleWeight*float64(occurrences(c.TitleTerms, a.text, a.prefix)) + float64(occurrences(c.BodyTerms, a.text, a.prefix))
			if tf[i][j] > 0 {
				df[j]++
			}
		}
	}
	n = max(n, len(cands))
	idf := make([]float64, len(alts))
	for j := range alts {
		idf[j] = math.Log((float64(n-df[j]) + 0.5) / (float64(df[j]) + 0.5))
		if idf[j] <= 0 {
			idf[j] = 1e-6
		}
	}
	avg := max(total/float64(len(cands)), 1)
	hits := make([]Hit, len(cands))
	for i, c := range cands {
		score := 0.0
		norm := bm25K1 * (1 - bm25B + bm25B*length[i]/avg)
		for j := range alts {
			if f := tf[i][j]; f > 0 {
				score += idf[j] * f * (bm25K1 + 1) / (f + norm)
			}
		}
		boost := 1 + 0.5*float64(c.Helpful)/float64(c.Helpful+c.NotHelpful+10) + 0.3*float64(c.Views)/float64(c.Views+200)
		hits[i] = Hit{ID: c.ID, Language: c.Language, Score: score * boost, Helpful: c.Helpful, Views: c.Views}
	}
	slices.SortFunc(hits, func(x, y Hit) int {
		if x.Score != y.Score {
			if x.Score > y.Score {
				return -1
			}
			return 1
		}
		if x.ID < y.ID {
			return -1
		}
		return 1
	})
	return hits[:min(len(hits), limit)]
}

// countTerms is how many terms a space-separated list holds (Index joins
// them with single spaces).
func countTerms(terms string) int {
	if terms == "" {
		return 0
	}
	return strings.Count(terms, " ") + 1
}

// occurrences counts the terms of a space-separated list equal to t or,
// when prefix is set, beginning with t. It searches the list for t
// (strings.Index is vectorised) rather than splitting it into terms: most
// of a candidate's terms match no alternative, and ranking a few hundred
// candidates per keystroke was a fifth of a search's time.
func occurrences(terms, t string, prefix bool) int {
	if t == "" {
		return 0
	}
	n := 0
	for at := 0; ; {
		i := strings.Index(terms[at:], t)
		if i < 0 {
			return n
		}
		start, end := at+i, at+i+len(t)
		if start == 0 || terms[start-1] == ' ' {
			if prefix || end == len(terms) || terms[end] == ' ' {
				n++
			}
		}
		// The next term begins after the next space.
		sp := strings.IndexByte(terms[end:], ' ')
		if sp < 0 {
			return n
		}
		at = end + sp + 1
	}
}
