package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
)

// The knowledge base over the API: routes in routes.go, their prose in
// operations.json, the shapes below.

var kbSearchParams = []param{
	{Name: "q", Type: "string", Desc: "What the reader typed, up to 200 characters; the last word is a prefix unless followed by a space."},
	{Name: "language", Type: "string", Enum: kb.Languages, Desc: "Search the articles of one language with its analysis; both when absent."},
	{Name: "limit", Type: "integer", Min: 1, Max: 50, Desc: "How many results (default 10)."},
}

// articleJSON is an article as the API shows it.
type articleJSON struct {
	ID           int64             `json:"id"`
	Language     string            `json:"language"`
	Title        string            `json:"title"`
	Body         string            `json:"body"`
	BodyHTML     string            `json:"body_html"`
	CategoryID   int64             `json:"category_id,omitempty"`
	Tags         []string          `json:"tags"`
	Visibility   kb.Visibility     `json:"visibility"`
	Status       kb.Status         `json:"status"`
	Helpful      int64             `json:"helpful"`
	NotHelpful   int64             `json:"not_helpful"`
	Views        int64             `json:"views"`
	Revision     int               `json:"revision"`
	AuthorID     int64             `json:"author_id,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	PublishedAt  *time.Time        `json:"published_at,omitempty"`
	Translations []translationJSON `json:"translations"`
}

type translationJSON struct {
	ID       int64  `json:"id"`
	Language string `json:"language"`
	Title    string `json:"title"`
}

func articleOf(a kb.Article, tr []store.KBTranslation) articleJSON {
	out := articleJSON{ID: a.ID, Language: a.Language, Title: a.Title, Body: a.Body, BodyHTML: kb.Render(a.Body), CategoryID: a.CategoryID,
		Tags: nonNilStrings(a.Tags), Visibility: a.Visibility, Status: a.Status, Helpful: a.Helpful, NotHelpful: a.NotHelpful, Views: a.Views,
		Revision: a.Revision, AuthorID: a.AuthorID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, PublishedAt: a.PublishedAt,
		Translations: each(tr, translationOut)}
	return out
}

func translationOut(t store.KBTranslation) translationJSON {
	return translationJSON{ID: t.ID, Language: t.Language, Title: t.Title}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type searchHitJSON struct {
	ID       int64   `json:"id"`
	Language string  `json:"language"`
	Title    string  `json:"title"`
	Snippet  string  `json:"snippet"`
	Score    float64 `json:"score"`
}

type searchResults struct {
	Data []searchHitJSON `json:"data"`
}

func searchResultsOf(hits []kb.Hit) searchResults {
	return searchResults{Data: each(hits, func(h kb.Hit) searchHitJSON {
		return searchHitJSON{ID: h.ID, Language: h.Language, Title: h.Title, Snippet: h.Snippet, Score: h.Score}
	})}
}

type articleCreate struct {
	Title         string        `json:"title"`
	Body          string        `json:"body"`
	Language      string        `json:"language"`
	CategoryID    int64         `json:"category_id"`
	Tags          []string      `json:"tags"`
	Visibility    kb.Visibility `json:"visibility"`
	Status        kb.Status     `json:"status"`
	TranslationOf int64         `json:"translation_of"`
}

type articleUpdate struct {
	Title      *string        `json:"title"`
	Body       *string        `json:"body"`
	Language   *string        `json:"language"`
	CategoryID *int64         `json:"category_id"`
	Tags       *[]string      `json:"tags"`
	Visibility *kb.Visibility `json:"visibility"`
	Status     *kb.Status     `json:"status"`
}

// article answers an article with its translations the caller may read.
func (a *API) article(c *call) answerFunc[kb.Article] {
	return renderWith(func(art kb.Article) (articleJSON, error) {
		tr, err := a.desk.ArticleTranslations(c.r.Context(), c.actor, art)
		return articleOf(art, tr), err
	})
}

// newArticle answers an article just written: 201 at its address.
func (a *API) newArticle(c *call) answerFunc[kb.Article] {
	return func(art kb.Article, err error) (any, error) {
		if err == nil {
			c.created(pathOf("/kb/articles", art.ID))
		}
		return a.article(c)(art, err)
	}
}

func (a *API) listKBArticles(c *call) (any, error) {
	q := c.r.URL.Query()
	return cursorPage(c, "articles", func(before int64, limit int) ([]kb.Article, error) {
		return a.desk.Articles(c.r.Context(), c.actor, kb.Filter{Language: q.Get("language"), Status: kb.Status(q.Get("status")),
			Visibility: kb.Visibility(q.Get("visibility")), CategoryID: c.integer("category", 0), Before: before, Limit: limit})
	}, func(x kb.Article) articleJSON { return articleOf(x, nil) }, func(x articleJSON) int64 { return x.ID })
}

func (a *API) createKBArticle(c *call) (any, error) {
	return fromBody(c, articleCreate{Visibility: kb.Public, Status: kb.Draft}, func(ctx context.Context, actor auth.Actor, in articleCreate) (kb.Article, error) {
		return a.desk.CreateArticle(ctx, actor, kb.Article{Title: in.Title, Body: in.Body, Language: in.Language,
			CategoryID: in.CategoryID, Tags: in.Tags, Visibility: in.Visibility, Status: in.Status}, in.TranslationOf)
	}, a.newArticle(c))
}

func (a *API) createKBArticleFromTicket(c *call) (any, error) {
	number, err := c.idAndNoBody("number")
	if err != nil {
		return nil, err
	}
	return a.newArticle(c)(a.desk.CreateArticleFromTicket(c.r.Context(), c.actor, number, nil))
}

func (a *API) getKBArticle(c *call) (any, error) { return byID(c, a.desk.Article, a.article(c)) }

func (a *API) updateKBArticle(c *call) (any, error) {
	return withBody(c, func(ctx context.Context, actor auth.Actor, id int64, in articleUpdate) (kb.Article, error) {
		return a.desk.UpdateArticle(ctx, actor, id, desk.ArticleChange{Title: in.Title, Body: in.Body, Language: in.Language,
			CategoryID: in.CategoryID, Tags: in.Tags, Visibility: in.Visibility, Status: in.Status})
	}, a.article(c))
}

func (a *API) searchKB(c *call) (any, error) {
	q := c.r.URL.Query()
	return render(searchResultsOf)(a.desk.SearchArticles(c.r.Context(), c.actor, q.Get("language"), q.Get("q"), int(c.integer("limit", 10))))
}

func (a *API) searchKBPublic(c *call) (any, error) {
	q := c.r.URL.Query()
	ws := c.integer("workspace", 0)
	if ws == 0 {
		return nil, badParameter("workspace", "")
	}
	return render(searchResultsOf)(a.desk.PublicSearch(c.r.Context(), ws, q.Get("language"), q.Get("q"), int(c.integer("limit", 10))))
}

type revisionJSON struct {
	Number   int        `json:"number"`
	AuthorID int64      `json:"author_id,omitempty"`
	At       time.Time  `json:"at"`
	Title    string     `json:"title"`
	Body     string     `json:"body"`
	Diff     []diffLine `json:"diff"`
}

type diffLine struct {
	Op   string `json:"op"`
	Line string `json:"line"`
}

func (a *API) listKBArticleRevisions(c *call) (any, error) {
	return byID(c, a.desk.ArticleRevisions, render(revisionsOut))
}

// revisionsOut lists revisions, newest first, each with its diff against
// the one before it (the next in the list).
func revisionsOut(revs []kb.Revision) dataList[revisionJSON] {
	out := dataList[revisionJSON]{Data: []revisionJSON{}}
	for i, r := range revs {
		before := ""
		if i+1 < len(revs) {
			before = revs[i+1].Title + "\n\n" + revs[i+1].Body
		}
		rj := revisionJSON{Number: r.Number, AuthorID: r.AuthorID, At: r.At, Title: r.Title, Body: r.Body, Diff: []diffLine{}}
		for _, d := range kb.Diff(before, r.Title+"\n\n"+r.Body) {
			rj.Diff = append(rj.Diff, diffLine{Op: string(d.Kind), Line: d.Line})
		}
		out.Data = append(out.Data, rj)
	}
	return out
}

type categoryJSON struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id,omitempty"`
	Slug     string `json:"slug"`
	NameFR   string `json:"name_fr"`
	NameEN   string `json:"name_en"`
	Position int    `json:"position"`
}

func (a *API) listKBCategories(c *call) (any, error) {
	return render(listOf(categoryOut))(a.desk.KBCategories(c.r.Context(), c.actor.WorkspaceID))
}

func categoryOut(x kb.Category) categoryJSON {
	return categoryJSON{ID: x.ID, ParentID: x.ParentID, Slug: x.Slug, NameFR: x.NameFR, NameEN: x.NameEN, Position: x.Position}
}

func kbSchemas() map[string]any {
	articleProps := schema{
		"title": str("Up to 200 characters."), "body": str("Markdown, up to 100,000 bytes."),
		"language":    enum("", kb.Languages),
		"category_id": integer("A category of the workspace; 0 for none."),
		"tags":        list(schema{"type": "string"}, "Folded to lower case, deduplicated; up to 20 of 40 characters."),
		"visibility":  enum("public: everyone, the help centre; internal: support members only.", []kb.Visibility{kb.Public, kb.Internal}),
		"status":      enum("Only published articles reach customers.", []kb.Status{kb.Draft, kb.Published, kb.Archived}),
	}
	return map[string]any{
		"Article": object([]string{"id", "language", "title", "body", "body_html", "tags", "visibility", "status", "helpful", "not_helpful",
			"views", "revision", "created_at", "updated_at", "translations"}, with(articleProps, schema{
			"id": integer(""), "body_html": str("The body rendered and sanitised: safe to insert in a page."),
			"helpful": integer(`"Was this helpful?" yes.`), "not_helpful": integer(`"Was this helpful?" no.`), "views": integer(""),
			"revision": integer("1 when written, +1 per change of title or body."), "author_id": integer("Who last changed it."),
			"created_at": when(""), "updated_at": when(""), "published_at": when("When it was first published."),
			"translations": list(object([]string{"id", "language", "title"}, schema{"id": integer(""), "language": enum("", kb.Languages), "title": str("")}),
				"The same article in the other language, when written (and readable by you)."),
		})),
		"ArticlePage": pageSchema("Article", "Articles, newest first."),
		"ArticleRevisions": object([]string{"data"}, schema{"data": list(object([]string{"number", "at", "title", "body", "diff"}, schema{
			"number": integer(""), "author_id": integer("Who saved it."), "at": when(""), "title": str(""), "body": str("Markdown."),
			"diff": list(object([]string{"op", "line"}, schema{
				"op":   schema{"type": "string", "enum": []string{" ", "-", "+"}, "description": `" " kept, "-" removed, "+" added.`},
				"line": str(""),
			}), "Line diff of title and body against the revision before (all added for the first)."),
		}), "Newest first.")}),
		"CategoryList": object([]string{"data"}, schema{"data": list(object([]string{"id", "slug", "name_fr", "name_en", "position"}, schema{
			"id": integer(""), "parent_id": integer("Absent at the top level."), "slug": str(""), "name_fr": str(""), "name_en": str(""),
			"position": integer("Order among its siblings."),
		}), "Parents before children.")}),
		"ArticleCreate": object([]string{"title", "body", "language"}, with(articleProps, schema{"translation_of": integer("An article in the other language this one translates.")})),
		"ArticleUpdate": object(nil, articleProps),
		"SearchResults": object([]string{"data"}, schema{"data": list(object([]string{"id", "language", "title", "snippet", "score"}, schema{
			"id": integer(""), "language": enum("", kb.Languages), "title": str(""),
			"snippet": str("The passage that best matches, HTML-escaped, with the matched words in <mark>."),
			"score":   number("Relevance; higher is better. Comparable within one answer only."),
		}), "Best first.")}),
	}
}
