package store

import (
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
