package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
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

	// The ticket as the customer writes it, and where routing puts it.
	body    string            // the first message, placeholders filled
	fields  map[string]string // custom fields known on arrival
	amount  float64           // the sum the ticket is about
	invoice string            // the invoice number it quotes
	place   placement

	// What happens, decided before anything is written.
	target   ticket.Status // where the story ends
	start    hop           // where routing puts the ticket, and who takes it
	chain    []hop         // escalations, in order
	handoff  bool          // the first owner hands it to a colleague
	swarm    bool          // an expert is invited while the owner keeps it
	swarming bool          // the request type is worked by swarming: it never escalates
	allTeam  bool          // a swarming owner invites the whole platform team, not one engineer
	backDown bool          // the expert sends it back to L1 to answer
	quick    bool          // solved with the first reply
	owner    string        // member key of the current owner

	answers map[string]string // the escalation checklist answers given so far
}

// createTickets plans every ticket and plays each one's story.
func (b *builder) createTickets(seed uint64) error {
	cal := newCalendar(b.now, b.loc, periodDays)
	for i, p := range makePlans(seed) {
		st := &story{b: b, p: p, r: rand.New(rand.NewPCG(p.seed, 1)), cust: b.customers[p.customer],
			lang: customerSpecs[p.customer].lang, clock: cal.time(p.age), limit: b.now.Add(-time.Minute), answers: map[string]string{}}
		if err := st.play(); err != nil {
			return fmt.Errorf("ticket %d (%q): %w", i+1, p.msg.Subject, err)
		}
		b.history[p.customer] = append(b.history[p.customer], span{created: st.t.CreatedAt, solved: st.t.SolvedAt})
		b.tickets++
	}
	return nil
}

func (st *story) play() error {
	st.compose()
	var err error
	if st.place, err = st.b.route(st.routingInput(), st.p.msg.Tags); err != nil {
		return err
	}
	if !slices.Contains([]string{"front", "billing", "product"}, st.place.team) {
		return fmt.Errorf("routing sends the ticket to %s, where no story starts", st.place.team)
	}
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
	r, typ := st.r, st.p.msg.Type
	ageDays := st.b.now.Sub(st.clock).Hours() / 24
	st.start = hop{st.place.tier, st.place.team, st.firstOwner()}
	st.swarming = st.b.ws.ModelFor(st.b.types[typ]) == workspace.Swarming
	pulled := false // a swarming owner calls the engineers where a tiered one would escalate
	switch {
	case st.p.vendor:
		if st.start.tier == "L1" {
			st.chain = append(st.chain, hop{"L2", "billing", "karim"})
		}
		st.chain = append(st.chain, hop{"L4", "paybridge", "karim"})
	case typ != "fraud" && r.Float64() < escalationRate[typ]:
		if st.swarming {
			// The service refuses to escalate a swarming ticket: its
			// owner keeps it and asks the platform engineers, the whole
			// team when the case would have gone as far as them.
			pulled = true
			st.allTeam = r.Float64() < expertRate[typ]
			break
		}
		// Tickets that routing sent to L2 skip the first step up.
		if st.start.tier == "L1" {
			st.chain = []hop{st.l2For(typ)}
		}
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
	st.swarm = st.wantsSwarm() || pulled
	st.backDown = len(st.chain) == 1 && st.chain[0].tier == "L2" && r.IntN(5) == 0
}

// firstOwner is who takes the ticket first: for the front line, an agent
// picked when work starts (""); for the experts that routing sends some
// tickets to directly, one of them, Karim for the cases bound for PayBridge
// since he is the one who talks to them.
func (st *story) firstOwner() string {
	switch st.place.team {
	case "billing":
		if st.p.vendor {
			return "karim"
		}
		return pick(st.r, []string{"julie", "julie", "karim", "sophie"})
	case "product":
		return pick(st.r, []string{"karim", "karim", "julie"})
	}
	return ""
}

// Share of tickets of each type that L1 escalates to L2, and of those that
// L2 escalates on to the platform engineers. For a swarming type (see
// decide) they are the shares where the owner invites an engineer, and
// where the whole platform team instead.
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
	typ := st.p.msg.Type
	if st.productEnd() {
		return st.r.IntN(3) == 0
	}
	seg := st.cust.Segment
	return len(st.chain) == 0 && st.start.tier == "L1" && (typ == "billing" || typ == "payment") &&
		(seg == "vip" || seg == "high_touch") && st.r.IntN(3) == 0
}

// productEnd reports whether the story ends with the product specialists,
// whether routing or an escalation brought the ticket there.
func (st *story) productEnd() bool {
	switch len(st.chain) {
	case 0:
		return st.start.team == "product"
	case 1:
		return st.chain[0].team == "product"
	}
	return false
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

// compose writes what the customer sends: the message with its amount
// and invoice number, and the custom fields the channel's form collects.
func (st *story) compose() {
	m := st.p.msg
	st.fields = map[string]string{"plan": customerPlan(st.p.customer)}
	st.amount = st.pickAmount(st.fields["plan"])
	if m.Amount {
		if st.fields["plan"] == "free" { // only paying customers are debited
			st.fields["plan"] = "pro"
		}
		st.fields["amount_eur"] = fmt.Sprintf("%.2f", st.amount)
	}
	if m.ErrText != "" {
		st.fields["error_message"] = m.ErrText
	}
	if m.Type == "payment" || m.Type == "fraud" || m.Type == "bug" {
		st.fields["incident_date"] = st.clock.Add(-time.Duration(st.r.IntN(3)) * day).In(st.b.loc).Format(time.DateOnly)
	}
	st.invoice = fmt.Sprintf("F-%d-%04d", st.clock.Year(), 100+st.r.IntN(4900))
	st.body = st.fill(m.Body)
}

// routingInput is what desk gives the rules for this ticket: its facts on
// arrival, the customer's segment (else their organisation's) and how
// many of their tickets are still open.
func (st *story) routingInput() routing.Ticket {
	b, m := st.b, st.p.msg
	in := routing.Ticket{Channel: st.p.channel, RequestType: m.Type, Subject: m.Subject, Body: st.body, Segment: st.cust.Segment,
		Language: st.lang, Priority: st.p.priority.String(), CustomFields: st.fields,
		OpenTickets: b.openTickets(st.p.customer, st.clock),
		// The store keeps milliseconds: route on the time it records, so
		// that a dry run over the stored tickets agrees to the edge.
		CreatedAt: st.clock.Truncate(time.Millisecond)}
	if key := customerSpecs[st.p.customer].org; key != "" {
		o := b.orgs[key]
		in.Organisation = o.Name
		if in.Segment == "" {
			in.Segment = o.Segment
		}
	}
	return in
}

// create writes the ticket as the channel and routing deliver it: new,
// unassigned, where the rules put it, with the customer's words and the
// routing decision.
func (st *story) create() error {
	b, m, pl := st.b, st.p.msg, st.place
	b.at(st.clock)
	t, err := b.s.CreateTicket(b.ctx, b.ws.ID, store.NewTicket{
		Ticket: ticket.Ticket{Subject: m.Subject, Status: ticket.New, Priority: pl.priority, RequestTypeID: b.types[m.Type].ID,
			Channel: st.p.channel, TierID: b.tiers[pl.tier].ID, TeamID: b.teams[pl.team].ID, CustomerID: st.cust.ID, Language: st.lang,
			Sensitive: pl.sensitive, Tags: pl.tags, CustomFields: st.fields},
		Body:            st.body,
		FirstIsCustomer: true,
		Events:          []ticket.Event{pl.event},
	})
	st.t = t
	return err
}

// pickAmount is the sum a ticket is about: a subscription for double
// debits, otherwise an invoice of the customer's own.
func (st *story) pickAmount(plan string) float64 {
	if st.p.msg.DoubleDebit {
		if plan == "enterprise" {
			return pick(st.r, []float64{149, 290})
		}
		return pick(st.r, []float64{29, 49})
	}
	return float64(40+st.r.IntN(2400)) + float64(st.r.IntN(20))*0.05
}

// money formats the ticket's amount as its customer writes it.
func (st *story) money() string {
	if st.lang == "fr" {
		return strings.Replace(fmt.Sprintf("%.2f €", st.amount), ".", ",", 1)
	}
	return fmt.Sprintf("€%.2f", st.amount)
}

// fill puts the ticket's amount and invoice number into a text.
func (st *story) fill(body string) string {
	return strings.NewReplacer("{amount}", st.money(), "{invoice}", st.invoice).Replace(body)
}
