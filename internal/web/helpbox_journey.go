package web

import (
	"net/http"

	"github.com/palier/palier/internal/desk"
)

// The customer's self-service journey. The help box carries a journey
// token, the query or form parameter j: a random id the box mints when it
// first opens and keeps in its frame's sessionStorage (cookies are often
// blocked in a cross-site frame), appended to every link and form in the
// frame (helpbox-frame.js). The contact form reads the same parameter.

// journeyStep is one step of a journey, as the help box and the assistant
// see it.
type journeyStep struct {
	Kind      desk.StepKind
	Page      string // helpbox_opened: the page of the customer's site
	Query     string // search: what was typed; assistant_asked: the question
	Hits      int    // search: results; assistant_asked: 1 when answered
	ArticleID int64  // article_viewed
}

// recordJourney records a step of the visitor's journey in workspace ws,
// under the same token as the help centre's pages (the cookie, else the
// box's j). It is the one place the help box and the assistant report to
// the journey store; a failure to record never fails the visitor's
// request.
func (s *server) recordJourney(w http.ResponseWriter, r *http.Request, ws int64, step journeyStep) {
	detail := step.Query
	if step.Kind == desk.StepHelpboxOpened {
		detail = step.Page
	}
	s.recordStep(r.Context(), ws, s.journeyToken(w, r), desk.JourneyStep{Kind: step.Kind, Detail: detail, ArticleID: step.ArticleID, Hits: step.Hits})
}

// answeredHits is how an assistant answer counts in the journey.
func answeredHits(answered bool) int {
	if answered {
		return 1
	}
	return 0
}
