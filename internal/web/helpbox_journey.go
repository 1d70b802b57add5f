package web

import (
	"net/http"
	"regexp"
)

// The customer's self-service journey. The help box carries a journey
// token, the query or form parameter j: a random id the box mints when it
// first opens and keeps in its frame's sessionStorage (cookies are often
// blocked in a cross-site frame), appended to every link and form in the
// frame (helpbox-frame.js). The contact form reads the same parameter.

// journeyShape is what a journey token looks like; anything else is
// ignored rather than recorded.
var journeyShape = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// journeyToken returns the request's journey token, or "".
func journeyToken(r *http.Request) string {
	if j := r.FormValue("j"); journeyShape.MatchString(j) {
		return j
	}
	return ""
}

// journeyStep is one step of a journey, as the help box and the assistant
// see it.
type journeyStep struct {
	Kind      string // box_opened, box_search, article_viewed, assistant_question
	Page      string // box_opened: the page of the customer's site
	Query     string // box_search
	ArticleID int64  // article_viewed
	Question  string // assistant_question
	Answered  bool   // assistant_question: whether the assistant answered
}

// recordJourney records a step of the visitor's journey (token
// journeyToken(r); no personal data). It is the one place the help box and
// the assistant report to the journey store; a failure to record never
// fails the visitor's request.
func (s *server) recordJourney(r *http.Request, step journeyStep) {
	// wired at merge: the journey store (branch contact) records the step
	// under journeyToken(r) here.
	_, _ = r, step
}
