package store_test

import (
	"testing"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/textsearch"
)

func searchKB(t *testing.T, s *store.Store, wsID int64, r kb.Reader, lang, q string) []kb.Hit {
	t.Helper()
	words := textsearch.ParseQuery(lang, q)
	m := must(s.ResolveKBQuery(t.Context(), wsID, words))(t)
	return must(s.KBSearch(t.Context(), wsID, kb.Query{Language: lang, Words: words, Reader: r, Limit: 10}, m))(t)
}

func TestKBArticlesAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		ws := f.WS.ID
		cat := must(s.CreateKBCategory(ctx, ws, kb.Category{Slug: "facturation", NameFR: "Facturation", NameEN: "Billing"}))(t)
		fr := must(s.CreateKBArticle(ctx, ws, kb.Article{Language: "fr", Title: "Facturé deux fois ?", CategoryID: cat.ID,
			Body: "Si votre carte a été **débitée deux fois**, le second prélèvement est remboursé sous cinq jours.",
			Tags: []string{"Remboursement"}, Visibility: kb.Public, Status: kb.Published}, 0))(t)
		en := must(s.CreateKBArticle(ctx, ws, kb.Article{Language: "en", Title: "Charged twice?", CategoryID: cat.ID,
			Body:       "If your card was charged twice, the second payment is refunded within five days.",
			Visibility: kb.Public, Status: kb.Published}, fr.ID))(t)
		if en.Group != fr.Group {
			t.Errorf("variant group %d, want %d", en.Group, fr.Group)
		}
		internal := must(s.CreateKBArticle(ctx, ws, kb.Article{Language: "fr", Title: "Procédure interne de remboursement",
			Body: "Vérifier le double prélèvement dans la console.", Visibility: kb.Internal, Status: kb.Published}, 0))(t)
		// A second French variant of the same group is refused and writes nothing.
		_, err := s.CreateKBArticle(ctx, ws, kb.Article{Language: "fr", Title: "x", Body: "y", Visibility: kb.Public, Status: kb.Draft}, en.ID)
		if p, ok := problem.As(err); !ok || p.Fields["translation_of"].Code != "taken" {
			t.Fatalf("second French variant: %v", err)
		}
		if list := must(s.KBArticles(ctx, ws, kb.Filter{}))(t); len(list) != 3 {
			t.Errorf("%d articles after a refused create, want 3", len(list))
		}

		for _, q := range []string{"prelevement", "rembourse", "factur", "débitée", "remboursemnt", "facturé deux fois"} {
			hits := searchKB(t, s, ws, kb.Customer, "fr", q)
			if len(hits) == 0 || hits[0].ID != fr.ID {
				t.Errorf("search %q = %+v, want article %d first", q, hits, fr.ID)
			}
			for _, h := range hits {
				if h.ID == internal.ID {
					t.Errorf("search %q showed the internal article to a customer", q)
				}
			}
		}
		if hits := searchKB(t, s, ws, kb.Agent, "fr", "procedure"); len(hits) != 1 || hits[0].ID != internal.ID {
			t.Errorf("agent search = %+v, want the internal article", hits)
		}
		if hits := searchKB(t, s, f.Other.WS.ID, kb.Agent, "fr", "prelevement"); len(hits) != 0 {
			t.Errorf("another workspace found %+v", hits)
		}
		if hits := searchKB(t, s, ws, kb.Customer, "en", "refunded"); len(hits) != 1 || hits[0].ID != en.ID {
			t.Errorf("English search = %+v", hits)
		}

		// An edit reindexes and keeps a revision.
		upd := must(s.UpdateKBArticle(ctx, ws, fr.ID, func(a *kb.Article) error {
			a.Title = "Double débit sur la carte"
			return nil
		}))(t)
		if upd.Revision != 2 {
			t.Errorf("revision %d, want 2", upd.Revision)
		}
		if hits := searchKB(t, s, ws, kb.Customer, "fr", "double debit"); len(hits) == 0 || hits[0].ID != fr.ID {
			t.Errorf("after edit: %+v", hits)
		}
		revs := must(s.KBRevisions(ctx, ws, fr.ID))(t)
		if len(revs) != 2 || revs[1].Title != "Facturé deux fois ?" {
			t.Errorf("revisions %+v", revs)
		}
		// Archived articles leave customer search.
		must(s.UpdateKBArticle(ctx, ws, en.ID, func(a *kb.Article) error { a.Status = kb.Archived; return nil }))(t)
		if hits := searchKB(t, s, ws, kb.Customer, "en", "refunded"); len(hits) != 0 {
			t.Errorf("archived article still found: %+v", hits)
		}
		if err := s.VoteKBArticle(ctx, ws, fr.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.VoteKBArticle(ctx, f.Other.WS.ID, fr.ID, true); !problem.Is(err, problem.NotFound) {
			t.Errorf("vote from another workspace: %v", err)
		}
	})
}
