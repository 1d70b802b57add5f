package demo

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/palier/palier/internal/ticket"
)

// The shape of the ticket history.
const (
	regularTickets = 300 // spread over the whole period
	periodDays     = 60  // how far back the history goes
	spikeDays      = 10  // the double-debit topic rises over the last days
	spikeTickets   = 17
)

// plan is one ticket to create, decided from the seed alone: what the
// customer asks, who asks it, how and when. How the ticket is then worked
// is decided when it is played, from its own random stream.
type plan struct {
	msg      message
	customer int // index in customerSpecs
	channel  string
	priority ticket.Priority
	age      float64 // activity days before the end of the period (see calendar)
	vendor   bool    // the story goes up to the outside vendor (L4)
	seed     uint64  // the ticket's own random stream
}

// typeWeights is how often each request type comes in, in percent.
var typeWeights = []struct {
	key    string
	weight int
}{
	{"billing", 22}, {"payment", 14}, {"bug", 14}, {"access", 13}, {"how_to", 14},
	{"integration", 8}, {"data_export", 9}, {"fraud", 6},
}

// makePlans decides every ticket, oldest first. It depends on seed only,
// never on the clock, so the same seed always gives the same subjects in
// the same order.
func makePlans(seed uint64) []plan {
	r := rand.New(rand.NewPCG(seed, 0x4e75616769717565))
	byLang := indexOpenings()
	plans := make([]plan, 0, regularTickets+spikeTickets+3)
	for range regularTickets {
		c := r.IntN(len(customerSpecs))
		lang := customerSpecs[c].lang
		typ := pickType(r)
		msgs := byLang[lang][typ]
		m := openings[msgs[r.IntN(len(msgs))]]
		plans = append(plans, newPlan(r, m, c, r.Float64()*periodDays))
	}
	// A few double debits before the rise: the background noise the
	// dashboard compares the last days with. The oldest one went to the
	// vendor and was settled there.
	for i, age := range []float64{47, 33, 21} {
		p := newPlan(r, doubleDebits[i*2], customerOf(r, "fr"), age)
		p.vendor = i == 0
		plans = append(plans, p)
	}
	for i := range spikeTickets {
		m := doubleDebits[r.IntN(len(doubleDebits))]
		// Density grows linearly towards today: few cases ten days ago,
		// several a day now.
		age := spikeDays * (1 - math.Sqrt(r.Float64()))
		p := newPlan(r, m, customerOf(r, m.Lang), age)
		p.vendor = i == 4 || i == 11
		plans = append(plans, p)
	}
	slices.SortStableFunc(plans, func(a, b plan) int {
		switch {
		case a.age > b.age:
			return -1
		case a.age < b.age:
			return 1
		}
		return 0
	})
	return plans
}

func newPlan(r *rand.Rand, m message, c int, age float64) plan {
	return plan{msg: m, customer: c, channel: pickChannel(r, m.Type), priority: pickPriority(r, m, customerSpecs[c]),
		age: max(age, 0.01), seed: r.Uint64()}
}

// indexOpenings groups the opening messages by language and request type,
// keeping their order so that picks are reproducible.
func indexOpenings() map[string]map[string][]int {
	out := map[string]map[string][]int{}
	for i, m := range openings {
		if out[m.Lang] == nil {
			out[m.Lang] = map[string][]int{}
		}
		out[m.Lang][m.Type] = append(out[m.Lang][m.Type], i)
	}
	return out
}

func pickType(r *rand.Rand) string {
	total := 0
	for _, w := range typeWeights {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range typeWeights {
		if n < w.weight {
			return w.key
		}
		n -= w.weight
	}
	return typeWeights[0].key
}

// customerOf picks a customer speaking lang.
func customerOf(r *rand.Rand, lang string) int {
	for {
		if c := r.IntN(len(customerSpecs)); customerSpecs[c].lang == lang {
			return c
		}
	}
}

// pickChannel: developers write through the API or by email; people locked
// out call or chat; the rest is mostly email and the portal.
func pickChannel(r *rand.Rand, typ string) string {
	switch typ {
	case "integration":
		return pick(r, []string{"email", "email", "api", "api", "portal"})
	case "access":
		return pick(r, []string{"phone", "chat", "chat", "email", "widget", "widget"})
	case "fraud":
		return pick(r, []string{"phone", "phone", "email", "email", "portal"})
	}
	return pick(r, []string{"email", "email", "email", "email", "portal", "portal", "portal", "widget", "widget", "chat", "chat", "phone"})
}

// pickPriority starts from what the problem deserves, sometimes one step
// more, and often one more for the high-touch customers, whose account
// manager flags their requests. VIP customers get theirs from routing.
func pickPriority(r *rand.Rand, m message, c customerSpec) ticket.Priority {
	p := m.Priority
	if r.IntN(8) == 0 {
		p++
	}
	if orgSegment(c.org) == "high_touch" && r.IntN(2) == 0 {
		p++
	}
	return min(p, ticket.Urgent)
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

func orgSegment(key string) string {
	for _, o := range orgSpecs {
		if o.Key == key {
			return o.Segment
		}
	}
	return ""
}
