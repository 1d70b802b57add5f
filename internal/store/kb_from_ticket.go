package store

import (
	"context"

	"github.com/palier/palier/internal/kb"
)

// CreateKBArticleFromTicket adds an article written from a ticket, as
// CreateKBArticle does, and records in the audit log, in the same
// transaction, which ticket it came from and who wrote it.
func (s *Store) CreateKBArticleFromTicket(ctx context.Context, wsID int64, a kb.Article, ticketID, number int64) (kb.Article, error) {
	return s.createKBArticle(ctx, wsID, a, 0, func(tx *Tx, a kb.Article) error {
		return s.audit(ctx, tx, wsID, a.AuthorID, "kb.article_from_ticket", "kb_article", a.ID,
			map[string]any{"ticket_id": ticketID, "number": number, "revision": a.Revision})
	})
}
