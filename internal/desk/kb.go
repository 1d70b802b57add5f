package desk

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/optional"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/textsearch"
	"github.com/palier/palier/internal/ticket"
)

// The knowledge base: agents, leads and admins write and read everything;
// collaborators (who do not work tickets) and customers read published
// public articles only. An article a reader may not see is reported as not
// found, like a ticket.

// kbReader is what an actor may read in the knowledge base.
func kbReader(a auth.Actor) kb.Reader {
	if a.IsCollaborator() {
		return kb.Member
	}
	return kb.Agent
}

func requireKBWriter(a auth.Actor) error {
	if kbReader(a) != kb.Agent {
		return errForbidden
	}
	return nil
}

// ArticleChange is a partial update of an article: nil fields are kept.
type ArticleChange struct {
	Title      *string
	Body       *string
	Language   *string
	CategoryID *int64
	Tags       *[]string
	Visibility *kb.Visibility
	Status     *kb.Status
}

// CreateArticle adds an article; translationOf links it to its variant in
// the other language.
func (d *Service) CreateArticle(ctx context.Context, a auth.Actor, art kb.Article, translationOf int64) (kb.Article, error) {
	if err := requireKBWriter(a); err != nil {
		return art, err
	}
	art.AuthorID = a.AgentID
	return d.store.CreateKBArticle(ctx, a.WorkspaceID, art, translationOf)
}

// UpdateArticle applies a change and records a revision by the actor.
func (d *Service) UpdateArticle(ctx context.Context, a auth.Actor, id int64, c ArticleChange) (kb.Article, error) {
	if err := requireKBWriter(a); err != nil {
		return kb.Article{}, err
	}
	return d.store.UpdateKBArticle(ctx, a.WorkspaceID, id, func(art *kb.Article) error {
		optional.Set(&art.Title, c.Title)
		optional.Set(&art.Body, c.Body)
		optional.Set(&art.Language, c.Language)
		optional.Set(&art.CategoryID, c.CategoryID)
		optional.Set(&art.Tags, c.Tags)
		optional.Set(&art.Visibility, c.Visibility)
		optional.Set(&art.Status, c.Status)
		art.AuthorID = a.AgentID
		return nil
	})
}

// Article returns an article the actor may read.
func (d *Service) Article(ctx context.Context, a auth.Actor, id int64) (kb.Article, error) {
	return d.readableArticle(ctx, a.WorkspaceID, kbReader(a), id)
}

func (d *Service) readableArticle(ctx context.Context, wsID int64, r kb.Reader, id int64) (kb.Article, error) {
	art, err := d.store.KBArticle(ctx, wsID, id)
	if err != nil {
		return art, err
	}
	if !kb.CanRead(r, art) {
		return kb.Article{}, problem.NotFoundf("article")
	}
	return art, nil
}

// ArticleTranslations returns the variants of an article the actor may read.
func (d *Service) ArticleTranslations(ctx context.Context, a auth.Actor, art kb.Article) ([]store.KBTranslation, error) {
	all, err := d.store.KBTranslations(ctx, a.WorkspaceID, art.Group)
	if err != nil {
		return nil, err
	}
	r := kbReader(a)
	return slices.DeleteFunc(all, func(t store.KBTranslation) bool {
		return t.ID == art.ID || !kb.CanRead(r, kb.Article{Status: t.Status, Visibility: t.Visible})
	}), nil
}

// Articles lists articles; readers other than agents see published public
// ones only, whatever the filter asks.
func (d *Service) Articles(ctx context.Context, a auth.Actor, f kb.Filter) ([]kb.Article, error) {
	if kbReader(a) != kb.Agent {
		f.Status, f.Visibility = kb.Published, kb.Public
	}
	return d.store.KBArticles(ctx, a.WorkspaceID, f)
}

// ArticleRevisions returns an article's revisions (writers only).
func (d *Service) ArticleRevisions(ctx context.Context, a auth.Actor, id int64) ([]kb.Revision, error) {
	if err := requireKBWriter(a); err != nil {
		return nil, err
	}
	if _, err := d.Article(ctx, a, id); err != nil {
		return nil, err
	}
	return d.store.KBRevisions(ctx, a.WorkspaceID, id)
}

// KBCategories returns the category tree.
func (d *Service) KBCategories(ctx context.Context, wsID int64) ([]kb.Category, error) {
	return d.store.KBCategories(ctx, wsID)
}

// CreateKBCategory adds a category (writers only).
func (d *Service) CreateKBCategory(ctx context.Context, a auth.Actor, c kb.Category) (kb.Category, error) {
	if err := requireKBWriter(a); err != nil {
		return c, err
	}
	return d.store.CreateKBCategory(ctx, a.WorkspaceID, c)
}

// MaxSearchQuery bounds a search query, in runes.
const MaxSearchQuery = 200

// SearchArticles is the one knowledge-base search: the help centre, the
// help box, the contact form, agent suggestions and the API all call it
// (through this or PublicSearch), so they rank alike. language "" searches
// both languages, each with its own analysis.
func (d *Service) SearchArticles(ctx context.Context, a auth.Actor, language, q string, limit int) ([]kb.Hit, error) {
	return d.search(ctx, a.WorkspaceID, kbReader(a), language, q, limit)
}

// PublicSearch searches the published public articles of a workspace, for
// visitors of the help centre who have no account.
func (d *Service) PublicSearch(ctx context.Context, wsID int64, language, q string, limit int) ([]kb.Hit, error) {
	return d.search(ctx, wsID, kb.Customer, language, q, limit)
}

// PublicArticle returns a published public article and counts the view.
func (d *Service) PublicArticle(ctx context.Context, wsID, id int64) (kb.Article, error) {
	art, err := d.readableArticle(ctx, wsID, kb.Customer, id)
	if err != nil {
		return art, err
	}
	return art, d.store.ViewKBArticle(ctx, wsID, id)
}

// VoteArticle records a "Was this helpful?" answer on a published public
// article.
func (d *Service) VoteArticle(ctx context.Context, wsID, id int64, helpful bool) error {
	if _, err := d.readableArticle(ctx, wsID, kb.Customer, id); err != nil {
		return err
	}
	return d.store.VoteKBArticle(ctx, wsID, id, helpful)
}

func (d *Service) search(ctx context.Context, wsID int64, r kb.Reader, language, q string, limit int) ([]kb.Hit, error) {
	f := problem.Fields{}
	if language != "" && !slices.Contains(kb.Languages, language) {
		f.Add("language", "unknown_value", "must be fr or en", "allowed", "fr, en")
	}
	if utf8.RuneCountInString(q) > MaxSearchQuery {
		f.Add("q", "too_long", "is too long", "max", "200")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	langs := []string{language}
	if language == "" {
		langs = kb.Languages
	}
	var hits []kb.Hit
	for _, lang := range langs {
		words := textsearch.ParseQuery(lang, q)
		if len(words) == 0 {
			continue
		}
		matches, err := d.store.ResolveKBQuery(ctx, wsID, words)
		if err != nil {
			return nil, err
		}
		h, err := d.store.KBSearch(ctx, wsID, kb.Query{Language: lang, Words: words, Reader: r, Limit: limit}, matches)
		if err != nil {
			return nil, err
		}
		hits = append(hits, h...)
	}
	if len(langs) > 1 {
		slices.SortStableFunc(hits, func(x, y kb.Hit) int {
			if x.Score != y.Score {
				if x.Score > y.Score {
					return -1
				}
				return 1
			}
			return strings.Compare(x.Language, y.Language)
		})
		hits = hits[:min(len(hits), limit)]
	}
	if hits == nil {
		hits = []kb.Hit{}
	}
	return hits, nil
}

// HelpWorkspace is the workspace whose help centre /help serves: the
// first one, since a deployment serves one workspace's customers today.
func (d *Service) HelpWorkspace(ctx context.Context) (int64, error) {
	w, err := d.store.FirstWorkspace(ctx)
	return w.ID, err
}

// PublicArticles lists a workspace's published public articles in a
// language, for the help centre's home.
func (d *Service) PublicArticles(ctx context.Context, wsID int64, language string) ([]kb.Article, error) {
	return d.store.KBArticles(ctx, wsID, kb.Filter{Language: language, Status: kb.Published, Visibility: kb.Public, Limit: 200})
}

// PublicTranslations returns the published public variants of an article.
func (d *Service) PublicTranslations(ctx context.Context, wsID int64, art kb.Article) ([]store.KBTranslation, error) {
	all, err := d.store.KBTranslations(ctx, wsID, art.Group)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(t store.KBTranslation) bool {
		return t.ID == art.ID || !kb.CanRead(kb.Customer, kb.Article{Status: t.Status, Visibility: t.Visible})
	}), nil
}

// maxTicketSuggestions is how many articles the ticket page suggests.
const maxTicketSuggestions = 3

// SuggestArticles lists the published public articles that best match a
// ticket the agent may read (its subject, in the ticket's language, else
// either language), best first, for the agent to send the customer a
// link: only articles the customer can open are suggested.
func (d *Service) SuggestArticles(ctx context.Context, a auth.Actor, t ticket.Ticket) ([]kb.Hit, error) {
	if !ticket.CanView(a, t) {
		return nil, problem.NotFoundf("ticket")
	}
	q := []rune(strings.TrimSpace(t.Subject))
	if len(q) > MaxSearchQuery {
		q = q[:MaxSearchQuery]
	}
	// A space after the last word: a ticket's subject is complete, not
	// typed so far, so its last word is not a prefix.
	query := string(q) + " "
	lang := t.Language
	if !slices.Contains(kb.Languages, lang) {
		lang = ""
	}
	hits, err := d.search(ctx, a.WorkspaceID, kb.Customer, lang, query, maxTicketSuggestions)
	if err == nil && len(hits) == 0 && lang != "" {
		hits, err = d.search(ctx, a.WorkspaceID, kb.Customer, "", query, maxTicketSuggestions)
	}
	return hits, err
}
