package desk

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// The self-service journey: what a visitor did at Level 0 (searched, read,
// voted, started the form, was shown and opened suggestions, said an
// article solved it), recorded per browser session by a random token and
// nothing else about the person, attached to their ticket if they open
// one. Every Level 0 feature (help centre, contact form, help box,
// answering assistant) records its steps through RecordJourneyStep.

// StepKind is what a visitor did.
type StepKind string

// The step kinds. Kinds are open: a feature may record its own (lowercase
// letters and underscores, up to 32); these are the ones worded for the
// agents.
const (
	StepSearch           StepKind = "search"            // Detail: the query; Hits: how many answered
	StepArticleViewed    StepKind = "article_viewed"    // ArticleID
	StepVote             StepKind = "vote"              // ArticleID; Hits 1 helpful, 0 not
	StepFormStarted      StepKind = "form_started"      // the contact form was opened
	StepSuggestionShown  StepKind = "suggestion_shown"  // ArticleID: the best suggestion
	StepSuggestionOpened StepKind = "suggestion_opened" // ArticleID
	StepSolved           StepKind = "solved"            // ArticleID: "this solved it"; ends the journey as a deflection
	StepHelpboxOpened    StepKind = "helpbox_opened"    // Detail: the page
	StepAssistantAsked   StepKind = "assistant_asked"   // Detail: the question; Hits: passages answered
)

// Limits of a journey.
const (
	MaxJourneyToken  = 64
	minJourneyToken  = 16
	MaxJourneyDetail = 200 // runes
	maxJourneySteps  = 200
)

// JourneyStep is one step to record.
type JourneyStep struct {
	Kind      StepKind
	Detail    string // a short text: the query, the page; clipped to MaxJourneyDetail
	ArticleID int64  // the article concerned, if any
	Hits      int    // for a search: how many results
}

// NewJourneyToken returns a fresh random journey token.
func NewJourneyToken() string { return rand.Text() }

// ValidJourneyToken reports whether a token from outside (a cookie, a form
// field, a query parameter) has a journey token's shape: 16 to 64 letters,
// digits, '-' or '_'.
func ValidJourneyToken(tok string) bool {
	if len(tok) < minJourneyToken || len(tok) > MaxJourneyToken {
		return false
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func validStepKind(k StepKind) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

var errBadJourney = problem.New(problem.BadRequest, "bad_journey", "the journey token is not valid")

// RecordJourneyStep records one step of a visitor's journey in a
// workspace, starting the journey on its first step. The token is the
// visitor's (see ValidJourneyToken); a step naming an article gets the
// article's title as its detail when it has none. A journey keeps its
// first 200 steps; a step repeating the one before is recorded once.
func (d *Service) RecordJourneyStep(ctx context.Context, wsID int64, token string, st JourneyStep) error {
	if !ValidJourneyToken(token) {
		return errBadJourney
	}
	if !validStepKind(st.Kind) {
		return problem.New(problem.BadRequest, "bad_parameter", "unknown journey step").With("name", "kind")
	}
	detail := strings.Join(strings.Fields(strings.ToValidUTF8(st.Detail, "")), " ")
	if detail == "" && st.ArticleID != 0 {
		detail = d.publicArticleTitle(ctx, wsID, st.ArticleID)
	}
	return d.store.RecordJourneyStep(ctx, wsID, token, store.JourneyStep{Kind: string(st.Kind), Detail: clipRunes(detail, MaxJourneyDetail),
		ArticleID: max(st.ArticleID, 0), Hits: max(st.Hits, 0)}, maxJourneySteps)
}

// Journey returns a journey's summary (ok false when the token has none).
func (d *Service) Journey(ctx context.Context, wsID int64, token string) (store.Journey, bool, error) {
	if !ValidJourneyToken(token) {
		return store.Journey{}, false, nil
	}
	return d.store.JourneyByToken(ctx, wsID, token)
}

// TicketJourney returns what the customer tried before opening a ticket
// the actor may see: the steps of its journey, oldest first.
func (d *Service) TicketJourney(ctx context.Context, a auth.Actor, ticketID int64) ([]store.JourneyStep, error) {
	if _, err := d.Ticket(ctx, a, ticketID); err != nil {
		return nil, err
	}
	return d.store.TicketJourney(ctx, a.WorkspaceID, ticketID)
}

// StepText words a journey step for an agent, in lang: « Recherche
// « mot de passe » (3 résultats) », « Article lu : … ».
func StepText(lang string, st store.JourneyStep) string {
	key := "journey.step." + st.Kind
	if st.Kind == string(StepVote) {
		key += map[bool]string{true: "_yes", false: "_no"}[st.Hits > 0]
	}
	if !i18n.Has(key) {
		key = "journey.step.other"
	}
	return i18n.T(lang, key, "detail", st.Detail, "hits", i18n.Number(lang, st.Hits), "kind", st.Kind)
}

// journeyTried words a ticket's journey for the hand-off summary's
// "self-service before contact" place.
func (d *Service) journeyTried(ctx context.Context, wsID, ticketID int64, lang string) ([]string, error) {
	steps, err := d.store.TicketJourney(ctx, wsID, ticketID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range steps {
		out = append(out, StepText(lang, st))
	}
	return out, nil
}

// SelfService are the self-service measures of a period.
type SelfService struct {
	From, To time.Time
	store.SelfServiceCounts
	// DeflectionRate is journeys that reached the contact form and ended
	// satisfied without a ticket ÷ journeys that reached the form (0 when
	// none did).
	DeflectionRate float64
	// ContactRate is journeys that ended with a ticket ÷ journeys.
	ContactRate float64
}

// maxReportPeriod bounds a measures period.
const maxReportPeriod = 366 * 24 * time.Hour

// SelfServiceMeasures returns the self-service measures of [from, to) for
// leads and admins.
func (d *Service) SelfServiceMeasures(ctx context.Context, a auth.Actor, from, to time.Time) (SelfService, error) {
	if err := requireLead(a); err != nil {
		return SelfService{}, err
	}
	f := problem.Fields{}
	if !to.After(from) {
		f.Add("to", "before_from", "must be after from")
	} else if to.Sub(from) > maxReportPeriod {
		f.Add("to", "period_too_long", "the period is at most 366 days", "max", strconv.Itoa(366))
	}
	if err := f.Err(); err != nil {
		return SelfService{}, err
	}
	c, err := d.store.SelfServiceMeasures(ctx, a.WorkspaceID, from, to, 10)
	if err != nil {
		return SelfService{}, err
	}
	m := SelfService{From: from, To: to, SelfServiceCounts: c}
	if c.ReachedForm > 0 {
		m.DeflectionRate = float64(c.DeflectedAfterForm) / float64(c.ReachedForm)
	}
	if c.Journeys > 0 {
		m.ContactRate = float64(c.Tickets) / float64(c.Journeys)
	}
	return m, nil
}

// publicArticleTitle is the title of a public article, for wording a
// step; "" when it is not one.
func (d *Service) publicArticleTitle(ctx context.Context, wsID, id int64) string {
	art, err := d.readableArticle(ctx, wsID, kb.Customer, id)
	if err != nil {
		return ""
	}
	return art.Title
}
