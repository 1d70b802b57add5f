package api

import (
	"time"

	"github.com/palier/palier/internal/desk"
)

// The self-service measures (issue 11), for the reports page to chart:
// deflection rate, contact rate, searches with no result.

// selfServiceSchemas documents the self-service report.
func selfServiceSchemas() map[string]any {
	return map[string]any{
		"SelfServiceReport": object([]string{"from", "to", "journeys", "reached_form", "deflected_after_form", "deflected", "tickets",
			"deflection_rate", "contact_rate", "searches", "no_result_searches", "no_result_queries"}, schema{
			"from":                 when("Start of the period (included)."),
			"to":                   when("End of the period (excluded)."),
			"journeys":             integer("Self-service journeys (browser sessions) started in the period."),
			"reached_form":         integer("Of those, journeys that reached the contact form."),
			"deflected_after_form": integer("Journeys that reached the form and ended satisfied (\"this solved it\") without a ticket."),
			"deflected":            integer("Every journey that ended satisfied without a ticket, form reached or not."),
			"tickets":              integer("Journeys that ended with a ticket."),
			"deflection_rate":      number("deflected_after_form ÷ reached_form (0 when no journey reached the form)."),
			"contact_rate":         number("tickets ÷ journeys (0 when there was none)."),
			"searches":             integer("Searches made in the period."),
			"no_result_searches":   integer("Searches that found no article."),
			"no_result_queries": list(object([]string{"query", "count"}, schema{"query": str("Lower-cased."), "count": integer("")}),
				"The most frequent searches with no result, most frequent first (up to 10)."),
		}),
	}
}

var selfServiceParams = []param{
	{Name: "from", Type: "string", Desc: "Start of the period, RFC 3339 or YYYY-MM-DD (UTC midnight); default 30 days before to."},
	{Name: "to", Type: "string", Desc: "End of the period (excluded), RFC 3339 or YYYY-MM-DD; default now. At most 366 days after from."},
}

type queryCountJSON struct {
	Query string `json:"query"`
	Count int    `json:"count"`
}

type selfServiceJSON struct {
	From               time.Time        `json:"from"`
	To                 time.Time        `json:"to"`
	Journeys           int              `json:"journeys"`
	ReachedForm        int              `json:"reached_form"`
	DeflectedAfterForm int              `json:"deflected_after_form"`
	Deflected          int              `json:"deflected"`
	Tickets            int              `json:"tickets"`
	DeflectionRate     float64          `json:"deflection_rate"`
	ContactRate        float64          `json:"contact_rate"`
	Searches           int              `json:"searches"`
	NoResultSearches   int              `json:"no_result_searches"`
	NoResultQueries    []queryCountJSON `json:"no_result_queries"`
}

func reportTime(c *call, name string, def time.Time) (time.Time, error) {
	s := c.r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, badParameter(name, s)
}

func (a *API) selfServiceReport(c *call) (any, error) {
	to, err := reportTime(c, "to", time.Now().UTC())
	if err != nil {
		return nil, err
	}
	from, err := reportTime(c, "from", to.Add(-30*24*time.Hour))
	if err != nil {
		return nil, err
	}
	m, err := a.desk.SelfServiceMeasures(c.r.Context(), c.actor, from, to)
	if err != nil {
		return nil, err
	}
	return selfServiceOf(m), nil
}

func selfServiceOf(m desk.SelfService) selfServiceJSON {
	out := selfServiceJSON{From: m.From, To: m.To, Journeys: m.Journeys, ReachedForm: m.ReachedForm, DeflectedAfterForm: m.DeflectedAfterForm,
		Deflected: m.Deflected, Tickets: m.Tickets, DeflectionRate: m.DeflectionRate, ContactRate: m.ContactRate, Searches: m.Searches,
		NoResultSearches: m.NoResultSearches, NoResultQueries: []queryCountJSON{}}
	for _, q := range m.NoResult {
		out.NoResultQueries = append(out.NoResultQueries, queryCountJSON{Query: q.Query, Count: q.Count})
	}
	return out
}
