package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/routing"
)

// The dry run: the working copy over past tickets the caller may read.

// routingDryRun runs the working copy, open editor included, over the last
// N tickets and shows what would change.
func (s *server) routingDryRun(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := parseRoutingState(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostForm.Get("n"))
	if err != nil || !slices.Contains(dryRunSizes, n) {
		return badParameter("n")
	}
	view, status, err := s.dryRun(r.Context(), rq, st, n)
	if err != nil {
		return err
	}
	if isHTMX(r) {
		s.render(w, r, rq.loc, status, "admin_routing", "dry-run", pair{L: rq.loc, V: view})
		return nil
	}
	p := s.newRoutingPage(r, rq, st, routingOutcome{status: status})
	p.DryRun = &view
	s.render(w, r, rq.loc, status, "admin_routing", "", p)
	return nil
}

func (s *server) dryRun(ctx context.Context, rq *request, st routingState, n int) (dryRunView, int, error) {
	l := rq.loc
	set, err := st.withEditor()
	if err != nil {
		return dryRunView{Message: l.T("routing.invalid_rule"), Errors: []string{l.T("routing.err.bad_json", "detail", err.Error())}},
			http.StatusUnprocessableEntity, nil
	}
	res, err := s.d.DryRun(ctx, rq.actor, set, n)
	if verrs := validationErrors(err); verrs != nil {
		byRule, other := ruleErrors(l, verrs)
		v := dryRunView{Message: l.Error(err)}
		for i := range set.Rules {
			for _, msg := range byRule[i] {
				v.Errors = append(v.Errors, l.T("routing.place.in_rule", "n", strconv.Itoa(i+1), "name", set.Rules[i].Name)+msg)
			}
		}
		for _, msg := range byRule[editFallback] {
			v.Errors = append(v.Errors, l.T("routing.place.fallback")+msg)
		}
		v.Errors = append(v.Errors, other...)
		return v, http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return dryRunView{}, 0, err
	}
	return newDryRunView(l, sentences(rq), set, res), http.StatusOK, nil
}

// dryRunView is the result of a dry run as the page shows it.
type dryRunView struct {
	Message      string
	Errors       []string
	Total, Moved string
	// MovedByAgents counts the tickets agents moved since routing placed
	// them, which the comparison leaves out.
	MovedByAgents string
	Hits          []hitRow
	Flows         []flowRow
	Samples       []sampleRow
	More          bool // more tickets moved than the list shows
}

type hitRow struct {
	Position       int
	Name, Count    string
	Zero, Fallback bool
	Disabled       bool
}

type flowRow struct{ From, To, Count string }

type sampleRow struct {
	ID                         int64
	Ref, Subject, From, To, By string
	Why                        string // the conditions that held, as sentences
}

func newDryRunView(l *locale, say routing.Sentences, set routing.RuleSet, res desk.DryRunResult) dryRunView {
	v := dryRunView{Total: l.Num(res.Total), Moved: l.Num(res.Moved), MovedByAgents: l.Num(res.MovedByAgents)}
	v.Hits = hitRows(l, set, res.Hits)
	for _, f := range res.Flows {
		v.Flows = append(v.Flows, flowRow{From: placementText(f.From), To: placementText(f.To), Count: l.Num(f.Count)})
	}
	for i, d := range res.Decisions {
		if i >= len(res.Samples) {
			break
		}
		sm, before := res.Samples[i], res.Before[i]
		if !routing.Moved(before, d) {
			continue
		}
		if len(v.Samples) == dryRunShown {
			v.More = true
			break
		}
		by := d.RuleName
		if d.Fallback {
			by = l.T("routing.fallback")
		}
		why := make([]string, len(d.Reasons))
		for j, r := range d.Reasons {
			why[j] = say.Reason(r)
		}
		v.Samples = append(v.Samples, sampleRow{ID: sm.TicketID, Ref: "#" + strconv.FormatInt(sm.Number, 10), Subject: sm.Input.Subject,
			From: placementText(before), To: placementText(d.Placement()), By: by, Why: strings.Join(why, " · ")})
	}
	return v
}

// hitRows lines the hit counts up with the rules: the engine counts
// enabled rules only, in order, then the fallback.
func hitRows(l *locale, set routing.RuleSet, hits []routing.RuleHit) []hitRow {
	var out []hitRow
	next := 0
	for i, rule := range set.Rules {
		row := hitRow{Position: i + 1, Name: rule.Name, Disabled: !rule.Enabled}
		if rule.Enabled && next < len(hits) {
			row.Count, row.Zero = l.Num(hits[next].Count), hits[next].Count == 0
			next++
		}
		out = append(out, row)
	}
	if next < len(hits) {
		out = append(out, hitRow{Name: l.T("routing.fallback"), Fallback: true, Count: l.Num(hits[next].Count), Zero: hits[next].Count == 0})
	}
	return out
}

// placementText writes where a ticket sits: "L2 · Billing experts", or
// the tier alone when a rule leaves the team to the service.
func placementText(p routing.Placement) string {
	if p.Team == "" {
		return p.Tier
	}
	return p.Tier + " · " + p.Team
}
