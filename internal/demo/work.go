package demo

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// work plays what happens after the ticket arrives, until the story's
// target status: it returns errStop when the ticket stays active.
func (st *story) work() error {
	typ := st.p.msg.Type
	first := st.start.owner
	if first == "" {
		first = st.frontLine()
	}
	st.agentLater(5*time.Minute, 4*time.Hour)
	if err := st.assign(first, first); err != nil {
		return err
	}
	if st.p.msg.DoubleDebit && st.b.now.Sub(st.clock) < 6*day && st.r.IntN(3) == 0 {
		st.agentLater(10*time.Minute, 2*time.Hour)
		if err := st.note("sophie", st.text("sophie").Topic); err != nil {
			return err
		}
	}
	if st.handoff {
		if err := st.handOff(); err != nil {
			return err
		}
	}
	if st.quick && st.target == ticket.Solved {
		st.agentLater(5*time.Minute, 40*time.Minute)
		return st.finish(st.reply(st.owner, st.text("").Solution[typ], ticket.Solved))
	}
	if err := st.askDetails(); err != nil {
		return err
	}
	if st.swarm && st.swarming {
		if err := st.pullIn(); err != nil {
			return err
		}
	} else if st.swarm && len(st.chain) == 0 {
		expert, tip := "julie", st.text("julie").BillingTip[typ]
		if st.start.team == "product" {
			expert = st.expert()
			tip = pick(st.r, st.text(expert).SwarmTips)
		}
		if err := st.invite(expert, tip); err != nil {
			return err
		}
	}
	if len(st.chain) == 0 && st.target != ticket.Solved {
		return st.holdAtFirstTier()
	}
	l1 := st.owner
	for i, h := range st.chain {
		if err := st.escalate(h); err != nil {
			return err
		}
		if i == len(st.chain)-1 && st.target != ticket.Solved {
			return st.holdAtLastTier()
		}
	}
	if st.backDown {
		if err := st.sendBack(l1); err != nil {
			return err
		}
	}
	if st.p.vendor {
		st.agentLater(day, 3*day)
		if err := st.note("karim", st.text("karim").Vendor[1]); err != nil {
			return err
		}
	}
	return st.resolve()
}

// askDetails: the owner asks for details, the customer answers.
func (st *story) askDetails() error {
	st.agentLater(2*time.Minute, 40*time.Minute)
	if err := st.reply(st.owner, st.text("").Ask[st.p.msg.Type], ticket.Pending); err != nil {
		return err
	}
	if len(st.chain) == 0 && st.target == ticket.Pending {
		return errStop
	}
	st.customerLater(20*time.Minute, 30*time.Hour)
	answer := st.text("").Answers[st.p.msg.Type]
	if st.r.IntN(4) == 0 {
		answer = pick(st.r, st.text("").AnswerAny)
	}
	return st.customerSays(answer)
}

// holdAtFirstTier ends an active story that never left its first tier.
func (st *story) holdAtFirstTier() error {
	switch st.target {
	case ticket.OnHold:
		st.agentLater(10*time.Minute, 3*time.Hour)
		wait := st.text("").WaitEngineering
		if st.p.msg.Type == "payment" || st.p.msg.Type == "fraud" {
			wait = st.text("").WaitVendor
		}
		if err := st.reply(st.owner, wait, ticket.OnHold); err != nil {
			return err
		}
	case ticket.Open:
		if st.r.IntN(3) == 0 {
			st.customerLater(6*time.Hour, 2*day)
			if err := st.customerSays(pick(st.r, st.text("").Chasers)); err != nil {
				return err
			}
		}
	}
	return errStop
}

// holdAtLastTier ends an active escalated story where the experts are.
func (st *story) holdAtLastTier() error {
	switch {
	case st.t.Status == st.target: // the vendor hop already put it on hold
	case st.target == ticket.OnHold:
		st.agentLater(10*time.Minute, 2*time.Hour)
		if err := st.reply(st.owner, st.text("").WaitEngineering, ticket.OnHold); err != nil {
			return err
		}
	case st.target == ticket.Pending:
		st.agentLater(30*time.Minute, 5*time.Hour)
		if err := st.reply(st.owner, st.text("").ExpertAsk, ticket.Pending); err != nil {
			return err
		}
	}
	return errStop
}

// escalate hands the ticket up one tier the way the service does: the
// owner fills the custom fields the procedure's checklist asks for, gives
// the answers and a reason, and the ticket moves to the receiving team's
// queue with its hand-off summary; someone there then takes it.
func (st *story) escalate(h hop) error {
	b := st.b
	st.agentLater(30*time.Minute, 6*time.Hour)
	from := st.tier()
	proc := b.procedure(st.t.RequestTypeID)
	step, ok := proc.StepFrom(from)
	if !ok || step.ToTier != h.tier {
		return fmt.Errorf("procedure %q has no step %s → %s", proc.Name, from, h.tier)
	}
	if fields := st.checklistFields(step); len(fields) > 0 {
		if err := st.update(st.owner, store.Change{CustomFields: fields}); err != nil {
			return err
		}
		st.later(time.Minute, 10*time.Minute)
	}
	if err := st.collect(step); err != nil {
		return err
	}
	tx := handoffs[st.lang]
	reason := tx.reasonUp[st.p.msg.Type]
	switch h.tier {
	case "L3":
		reason = tx.reasonL3[st.p.msg.Type]
	case "L4":
		reason = tx.reasonL4
	}
	if err := st.move(desk.EscalateInput{Direction: string(escalation.Up), Reason: reason, Answers: maps.Clone(st.answers)}); err != nil {
		return err
	}
	// Someone of the receiving team takes it from the queue; the one who
	// escalated to a team of their own takes it back at once.
	if h.owner == st.owner {
		st.later(time.Second, 5*time.Second)
	} else {
		st.agentLater(5*time.Minute, 90*time.Minute)
	}
	owner := b.members[h.owner].ID
	ch := store.Change{OwnerID: &owner}
	if h.tier == "L3" && st.t.Priority < ticket.High {
		high := ticket.High
		ch.Priority = &high
	}
	if err := st.update(h.owner, ch); err != nil {
		return err
	}
	st.owner = h.owner
	if h.tier == "L4" {
		st.agentLater(5*time.Minute, time.Hour)
		if err := st.reply(st.owner, st.text("").WaitVendor, ticket.OnHold); err != nil {
			return err
		}
		st.later(10*time.Minute, time.Hour)
		return st.note(st.owner, st.text(st.owner).Vendor[0])
	}
	st.agentLater(20*time.Minute, 5*time.Hour)
	diagnosis := st.text(st.owner).Diagnosis[st.p.msg.Type]
	if h.tier == "L3" {
		diagnosis = pick(st.r, st.text(st.owner).Expert)
	}
	if err := st.note(st.owner, diagnosis); err != nil {
		return err
	}
	if st.swarm && h.team == "product" {
		expert := st.expert()
		return st.invite(expert, pick(st.r, st.text(expert).SwarmTips))
	}
	return nil
}

// checklistFields returns the custom fields the step requires that the
// ticket lacks, with the values the owner looks up: the amount of the
// invoice at stake, the day the customer first wrote.
func (st *story) checklistFields(step escalation.Step) map[string]string {
	out := map[string]string{}
	for _, it := range step.Required {
		if it.Kind != escalation.KindCustomField || strings.TrimSpace(st.t.CustomFields[it.Key]) != "" {
			continue
		}
		switch it.Key {
		case "amount_eur":
			out[it.Key] = fmt.Sprintf("%.2f", st.amount)
		case "incident_date":
			out[it.Key] = st.t.CreatedAt.In(st.b.loc).Format(time.DateOnly)
		}
	}
	return out
}

// collect adds the step's answers to those given at earlier steps, which
// travel up with the ticket: what this tier tried joins what the one
// below tried.
func (st *story) collect(step escalation.Step) error {
	tx, typ := handoffs[st.lang], st.p.msg.Type
	tried := tx.tried[typ]
	if step.FromTier != "L1" {
		tried = tx.triedExpert[typ]
	}
	if tried == "" {
		return fmt.Errorf("no steps_tried text for %s at %s", typ, step.FromTier)
	}
	st.answers[escalation.KeyStepsTried] = strings.TrimSpace(st.answers[escalation.KeyStepsTried] + "\n" + st.handoffFill(tried))
	for _, it := range step.Required {
		if it.Kind != escalation.KindAnswer || st.answers[it.Key] != "" {
			continue
		}
		var v string
		switch it.Key {
		case escalation.KeyErrorMessage:
			v = st.p.msg.ErrText
			if v == "" {
				v = tx.noError[typ]
			}
		case escalation.KeyReproductionSteps:
			v = tx.repro[typ]
		case escalation.KeyImpact:
			v = tx.impact[typ]
		case escalation.KeyVendorContext:
			v = tx.vendor
		}
		// A blank answer is left for escalation.Check to refuse, naming it.
		st.answers[it.Key] = st.handoffFill(v)
	}
	return nil
}

// handoffFill fills the placeholders of a hand-off text (see handoffTexts).
func (st *story) handoffFill(text string) string {
	who := st.cust.Name
	if key := customerSpecs[st.p.customer].org; key != "" {
		who = st.b.orgs[key].Name
	}
	created := st.t.CreatedAt.In(st.b.loc)
	date := created.Format("02/01/2006")
	if st.lang == "en" {
		date = created.Format("2 January 2006")
	}
	return strings.NewReplacer("{invoice}", st.invoice, "{amount}", st.money(), "{date}", date, "{subject}", st.t.Subject,
		"{who}", who, "{mandate}", fmt.Sprintf("NUAG-%06d", 4000+st.cust.ID)).Replace(text)
}

// move hands the ticket to another tier through desk.Escalate, as its
// owner does in the product: the service checks the procedure and the
// checklist, picks the receiving team and records the hand-off summary, so
// the demo cannot show a hand-off the product would refuse. from_tier is
// sent as the UI sends it.
func (st *story) move(in desk.EscalateInput) error {
	b := st.b
	owner := b.actors[st.owner]
	from := st.tier()
	in.FromTier = from
	b.at(st.clock)
	t, err := b.svc.Escalate(b.ctx, owner, st.t.ID, in)
	if err != nil {
		return fmt.Errorf("%s %s → %s: %w", in.Direction, from, in.TargetTier, err)
	}
	st.t = t
	return nil
}

// invite pulls an expert into the ticket (a swarm): the owner asks, the
// expert joins and leaves a note; the owner stays the customer's contact.
func (st *story) invite(expert, tip string) error {
	b := st.b
	st.agentLater(10*time.Minute, 2*time.Hour)
	name := firstName(b.members[expert].Name)
	if err := st.note(st.owner, fmt.Sprintf(st.text(st.owner).SwarmAsk, name)); err != nil {
		return err
	}
	st.later(time.Second, 5*time.Second)
	b.at(st.clock)
	if err := b.s.AddCollaborator(b.ctx, b.ws.ID, st.t.ID, b.members[expert].ID, b.members[st.owner].ID, nil); err != nil {
		return err
	}
	st.agentLater(30*time.Minute, 4*time.Hour)
	return st.note(expert, tip)
}

// pullIn is how a swarming ticket gets its experts: the owner invites one
// platform engineer, or the whole platform team, with a question that the
// timeline shows on the invitation; one of them answers in an internal
// note. The owner keeps the ticket and stays the customer's only contact,
// which is the point of swarming.
func (st *story) pullIn() error {
	b := st.b
	st.agentLater(10*time.Minute, 2*time.Hour)
	// Questions and answers go in pairs, each in its writer's language.
	i := st.r.IntN(len(st.text(st.owner).SwarmQuestions))
	answerer := st.expert()
	inv := store.Invitation{AgentIDs: []int64{b.members[answerer].ID}, Question: st.text(st.owner).SwarmQuestions[i]}
	if st.allTeam {
		inv.AgentIDs, inv.TeamID = nil, b.teams["platform"].ID
		for _, m := range memberSpecs {
			if slices.Contains(m.teams, "platform") {
				inv.AgentIDs = append(inv.AgentIDs, b.members[m.key].ID)
			}
		}
	}
	b.at(st.clock)
	if _, err := b.s.AddCollaborators(b.ctx, b.ws.ID, st.t.ID, b.members[st.owner].ID, inv, nil); err != nil {
		return err
	}
	st.agentLater(20*time.Minute, 3*time.Hour)
	return st.note(answerer, st.text(answerer).SwarmAnswers[i])
}

// handOff gives the ticket to another front-line agent.
func (st *story) handOff() error {
	next := st.owner
	for next == st.owner {
		next = st.frontLine()
	}
	st.agentLater(time.Hour, 8*time.Hour)
	msg := fmt.Sprintf(pick(st.r, st.text(st.owner).Handoff), firstName(st.b.members[next].Name))
	if err := st.note(st.owner, msg); err != nil {
		return err
	}
	st.later(time.Second, 5*time.Second)
	id := st.b.members[next].ID
	if err := st.update(st.owner, store.Change{OwnerID: &id}); err != nil {
		return err
	}
	st.owner = next
	return nil
}

// sendBack de-escalates: the specialist fixed it and sends the ticket
// back down for the front line to answer the customer; the L1 agent who
// had it takes it back.
func (st *story) sendBack(l1 string) error {
	b := st.b
	st.agentLater(time.Hour, 6*time.Hour)
	in := desk.EscalateInput{Direction: string(escalation.Down), TargetTier: "L1",
		Reason: fmt.Sprintf(handoffs[st.lang].reasonDown, firstName(b.members[l1].Name))}
	if err := st.move(in); err != nil {
		return err
	}
	st.agentLater(10*time.Minute, 2*time.Hour)
	return st.assign(l1, l1)
}

// resolve answers with the solution, sometimes waiting for the customer to
// confirm first, then closes old tickets as the auto-close would.
func (st *story) resolve() error {
	sol := st.text("").Solution[st.p.msg.Type]
	st.agentLater(time.Hour, 2*day)
	if st.r.IntN(2) == 0 {
		return st.finish(st.reply(st.owner, sol, ticket.Solved))
	}
	if err := st.reply(st.owner, sol+st.text("").Confirm, ticket.Pending); err != nil {
		return err
	}
	st.customerLater(10*time.Minute, day)
	if err := st.customerSays(pick(st.r, st.text("").Thanks)); err != nil {
		return err
	}
	st.agentLater(5*time.Minute, 2*time.Hour)
	solved := ticket.Solved
	return st.finish(st.update(st.owner, store.Change{Status: &solved}))
}

// autoClose is how long a solved ticket stays solved before the system
// closes it.
const autoClose = 4 * day

// finish closes a solved ticket once the auto-close delay has passed.
func (st *story) finish(err error) error {
	if err != nil {
		return err
	}
	at := st.clock.Add(autoClose)
	if !at.Before(st.limit) {
		return nil
	}
	st.clock = at
	closed := ticket.Closed
	return st.update("", store.Change{Status: &closed})
}

// The store calls, each dated at the story's clock.

func (st *story) assign(actor, owner string) error {
	id := st.b.members[owner].ID
	st.owner = owner
	return st.update(actor, store.Change{OwnerID: &id})
}

func (st *story) update(actor string, ch store.Change) error {
	b := st.b
	b.at(st.clock)
	t, err := b.s.UpdateTicket(b.ctx, b.ws.ID, st.t.ID, b.members[actor].ID, nil, ch)
	st.t = t
	return err
}

// reply posts a public answer framed by a greeting and the signature.
func (st *story) reply(author, body string, status ticket.Status) error {
	tx := st.text("")
	full := fmt.Sprintf(tx.Hello, firstName(st.cust.Name)) + body + fmt.Sprintf(tx.Bye, firstName(st.b.members[author].Name))
	return st.message(ticket.Event{Kind: ticket.AgentReply, ActorAgentID: st.b.members[author].ID, Body: full}, status)
}

func (st *story) note(author, body string) error {
	return st.message(ticket.Event{Kind: ticket.InternalNote, ActorAgentID: st.b.members[author].ID, Body: body}, "")
}

// customerSays adds the customer's message on the ticket's channel
// through the service's intake, as any customer's answer arrives: the
// product's rule, not the demo, decides that it reopens the ticket.
func (st *story) customerSays(body string) error {
	b := st.b
	b.at(st.clock)
	t, err := b.svc.ReceiveCustomerMessage(b.ctx, b.ws.ID, st.t.ID, st.p.channel, body)
	if err != nil {
		return err
	}
	st.t = t
	return nil
}

func (st *story) message(e ticket.Event, status ticket.Status) error {
	b := st.b
	b.at(st.clock)
	_, t, err := b.s.AddMessage(b.ctx, b.ws.ID, st.t.ID, nil, e, status)
	st.t = t
	return err
}

// tier is the code of the ticket's current tier.
func (st *story) tier() string {
	for code, t := range st.b.tiers {
		if t.ID == st.t.TierID {
			return code
		}
	}
	return ""
}

// text returns the texts in a member's language, or in the ticket's
// language for member "" (what the customer reads).
func (st *story) text(member string) texts {
	if member == "" {
		return lang[st.lang]
	}
	for _, m := range memberSpecs {
		if m.key == member {
			return lang[m.language]
		}
	}
	return lang["fr"]
}

// later moves the clock forward by a random delay, never past the limit:
// close to it, steps shrink so that the story still fits.
func (st *story) later(lo, hi time.Duration) {
	d := lo + time.Duration(st.r.Int64N(int64(hi-lo)+1))
	next := st.clock.Add(d)
	if !next.Before(st.limit) {
		next = st.clock.Add(st.limit.Sub(st.clock) / 2)
	}
	st.clock = next
}

// customerLater is later for something a customer does: rarely in the
// small hours.
func (st *story) customerLater(lo, hi time.Duration) {
	st.later(lo, hi)
	local := st.clock.In(st.b.loc)
	if local.Hour() >= 7 {
		return
	}
	morning := time.Date(local.Year(), local.Month(), local.Day(), 7, st.r.IntN(120), 0, 0, st.b.loc)
	if morning.Before(st.limit) {
		st.clock = morning
	}
}

// agentLater is later for something an agent does: it happens during
// office hours (Monday to Friday, 8:00–19:00 in the workspace's zone).
func (st *story) agentLater(lo, hi time.Duration) {
	st.later(lo, hi)
	loc := st.b.loc
	local := st.clock.In(loc)
	for local.Weekday() == time.Saturday || local.Weekday() == time.Sunday || local.Hour() < 8 || local.Hour() >= 19 {
		next := time.Date(local.Year(), local.Month(), local.Day(), 8, 0, 0, 0, loc)
		if !next.After(local) {
			next = next.AddDate(0, 0, 1)
		}
		local = next
	}
	if local.Equal(st.clock.In(loc)) {
		return
	}
	shifted := local.Add(time.Duration(st.r.IntN(90)) * time.Minute)
	if shifted.Before(st.limit) {
		st.clock = shifted
	}
}
