package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/ticket"
)

// The ticket page's suggested articles: the knowledge base's best public
// articles for the ticket, each with the address a customer can open and
// a button that puts the link in the reply being written (app.js).

type suggestedArticle struct {
	ID    int64
	Title string
	URL   string // absolute: it goes into a reply the customer reads
}

// suggestedArticles lists the suggestions, or none when the agent cannot
// reply (a collaborator, a ticket handed off): a link is for the reply.
func (s *server) suggestedArticles(ctx context.Context, r *http.Request, rq *request, t ticket.Ticket, canReply bool) ([]suggestedArticle, error) {
	if !canReply {
		return nil, nil
	}
	hits, err := s.d.SuggestArticles(ctx, rq.actor, t)
	if err != nil {
		return nil, err
	}
	base := s.baseURL(r)
	out := make([]suggestedArticle, 0, len(hits))
	for _, h := range hits {
		out = append(out, suggestedArticle{ID: h.ID, Title: h.Title, URL: base + "/help/articles/" + strconv.FormatInt(h.ID, 10)})
	}
	return out, nil
}
