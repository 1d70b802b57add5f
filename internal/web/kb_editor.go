package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/kb"
)

// The agents' article editor under /kb: the list, a form to write or
// change an article with a live preview (htmx, the same rendering the help
// centre uses), and the article's revisions. The desk checks who may
// write: agents, leads and admins.

type kbForm struct {
	ID, TranslationOf                               int64
	FromTicket                                      int64 // the number of the ticket it is written from
	Title, Body, Language, Tags, Visibility, Status string
	CategoryID                                      string
	Categories, Languages, Visibilities, Statuses   []option
	Errors                                          formErrors
	Message                                         string
}

type kbPage struct {
	base
	View      string // "list", "form"
	Articles  []kb.Article
	Form      kbForm
	Preview   template.HTML
	Revisions []kb.Revision
}

func (s *server) kbList(w http.ResponseWriter, r *http.Request, rq *request) error {
	list, err := s.d.Articles(r.Context(), rq.actor, kb.Filter{Limit: 200})
	if err != nil {
		return err
	}
	p := kbPage{base: s.base(r, rq, rq.loc.T("kb.title"), "kb"), View: "list", Articles: list}
	s.render(w, r, rq.loc, http.StatusOK, "kb", "", p)
	return nil
}

func (s *server) kbNew(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := kbForm{Language: rq.loc.Lang, Visibility: string(kb.Public), Status: string(kb.Draft)}
	if v := r.URL.Query().Get("from_ticket"); v != "" {
		return s.kbNewFromTicket(w, r, rq, v)
	}
	if v, err := strconv.ParseInt(r.URL.Query().Get("translation_of"), 10, 64); err == nil && v > 0 {
		other, err := s.d.Article(r.Context(), rq.actor, v)
		if err != nil {
			return err
		}
		f.TranslationOf, f.CategoryID, f.Visibility = other.ID, strconv.FormatInt(other.CategoryID, 10), string(other.Visibility)
		f.Language = "fr"
		if other.Language == "fr" {
			f.Language = "en"
		}
	}
	return s.renderKBForm(w, r, rq, http.StatusOK, f, nil)
}

func (s *server) kbEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.d.Article(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	revs, err := s.d.ArticleRevisions(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	f := kbForm{ID: a.ID, Title: a.Title, Body: a.Body, Language: a.Language, Tags: strings.Join(a.Tags, ", "),
		Visibility: string(a.Visibility), Status: string(a.Status), CategoryID: strconv.FormatInt(a.CategoryID, 10)}
	return s.renderKBForm(w, r, rq, http.StatusOK, f, revs)
}

func (s *server) renderKBForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f kbForm, revs []kb.Revision) error {
	l := rq.loc
	cats, err := s.d.KBCategories(r.Context(), rq.actor.WorkspaceID)
	if err != nil {
		return err
	}
	f.Categories = []option{{"0", l.T("value.none")}}
	for _, c := range cats {
		f.Categories = append(f.Categories, option{strconv.FormatInt(c.ID, 10), c.Name(l.Lang)})
	}
	f.Languages = []option{{"fr", "Français"}, {"en", "English"}}
	f.Visibilities = []option{{"public", l.T("kb.public")}, {"internal", l.T("kb.internal")}}
	f.Statuses = []option{{"draft", l.T("kb.draft")}, {"published", l.T("kb.published")}, {"archived", l.T("kb.archived")}}
	title := l.T("kb.new")
	if f.ID != 0 {
		title = f.Title
	}
	p := kbPage{base: s.base(r, rq, title, "kb"), View: "form", Form: f, Preview: template.HTML(kb.Render(f.Body)), Revisions: revs} // kb.Render sanitised it
	s.render(w, r, rq.loc, status, "kb", "", p)
	return nil
}

func (s *server) kbSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := kbForm{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Language: r.PostFormValue("language"),
		Tags: r.PostFormValue("tags"), Visibility: r.PostFormValue("visibility"), Status: r.PostFormValue("status"), CategoryID: r.PostFormValue("category_id")}
	cat, _ := strconv.ParseInt(f.CategoryID, 10, 64)
	var tags []string
	for t := range strings.SplitSeq(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	vis, st := kb.Visibility(f.Visibility), kb.Status(f.Status)
	var a kb.Article
	var err error
	if idText := r.PathValue("id"); idText != "" {
		if f.ID, err = strconv.ParseInt(idText, 10, 64); err != nil || f.ID <= 0 {
			return errPageNotFound
		}
		a, err = s.d.UpdateArticle(r.Context(), rq.actor, f.ID, desk.ArticleChange{Title: &f.Title, Body: &f.Body, Language: &f.Language,
			CategoryID: &cat, Tags: &tags, Visibility: &vis, Status: &st})
	} else if from := r.PostFormValue("from_ticket"); from != "" {
		if f.FromTicket, err = strconv.ParseInt(from, 10, 64); err != nil || f.FromTicket <= 0 {
			return errPageNotFound
		}
		a, err = s.d.CreateArticleFromTicket(r.Context(), rq.actor, f.FromTicket, &kb.Article{Title: f.Title, Body: f.Body, Language: f.Language,
			CategoryID: cat, Tags: tags, Visibility: vis, Status: st})
	} else {
		f.TranslationOf, _ = strconv.ParseInt(r.PostFormValue("translation_of"), 10, 64)
		a, err = s.d.CreateArticle(r.Context(), rq.actor, kb.Article{Title: f.Title, Body: f.Body, Language: f.Language, CategoryID: cat,
			Tags: tags, Visibility: vis, Status: st}, f.TranslationOf)
	}
	if fe, ok := rq.loc.fieldErrors(err); ok {
		f.Errors, f.Message = fe, rq.loc.Error(err)
		return s.renderKBForm(w, r, rq, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/kb/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}

// kbPreview renders the Markdown being typed, as the help centre will.
func (s *server) kbPreview(w http.ResponseWriter, r *http.Request, rq *request) error {
	body := r.PostFormValue("body")
	if len(body) > kb.MaxBody {
		body = body[:kb.MaxBody]
	}
	s.render(w, r, rq.loc, http.StatusOK, "kb", "preview", template.HTML(kb.Render(body))) // kb.Render sanitised it
	return nil
}

// kbNewFromTicket opens the editor on the draft a solved ticket makes
// ("Create an article from this ticket" on the ticket page); saving it
// records the ticket it came from.
func (s *server) kbNewFromTicket(w http.ResponseWriter, r *http.Request, rq *request, number string) error {
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n <= 0 {
		return errPageNotFound
	}
	a, _, err := s.d.ArticleFromTicket(r.Context(), rq.actor, n)
	if err != nil {
		return err
	}
	f := kbForm{FromTicket: n, Title: a.Title, Body: a.Body, Language: a.Language, Visibility: string(a.Visibility), Status: string(a.Status),
		CategoryID: strconv.FormatInt(a.CategoryID, 10)}
	return s.renderKBForm(w, r, rq, http.StatusOK, f, nil)
}
