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

// hitIDs are the ids of a search's hits, best first.
func hitIDs(hits []kb.Hit) []int64 {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// TestKBSearchWithABroadPrefix: a word still being typed whose prefix
// begins at most kb.MaxPrefixTerms known terms is looked up as those terms
// (on PostgreSQL); one that begins more, as a prefix. Either way the
// search finds exactly what the prefix match would.
func TestKBSearchWithABroadPrefix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := storetest.Seed(t, s).WS.ID
		publish := func(lang, title, body string) int64 {
			t.Helper()
			return must(s.CreateKBArticle(ctx, ws, kb.Article{Language: lang, Title: title, Body: body,
				Visibility: kb.Public, Status: kb.Published}, 0))(t).ID
		}
		rejected := publish("fr", "Prélèvement SEPA rejeté", "Le mandat a été refusé par la banque.")
		other := publish("fr", "Prélèvement SEPA et mandat", "Comment signer le mandat en ligne.")
		// Many known terms beginning with "re", none with "rej".
		for _, c := range "bcdfglmnpstv" {
			for _, v := range "aiou" {
				publish("fr", fmt.Sprintf("Note re%c%cxa", c, v), "Texte sans rapport.")
			}
		}
		for _, tc := range []struct {
			q     string
			broad bool
			want  []int64
		}{
			{"prélèvement sepa re", true, []int64{rejected}},
			{"prélèvement sepa rej", false, []int64{rejected}},
			// No article has every word: those with the most come instead.
			{"prélèvement sepa rejx", false, []int64{rejected, other}},
		} {
			words := textsearch.ParseQuery("fr", tc.q)
			m := must(s.ResolveKBQuery(ctx, ws, words))(t)
			last := m[len(m)-1]
			if broad := slices.ContainsFunc(last.PrefixTerms, func(ts []string) bool { return ts == nil }); broad != tc.broad {
				t.Errorf("%q: prefix terms %q, want broad=%v", tc.q, last.PrefixTerms, tc.broad)
			}
			got := hitIDs(searchKB(t, s, ws, kb.Customer, "fr", tc.q))
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q: found %v, want %v", tc.q, got, tc.want)
			}
		}
	})
}

// TestKBSearchFollowsAnArticlesLanguage: a search in one language finds
// the articles written in it, and an article moved to the other language
// is found in that one only (on PostgreSQL the language is a term of the
// article's search vector, written again on every update).
func TestKBSearchFollowsAnArticlesLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := storetest.Seed(t, s).WS.ID
		art := must(s.CreateKBArticle(ctx, ws, kb.Article{Language: "fr", Title: "Webhook signature",
			Body: "Webhook signature secret.", Visibility: kb.Public, Status: kb.Published}, 0))(t)
		found := func(lang string) bool {
			return slices.Contains(hitIDs(searchKB(t, s, ws, kb.Customer, lang, "webhook signature")), art.ID)
		}
		if !found("fr") || found("en") {
			t.Fatalf("French article: found in fr %v, in en %v; want fr only", found("fr"), found("en"))
		}
		must(s.UpdateKBArticle(ctx, ws, art.ID, func(a *kb.Article) error { a.Language = "en"; return nil }))(t)
		if found("fr") || !found("en") {
			t.Fatalf("article moved to English: found in fr %v, in en %v; want en only", found("fr"), found("en"))
		}
	})
}
