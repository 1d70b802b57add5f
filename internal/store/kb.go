package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
)

// CreateKBCategory adds a category to the workspace's tree.
func (s *Store) CreateKBCategory(ctx context.Context, wsID int64, c kb.Category) (kb.Category, error) {
	f := problem.Fields{}
	c.Slug = strings.TrimSpace(c.Slug)
	if c.Slug == "" {
		f.Required("slug")
	}
	if strings.TrimSpace(c.NameFR) == "" {
		f.Required("name_fr")
	}
	if strings.TrimSpace(c.NameEN) == "" {
		f.Required("name_en")
	}
	if err := f.Err(); err != nil {
		return c, err
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		if c.ParentID != 0 {
			if err := kbCategoryExists(ctx, tx, wsID, c.ParentID, "parent_id"); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO kb_categories (workspace_id, parent_id, slug, name_fr, name_en, position) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			wsID, nullID(c.ParentID), c.Slug, c.NameFR, c.NameEN, c.Position).Scan(&c.ID)
		if isUniqueViolation(err) {
			f.Add("slug", "taken", "this slug is already used")
			return f.Err()
		}
		return err
	})
	return c, err
}

func kbCategoryExists(ctx context.Context, q querier, wsID, id int64, field string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM kb_categories WHERE id = $1 AND workspace_id = $2`, id, wsID).Scan(&n); err != nil {
		return fmt.Errorf("check category: %w", err)
	}
	if n == 0 {
		f := problem.Fields{}
		f.Add(field, "unknown_value", "no such category")
		return f.Err()
	}
	return nil
}

// KBCategories returns the workspace's category tree, parents before
// children, each level by position.
func (s *Store) KBCategories(ctx context.Context, wsID int64) ([]kb.Category, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, coalesce(parent_id, 0), slug, name_fr, name_en, position FROM kb_categories
		WHERE workspace_id = $1 ORDER BY coalesce(parent_id, 0), position, id`, wsID)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (c kb.Category, err error) {
		err = r.Scan(&c.ID, &c.ParentID, &c.Slug, &c.NameFR, &c.NameEN, &c.Position)
		return c, err
	})
}

const kbColumns = `id, group_id, language, title, body, coalesce(category_id, 0), tags, visibility, status,
	helpful, not_helpful, views, revision, coalesce(author_id, 0), created_at, updated_at, published_at`

func scanKBArticle(r interface{ Scan(...any) error }) (kb.Article, error) {
	var a kb.Article
	var tags string
	var created, updated int64
	var published sql.NullInt64
	err := r.Scan(&a.ID, &a.Group, &a.Language, &a.Title, &a.Body, &a.CategoryID, &tags, &a.Visibility, &a.Status,
		&a.Helpful, &a.NotHelpful, &a.Views, &a.Revision, &a.AuthorID, &created, &updated, &published)
	if tags != "" {
		a.Tags = strings.Split(tags, "\n")
	}
	a.CreatedAt, a.UpdatedAt, a.PublishedAt = fromMS(created), fromMS(updated), optMS(published)
	return a, err
}

// KBArticle returns an article of the workspace, whatever its status: the
// caller decides who may read it (kb.CanRead).
func (s *Store) KBArticle(ctx context.Context, wsID, id int64) (kb.Article, error) {
	return s.kbArticle(ctx, s.read, wsID, id)
}

func (s *Store) kbArticle(ctx context.Context, q querier, wsID, id int64) (kb.Article, error) {
	a, err := scanKBArticle(q.QueryRowContext(ctx, `SELECT `+kbColumns+` FROM kb_articles WHERE id = $1 AND workspace_id = $2`, id, wsID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, problem.NotFoundf("article")
	}
	if err != nil {
		return a, fmt.Errorf("get article: %w", err)
	}
	return a, nil
}

// KBArticles lists articles, newest first.
func (s *Store) KBArticles(ctx context.Context, wsID int64, f kb.Filter) ([]kb.Article, error) {
	if f.Before <= 0 {
		f.Before = 1<<63 - 1
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+kbColumns+` FROM kb_articles
		WHERE workspace_id = $1 AND id < $2 AND ($3 = '' OR language = $3) AND ($4 = '' OR status = $4)
		AND ($5 = '' OR visibility = $5) AND ($6 = 0 OR category_id = $6)
		ORDER BY id DESC LIMIT $7`, wsID, f.Before, f.Language, string(f.Status), string(f.Visibility), f.CategoryID, clampLimit(f.Limit))
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (kb.Article, error) { return scanKBArticle(r) })
}

// KBTranslation is another language's variant of an article.
type KBTranslation struct {
	ID       int64
	Language string
	Title    string
	Status   kb.Status
	Visible  kb.Visibility
}

// KBTranslations returns the variants of an article group, by language.
func (s *Store) KBTranslations(ctx context.Context, wsID, group int64) ([]KBTranslation, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, language, title, status, visibility FROM kb_articles
		WHERE workspace_id = $1 AND group_id = $2 ORDER BY language`, wsID, group)
	if err != nil {
		return nil, fmt.Errorf("list translations: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (t KBTranslation, err error) {
		err = r.Scan(&t.ID, &t.Language, &t.Title, &t.Status, &t.Visible)
		return t, err
	})
}

// CreateKBArticle validates and adds an article with its first revision,
// and indexes it for search, in one transaction. translationOf, when not
// 0, is an article of the workspace in the other language: the new one
// becomes its variant.
func (s *Store) CreateKBArticle(ctx context.Context, wsID int64, a kb.Article, translationOf int64) (kb.Article, error) {
	return s.createKBArticle(ctx, wsID, a, translationOf, nil)
}

// createKBArticle is CreateKBArticle; also, when not nil, runs in the same
// transaction once the article is written (it has its id).
func (s *Store) createKBArticle(ctx context.Context, wsID int64, a kb.Article, translationOf int64, also func(*Tx, kb.Article) error) (kb.Article, error) {
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
		if err := s.checkKBLinks(ctx, tx, wsID, &a, translationOf); err != nil {
			return err
		}
		d := kbDocDeltas{}
		if err := s.insertKBArticle(ctx, tx, wsID, &a, d); err != nil {
			return err
		}
		if err := d.write(ctx, tx, wsID); err != nil || also == nil {
			return err
		}
		return also(tx, a)
	})
	return a, err
}

func translationTaken() error {
	f := problem.Fields{}
	f.Add("translation_of", "taken", "that article already has a variant in this language")
	return f.Err()
}

func publishedMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ms(*t)
}

// checkKBLinks checks that the category and the translated article belong
// to the workspace, and sets a.Group.
func (s *Store) checkKBLinks(ctx context.Context, tx *Tx, wsID int64, a *kb.Article, translationOf int64) error {
	if a.CategoryID != 0 {
		if err := kbCategoryExists(ctx, tx, wsID, a.CategoryID, "category_id"); err != nil {
			return err
		}
	}
	if translationOf == 0 {
		return nil
	}
	other, err := s.kbArticle(ctx, tx, wsID, translationOf)
	if problem.Is(err, problem.NotFound) {
		f := problem.Fields{}
		f.Add("translation_of", "unknown_value", "no such article")
		return f.Err()
	}
	if err != nil {
		return err
	}
	if other.Language == a.Language {
		return translationTaken()
	}
	a.Group = other.Group
	return nil
}

func (s *Store) addKBRevision(ctx context.Context, tx *Tx, a kb.Article) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO kb_revisions (article_id, number, author_id, at, title, body) VALUES ($1, $2, $3, $4, $5, $6)`,
		a.ID, a.Revision, nullID(a.AuthorID), ms(a.UpdatedAt), a.Title, a.Body)
	if err != nil {
		return fmt.Errorf("insert revision: %w", err)
	}
	return nil
}

// insertKBArticle writes a new article (its id taken here, so that a new
// group's id is known before the row is written), its first revision and
// its index entries, counting its terms into d. a.Group 0 starts a new
// group.
func (s *Store) insertKBArticle(ctx context.Context, tx *Tx, wsID int64, a *kb.Article, d kbDocDeltas) error {
	idQuery := `SELECT coalesce(max(id), 0) + 1 FROM kb_articles` // SQLite: the single writer holds the database
	if s.dialect == Postgres {
		idQuery = `SELECT nextval(pg_get_serial_sequence('kb_articles', 'id'))`
	}
	if err := tx.QueryRowContext(ctx, idQuery).Scan(&a.ID); err != nil {
		return fmt.Errorf("allocate article id: %w", err)
	}
	if a.Group == 0 {
		a.Group = a.ID
	}
	ix := kb.Index(*a)
	cols, vals := "", ""
	if s.dialect == Postgres {
		cols, vals = ", search", `, kb_search_vector($8, $9, $4)`
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO kb_articles (id, workspace_id, group_id, language, title, body, body_text, title_terms, body_terms,
		category_id, tags, visibility, status, helpful, not_helpful, views, revision, author_id, created_at, updated_at, published_at`+cols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20`+vals+`)`,
		a.ID, wsID, a.Group, a.Language, a.Title, a.Body, ix.Text, ix.TitleTerms, ix.BodyTerms, nullID(a.CategoryID), strings.Join(a.Tags, "\n"),
		string(a.Visibility), string(a.Status), a.Helpful, a.NotHelpful, a.Views, a.Revision, nullID(a.AuthorID), ms(a.CreatedAt), publishedMS(a.PublishedAt))
	if isUniqueViolation(err) {
		return translationTaken()
	}
	if err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	if err := s.addKBRevision(ctx, tx, *a); err != nil {
		return err
	}
	return s.writeKBIndex(ctx, tx, wsID, *a, ix, false, d)
}

// UpdateKBArticle changes an article in one transaction: it reads the
// current row, lets change modify it (change may refuse by returning an
// error, which writes nothing), validates, saves a new revision when the
// title or body changed, and reindexes.
func (s *Store) UpdateKBArticle(ctx context.Context, wsID, id int64, change func(*kb.Article) error) (kb.Article, error) {
	var a kb.Article
	err := s.inTx(ctx, func(tx *Tx) error {
		before, err := s.kbArticle(ctx, tx, wsID, id)
		if err != nil {
			return err
		}
		a = before
		a.Tags = append([]string(nil), before.Tags...)
		if err := change(&a); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if a.CategoryID != 0 && a.CategoryID != before.CategoryID {
			if err := kbCategoryExists(ctx, tx, wsID, a.CategoryID, "category_id"); err != nil {
				return err
			}
		}
		if a.Language != before.Language {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM kb_articles WHERE group_id = $1 AND language = $2`, a.Group, a.Language).Scan(&n); err != nil {
				return fmt.Errorf("check variants: %w", err)
			}
			if n > 0 {
				return taken("language", "this article already has a variant in this language")
			}
		}
		now := fromMS(ms(s.now()))
		a.UpdatedAt = now
		if a.Status == kb.Published && before.Status != kb.Published {
			a.PublishedAt = &now
		}
		if a.Title != before.Title || a.Body != before.Body {
			a.Revision = before.Revision + 1
			if err := s.addKBRevision(ctx, tx, a); err != nil {
				return err
			}
		}
		d := kbDocDeltas{}
		if err := uncountKBArticle(ctx, tx, id, d); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE kb_articles SET language = $1, title = $2, body = $3, category_id = $4, tags = $5, visibility = $6,
			status = $7, revision = $8, author_id = $9, updated_at = $10, published_at = $11 WHERE id = $12 AND workspace_id = $13`,
			a.Language, a.Title, a.Body, nullID(a.CategoryID), strings.Join(a.Tags, "\n"), string(a.Visibility), string(a.Status),
			a.Revision, nullID(a.AuthorID), ms(now), publishedMS(a.PublishedAt), id, wsID)
		if isUniqueViolation(err) {
			return taken("language", "this article already has a variant in this language")
		}
		if err != nil {
			return fmt.Errorf("update article: %w", err)
		}
		if err := s.indexKBArticle(ctx, tx, wsID, a, true, d); err != nil {
			return err
		}
		return d.write(ctx, tx, wsID)
	})
	return a, err
}

// KBRevisions returns an article's revisions, newest first.
func (s *Store) KBRevisions(ctx context.Context, wsID, id int64) ([]kb.Revision, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT r.number, coalesce(r.author_id, 0), r.at, r.title, r.body FROM kb_revisions r
		JOIN kb_articles a ON a.id = r.article_id WHERE a.id = $1 AND a.workspace_id = $2 ORDER BY r.number DESC`, id, wsID)
	if err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (v kb.Revision, err error) {
		var at int64
		err = r.Scan(&v.Number, &v.AuthorID, &at, &v.Title, &v.Body)
		v.At = fromMS(at)
		return v, err
	})
}

// VoteKBArticle records a "Was this helpful?" answer.
func (s *Store) VoteKBArticle(ctx context.Context, wsID, id int64, helpful bool) error {
	col := "not_helpful"
	if helpful {
		col = "helpful"
	}
	res, err := s.write.ExecContext(ctx, `UPDATE kb_articles SET `+col+` = `+col+` + 1 WHERE id = $1 AND workspace_id = $2`, id, wsID)
	return mustAffect(res, err, "article")
}

// ViewKBArticle counts one reading of an article.
func (s *Store) ViewKBArticle(ctx context.Context, wsID, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE kb_articles SET views = views + 1 WHERE id = $1 AND workspace_id = $2`, id, wsID)
	return mustAffect(res, err, "article")
}

// ImportKBArticles adds many articles in one transaction (an import, the
// benchmarks): each is validated, gets its first revision and is indexed,
// as CreateKBArticle does, but without variants. One bad article refuses
// the whole import. An import of kbOptimizeAfter articles or more then
// compacts the search index (OptimizeKBIndex).
func (s *Store) ImportKBArticles(ctx context.Context, wsID int64, arts []kb.Article) error {
	if err := s.importKBArticles(ctx, wsID, arts); err != nil {
		return err
	}
	if len(arts) < kbOptimizeAfter {
		return nil
	}
	return s.OptimizeKBIndex(ctx)
}

// kbOptimizeAfter is the size of an import after which the search index
// is compacted. Articles written one at a time (the editor) leave FTS5's
// own incremental merging to keep the index in few segments; a bulk
// import leaves many, and every search term then opens an iterator on
// each (a fifth of a search's time at 20,000 articles). Compacting costs
// seconds once per import, which is rare; below this size it is not worth
// rewriting the whole index.
const kbOptimizeAfter = 1000

// OptimizeKBIndex compacts the knowledge base's full-text index: on
// SQLite, FTS5's segments are merged into one; on PostgreSQL, the GIN
// index's pending list (recent entries every search scans linearly) is
// merged into the index, as autovacuum would do later.
func (s *Store) OptimizeKBIndex(ctx context.Context) error {
	q := `INSERT INTO kb_fts (kb_fts) VALUES ('optimize')`
	if s.dialect == Postgres {
		q = `SELECT gin_clean_pending_list('kb_articles_search'::regclass)`
	}
	if _, err := s.write.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("optimize search index: %w", err)
	}
	return nil
}

func (s *Store) importKBArticles(ctx context.Context, wsID int64, arts []kb.Article) error {
	for i := range arts {
		if err := arts[i].Validate(); err != nil {
			return fmt.Errorf("article %d: %w", i, err)
		}
	}
	now := s.now()
	return s.inTx(ctx, func(tx *Tx) error {
		d := kbDocDeltas{}
		for _, a := range arts {
			a.CreatedAt, a.UpdatedAt, a.Revision = fromMS(ms(now)), fromMS(ms(now)), 1
			if a.Status == kb.Published {
				a.PublishedAt = &a.CreatedAt
			}
			if err := s.checkKBLinks(ctx, tx, wsID, &a, 0); err != nil {
				return err
			}
			if err := s.insertKBArticle(ctx, tx, wsID, &a, d); err != nil {
				return err
			}
		}
		return d.write(ctx, tx, wsID)
	})
}

// AddKBCounts adds to an article's votes and views at once (the demo's
// history of readers).
func (s *Store) AddKBCounts(ctx context.Context, wsID, id, helpful, notHelpful, views int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE kb_articles SET helpful = helpful + $1, not_helpful = not_helpful + $2, views = views + $3
		WHERE id = $4 AND workspace_id = $5`, helpful, notHelpful, views, id, wsID)
	return mustAffect(res, err, "article")
}
