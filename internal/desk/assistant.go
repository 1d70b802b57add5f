package desk

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/assistant"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
)

// answerArticles is how many of the search's best articles the assistant
// reads: past the first few, an article that matched the question's words
// rarely holds a passage that answers it.
const answerArticles = 5

// Answer is the answering assistant: the passages of a workspace's
// published public articles that answer a customer's question, found with
// the help centre's own search (PublicSearch, same ranking) and picked by
// package assistant. The question is answered in language; when nothing
// in it answers, the other language is tried, as the help centre's search
// does (a customer may type in French in an English page); the reply says
// which language answered. An empty reply means "no good answer".
func (d *Service) Answer(ctx context.Context, wsID int64, language, question string) (assistant.Reply, error) {
	f := problem.Fields{}
	if !slices.Contains(kb.Languages, language) {
		f.Add("language", "unknown_value", "must be fr or en", "allowed", "fr, en")
	}
	if utf8.RuneCountInString(question) > assistant.MaxQuestion {
		f.Add("q", "too_long", "is too long", "max", "200")
	}
	if err := f.Err(); err != nil {
		return assistant.Reply{}, err
	}
	reply := assistant.Reply{Language: language}
	if strings.TrimSpace(question) == "" {
		return reply, nil
	}
	for _, lang := range []string{language, i18n.Either(language, i18n.French, i18n.English)} {
		r, err := d.answerIn(ctx, wsID, lang, question)
		if err != nil || r.Answered() {
			return r, err
		}
	}
	return reply, nil
}

func (d *Service) answerIn(ctx context.Context, wsID int64, lang, question string) (assistant.Reply, error) {
	hits, err := d.PublicSearch(ctx, wsID, lang, question, answerArticles)
	if err != nil {
		return assistant.Reply{}, err
	}
	arts := make([]assistant.Article, 0, len(hits))
	for _, h := range hits {
		// Read without counting a view: the customer has not opened it.
		a, err := d.readableArticle(ctx, wsID, kb.Customer, h.ID)
		if problem.Is(err, problem.NotFound) {
			continue // unpublished since the search read it
		}
		if err != nil {
			return assistant.Reply{}, err
		}
		arts = append(arts, assistant.Article{ID: a.ID, Title: a.Title, Body: a.Body})
	}
	return assistant.Answer(lang, question, arts), nil
}
