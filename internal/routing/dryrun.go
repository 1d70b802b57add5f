package routing

import (
	"cmp"
	"slices"

	"github.com/palier/palier/internal/textsearch"
)

// Placement is where a ticket sits: its tier and team.
type Placement struct {
	Tier string `json:"tier"`
	Team string `json:"team,omitempty"`
}

// Placement is where the decision puts the ticket.
func (d Decision) Placement() Placement {
	return Placement{Tier: d.Actions.Tier, Team: d.Actions.Team}
}

// Moved reports whether d would put a ticket that sits at before somewhere
// else: another tier, or another team when d names a team. A decision that
// names no team leaves the team to the service, so it does not count as a
// team change. Names are compared ignoring case and accents.
func Moved(before Placement, d Decision) bool {
	after := d.Placement()
	// Equal names, the common case, need no folding.
	if before.Tier != after.Tier && textsearch.Normalize(before.Tier) != textsearch.Normalize(after.Tier) {
		return true
	}
	return after.Team != "" && before.Team != after.Team && textsearch.Normalize(before.Team) != textsearch.Normalize(after.Team)
}

// RuleHit counts the tickets one rule (or the fallback) would take.
type RuleHit struct {
	RuleID   int64  `json:"rule_id,omitempty"`
	RuleName string `json:"rule_name,omitempty"`
	Fallback bool   `json:"fallback,omitempty"`
	Count    int    `json:"count"`
}

// Flow counts the moved tickets that would go from one placement to another.
type Flow struct {
	From  Placement `json:"from"`
	To    Placement `json:"to"`
	Count int       `json:"count"`
}

// DryRun is the outcome of running a rule set over stored tickets.
type DryRun struct {
	// Decisions has one decision per ticket, in order; it is not part of
	// the JSON form, which summarises.
	Decisions []Decision `json:"-"`
	Total     int        `json:"total"`
	// Moved counts the tickets that would land elsewhere (see Moved).
	Moved int `json:"moved"`
	// Hits has one entry per enabled rule, in rule order, then the
	// fallback — rules that never match show a zero count.
	Hits []RuleHit `json:"hits"`
	// Flows groups the moved tickets by origin and destination, largest
	// first.
	Flows []Flow `json:"flows"`
}

// DryRun routes ts with the engine (see RouteMany) and compares each
// decision with where the ticket actually went, before[i]. Tickets beyond
// len(before) have no known placement and are never counted as moved.
func (e *Engine) DryRun(ts []Ticket, before []Placement, workers int) DryRun {
	r := DryRun{Decisions: make([]Decision, len(ts)), Total: len(ts)}
	idx := make([]int, len(ts))
	e.routeMany(ts, workers, r.Decisions, idx)

	counts := make([]int, len(e.rules)+1) // last: fallback
	flows := map[[2]Placement]int{}
	for i, d := range r.Decisions {
		if idx[i] < 0 {
			counts[len(e.rules)]++
		} else {
			counts[idx[i]]++
		}
		if i < len(before) && Moved(before[i], d) {
			r.Moved++
			flows[[2]Placement{before[i], d.Placement()}]++
		}
	}
	for i, rule := range e.rules {
		r.Hits = append(r.Hits, RuleHit{RuleID: rule.id, RuleName: rule.name, Count: counts[i]})
	}
	r.Hits = append(r.Hits, RuleHit{Fallback: true, Count: counts[len(e.rules)]})
	r.Flows = make([]Flow, 0, len(flows))
	for k, n := range flows {
		r.Flows = append(r.Flows, Flow{From: k[0], To: k[1], Count: n})
	}
	// Deterministic order, so that the admin page does not reshuffle.
	slices.SortFunc(r.Flows, func(a, b Flow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.From.Tier, b.From.Tier), cmp.Compare(a.From.Team, b.From.Team),
			cmp.Compare(a.To.Tier, b.To.Tier), cmp.Compare(a.To.Team, b.To.Team))
	})
	return r
}
