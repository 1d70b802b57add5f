package api

import (
	"net/url"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
)

// The self-service report: leads and admins read the period's measures;
// agents may not; a bad period is refused by field.
func TestSelfServiceReport(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ws := e.f.WS.ID
		rec := func(tok string, st desk.JourneyStep) {
			t.Helper()
			if err := e.d.RecordJourneyStep(ctx, ws, tok+"AAAAAAAAAAAAAAAAAAAA", st); err != nil {
				t.Fatal(err)
			}
		}
		rec("j1", desk.JourneyStep{Kind: desk.StepSearch, Detail: "Export CSV", Hits: 0})
		rec("j1", desk.JourneyStep{Kind: desk.StepFormStarted})
		rec("j1", desk.JourneyStep{Kind: desk.StepSolved, ArticleID: 0})
		rec("j2", desk.JourneyStep{Kind: desk.StepSearch, Detail: "export csv", Hits: 0})
		rec("j2", desk.JourneyStep{Kind: desk.StepFormStarted})
		rec("j3", desk.JourneyStep{Kind: desk.StepSearch, Detail: "facture", Hits: 2})
		rec("j4", desk.JourneyStep{Kind: desk.StepFormStarted})

		now := time.Now().UTC()
		q := url.Values{"from": {now.Add(-time.Hour).Format(time.RFC3339)}, "to": {now.Add(time.Hour).Format(time.RFC3339)}}
		var got selfServiceJSON
		e.must(e.get("lead", Prefix+"/reports/self-service?"+q.Encode()), 200, &got)
		if got.Journeys != 4 || got.ReachedForm != 3 || got.DeflectedAfterForm != 1 || got.Tickets != 0 {
			t.Errorf("report %+v", got)
		}
		if got.DeflectionRate < 0.33 || got.DeflectionRate > 0.34 || got.ContactRate != 0 {
			t.Errorf("rates %v %v, want 1/3 and 0", got.DeflectionRate, got.ContactRate)
		}
		if got.Searches != 3 || got.NoResultSearches != 2 || len(got.NoResultQueries) != 1 || got.NoResultQueries[0] != (queryCountJSON{"export csv", 2}) {
			t.Errorf("searches %+v", got)
		}
		e.must(e.get("admin", Prefix+"/reports/self-service"), 200, nil)
		if a := e.get("agentL1", Prefix+"/reports/self-service"); a.status != 403 {
			t.Errorf("an agent reads the report: %s", a)
		}
		if a := e.get("lead", Prefix+"/reports/self-service?from=2026-12-02&to=2026-12-01"); a.status != 422 {
			t.Errorf("to before from: %s", a)
		}
		if a := e.get("lead", Prefix+"/reports/self-service?from=yesterday"); a.status != 400 {
			t.Errorf("a bad date: %s", a)
		}
		if a := e.get("lead", Prefix+"/reports/self-service?from=2020-01-01&to=2026-01-01"); a.status != 422 {
			t.Errorf("six years: %s", a)
		}
	})
}
