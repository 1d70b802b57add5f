package demo

import (
	"context"
	"fmt"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
)

// KBArticleIDs are the ids of one demo article's variants.
type KBArticleIDs struct{ FR, EN int64 }

// LoadKnowledgeBase writes Nuagique's help centre into a workspace: its
// categories and articles, published, French and English variants linked,
// with a history of readers (views and helpful votes). It returns the
// articles' ids by key (see kbArticles). It goes through the store's own
// methods, so the articles are validated, revised and indexed as any.
func LoadKnowledgeBase(ctx context.Context, s *store.Store, wsID, authorID int64) (map[string]KBArticleIDs, error) {
	cats := map[string]int64{}
	for i, c := range kbCategories {
		cat, err := s.CreateKBCategory(ctx, wsID, kb.Category{Slug: c.Slug, NameFR: c.FR, NameEN: c.EN, Position: i})
		if err != nil {
			return nil, fmt.Errorf("category %s: %w", c.Slug, err)
		}
		cats[c.Slug] = cat.ID
	}
	out := map[string]KBArticleIDs{}
	for _, spec := range kbArticles {
		vis := kb.Public
		if spec.internal {
			vis = kb.Internal
		}
		var ids KBArticleIDs
		for _, v := range []struct {
			lang string
			text kbText
			id   *int64
		}{{"fr", spec.fr, &ids.FR}, {"en", spec.en, &ids.EN}} {
			if v.text.title == "" {
				continue
			}
			a, err := s.CreateKBArticle(ctx, wsID, kb.Article{Language: v.lang, Title: v.text.title, Body: v.text.body, Tags: v.text.tags,
				CategoryID: cats[spec.category], Visibility: vis, Status: kb.Published, AuthorID: authorID}, ids.FR)
			if err != nil {
				return nil, fmt.Errorf("article %s (%s): %w", spec.key, v.lang, err)
			}
			*v.id = a.ID
			// English readers are fewer in the demo: a third of the French.
			views, helpful := spec.views, spec.helpful
			if v.lang == "en" {
				views, helpful = views/3, helpful/3
			}
			if err := s.AddKBCounts(ctx, wsID, a.ID, helpful, helpful/8, views); err != nil {
				return nil, err
			}
		}
		out[spec.key] = ids
	}
	return out, nil
}

func (b *builder) createKnowledgeBase() error {
	var err error
	b.kb, err = LoadKnowledgeBase(b.ctx, b.s, b.ws.ID, b.members["marc"].ID)
	return err
}
