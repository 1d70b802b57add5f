package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/kb"
)

// The contact form's suggestions: as the visitor types, one endpoint
// answers with the best articles (desk.ContactSuggestions, the help
// centre's ranking); a suggestion opens in place, under the form, with
// "this solved it", so the message being written is never lost.

type suggestionsView struct {
	L       *locale
	Journey string
	Hits    []helpHit
	Human   bool // routing keeps this request from self-service
}

type suggestionView struct {
	L       *locale
	Journey string
	Article kb.Article
	Body    template.HTML
}

func (s *server) contactSuggest(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	q := r.URL.Query()
	v := suggestionsView{L: loc, Journey: s.journeyToken(w, r)}
	hits, human, err := s.d.ContactSuggestions(r.Context(), ws, loc.Lang, q.Get("request_type"), clipRunesWeb(q.Get("subject"), desk.MaxSearchQuery),
		clipRunesWeb(q.Get("description"), desk.MaxSearchQuery), v.Journey)
	if err != nil {
		return err
	}
	v.Human, v.Hits = human, helpHits(hits)
	s.render(w, r, loc, http.StatusOK, "help_contact", "contact-suggestions", v)
	return nil
}

// contactSuggestion opens a suggested article under the form (htmx), or,
// without JavaScript, on its own page with the same question.
func (s *server) contactSuggestion(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tok := s.journeyToken(w, r)
	if !isHTMX(r) {
		http.Redirect(w, r, "/help/articles/"+strconv.FormatInt(id, 10)+"?from=contact&j="+tok, http.StatusSeeOther)
		return nil
	}
	art, err := s.d.PublicArticle(ctx, ws, id)
	if err != nil {
		return err
	}
	s.recordStep(ctx, ws, tok, desk.JourneyStep{Kind: desk.StepSuggestionOpened, ArticleID: art.ID, Detail: art.Title})
	s.render(w, r, loc, http.StatusOK, "help_contact", "contact-article",
		suggestionView{L: loc, Journey: tok, Article: art, Body: template.HTML(kb.Render(art.Body))}) // kb.Render sanitised it
	return nil
}

// contactSolved records "this solved it": the journey ends as a
// deflection and no ticket is opened.
func (s *server) contactSolved(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	id, err := strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	if err != nil || id <= 0 {
		return badParameter("article")
	}
	if err := s.d.ContactSolved(r.Context(), ws, s.journeyToken(w, r), id); err != nil {
		return err
	}
	seeOther(w, r, withJourney(r, "/help/contact?solved=1"))
	return nil
}

// clipRunesWeb keeps what is typed within the search limit, by letters.
func clipRunesWeb(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
