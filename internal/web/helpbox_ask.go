package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/assistant"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/kb"
)

// The answering assistant's page in the help centre, /help/ask: a customer
// types a question in a sentence and reads the passages that answer it
// (desk.Answer), or is told plainly there is none and offered the contact
// form. The same "answer" fragment serves htmx requests here and in the
// help box.

// contactPath is the contact form, built elsewhere in the help centre.
const contactPath = "/help/contact"

// answerView is an answer as the "answer" fragment shows it.
type answerView struct {
	Asked         bool
	Question      string
	Language      string // of the passages
	OtherLanguage bool
	Passages      []answerPassage
	ContactURL    string // the help centre's form, or the box's own
}

type answerPassage struct {
	Title string
	Link  string
	HTML  template.HTML // rendered and sanitised by kb.Render
}

// Answered reports whether the assistant found passages.
func (a answerView) Answered() bool { return len(a.Passages) > 0 }

// newAnswerView turns the assistant's reply into what the page shows;
// link builds the address of an article (the help centre's or the box's).
func newAnswerView(q, lang string, r assistant.Reply, link func(id int64) string) answerView {
	v := answerView{Asked: true, Question: q, Language: r.Language, OtherLanguage: r.Answered() && r.Language != lang}
	for _, p := range r.Passages {
		v.Passages = append(v.Passages, answerPassage{Title: p.ArticleTitle, Link: link(p.ArticleID),
			HTML: template.HTML(kb.Render(p.Markdown))}) // kb.Render sanitised it
	}
	return v
}

type askPage struct {
	base
	Answer answerView
}

func (s *server) helpAsk(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	p := askPage{base: s.anonBase(r, loc, "ask.title"), Answer: answerView{ContactURL: contactPath}}
	if q := r.URL.Query().Get("q"); q != "" {
		if err := s.limitPublic(r, ws, desk.PublicAsk); err != nil {
			return err
		}
		reply, err := s.d.Answer(r.Context(), ws, loc.Lang, q)
		if err != nil {
			return err
		}
		p.Answer = newAnswerView(q, loc.Lang, reply, func(id int64) string { return "/help/articles/" + strconv.FormatInt(id, 10) })
		p.Answer.ContactURL = contactPath
		s.recordJourney(w, r, ws, journeyStep{Kind: desk.StepAssistantAsked, Query: q, Hits: answeredHits(reply.Answered())})
	}
	if isHTMX(r) {
		s.render(w, r, loc, http.StatusOK, "helpbox", "answer", pair{L: loc, V: p.Answer})
		return nil
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "", p)
	return nil
}
