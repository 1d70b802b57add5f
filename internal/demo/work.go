package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// work plays what happens after the ticket arrives, until the story's
// target status: it returns errStop when the ticket stays active.
func (st *story) work() error {
	typ := st.p.msg.typ
	first := st.start.owner
	if first == "" {
		first = st.frontLine()
	}
	st.agentLater(5*time.Minute, 4*time.Hour)
	if err := st.assign(first, first); err != nil {
		return err
	}
	if slices.Contains(st.p.msg.tags, "prelevement-double") && st.b.now.Sub(st.clock) < 6*day && st.r.IntN(3) == 0 {
		st.agentLater(10*time.Minute, 2*time.Hour)
		if err := st.note("sophie", st.text("sophie").topic); err != nil {
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
		return st.finish(st.reply(st.owner, st.text("").solution[typ], ticket.Solved))
	}
	if err := st.askDetails(); err != nil {
		return err
	}
	if st.swarm && len(st.chain) == 0 {
		if err := st.invite("julie", st.text("julie").billingTip[typ]); err != nil {
			return err
		}
	}
	if len(st.chain) == 0 && st.target != ticket.Solved {
		return st.holdAtFirstTier()
	}
	l1 := st.owner
	for i, h := range st.chain {
		if err := st.escalate(h, i == 0); err != nil {
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
		if err := st.note("karim", st.text("karim").vendor[1]); err != nil {
			return err
		}
	}
	return st.resolve()
}

// askDetails: the owner asks for details, the customer answers.
func (st *story) askDetails() error {
	st.agentLater(2*time.Minute, 40*time.Minute)
	if err := st.reply(st.owner, st.text("").ask[st.p.msg.typ], ticket.Pending); err != nil {
		return err
	}
	if len(st.chain) == 0 && st.target == ticket.Pending {
		return errStop
	}
	st.customerLater(20*time.Minute, 30*time.Hour)
	answer := st.text("").answers[st.p.msg.typ]
	if st.r.IntN(4) == 0 {
		answer = pick(st.r, st.text("").answerAny)
	}
	return st.customerSays(answer)
}

// holdAtFirstTier ends an active story that never left its first tier.
func (st *story) holdAtFirstTier() error {
	switch st.target {
	case ticket.OnHold:
		st.agentLater(10*time.Minute, 3*time.Hour)
		wait := st.text("").waitEngineering
		if st.p.msg.typ == "payment" || st.p.msg.typ == "fraud" {
			wait = st.text("").waitVendor
		}
		if err := st.reply(st.owner, wait, ticket.OnHold); err != nil {
			return err
		}
	case ticket.Open:
		if st.r.IntN(3) == 0 {
			st.customerLater(6*time.Hour, 2*day)
			if err := st.customerSays(pick(st.r, st.text("").chasers)); err != nil {
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
		if err := st.reply(st.owner, st.text("").waitEngineering, ticket.OnHold); err != nil {
			return err
		}
	case st.target == ticket.Pending:
		st.agentLater(30*time.Minute, 5*time.Hour)
		if err := st.reply(st.owner, st.text("").expertAsk, ticket.Pending); err != nil {
			return err
		}
	}
	return errStop
}

// escalate moves the ticket up one tier with a hand-off note, the way the
// escalation procedure asks: what was tried goes into steps_tried.
func (st *story) escalate(h hop, first bool) error {
	b, typ := st.b, st.p.msg.typ
	st.agentLater(30*time.Minute, 6*time.Hour)
	author := st.text(st.owner)
	label := fmt.Sprintf("%s (%s)", h.tier, teamName(h.team))
	if err := st.note(st.owner, fmt.Sprintf(author.escalate, label, author.steps[typ])); err != nil {
		return err
	}
	tier, team, owner := b.tiers[h.tier].ID, b.teams[h.team].ID, b.members[h.owner].ID
	ch := store.Change{TierID: &tier, TeamID: &team, OwnerID: &owner}
	if first {
		ch.CustomFields = map[string]string{"steps_tried": author.steps[typ]}
	}
	if h.tier == "L3" && st.t.Priority < ticket.High {
		high := ticket.High
		ch.Priority = &high
	}
	st.later(time.Second, 2*time.Second)
	if err := st.update(st.owner, ch); err != nil {
		return err
	}
	st.owner = h.owner
	if h.tier == "L4" {
		st.agentLater(5*time.Minute, time.Hour)
		if err := st.reply(st.owner, st.text("").waitVendor, ticket.OnHold); err != nil {
			return err
		}
		st.later(10*time.Minute, time.Hour)
		return st.note(st.owner, st.text(st.owner).vendor[0])
	}
	st.agentLater(20*time.Minute, 5*time.Hour)
	diagnosis := st.text(st.owner).diagnosis[typ]
	if h.tier == "L3" {
		diagnosis = pick(st.r, st.text(st.owner).expert)
	}
	if err := st.note(st.owner, diagnosis); err != nil {
		return err
	}
	if st.swarm && h.team == "product" {
		expert := st.expert()
		return st.invite(expert, pick(st.r, st.text(expert).swarmTips))
	}
	return nil
}

// invite pulls an expert into the ticket (a swarm): the owner asks, the
// expert joins and leaves a note; the owner stays the customer's contact.
func (st *story) invite(expert, tip string) error {
	b := st.b
	st.agentLater(10*time.Minute, 2*time.Hour)
	name := firstName(b.members[expert].Name)
	if err := st.note(st.owner, fmt.Sprintf(st.text(st.owner).swarmAsk, name)); err != nil {
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

// handOff gives the ticket to another front-line agent.
func (st *story) handOff() error {
	next := st.owner
	for next == st.owner {
		next = st.frontLine()
	}
	st.agentLater(time.Hour, 8*time.Hour)
	msg := fmt.Sprintf(pick(st.r, st.text(st.owner).handoff), firstName(st.b.members[next].Name))
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

// sendBack de-escalates: the specialist fixed it and the front line
// answers the customer.
func (st *story) sendBack(l1 string) error {
	b := st.b
	st.agentLater(time.Hour, 6*time.Hour)
	if err := st.note(st.owner, fmt.Sprintf(st.text(st.owner).backDown, firstName(b.members[l1].Name))); err != nil {
		return err
	}
	tier, team, owner := b.tiers["L1"].ID, b.teams["front"].ID, b.members[l1].ID
	st.later(time.Second, 5*time.Second)
	if err := st.update(st.owner, store.Change{TierID: &tier, TeamID: &team, OwnerID: &owner}); err != nil {
		return err
	}
	st.owner = l1
	return nil
}

// resolve answers with the solution, sometimes waiting for the customer to
// confirm first, then closes old tickets as the auto-close would.
func (st *story) resolve() error {
	sol := st.text("").solution[st.p.msg.typ]
	st.agentLater(time.Hour, 2*day)
	if st.r.IntN(2) == 0 {
		return st.finish(st.reply(st.owner, sol, ticket.Solved))
	}
	if err := st.reply(st.owner, sol+st.text("").confirm, ticket.Pending); err != nil {
		return err
	}
	st.customerLater(10*time.Minute, day)
	if err := st.customerSays(pick(st.r, st.text("").thanks)); err != nil {
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
	full := fmt.Sprintf(tx.hello, firstName(st.cust.Name)) + body + fmt.Sprintf(tx.bye, firstName(st.b.members[author].Name))
	return st.message(ticket.Event{Kind: ticket.AgentReply, ActorAgentID: st.b.members[author].ID, Body: full}, status)
}

func (st *story) note(author, body string) error {
	return st.message(ticket.Event{Kind: ticket.InternalNote, ActorAgentID: st.b.members[author].ID, Body: body}, "")
}

// customerSays adds the customer's message; it reopens the ticket, as an
// answer to a pending question means there is work again.
func (st *story) customerSays(body string) error {
	return st.message(ticket.Event{Kind: ticket.CustomerMessage, ActorCustomerID: st.cust.ID, Body: body}, ticket.Open)
}

func (st *story) message(e ticket.Event, status ticket.Status) error {
	b := st.b
	b.at(st.clock)
	_, t, err := b.s.AddMessage(b.ctx, b.ws.ID, st.t.ID, nil, e, status)
	st.t = t
	return err
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

func teamName(key string) string {
	for _, t := range teamSpecs {
		if t.key == key {
			return t.name
		}
	}
	return key
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
