package store

import (
	"context"

	"github.com/palier/palier/internal/kb"
)

// CreateKBArticleFromTicket adds an article written from a ticket, as
// CreateKBArticle does, and records in the audit log, in the same
// transaction, which ticket it came from and who wrote it.
func (s *Store) CreateKBArticleFromTicket(ctx context.Context, wsID int64, a kb.Article, ticketID, number int64) (kb.Article, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	now := s.now()
	a.CreatedAt, a.UpdatedAt, a.Revision = fromMS(ms(now)), fromMS(ms(now)), 1
	a.Helpful, a.NotHelpful, a.Views, a.PublishedAt = 0, 0, 0, nil
	if a.Status == kb.Published {
		a.PublishedAt = &a.CreatedAt
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		if err := s.checkKBLinks(ctx, tx, wsID, &a, 0); err != nil {
			return err
		}
		if err := s.insertKBArticle(ctx, tx, wsID, &a); err != nil {
			return err
		}
		return s.audit(ctx, tx, wsID, a.AuthorID, "kb.article_from_ticket", "kb_article", a.ID,
			map[string]any{"ticket_id": ticketID, "number": number, "revision": a.Revision})
	})
	return a, err
}
