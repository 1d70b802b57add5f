package desk

import (
	"context"
	"slices"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
)

// The embeddable help box. Admins turn it on (a public key), list the
// origins allowed to embed it and map pages to articles; visitors of those
// sites reach it by key, without an account, and see only published
// public articles.

// HelpBoxSetup is what the admin page shows.
type HelpBoxSetup struct {
	Enabled  bool
	Settings helpbox.Settings
	Mappings []helpbox.Mapping
}

// HelpBoxSetup returns a workspace's help-box settings and mappings
// (admins only).
func (d *Service) HelpBoxSetup(ctx context.Context, a auth.Actor) (HelpBoxSetup, error) {
	if err := requireAdmin(a); err != nil {
		return HelpBoxSetup{}, err
	}
	var out HelpBoxSetup
	st, err := d.store.HelpBox(ctx, a.WorkspaceID)
	switch {
	case err == nil:
		out.Enabled, out.Settings = true, st
	case !problem.Is(err, problem.NotFound):
		return out, err
	}
	out.Mappings, err = d.store.HelpBoxMappings(ctx, a.WorkspaceID)
	return out, err
}

// RotateHelpBoxKey gives the workspace a new public key (turning the box
// on the first time); pages still carrying the old key stop showing the
// box. Admins only; audited.
func (d *Service) RotateHelpBoxKey(ctx context.Context, a auth.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.SetHelpBoxKey(ctx, a.WorkspaceID, a.AgentID, helpbox.NewKey())
}

// SetHelpBoxOrigins saves the origins allowed to embed the box, typed one
// per line. Admins only; audited.
func (d *Service) SetHelpBoxOrigins(ctx context.Context, a auth.Actor, text string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	origins, err := helpbox.ParseOrigins(text)
	if err != nil {
		return err
	}
	return d.store.SetHelpBoxOrigins(ctx, a.WorkspaceID, a.AgentID, origins)
}

// AddHelpBoxMapping maps pages to an article or a category. Admins only;
// audited.
func (d *Service) AddHelpBoxMapping(ctx context.Context, a auth.Actor, m helpbox.Mapping) (helpbox.Mapping, error) {
	if err := requireAdmin(a); err != nil {
		return m, err
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	return d.store.AddHelpBoxMapping(ctx, a.WorkspaceID, a.AgentID, m)
}

// DeleteHelpBoxMapping removes a mapping. Admins only; audited.
func (d *Service) DeleteHelpBoxMapping(ctx context.Context, a auth.Actor, id int64) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.DeleteHelpBoxMapping(ctx, a.WorkspaceID, a.AgentID, id)
}

// HelpBoxByKey finds the help box a public key names, for visitors. A key
// of the wrong shape is not looked up.
func (d *Service) HelpBoxByKey(ctx context.Context, key string) (helpbox.Settings, error) {
	if !helpbox.ValidKey(key) {
		return helpbox.Settings{}, problem.New(problem.NotFound, "not_found", "no such help box")
	}
	return d.store.HelpBoxByKey(ctx, key)
}

// maxSuggestions is how many mapped articles the box lists for a page.
const maxSuggestions = 8

// HelpBoxSuggestions are the published public articles mapped to the page
// the box was opened on, in language when the article has a variant in it,
// in the order of the mappings.
func (d *Service) HelpBoxSuggestions(ctx context.Context, box helpbox.Settings, language string, page helpbox.Page) ([]kb.Article, error) {
	if !slices.Contains(kb.Languages, language) {
		return nil, problem.Fields{"language": {Code: "unknown_value", Message: "must be fr or en"}}.Err()
	}
	ms, err := d.store.HelpBoxMappings(ctx, box.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out []kb.Article
	seen := map[int64]bool{}
	add := func(a kb.Article) {
		if !seen[a.Group] && len(out) < maxSuggestions {
			seen[a.Group] = true
			out = append(out, a)
		}
	}
	var inLang []kb.Article // loaded once, for category mappings
	for _, m := range helpbox.Select(ms, page) {
		if len(out) == maxSuggestions {
			break
		}
		if m.ArticleID != 0 {
			a, err := d.articleIn(ctx, box.WorkspaceID, m.ArticleID, language)
			if problem.Is(err, problem.NotFound) {
				continue // unpublished or internal: not for visitors
			}
			if err != nil {
				return nil, err
			}
			add(a)
			continue
		}
		if inLang == nil {
			if inLang, err = d.store.KBArticles(ctx, box.WorkspaceID, kb.Filter{Language: language, Status: kb.Published, Visibility: kb.Public, Limit: 200}); err != nil {
				return nil, err
			}
		}
		for _, a := range inLang {
			if a.CategoryID == m.CategoryID {
				add(a)
			}
		}
	}
	return out, nil
}

// articleIn returns a published public article in a language: the
// article itself, or its variant in that language when it has one.
func (d *Service) articleIn(ctx context.Context, wsID, id int64, language string) (kb.Article, error) {
	a, err := d.readableArticle(ctx, wsID, kb.Customer, id)
	if err != nil || a.Language == language {
		return a, err
	}
	variants, err := d.PublicTranslations(ctx, wsID, a)
	if err != nil {
		return a, err
	}
	for _, v := range variants {
		if v.Language == language {
			if va, err := d.readableArticle(ctx, wsID, kb.Customer, v.ID); err == nil {
				return va, nil
			}
		}
	}
	return a, nil
}
