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

// The tiered query asks each tier's qualified words, and is left out
// (the words themselves are read) when a lexeme is not one plain word,
// which to_tsquery would have read as a phrase of its parts.
func TestPgTieredQuery(t *testing.T) {
	spelled := []kb.Match{{Terms: []string{"factur"}}, {Terms: []string{"pai"}, Prefixes: []string{"paiement"}, PrefixTerms: [][]string{{"paiement", "paiements"}}}}
	if got, want := pgTieredQuery(spelled, []int64{3, 4}), "(('3:factur') & ('3:pai' | '3:paiement' | '3:paiements')) | (('4:factur') & ('4:pai' | '4:paiement' | '4:paiements'))"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	typed := []kb.Match{{Terms: []string{"rembours"}, Prefixes: []string{"rembou"}, PrefixTerms: [][]string{nil}}}
	if got, want := pgTieredQuery(typed, []int64{3}), "(('3:rembours' | '3:rembou':*))"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for _, m := range [][]kb.Match{
		{{Terms: []string{"e-mail"}}},
		{{Terms: []string{"o'neil"}}},
		{{Terms: []string{"ok"}, Prefixes: []string{"mail"}, PrefixTerms: [][]string{{"mail.fr"}}}},
	} {
		if got := pgTieredQuery(m, []int64{3}); got != "" {
			t.Errorf("%v: got %s, want none", m, got)
		}
	}
	if got := pgTieredQuery(spelled, nil); got != "" {
		t.Errorf("no tiers: got %s", got)
	}
}
