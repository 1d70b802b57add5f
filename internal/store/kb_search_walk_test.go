package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/textsearch"
)

// TestKBSearchWalkFindsTheIndexCandidates: on PostgreSQL a search of
// alternatives held by many articles may find its candidates by walking
// the table instead of through the GIN index; it must rank the same
// articles, whether the walk fills the page or stops short and leaves it
// to the index. The articles outnumber the candidates a search ranks, and
// some were edited (their rows moved in the table), so a walk that found
// other candidates, or found them in another order, would rank others.
func TestKBSearchWalkFindsTheIndexCandidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := storetest.Seed(t, s).WS.ID
		var arts []kb.Article
		for i := range 420 {
			lang, status, vis := "fr", kb.Published, kb.Public
			switch {
			case i%7 == 3:
				lang = "en"
			case i%11 == 5:
				status = kb.Draft
			case i%13 == 6:
				vis = kb.Internal
			}
			title := fmt.Sprintf("Note fo%c%c numéro %d", 'a'+rune(i%5), 'a'+rune(i%3), i)
			if i%3 == 0 {
				title = fmt.Sprintf("Facture du mois %d", i)
			}
			body := fmt.Sprintf("Texte %d sans rapport.", i)
			if i%2 == 0 {
				body = fmt.Sprintf("Votre facture %d est payée par prélèvement.", i)
			}
			arts = append(arts, kb.Article{Language: lang, Title: title, Body: body, Visibility: vis, Status: status,
				Helpful: int64(i % 17), Views: int64(i * 7 % 100)})
		}
		if err := s.ImportKBArticles(ctx, ws, arts); err != nil {
			t.Fatal(err)
		}
		// Edited articles are written again elsewhere in the table: the
		// storage order is no longer the order of ids.
		for _, a := range must(s.KBArticles(ctx, ws, kb.Filter{}))(t) {
			if a.ID%4 == 1 {
				must(s.UpdateKBArticle(ctx, ws, a.ID, func(a *kb.Article) error { a.Body += " Mise à jour."; return nil }))(t)
			}
		}
		if s.Dialect() == store.Postgres {
			// The walk's bound reads the table's statistics, as a
			// database whose autovacuum has run would have them: a bound
			// of 1<<30 rows over two or more pages overflowed a 32-bit
			// product ("integer out of range") when they were there.
			if _, err := s.DB().ExecContext(ctx, `ANALYZE kb_articles`); err != nil {
				t.Fatal(err)
			}
		}
		search := func(r kb.Reader, lang, q string) []int64 {
			t.Helper()
			words := textsearch.ParseQuery(lang, q)
			m := must(s.ResolveKBQuery(ctx, ws, words))(t)
			return hitIDs(must(s.KBSearch(ctx, ws, kb.Query{Language: lang, Words: words, Reader: r, Limit: 50}, m))(t))
		}
		for _, tc := range []struct {
			reader  kb.Reader
			lang, q string
		}{
			{kb.Customer, "fr", "factu"},
			{kb.Customer, "fr", "facture"},
			{kb.Customer, "fr", "facturé deux fo"},
			{kb.Customer, "fr", "fo"},
			{kb.Agent, "fr", "facturé deux fo"},
			{kb.Agent, "", "note fo"},
			{kb.Customer, "en", "facture"},
		} {
			restore := store.SetKBWalk(0)
			want := search(tc.reader, tc.lang, tc.q)
			restore()
			if len(want) < 10 {
				t.Fatalf("%q: the index found %d articles, want many", tc.q, len(want))
			}
			for _, rows := range []int64{1 << 30, 1} {
				restore := store.SetKBWalk(rows)
				got := search(tc.reader, tc.lang, tc.q)
				restore()
				if !slices.Equal(got, want) {
					t.Errorf("%v %s %q, walk of at most %d rows: found %v, the index %v", tc.reader, tc.lang, tc.q, rows, got, want)
				}
			}
		}
	})
}

// TestKBSearchShortPrefixFollowsEveryWrite: a word being typed that is
// shorter than kb.MinBodyPrefix and begins many known terms matches the
// titles holding a term it begins (on PostgreSQL through the title prefix
// marks of the search vector, migration 0052), after every write of the
// article: creation, import, an edit of its title, a language change,
// archiving and publishing again.
func TestKBSearchShortPrefixFollowsEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := storetest.Seed(t, s).WS.ID
		// More than kb.MaxPrefixTerms known terms beginning with "ca",
		// "ch" and "vi", so that these prefixes are not spelled as their
		// terms.
		var noise []kb.Article
		for _, p := range []string{"ca", "ch", "vi"} {
			for i := range kb.MaxPrefixTerms + 8 {
				noise = append(noise, kb.Article{Language: "fr", Title: fmt.Sprintf("Note %s%c%cx", p, 'a'+rune(i%26), 'a'+rune(i/26)),
					Body: "Texte sans rapport.", Visibility: kb.Public, Status: kb.Published})
			}
		}
		// Every word of the searches below is in one article at least, so
		// an article lacking one is not found by the any-word search.
		for _, title := range []string{"Remboursement cadeau", "Remboursement chiffré", "Remboursement vite"} {
			noise = append(noise, kb.Article{Language: "fr", Title: title, Body: "Autre texte.", Visibility: kb.Public, Status: kb.Published})
			noise = append(noise, kb.Article{Language: "en", Title: title, Body: "Other text.", Visibility: kb.Public, Status: kb.Published})
		}
		if err := s.ImportKBArticles(ctx, ws, noise); err != nil {
			t.Fatal(err)
		}
		byTitle := func(lang, title string) int64 {
			t.Helper()
			for _, a := range must(s.KBArticles(ctx, ws, kb.Filter{Limit: 1000}))(t) {
				if a.Language == lang && a.Title == title {
					return a.ID
				}
			}
			t.Fatalf("no %s article %q", lang, title)
			return 0
		}
		// expect checks that q finds exactly want in lang: an article
		// missing a word would come from the any-word search, which runs
		// only when no article has every word, and bring the others.
		expect := func(step, lang, q string, want ...int64) {
			t.Helper()
			got := hitIDs(searchKB(t, s, ws, kb.Customer, lang, q))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s %q found %v, want %v", step, lang, q, got, want)
			}
		}
		created := must(s.CreateKBArticle(ctx, ws, kb.Article{Language: "fr", Title: "Remboursement carte",
			Body: "Le remboursement arrive sous cinq jours.", Visibility: kb.Public, Status: kb.Published}, 0))(t)
		expect("created", "fr", "remboursement ca", created.ID, byTitle("fr", "Remboursement cadeau"))
		if err := s.ImportKBArticles(ctx, ws, []kb.Article{{Language: "fr", Title: "Remboursement par virement",
			Body: "Le remboursement arrive par virement.", Visibility: kb.Public, Status: kb.Published}}); err != nil {
			t.Fatal(err)
		}
		expect("imported", "fr", "remboursement vi", byTitle("fr", "Remboursement par virement"), byTitle("fr", "Remboursement vite"))
		must(s.UpdateKBArticle(ctx, ws, created.ID, func(a *kb.Article) error { a.Title = "Remboursement chèque"; return nil }))(t)
		expect("retitled", "fr", "remboursement ch", created.ID, byTitle("fr", "Remboursement chiffré"))
		expect("retitled", "fr", "remboursement ca", byTitle("fr", "Remboursement cadeau"))
		must(s.UpdateKBArticle(ctx, ws, created.ID, func(a *kb.Article) error { a.Language = "en"; return nil }))(t)
		expect("moved to English", "en", "remboursement ch", created.ID, byTitle("en", "Remboursement chiffré"))
		expect("moved to English", "fr", "remboursement ch", byTitle("fr", "Remboursement chiffré"))
		must(s.UpdateKBArticle(ctx, ws, created.ID, func(a *kb.Article) error { a.Status = kb.Archived; return nil }))(t)
		expect("archived", "en", "remboursement ch", byTitle("en", "Remboursement chiffré"))
		must(s.UpdateKBArticle(ctx, ws, created.ID, func(a *kb.Article) error {
			a.Status, a.Title = kb.Published, "Remboursement virement"
			return nil
		}))(t)
		expect("published again, retitled", "en", "remboursement vi", created.ID, byTitle("en", "Remboursement vite"))
	})
}
