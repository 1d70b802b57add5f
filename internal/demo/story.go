package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// hop is one move of a ticket to another tier: where it goes and who takes
// it there.
type hop struct {
	tier, team, owner string
}

// story is one ticket being worked, event by event, with the store's clock
// following along.
type story struct {
	b    *builder
	p    plan
	r    *rand.Rand
	cust customer.Customer
	lang string
	t    ticket.Ticket

	clock time.Time // when the last event happened
	limit time.Time // nothing may happen after this

	// What happens, decided before anything is written.
	target   ticket.Status // where the story ends
	start    hop           // where routing puts the ticket
	chain    []hop         // escalations, in order
	handoff  bool          // the first owner hands it to a colleague
	swarm    bool          // an expert is invited while the owner keeps it
	backDown bool          // the expert sends it back to L1 to answer
	quick    bool          // solved with the first reply
	owner    string        // member key of the current owner
}

// createTickets plans every ticket and plays each one's story.
func (b *builder) createTickets(seed uint64) error {
	loc, err := time.LoadLocation(b.ws.Timezone)
	if err != nil {
		return err
	}
	b.loc = loc
	cal := newCalendar(b.now, loc, periodDays)
	for i, p := range makePlans(seed) {
		st := &story{b: b, p: p, r: rand.New(rand.NewPCG(p.seed, 1)), cust: b.customers[p.customer],
			lang: customerSpecs[p.customer].lang, clock: cal.time(p.age), limit: b.now.Add(-time.Minute)}
		if err := st.play(); err != nil {
			return fmt.Errorf("ticket %d (%q): %w", i+1, p.msg.subject, err)
		}
		b.tickets++
	}
	return nil
}

func (st *story) play() error {
	st.decide()
	if err := st.create(); err != nil {
		return err
	}
	if st.target == ticket.New {
		return nil
	}
	if err := st.work(); !errors.Is(err, errStop) {
		return err
	}
	return nil
}

// decide chooses the ticket's path: recent tickets are more often still
// being worked; some request types escalate more than others.
func (st *story) decide() {
	r, typ := st.r, st.p.msg.typ
	ageDays := st.b.now.Sub(st.clock).Hours() / 24
	st.start = hop{"L1", "front", ""}
	if typ == "fraud" { // routing sends fraud straight to the billing experts
		st.start = hop{"L2", "billing", pick(r, []string{"julie", "julie", "karim", "sophie"})}
	}
	switch {
	case st.p.vendor:
		st.chain = []hop{{"L2", "billing", "karim"}, {"L4", "paybridge", "karim"}}
	case typ != "fraud" && r.Float64() < escalationRate[typ]:
		st.chain = []hop{st.l2For(typ)}
		if r.Float64() < expertRate[typ] {
			st.chain = append(st.chain, hop{"L3", "platform", st.expert()})
		}
	}
	active := r.Float64() < activeShare(ageDays)
	if st.p.vendor {
		active = ageDays < 20
	}
	st.target = st.pickTarget(active, ageDays)
	st.handoff = st.start.tier == "L1" && r.IntN(14) == 0
	st.quick = len(st.chain) == 0 && (typ == "how_to" || typ == "access" || typ == "billing") && r.IntN(2) == 0
	st.swarm = st.wantsSwarm()
	st.backDown = len(st.chain) == 1 && st.chain[0].tier == "L2" && r.IntN(5) == 0
}

// Share of tickets of each type that L1 escalates to L2, and of those that
// L2 escalates on to the platform engineers.
var (
	escalationRate = map[string]float64{"billing": 0.15, "payment": 0.2, "bug": 0.3, "integration": 0.45, "access": 0.1, "how_to": 0.04, "data_export": 0.2}
	expertRate     = map[string]float64{"bug": 0.4, "integration": 0.5, "data_export": 0.3}
)

// activeShare is the chance that a ticket of this age is still being worked.
func activeShare(ageDays float64) float64 {
	switch {
	case ageDays < 1:
		return 0.95
	case ageDays < 3:
		return 0.85
	case ageDays < 7:
		return 0.65
	case ageDays < 14:
		return 0.4
	case ageDays < 30:
		return 0.18
	}
	return 0.04
}

func (st *story) pickTarget(active bool, ageDays float64) ticket.Status {
	switch {
	case !active:
		return ticket.Solved // closed later if old enough
	case st.p.vendor:
		return ticket.OnHold
	case len(st.chain) > 0:
		return pick(st.r, []ticket.Status{ticket.Open, ticket.Open, ticket.Pending, ticket.OnHold, ticket.OnHold})
	case ageDays < 1 && st.r.IntN(5) < 3, ageDays < 3 && st.r.IntN(3) == 0:
		return ticket.New
	}
	return pick(st.r, []ticket.Status{ticket.Open, ticket.Open, ticket.Pending, ticket.Pending, ticket.Pending, ticket.OnHold})
}

// wantsSwarm: an L2 specialist pulls a platform engineer in rather than
// handing the ticket over, or an L1 agent asks a billing expert for help on
// an important customer's invoice.
func (st *story) wantsSwarm() bool {
	typ := st.p.msg.typ
	if len(st.chain) == 1 && st.chain[0].team == "product" {
		return st.r.IntN(3) == 0
	}
	seg := st.cust.Segment
	return len(st.chain) == 0 && st.start.tier == "L1" && (typ == "billing" || typ == "payment") &&
		(seg == "vip" || seg == "high_touch") && st.r.IntN(3) == 0
}

func (st *story) l2For(typ string) hop {
	switch typ {
	case "billing", "payment", "data_export":
		return hop{"L2", "billing", pick(st.r, []string{"julie", "julie", "karim"})}
	}
	return hop{"L2", "product", pick(st.r, []string{"karim", "karim", "julie"})}
}

func (st *story) expert() string {
	if st.lang == "en" {
		return pick(st.r, []string{"priya", "priya", "antoine"})
	}
	return pick(st.r, []string{"antoine", "antoine", "priya"})
}

func (st *story) frontLine() string {
	if st.lang == "en" {
		return pick(st.r, []string{"emily", "emily", "emily", "thomas"})
	}
	return pick(st.r, []string{"nadia", "nadia", "thomas", "camille"})
}

// create writes the ticket as the channel and routing deliver it: new,
// unassigned, in its first tier and team, with the customer's words.
func (st *story) create() error {
	b, m := st.b, st.p.msg
	fields := map[string]string{"plan": customerPlan(st.p.customer)}
	amount := st.amount(fields["plan"])
	if m.amount {
		if fields["plan"] == "free" { // only paying customers are debited
			fields["plan"] = "pro"
		}
		fields["amount_eur"] = fmt.Sprintf("%.2f", amount)
	}
	if m.errText != "" {
		fields["error_message"] = m.errText
	}
	if m.typ == "payment" || m.typ == "fraud" || m.typ == "bug" {
		fields["incident_date"] = st.clock.Add(-time.Duration(st.r.IntN(3)) * day).In(b.loc).Format(time.DateOnly)
	}
	tags := slices.Clone(m.tags)
	if st.cust.Segment == "vip" {
		tags = append(tags, "vip")
	}
	slices.Sort(tags)
	tier, team := b.tiers[st.start.tier], b.teams[st.start.team]
	rule := "default"
	switch {
	case m.typ == "fraud":
		rule = "Fraude → Billing experts, sensible"
	case m.sensitive:
		rule = "Données personnelles et sécurité → sensible"
	}
	b.at(st.clock)
	t, err := b.s.CreateTicket(b.ctx, b.ws.ID, store.NewTicket{
		Ticket: ticket.Ticket{Subject: m.subject, Status: ticket.New, Priority: st.p.priority, RequestTypeID: b.types[m.typ].ID,
			Channel: st.p.channel, TierID: tier.ID, TeamID: team.ID, CustomerID: st.cust.ID, Language: st.lang,
			Sensitive: m.sensitive, Tags: tags, CustomFields: fields},
		Body:            st.fill(m.body, amount),
		FirstIsCustomer: true,
		Events:          []ticket.Event{{Kind: ticket.Routed, Data: map[string]string{"rule": rule, "tier": tier.Code, "team": team.Name}}},
	})
	st.t = t
	return err
}

// amount is the sum a ticket is about: a subscription for double debits,
// otherwise an invoice of the customer's own.
func (st *story) amount(plan string) float64 {
	if slices.Contains(st.p.msg.tags, "prelevement-double") {
		if plan == "enterprise" {
			return pick(st.r, []float64{149, 290})
		}
		return pick(st.r, []float64{29, 49})
	}
	return float64(40+st.r.IntN(2400)) + float64(st.r.IntN(20))*0.05
}

// fill puts the ticket's amount and an invoice number into a body.
func (st *story) fill(body string, amount float64) string {
	money := fmt.Sprintf("%.2f €", amount)
	if st.lang == "fr" {
		money = strings.Replace(money, ".", ",", 1)
	} else {
		money = fmt.Sprintf("€%.2f", amount)
	}
	invoice := fmt.Sprintf("F-%d-%04d", st.clock.Year(), 100+st.r.IntN(4900))
	return strings.NewReplacer("{amount}", money, "{invoice}", invoice).Replace(body)
}
