package store_test

import (
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// termDocs reads a workspace's kb_term_docs rows that count something, as
// "lang term" → "docs/titles".
func termDocs(t *testing.T, db *sql.DB, ws int64) map[string]string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT language, term, docs, titles FROM kb_term_docs
		WHERE workspace_id = $1 AND (docs <> 0 OR titles <> 0)`, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var lang, term string
		var docs, titles int64
		if err := rows.Scan(&lang, &term, &docs, &titles); err != nil {
			t.Fatal(err)
		}
		got[lang+" "+term] = fmt.Sprintf("%d/%d", docs, titles)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// countedFromArticles counts, from the articles' stored terms, what
// kb_term_docs must hold: per language, the articles holding each term
// and those holding it in their title; the empty term, the articles.
func countedFromArticles(t *testing.T, db *sql.DB, ws int64) map[string]string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT language, title_terms, body_terms FROM kb_articles WHERE workspace_id = $1`, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	docs, titles := map[string]int{}, map[string]int{}
	for rows.Next() {
		var lang, title, body string
		if err := rows.Scan(&lang, &title, &body); err != nil {
			t.Fatal(err)
		}
		docs[lang+" "]++
		inTitle := strings.Fields(title)
		for _, term := range slices.Compact(slices.Sorted(slices.Values(append(strings.Fields(body), inTitle...)))) {
			docs[lang+" "+term]++
			if slices.Contains(inTitle, term) {
				titles[lang+" "+term]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for k, n := range docs {
		want[k] = fmt.Sprintf("%d/%d", n, titles[k])
	}
	return want
}

// TestKBTermCountsFollowEveryWrite: the per-language term counts the
// search plans with (and the article count its ranking weighs terms by)
// stay equal to what the articles hold after every kind of write: a
// creation, a translation, an import, an edit of the title and body, a
// move to the other language, archiving, and a refused edit.
func TestKBTermCountsFollowEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := storetest.Seed(t, s).WS.ID
		// Another workspace's counts stay empty: they are per workspace.
		other := must(s.CreateWorkspace(ctx, workspace.Workspace{Name: "Other", SupportModel: workspace.Tiered,
			Languages: []string{"fr"}, DefaultLanguage: "fr", Timezone: "Europe/Paris",
			BusinessHours: workspace.DefaultBusinessHours}, storetest.DefaultTiers()))(t).ID
		check := func(step string) {
			t.Helper()
			got, want := termDocs(t, s.DB(), ws), countedFromArticles(t, s.DB(), ws)
			if !maps.Equal(got, want) {
				for _, k := range slices.Sorted(maps.Keys(want)) {
					if got[k] != want[k] {
						t.Errorf("%s: %q counted %q, articles hold %q", step, k, got[k], want[k])
					}
				}
				for _, k := range slices.Sorted(maps.Keys(got)) {
					if _, ok := want[k]; !ok {
						t.Errorf("%s: %q counted %q, no article holds it", step, k, got[k])
					}
				}
			}
			if n := len(termDocs(t, s.DB(), other)); n != 0 {
				t.Errorf("%s: %d counts in a workspace without articles", step, n)
			}
		}
		article := func(lang, title, body string) kb.Article {
			return kb.Article{Language: lang, Title: title, Body: body, Visibility: kb.Public, Status: kb.Published}
		}
		check("empty")
		facture := must(s.CreateKBArticle(ctx, ws, article("fr", "Facture en double", "Votre facture a été envoyée deux fois."), 0))(t)
		must(s.CreateKBArticle(ctx, ws, article("fr", "Payer une facture", "Le paiement par carte de la facture."), 0))(t)
		check("created")
		must(s.CreateKBArticle(ctx, ws, article("en", "Duplicate invoice", "Your invoice was sent twice."), facture.ID))(t)
		check("translated")
		if err := s.ImportKBArticles(ctx, ws, []kb.Article{
			article("fr", "Carte refusée", "La banque a refusé la carte."),
			article("en", "Card declined", "The bank declined the card: pay the invoice by transfer."),
		}); err != nil {
			t.Fatal(err)
		}
		check("imported")
		must(s.UpdateKBArticle(ctx, ws, facture.ID, func(a *kb.Article) error {
			a.Title, a.Body = "Facture envoyée deux fois", "Un envoi en double : la facture n'est due qu'une fois."
			return nil
		}))(t)
		check("edited")
		moved := must(s.CreateKBArticle(ctx, ws, article("fr", "Webhook signature", "Webhook signature secret."), 0))(t)
		must(s.UpdateKBArticle(ctx, ws, moved.ID, func(a *kb.Article) error { a.Language = "en"; return nil }))(t)
		check("moved to English")
		must(s.UpdateKBArticle(ctx, ws, moved.ID, func(a *kb.Article) error { a.Status = kb.Archived; return nil }))(t)
		check("archived")
		before := termDocs(t, s.DB(), ws)
		if _, err := s.UpdateKBArticle(ctx, ws, moved.ID, func(a *kb.Article) error {
			a.Title = "Autre titre"
			return fmt.Errorf("refused")
		}); err == nil {
			t.Fatal("a refused edit was saved")
		}
		if got := termDocs(t, s.DB(), ws); !maps.Equal(got, before) {
			t.Errorf("a refused edit changed the counts")
		}
	})
}
