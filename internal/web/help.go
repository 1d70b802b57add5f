package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/store"
)

// The public help centre under /help: categories with their articles,
// search, article pages with "Was this helpful?", in French and English,
// with no account. It shows only published public articles
// (desk.PublicSearch, PublicArticle), and searches with the same ranking
// as the API and the agents.

// helpHandler serves a public page of the help centre: the visitor's
// language and the help centre's workspace are settled before it runs.
type helpHandler func(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error

// publicHelp settles what every public /help page needs first — the
// visitor's language (helpLocale) and the workspace the help centre
// belongs to — and shows any error in the visitor's language.
func (s *server) publicHelp(h helpHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		loc := s.helpLocale(w, r)
		ws, err := s.d.HelpWorkspace(r.Context())
		if err == nil {
			err = h(w, r, loc, ws)
		}
		if err != nil {
			s.fail(w, r, loc, err)
		}
	}
}

type helpCategory struct {
	Name     string
	Articles []kb.Article
}

type helpHit struct {
	ID      int64
	Title   string
	Snippet template.HTML // escaped by kb.Snippet, with <mark> only
}

type helpPage struct {
	base
	View         string // "home", "search", "article"
	Query        string
	Categories   []helpCategory
	Hits         []helpHit
	Article      kb.Article
	Body         template.HTML // rendered and sanitised by kb.Render
	Translations []store.KBTranslation
	Related      []kb.Article
	Voted        bool
	// OtherLanguage says the hits are in the other language: a visitor
	// whose browser speaks English may still type in French.
	OtherLanguage bool
	// Journey is the visitor's journey token, carried in links and forms
	// for the help box's iframe (help_contact_journey.go).
	Journey string
	// FromContact: the article was opened from the contact form's
	// suggestions, and asks whether it solved the visitor's problem.
	FromContact bool
}

// helpLocale is the visitor's language: ?lang= (remembered in the
// language cookie), else the cookie or the browser's.
func (s *server) helpLocale(w http.ResponseWriter, r *http.Request) *locale {
	if l := r.URL.Query().Get("lang"); slices.Contains(i18n.Languages, l) {
		s.setLangCookie(w, r, l)
		return newLocale(l, "", time.Now())
	}
	return s.anonLocale(r)
}

func (s *server) helpPage(r *http.Request, loc *locale, view string) helpPage {
	return helpPage{base: s.anonBase(r, loc, "help.title"), View: view}
}

func (s *server) helpHome(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	ctx := r.Context()
	cats, err := s.d.KBCategories(ctx, ws)
	if err != nil {
		return err
	}
	arts, err := s.d.PublicArticles(ctx, ws, loc.Lang)
	if err != nil {
		return err
	}
	p := s.helpPage(r, loc, "home")
	_, p.Journey = s.journey(w, r)
	byCat := map[int64][]kb.Article{}
	for _, a := range arts {
		byCat[a.CategoryID] = append(byCat[a.CategoryID], a)
	}
	for _, c := range cats {
		if list := byCat[c.ID]; len(list) > 0 {
			slices.SortFunc(list, func(a, b kb.Article) int { return strings.Compare(a.Title, b.Title) })
			p.Categories = append(p.Categories, helpCategory{Name: c.Name(loc.Lang), Articles: list})
		}
	}
	if list := byCat[0]; len(list) > 0 {
		p.Categories = append(p.Categories, helpCategory{Name: loc.T("help.other"), Articles: list})
	}
	s.render(w, r, loc, http.StatusOK, "help", "", p)
	return nil
}

func (s *server) helpSearch(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	ctx := r.Context()
	p := s.helpPage(r, loc, "search")
	p.Query = r.URL.Query().Get("q")
	tok, carry := s.journey(w, r)
	p.Journey = carry
	hits, err := s.d.PublicSearch(ctx, ws, loc.Lang, p.Query, 10)
	if err == nil && len(hits) == 0 && strings.TrimSpace(p.Query) != "" {
		other := i18n.Either(loc.Lang, i18n.French, i18n.English)
		hits, err = s.d.PublicSearch(ctx, ws, other, p.Query, 10)
		p.OtherLanguage = len(hits) > 0
	}
	if err != nil {
		return err
	}
	p.Hits = helpHits(hits)
	if strings.TrimSpace(p.Query) != "" {
		s.recordStep(ctx, ws, tok, desk.JourneyStep{Kind: desk.StepSearch, Detail: p.Query, Hits: len(hits)})
	}
	s.render(w, r, loc, http.StatusOK, "help", "", p)
	return nil
}

// helpHits shows search hits; kb.Snippet escaped everything in a snippet
// but its <mark>.
func helpHits(hits []kb.Hit) []helpHit {
	out := make([]helpHit, 0, len(hits))
	for _, h := range hits {
		out = append(out, helpHit{ID: h.ID, Title: h.Title, Snippet: template.HTML(h.Snippet)})
	}
	return out
}

// pathArticle opens the published article of the workspace's help centre
// that the path names ({id}), for the help centre and the help box (the
// desk counts the view): an id that cannot exist, or an article customers
// may not read, is a missing page.
func (s *server) pathArticle(r *http.Request, ws int64) (kb.Article, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return kb.Article{}, err
	}
	return s.d.PublicArticle(r.Context(), ws, id)
}

func (s *server) helpArticle(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	ctx := r.Context()
	art, err := s.pathArticle(r, ws)
	if err != nil {
		return err
	}
	// The article's own language wins over the visitor's, so the page
	// reads in one language; the switch links to the other variant.
	if art.Language != loc.Lang {
		loc = newLocale(art.Language, "", time.Now())
	}
	p := s.helpPage(r, loc, "article")
	p.Title = art.Title
	tok, carry := s.journey(w, r)
	p.Journey = carry
	if r.URL.Query().Get("from") == "contact" { // a suggestion of the contact form
		p.FromContact = true
		s.recordStep(ctx, ws, tok, desk.JourneyStep{Kind: desk.StepSuggestionOpened, ArticleID: art.ID, Detail: art.Title})
	} else if r.URL.Query().Get("voted") == "" { // back from a vote: already counted
		s.recordStep(ctx, ws, tok, desk.JourneyStep{Kind: desk.StepArticleViewed, ArticleID: art.ID, Detail: art.Title})
	}
	p.Article, p.Body, p.Voted = art, template.HTML(kb.Render(art.Body)), r.URL.Query().Get("voted") != "" // kb.Render sanitised it
	if p.Translations, err = s.d.PublicTranslations(ctx, ws, art); err != nil {
		return err
	}
	if art.CategoryID != 0 {
		all, err := s.d.PublicArticles(ctx, ws, art.Language)
		if err != nil {
			return err
		}
		for _, a := range all {
			if a.CategoryID == art.CategoryID && a.ID != art.ID && len(p.Related) < 5 {
				p.Related = append(p.Related, a)
			}
		}
	}
	s.render(w, r, loc, http.StatusOK, "help", "", p)
	return nil
}

func (s *server) helpVote(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var helpful bool
	switch r.PostFormValue("helpful") {
	case "yes":
		helpful = true
	case "no":
	default:
		return badParameter("helpful")
	}
	if err := s.limitPublic(r, ws, desk.PublicVote); err != nil {
		return err
	}
	if err := s.d.VoteArticle(r.Context(), ws, id, helpful); err != nil {
		return err
	}
	s.recordStep(r.Context(), ws, s.journeyToken(w, r), desk.JourneyStep{Kind: desk.StepVote, ArticleID: id, Hits: map[bool]int{true: 1}[helpful]})
	http.Redirect(w, r, withJourney(r, "/help/articles/"+strconv.FormatInt(id, 10)+"?voted=1"), http.StatusSeeOther)
	return nil
}

// withJourney carries the visitor's journey token, posted by a form of
// the help box's iframe, onto the page the form redirects to.
func withJourney(r *http.Request, to string) string {
	if j := r.PostFormValue("j"); desk.ValidJourneyToken(j) {
		return to + "&j=" + j
	}
	return to
}
