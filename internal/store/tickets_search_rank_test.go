package store

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/kb"
)

// The ranking puts first what an agent expects: the word in the subject,
// then the word said more often, then the shorter text; a prefix being
// typed counts as the word.
func TestRankDocs(t *testing.T) {
	type doc struct{ subject, body string }
	rank := func(matches []kb.Match, docs ...doc) []float64 {
		r := newDocRanker(matches, len(docs))
		for _, d := range docs {
			r.add(d.subject, d.body)
		}
		return r.scores()
	}
	factur := []kb.Match{{Terms: []string{"factur"}}}
	for _, c := range []struct {
		name          string
		better, worse doc
		matches       []kb.Match
	}{
		{"subject over body", doc{"factur doubl", "bonjour merc"}, doc{"problem compt", "bonjour factur merc"}, factur},
		{"more often", doc{"question", "factur factur mois"}, doc{"question", "factur mois autr"}, factur},
		{"shorter text", doc{"question", "factur mois"}, doc{"question", "factur mois autr chos encor long text ici"}, factur},
		{"prefix", doc{"question", "factur mois"}, doc{"question", "fact mois"}, []kb.Match{{Prefixes: []string{"factu"}}}},
		{"every word", doc{"question", "factur paiement"}, doc{"question", "factur mois"}, []kb.Match{{Terms: []string{"factur"}}, {Terms: []string{"paiement"}}}},
	} {
		s := rank(c.matches, c.better, c.worse)
		if !(s[0] > s[1]) {
			t.Errorf("%s: %v should rank above %v (scores %v)", c.name, c.better, c.worse, s)
		}
	}
	if got := rank(factur); len(got) != 0 {
		t.Errorf("no candidates: %v", got)
	}
}

// The ranker's counting (a first-byte test, then the terms and prefixes)
// finds what comparing every term with every word finds: the same terms,
// the same lengths, whatever the spacing, for terms that share a first
// byte or differ only there, accented terms, and an empty prefix (which
// begins every term).
func TestRankCountsEveryMatchingTerm(t *testing.T) {
	naive := func(matches []kb.Match, text string) (n int32, hits []int32) {
		hits = make([]int32, len(matches))
		for term := range strings.FieldsSeq(text) {
			n++
			for w, m := range matches {
				if matchesTerm(term, m) {
					hits[w]++
				}
			}
		}
		return n, hits
	}
	texts := []string{
		"", " ", "factur", "  factur  paiement ", "factur\tfacturat\nfact pai paiement paiements",
		"éch échéanc echeanc eche", "a aa aaa b factur", "zfactur facturz xpai pai", "bonjour merc ai un souc billing",
	}
	for _, matches := range [][]kb.Match{
		{{Terms: []string{"factur"}}, {Terms: []string{"pai", "paiement"}, Prefixes: []string{"paiement"}}},
		{{Terms: []string{"échéanc", "echeanc"}, Prefixes: []string{"éch"}}},
		{{Terms: []string{"", "a"}}, {Prefixes: []string{"aa", "fact"}}},
		{{Prefixes: []string{""}}, {Terms: []string{"b"}}},
		{{Terms: []string{"absent"}}},
	} {
		for _, text := range texts {
			r := newDocRanker(matches, 1)
			got := make([]int32, 2*len(matches))
			n := r.count(text, got, 1)
			wantN, want := naive(matches, text)
			for w := range matches {
				if got[2*w] != 0 || got[2*w+1] != want[w] {
					t.Errorf("%v in %q: word %d counted %d (subject %d), want %d", matches, text, w, got[2*w+1], got[2*w], want[w])
				}
			}
			if n != wantN {
				t.Errorf("%v in %q: %d terms, want %d", matches, text, n, wantN)
			}
		}
	}
}
