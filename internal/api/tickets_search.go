package api

import (
	"slices"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// ticketSearchParams join the ticket list's parameters: with q, the list
// is a full-text search, best matches first, combinable with every filter.
var ticketSearchParams = []param{
	{Name: "q", Type: "string", Desc: "Words to find in subjects, customer messages, agent replies and internal notes (case, accents, " +
		"plurals and conjugations ignored; the last word also matches as a prefix while typed). Best matches first among the " +
		"1,000 most recent matches; sort is ignored. Each ticket then carries a search object with highlighted passages."},
	{Name: "created_from", Type: "string", Desc: "With q: tickets created on or after this date (YYYY-MM-DD, UTC) or time (RFC 3339)."},
	{Name: "created_before", Type: "string", Desc: "With q: tickets created before this date (YYYY-MM-DD, UTC) or time (RFC 3339)."},
}

// ticketListAndSearchParams are the list route's parameters.
var ticketListAndSearchParams = append(slices.Clone(ticketListParams), ticketSearchParams...)

// ticketMatchJSON is what a search adds to a ticket: its subject and its
// best passage as HTML-escaped text where only <mark> and </mark> are
// markup, around the matched words.
type ticketMatchJSON struct {
	Score       float64          `json:"score"`
	SubjectHTML string           `json:"subject_html"`
	SnippetHTML string           `json:"snippet_html"`
	SnippetKind ticket.EventKind `json:"snippet_kind,omitempty"`
}

func (a *API) searchTickets(c *call) (any, error) {
	q := c.r.URL.Query()
	if !q.Has("q") { // the date bounds are search filters
		return nil, problem.BadParameter("q", "")
	}
	from, err := searchDate("created_from", q.Get("created_from"))
	if err != nil {
		return nil, err
	}
	before, err := searchDate("created_before", q.Get("created_before"))
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	hits, next, err := a.desk.SearchTickets(c.r.Context(), c.actor, desk.TicketSearchQuery{TicketQuery: ticketQuery(c), Text: q.Get("q"),
		CreatedFrom: from, CreatedBefore: before}, q.Get("cursor"), limit)
	if err != nil {
		return nil, err
	}
	return keysetPage(hits, next, func(h store.TicketHit) ticketJSON {
		t := ticketOut(h.Ticket)
		t.Search = &ticketMatchJSON{Score: h.Score, SubjectHTML: h.SubjectHTML, SnippetHTML: h.Snippet, SnippetKind: h.SnippetKind}
		return t
	}), nil
}

// searchDate reads a date (midnight UTC) or an RFC 3339 time.
func searchDate(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, problem.BadParameter(name, v)
	}
	return t, nil
}
