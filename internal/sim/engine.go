package sim

import (
	"context"
	"math"
	"math/rand/v2"
)

// Event kinds.
const (
	evArrival uint8 = iota
	evDone          // an agent finishes a piece of work
	evAbandon       // a waiting customer's patience runs out
	evStaff         // a tier's staffing changes (shift boundary)
)

// event is a scheduled happening. seq breaks ties between equal times in
// scheduling order, which keeps runs deterministic.
type event struct {
	t    float64
	seq  uint64
	idx  int32  // agent, ticket or tier index
	gen  uint32 // generation of the agent or ticket, to skip stale events
	kind uint8
}

// eventQueue is a binary min-heap on (t, seq), hand-written to avoid the
// interface calls of container/heap in the hottest loop.
type eventQueue struct{ h []event }

func (q *eventQueue) less(i, j int) bool {
	a, b := &q.h[i], &q.h[j]
	return a.t < b.t || (a.t == b.t && a.seq < b.seq)
}

func (q *eventQueue) push(e event) {
	q.h = append(q.h, e)
	i := len(q.h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.h[i], q.h[p] = q.h[p], q.h[i]
		i = p
	}
}

func (q *eventQueue) pop() event {
	top := q.h[0]
	n := len(q.h) - 1
	q.h[0] = q.h[n]
	q.h = q.h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && q.less(r, l) {
			m = r
		}
		if !q.less(m, i) {
			break
		}
		q.h[i], q.h[m] = q.h[m], q.h[i]
		i = m
	}
	return top
}

// Ticket states.
const (
	tsFree uint8 = iota
	tsQueued
	tsWorking
)

type ticket struct {
	arrival     float64
	firstPickup float64 // -1 until an agent first picks it up
	pendingWork float64 // swarm: owner work left after a parked swarm
	seed        uint64
	gen         uint32
	typ         int16
	step        int16 // work steps completed
	handoffs    int16
	state       uint8
	tier        int8 // tier index whose work the ticket needs now
	prio        int8
	channel     int8
	viaHandoff  bool // next pickup pays the hand-off re-reading time
	collabNext  bool // next pickup is an expert's swarm collaboration
	broken      bool // left its first contact (waited in another queue)
	measured    bool
}

type agent struct {
	doneAt float64
	ticket int32 // -1: collaboration on a swarm (no ticket to move on)
	gen    uint32
	tier   int8
	busy   bool
	onDuty bool
}

// ring is a FIFO of queued tickets; entries carry the ticket generation so
// abandoned tickets are skipped lazily instead of searched for.
type ring struct {
	buf        []qEntry
	head, size int
}

type qEntry struct {
	idx int32
	gen uint32
}

func (r *ring) push(e qEntry) {
	if r.size == len(r.buf) {
		nb := make([]qEntry, max(16, 2*len(r.buf)))
		for i := 0; i < r.size; i++ {
			nb[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.size)%len(r.buf)] = e
	r.size++
}

func (r *ring) pop() qEntry {
	e := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.size--
	return e
}

type tierState struct {
	front   ring    // swarm requests and swarm returns: served first
	queues  [4]ring // by priority (FIFO tiers use only queues[2])
	agents  []int32
	idle    []int32 // on duty and free
	off     []int32 // off duty
	onDuty  int
	busy    int
	leaving int // agents to send home as soon as they finish
}

// engine runs one replication.
type engine struct {
	m      *compiled
	rng    *rand.Rand // arrivals and their attributes
	pick   *rand.Rand // which busy expert a swarm interrupts
	now    float64
	seq    uint64
	events eventQueue

	tickets []ticket
	free    []int32
	agents  []agent
	tiers   []tierState

	wStart, wEnd, stopAt float64
	arrivalsEnd          float64
	replayNext           int
	inSystem             int
	inFlight             int // measured tickets not finished yet
	st                   *repStats

	progress func(simTime float64) // called now and then with e.now
}

func newEngine(m *compiled, seed uint64, rep int) *engine {
	e := &engine{
		m:    m,
		rng:  rand.New(rand.NewPCG(seed, uint64(rep))),
		pick: rand.New(rand.NewPCG(seed^0x5851f42d4c957f2d, uint64(rep))),
		st:   &repStats{window: m.horizon},
	}
	e.wStart, e.wEnd = m.warmup, m.warmup+m.horizon
	// Arrivals go on after the window so its last tickets meet normal
	// congestion; the run stops once they are all finished, or at stopAt
	// for systems that never drain (overload).
	e.stopAt = e.wEnd + max(7*daySec, m.horizon/4)
	e.arrivalsEnd = e.stopAt
	e.tiers = make([]tierState, len(m.tiers))
	for ti := range m.tiers {
		n := m.tiers[ti].plan.maxAgents()
		ts := &e.tiers[ti]
		for k := 0; k < n; k++ {
			id := int32(len(e.agents))
			e.agents = append(e.agents, agent{tier: int8(ti), ticket: -1})
			ts.agents = append(ts.agents, id)
			ts.off = append(ts.off, id)
		}
	}
	e.events.h = make([]event, 0, 64+len(e.agents)*2)
	return e
}

func (e *engine) schedule(t float64, kind uint8, idx int32, gen uint32) {
	e.seq++
	e.events.push(event{t: t, seq: e.seq, idx: idx, gen: gen, kind: kind})
}

// run simulates until every measured ticket is finished.
func (e *engine) run(ctx context.Context) error {
	for ti := range e.tiers {
		e.staff(ti)
	}
	e.scheduleArrival(0)
	const checkEvery = 1 << 14
	for n := 0; len(e.events.h) > 0; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if e.progress != nil {
				e.progress(e.now)
			}
		}
		ev := e.events.pop()
		if ev.t >= e.stopAt || (ev.t >= e.wEnd && e.inFlight == 0) {
			e.advance(min(ev.t, e.stopAt))
			break
		}
		e.advance(ev.t)
		switch ev.kind {
		case evArrival:
			e.arrive()
		case evDone:
			if a := &e.agents[ev.idx]; a.gen == ev.gen && a.busy {
				e.done(ev.idx)
			}
		case evAbandon:
			if tk := &e.tickets[ev.idx]; tk.gen == ev.gen && tk.state == tsQueued && tk.firstPickup < 0 {
				e.abandon(ev.idx)
			}
		case evStaff:
			e.staff(int(ev.idx))
		}
	}
	if e.now < e.wEnd { // no events left: the rest of the window is quiet
		e.advance(e.wEnd)
	}
	e.st.unfinished = int64(e.inFlight)
	return nil
}

// advance moves the clock, integrating the time-weighted statistics over
// the part of [e.now, t) inside the measured window.
func (e *engine) advance(t float64) {
	a, b := max(e.now, e.wStart), min(t, e.wEnd)
	if b > a {
		dt := b - a
		e.st.areaInSystem += float64(e.inSystem) * dt
		for i := range e.tiers {
			e.st.busyArea[i] += float64(e.tiers[i].busy) * dt
			e.st.dutyArea[i] += float64(e.tiers[i].onDuty) * dt
		}
	}
	if t > e.now {
		e.now = t
	}
}

// scheduleArrival schedules the next arrival after time t.
func (e *engine) scheduleArrival(t float64) {
	if len(e.m.replay) > 0 {
		if e.replayNext < len(e.m.replay) {
			e.schedule(e.m.replay[e.replayNext].at, evArrival, 0, 0)
		}
		return
	}
	// Piecewise-constant rate: draw an exponential gap at the current
	// rate; if it crosses the next rate change, restart from there
	// (memorylessness makes this exact).
	for t < e.arrivalsEnd {
		rate, until := e.rateAt(t)
		if rate > 0 {
			if next := t + e.rng.ExpFloat64()/rate; next < until {
				e.schedule(next, evArrival, 0, 0)
				return
			}
		}
		t = until
	}
}

// rateAt returns the total arrival rate at t and when it next changes.
func (e *engine) rateAt(t float64) (rate, until float64) {
	hour := math.Floor(t / hourSec)
	until = (hour + 1) * hourSec
	base := e.m.rate[int(hour)%168]
	rate = base
	extra := 0.0
	for _, s := range e.m.spikes {
		switch {
		case t < s.from:
			until = min(until, s.from)
		case t < s.to:
			until = min(until, s.to)
			if s.typ >= 0 {
				extra += max(s.mult-1, 0) * base
			} else {
				rate *= s.mult
			}
		}
	}
	return rate + extra, until
}

// pickType draws the request type, counting typed spikes.
func (e *engine) pickType(u float64) int {
	if len(e.m.spikes) > 0 {
		rate, _ := e.rateAt(e.now)
		base := e.m.rate[int(e.now/hourSec)%168]
		for _, s := range e.m.spikes {
			if s.typ >= 0 && e.now >= s.from && e.now < s.to && rate > 0 {
				share := max(s.mult-1, 0) * base / rate
				if u < share {
					return s.typ
				}
				u = (u - share) / (1 - share)
				// The remaining rate is demand mix and untyped spikes.
				rate -= max(s.mult-1, 0) * base
			}
		}
	}
	return pickCum(e.m.typeCum, u)
}

func pickCum(cum []float64, u float64) int {
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

func (e *engine) arrive() {
	m := e.m
	var typ, ch, prio int
	replayed := len(m.replay) > 0
	if replayed {
		r := m.replay[e.replayNext]
		e.replayNext++
		typ, ch, prio = int(r.typ), int(r.ch), int(r.prio)
	} else {
		typ = e.pickType(e.rng.Float64())
		ch = pickCum(m.chanCum, e.rng.Float64())
		prio = pickCum(m.types[typ].prioCum[:], e.rng.Float64())
	}
	uDeflect := e.rng.Float64()
	seed := e.rng.Uint64()
	e.scheduleArrival(e.now)

	measured := e.now >= e.wStart && e.now < e.wEnd
	if measured {
		e.st.demand++
	}
	if !replayed && uDeflect < m.types[typ].deflect {
		if measured {
			e.st.deflected++
		}
		return
	}
	id := e.newTicket()
	tk := &e.tickets[id]
	*tk = ticket{arrival: e.now, firstPickup: -1, seed: seed, gen: tk.gen, typ: int16(typ),
		tier: int8(m.types[typ].entry), prio: int8(prio), channel: int8(ch), measured: measured}
	e.inSystem++
	if measured {
		e.inFlight++
		e.st.tickets++
		e.st.arrivalsByHour[int(e.now/hourSec)%168]++
	}
	e.enqueue(int(tk.tier), id, false)
	// Only a customer left waiting can abandon: skipping the event for
	// those served at once keeps the event queue short.
	if tk = &e.tickets[id]; tk.firstPickup < 0 {
		if p := &m.channels[ch].patience; p.defined() {
			patience := p.sample(uniform(seed, keyPatience), uniform(seed, keyPatience2))
			e.schedule(e.now+patience, evAbandon, id, tk.gen)
		}
	}
}

func (e *engine) newTicket() int32 {
	if n := len(e.free); n > 0 {
		id := e.free[n-1]
		e.free = e.free[:n-1]
		return id
	}
	e.tickets = append(e.tickets, ticket{})
	return int32(len(e.tickets) - 1)
}

func (e *engine) freeTicket(id int32) {
	tk := &e.tickets[id]
	tk.state = tsFree
	tk.gen++
	e.free = append(e.free, id)
	e.inSystem--
}

func (e *engine) enqueue(ti int, id int32, front bool) {
	tk := &e.tickets[id]
	tk.state = tsQueued
	ts := &e.tiers[ti]
	q := qEntry{idx: id, gen: tk.gen}
	switch {
	case front:
		ts.front.push(q)
	case e.m.tiers[ti].priority:
		ts.queues[tk.prio].push(q)
	default:
		ts.queues[2].push(q)
	}
	e.dispatch(ti)
}

// dispatch gives waiting tickets to idle agents of a tier.
func (e *engine) dispatch(ti int) {
	ts := &e.tiers[ti]
	for len(ts.idle) > 0 {
		id, ok := e.nextQueued(ts)
		if !ok {
			return
		}
		a := ts.idle[len(ts.idle)-1]
		ts.idle = ts.idle[:len(ts.idle)-1]
		e.start(a, id)
	}
}

// nextQueued pops the next live ticket: front queue first, then by priority.
func (e *engine) nextQueued(ts *tierState) (int32, bool) {
	for r := -1; r < 4; r++ {
		q := &ts.front
		if r >= 0 {
			q = &ts.queues[r]
		}
		for q.size > 0 {
			en := q.pop()
			if tk := &e.tickets[en.idx]; tk.gen == en.gen && tk.state == tsQueued {
				return en.idx, true
			}
		}
	}
	return 0, false
}

// start makes agent a work on ticket id.
func (e *engine) start(a int32, id int32) {
	ag := &e.agents[a]
	tk := &e.tickets[id]
	ti := int(ag.tier)
	ag.busy = true
	ag.ticket = id
	e.tiers[ti].busy++
	tk.state = tsWorking
	if tk.firstPickup < 0 {
		tk.firstPickup = e.now
		if tk.measured {
			w := e.now - tk.arrival
			e.st.served++
			e.st.waitSum += w
			e.st.waitHist.add(w)
			if w > 0 {
				e.st.waited++
			}
		}
	}
	var work float64
	switch {
	case tk.collabNext: // an expert joins a parked swarm
		work = e.collabTime(tk)
	case tk.pendingWork > 0: // the owner resumes after the swarm
		work = tk.pendingWork
		tk.pendingWork = 0
		e.countHandling(ti, tk, work)
	default:
		k := int(tk.step)
		work = e.m.types[tk.typ].handling[ti].sample(uniform(tk.seed, stepKey(k, offHandle)), uniform(tk.seed, stepKey(k, offHandle+1)))
		if tk.viaHandoff {
			if h := &e.m.tiers[ti].handoff; h.defined() {
				work += h.sample(uniform(tk.seed, stepKey(k, offHandoff)), uniform(tk.seed, stepKey(k, offHandoff+1)))
			}
			tk.viaHandoff = false
		}
		e.countHandling(ti, tk, work)
	}
	ag.doneAt = e.now + work
	e.schedule(ag.doneAt, evDone, a, ag.gen)
}

func (e *engine) countHandling(ti int, tk *ticket, work float64) {
	if tk.measured {
		e.st.handled[ti]++
		e.st.handleSum[ti] += work
	}
}

func (e *engine) collabTime(tk *ticket) float64 {
	k := int(tk.step)
	return e.m.collab.sample(uniform(tk.seed, stepKey(k, offCollab)), uniform(tk.seed, stepKey(k, offCollab+1)))
}

// done handles the end of an agent's current piece of work.
func (e *engine) done(a int32) {
	ag := &e.agents[a]
	id := ag.ticket
	if id < 0 { // a swarm collaboration on someone else's ticket
		e.release(a)
		return
	}
	tk := &e.tickets[id]
	if tk.collabNext { // parked swarm: expert done, back to the owner tier
		tk.collabNext = false
		e.release(a)
		e.enqueue(int(e.m.types[tk.typ].entry), id, true)
		return
	}
	ct := &e.m.types[tk.typ]
	ti := int(tk.tier)
	k := int(tk.step)
	tk.step++
	if tk.measured {
		e.st.decisions[ti]++
	}
	next := e.m.tiers[ti].next
	if next < 0 || uniform(tk.seed, stepKey(k, offEscalate)) >= ct.escalate[ti] {
		e.resolve(id)
		e.release(a)
		return
	}
	if tk.measured {
		e.st.needUp[ti]++
	}
	tk.tier = int8(next)
	if !ct.swarm {
		tk.handoffs++
		tk.viaHandoff = true
		tk.broken = true
		e.release(a)
		e.enqueue(next, id, false)
		return
	}
	e.swarm(a, id, next)
}

// swarm: the owner a keeps ticket id and does the next level of work while
// an expert of tier next collaborates.
func (e *engine) swarm(a, id int32, next int) {
	tk := &e.tickets[id]
	if tk.measured {
		e.st.swarms++
	}
	k := int(tk.step)
	work := e.m.types[tk.typ].handling[next].sample(uniform(tk.seed, stepKey(k, offHandle)), uniform(tk.seed, stepKey(k, offHandle+1)))
	if e.pullExpert(next, e.collabTime(tk)) {
		ag := &e.agents[a]
		e.countHandling(int(ag.tier), tk, work)
		ag.doneAt = e.now + work
		e.schedule(ag.doneAt, evDone, a, ag.gen)
		return
	}
	// Nobody of that tier is on duty: the ticket waits for an expert.
	if tk.measured {
		e.st.swarmWaits++
	}
	tk.broken = true
	tk.pendingWork = max(work, 1e-9)
	tk.collabNext = true
	e.release(a)
	e.enqueue(next, id, true)
}

// pullExpert takes an idle expert of tier ti for d seconds, or interrupts a
// busy one; it fails when nobody of the tier is on duty.
func (e *engine) pullExpert(ti int, d float64) bool {
	ts := &e.tiers[ti]
	if n := len(ts.idle); n > 0 {
		a := ts.idle[n-1]
		ts.idle = ts.idle[:n-1]
		ag := &e.agents[a]
		ag.busy, ag.ticket = true, -1
		ts.busy++
		ag.doneAt = e.now + d
		e.schedule(ag.doneAt, evDone, a, ag.gen)
		return true
	}
	if ts.onDuty == 0 {
		return false
	}
	// Everyone on duty is busy: interrupt one at random; their own work
	// is pushed back by the collaboration and the context switch. Random
	// probing finds one quickly; the scan is only a safety net.
	for try := 0; try < 8*len(ts.agents); try++ {
		if a := ts.agents[e.pick.IntN(len(ts.agents))]; e.agents[a].onDuty && e.agents[a].busy {
			e.interrupt(a, d)
			return true
		}
	}
	for _, a := range ts.agents {
		if e.agents[a].onDuty && e.agents[a].busy {
			e.interrupt(a, d)
			return true
		}
	}
	return false
}

func (e *engine) interrupt(a int32, d float64) {
	ag := &e.agents[a]
	ag.gen++
	ag.doneAt += d + e.m.interrupt
	e.schedule(ag.doneAt, evDone, a, ag.gen)
}

// release frees agent a: they go home if their shift is over, otherwise
// take the next waiting ticket.
func (e *engine) release(a int32) {
	ag := &e.agents[a]
	ti := int(ag.tier)
	ts := &e.tiers[ti]
	ag.busy = false
	ag.ticket = -1
	ag.gen++
	ts.busy--
	if ts.leaving > 0 {
		ts.leaving--
		ag.onDuty = false
		ts.onDuty--
		ts.off = append(ts.off, a)
		return
	}
	ts.idle = append(ts.idle, a)
	e.dispatch(ti)
}

// staff applies tier ti's staffing at the current time and schedules the
// next change.
func (e *engine) staff(ti int) {
	target, next := e.m.tiers[ti].plan.at(e.now)
	ts := &e.tiers[ti]
	diff := target - (ts.onDuty - ts.leaving)
	for ; diff > 0 && ts.leaving > 0; diff-- {
		ts.leaving--
	}
	for ; diff > 0 && len(ts.off) > 0; diff-- {
		a := ts.off[len(ts.off)-1]
		ts.off = ts.off[:len(ts.off)-1]
		e.agents[a].onDuty = true
		ts.onDuty++
		ts.idle = append(ts.idle, a)
	}
	for ; diff < 0 && len(ts.idle) > 0; diff++ {
		a := ts.idle[len(ts.idle)-1]
		ts.idle = ts.idle[:len(ts.idle)-1]
		e.agents[a].onDuty = false
		ts.onDuty--
		ts.off = append(ts.off, a)
	}
	if diff < 0 {
		ts.leaving += -diff
	}
	e.dispatch(ti)
	if next > e.now {
		e.schedule(next, evStaff, int32(ti), 0)
	}
}

func (e *engine) abandon(id int32) {
	tk := &e.tickets[id]
	if tk.measured {
		e.st.abandoned++
		e.slaMissed(tk)
	}
	e.finish(id)
}

func (e *engine) resolve(id int32) {
	tk := &e.tickets[id]
	if tk.measured {
		st := e.st
		r := e.now - tk.arrival
		st.resolved++
		st.resolSum += r
		st.resolHist.add(r)
		st.resolvedAt[tk.tier]++
		st.handoffs += int64(tk.handoffs)
		if !tk.broken {
			st.fcr++
		}
		e.slaCheck(tk)
	}
	e.finish(id)
}

func (e *engine) finish(id int32) {
	tk := &e.tickets[id]
	if tk.measured {
		e.st.sojournSum += e.now - tk.arrival
		e.inFlight--
	}
	e.freeTicket(id)
}

func (e *engine) slaCheck(tk *ticket) {
	s := &e.m.sla
	if t := s.first[tk.prio]; t > 0 {
		e.st.slaFirstN++
		if s.hours.openBetween(tk.arrival, tk.firstPickup) <= t {
			e.st.slaFirstOK++
		}
	}
	if t := s.resolv[tk.prio]; t > 0 {
		e.st.slaResN++
		if s.hours.openBetween(tk.arrival, e.now) <= t {
			e.st.slaResOK++
		}
	}
}

// slaMissed counts an abandoned ticket against both targets: the customer
// got neither a response nor a resolution.
func (e *engine) slaMissed(tk *ticket) {
	if e.m.sla.first[tk.prio] > 0 {
		e.st.slaFirstN++
	}
	if e.m.sla.resolv[tk.prio] > 0 {
		e.st.slaResN++
	}
}
