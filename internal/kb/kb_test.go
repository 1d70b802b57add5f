package kb

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/palier/palier/internal/problem"
)

func TestValidateReportsEveryField(t *testing.T) {
	a := Article{Title: "  ", Body: "", Language: "de", Visibility: "secret", Status: "gone", Tags: []string{"ok", ""}}
	err := a.Validate()
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Invalid {
		t.Fatalf("Validate = %v, want an Invalid problem", err)
	}
	for _, f := range []string{"title", "body", "language", "visibility", "status", "tags"} {
		if _, ok := p.Fields[f]; !ok {
			t.Errorf("field %s not reported (got %v)", f, p.Fields)
		}
	}
}

func TestValidateTidiesTags(t *testing.T) {
	a := Article{Title: " Facturé deux fois ? ", Body: "x", Language: "fr", Visibility: Public, Status: Draft, Tags: []string{"Facturation", " facturation ", "Carte  bancaire"}}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.Title != "Facturé deux fois ?" || !reflect.DeepEqual(a.Tags, []string{"facturation", "carte bancaire"}) {
		t.Errorf("got title %q tags %q", a.Title, a.Tags)
	}
}

func TestRenderIsSafe(t *testing.T) {
	tests := []struct{ md, want, never string }{
		{"**gras** et [lien](https://exemple.fr)", "<strong>gras</strong>", ""},
		{"<script>alert(1)</script>", "", "<script"},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{"<img src=x onerror=alert(1)>", "", "onerror"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<table>", ""},
	}
	for _, tt := range tests {
		got := Render(tt.md)
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("Render(%q) = %q, want it to contain %q", tt.md, got, tt.want)
		}
		if tt.never != "" && strings.Contains(got, tt.never) {
			t.Errorf("Render(%q) = %q, must not contain %q", tt.md, got, tt.never)
		}
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText("# Titre\n\nUn **mot** & un [lien](https://x.fr).\n\n- un\n- deux")
	if want := "Titre Un mot & un lien . un deux"; got != want && got != "Titre Un mot & un lien. un deux" {
		t.Errorf("PlainText = %q", got)
	}
}

func TestSnippetMarksMatches(t *testing.T) {
	text := "Pour changer de formule, ouvrez Réglages. Si votre carte a été débitée deux fois, le second prélèvement est remboursé sous cinq jours ouvrés."
	got := Snippet("fr", text, []Match{{Terms: []string{"prelev"}}, {Prefixes: []string{"rembour"}}})
	for _, want := range []string{"<mark>prélèvement</mark>", "<mark>remboursé</mark>"} {
		if !strings.Contains(got, want) {
			t.Errorf("Snippet = %q, want %q in it", got, want)
		}
	}
	if got := Snippet("fr", "<b>x</b> facture", []Match{{Terms: []string{"factur"}}}); strings.Contains(got, "<b>") {
		t.Errorf("Snippet did not escape: %q", got)
	}
}

func TestDiff(t *testing.T) {
	got := Diff("a\nb\nc", "a\nB\nc\nd")
	want := []DiffOp{{' ', "a"}, {'-', "b"}, {'+', "B"}, {' ', "c"}, {'+', "d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %q, want %q", got, want)
	}
	if got := Diff("", "a\n\nb"); !reflect.DeepEqual(got, []DiffOp{{'+', "a"}, {'+', ""}, {'+', "b"}}) {
		t.Errorf("Diff of a first revision = %q", got)
	}
}

func TestCanRead(t *testing.T) {
	pub := Article{Status: Published, Visibility: Public}
	internal := Article{Status: Published, Visibility: Internal}
	draft := Article{Status: Draft, Visibility: Public}
	for _, tt := range []struct {
		r    Reader
		a    Article
		want bool
	}{
		{Customer, pub, true}, {Customer, internal, false}, {Customer, draft, false},
		{Member, pub, true}, {Member, internal, false},
		{Agent, internal, true}, {Agent, draft, true},
	} {
		if got := CanRead(tt.r, tt.a); got != tt.want {
			t.Errorf("CanRead(%v, %+v) = %v, want %v", tt.r, tt.a, got, tt.want)
		}
	}
}

// occurrences must count what splitting the list into terms counts: whole
// terms, or terms beginning with a prefix, never a match inside a term.
func TestOccurrencesCountsWholeTerms(t *testing.T) {
	split := func(terms, x string, prefix bool) int {
		n := 0
		for _, tok := range strings.Fields(terms) {
			if tok == x || prefix && strings.HasPrefix(tok, x) {
				n++
			}
		}
		return n
	}
	lists := []string{"", "factur", "factur factur", "refactur factur facturat", "a aa aaa", "mot de pass motdepass mot",
		"pass passe passer", "réinitialis mot réinit", "x factu factur"}
	for _, l := range lists {
		for _, x := range []string{"factur", "fact", "a", "aa", "mot", "pass", "réinit", "x", "t", "ur"} {
			for _, p := range []bool{false, true} {
				if got, want := occurrences(l, x, p), split(l, x, p); got != want {
					t.Errorf("occurrences(%q, %q, %v) = %d, want %d", l, x, p, got, want)
				}
			}
		}
		if got, want := countTerms(l), len(strings.Fields(l)); got != want {
			t.Errorf("countTerms(%q) = %d, want %d", l, got, want)
		}
	}
}

// bestWindow slides its window; it must pick what checking every window
// picks: the first start whose snippetWords words hold the most distinct
// query words.
func TestBestWindowIsTheFirstWithMostQueryWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		n := 1 + rng.IntN(4)
		which := make([]int, rng.IntN(120))
		for i := range which {
			which[i] = -1
			if rng.IntN(8) == 0 {
				which[i] = rng.IntN(n)
			}
		}
		want, wantCount := 0, -1
		for start := range which {
			seen := map[int]bool{}
			for _, m := range which[start:min(len(which), start+snippetWords)] {
				if m >= 0 {
					seen[m] = true
				}
			}
			if len(seen) > wantCount {
				want, wantCount = start, len(seen)
			}
			if len(seen) == n {
				break
			}
		}
		if got := bestWindow(which, n); got != want {
			t.Fatalf("bestWindow(%v, %d) = %d, want %d", which, n, got, want)
		}
	}
}

// A category is named in the reader's language; without an English name,
// English readers see the French one.
func TestCategoryName(t *testing.T) {
	both, fr := Category{NameFR: "Facturation", NameEN: "Billing"}, Category{NameFR: "Facturation"}
	for _, c := range []struct {
		c          Category
		lang, want string
	}{{both, "fr", "Facturation"}, {both, "fr-BE", "Facturation"}, {both, "en", "Billing"}, {fr, "en", "Facturation"}} {
		if got := c.c.Name(c.lang); got != c.want {
			t.Errorf("Name(%q) of %+v = %q, want %q", c.lang, c.c, got, c.want)
		}
	}
}
