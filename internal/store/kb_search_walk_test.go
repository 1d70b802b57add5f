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
