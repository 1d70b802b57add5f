package sim

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Problem is one reason a scenario is rejected: the field path (e.g.
// "tiers[1].agents") and what is wrong with it.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ScenarioError lists every problem found in a scenario, so a lead fixes
// them all in one go.
type ScenarioError struct {
	Name     string
	Problems []Problem
}

func (e *ScenarioError) Error() string {
	var b strings.Builder
	if e.Name != "" {
		fmt.Fprintf(&b, "scenario %q: ", e.Name)
	} else {
		b.WriteString("scenario: ")
	}
	if len(e.Problems) == 1 {
		b.WriteString(e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

type problems struct{ list []Problem }

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Validate checks the scenario and reports every problem with its field path.
func (sc Scenario) Validate() error {
	_, err := compile(sc)
	return err
}

// Defaults used when a scenario leaves a field out.
const (
	DefaultHorizon = Duration(28 * 24 * 3600 * 1e9)
	DefaultWarmup  = Duration(2 * 24 * 3600 * 1e9)
)

// withDefaults returns a copy with defaults filled in; slices that are
// modified are copied so the caller's scenario is never changed.
func (sc Scenario) withDefaults() Scenario {
	if sc.Name == "" {
		sc.Name = "scenario"
	}
	if sc.Model == "" {
		sc.Model = Tiered
	}
	if sc.Horizon == 0 {
		if len(sc.Arrivals.Replay) > 0 {
			last := Duration(0)
			for _, r := range sc.Arrivals.Replay {
				last = max(last, r.At)
			}
			sc.Horizon = max(last-sc.Warmup+Duration(1e9), Duration(1e9))
		} else {
			sc.Horizon = DefaultHorizon
		}
	}
	if len(sc.Channels) == 0 {
		sc.Channels = []Channel{{Name: "web", Share: 1}}
	}
	tiers := make([]Tier, len(sc.Tiers))
	copy(tiers, sc.Tiers)
	for i := range tiers {
		if tiers[i].Queue == "" {
			tiers[i].Queue = FIFO
		}
	}
	sc.Tiers = tiers
	return sc
}

// compiled is a validated scenario turned into indexed arrays for the engine.
type compiled struct {
	sc        Scenario
	horizon   float64 // measured window length, seconds
	warmup    float64
	rate      [168]float64 // demand per second by hour of week
	spikes    []cSpike
	replay    []cReplay
	typeCum   []float64
	chanCum   []float64
	types     []cType
	channels  []cChannel
	tiers     []cTier // sorted by level
	collab    sampler
	interrupt float64
	sla       cSLA
	anySwarm  bool
}

type cSpike struct {
	from, to, mult float64
	typ            int // -1: demand mix
}

type cReplay struct {
	at            float64
	typ, ch, prio int8
}

type cType struct {
	name     string
	swarm    bool
	entry    int // tier index
	deflect  float64
	prioCum  [4]float64
	handling []sampler // by tier index
	escalate []float64 // by tier index
}

type cChannel struct {
	name     string
	patience sampler // kindNone: infinite
}

type cTier struct {
	name     string
	plan     staffingPlan
	cost     float64 // per agent-second
	handoff  sampler
	priority bool
	next     int // tier index of the next level up, -1 at the top
}

type cSLA struct {
	hours  *week
	first  [4]float64 // by priority; 0: no target
	resolv [4]float64
}

func tierLevel(name string) int {
	for i, n := range TierNames {
		if n == name {
			return i + 1
		}
	}
	return 0
}

func priorityIndex(name string) int {
	for i, p := range Priorities {
		if p == name {
			return i
		}
	}
	return -1
}

// compile validates sc and builds the engine's view of it.
func compile(in Scenario) (*compiled, error) {
	sc := in.withDefaults()
	p := &problems{}
	c := &compiled{sc: sc}
	switch sc.Model {
	case Tiered, Swarming, Hybrid:
	default:
		p.add("model", "must be tiered, swarming or hybrid (got %q)", sc.Model)
	}
	if sc.Horizon <= 0 {
		p.add("horizon", "must be > 0")
	}
	if sc.Warmup < 0 {
		p.add("warmup", "must be >= 0")
	}
	c.horizon, c.warmup = sc.Horizon.Seconds(), sc.Warmup.Seconds()
	if !(sc.SelfService.Deflection >= 0 && sc.SelfService.Deflection <= 1) {
		p.add("self_service.deflection", "must be between 0 and 1 (got %g)", sc.SelfService.Deflection)
	}
	tierIdx := c.compileTiers(p)
	c.compileChannels(p)
	c.compileTypes(p, tierIdx)
	c.compileArrivals(p)
	c.compileSwarming(p)
	c.compileSLA(p)
	c.checkStaffing(p, tierIdx)
	if len(p.list) > 0 {
		return nil, &ScenarioError{Name: in.Name, Problems: p.list}
	}
	return c, nil
}

// compileTiers returns, for each level 1..4, the index in c.tiers (-1 when
// the level is not staffed in the scenario).
func (c *compiled) compileTiers(p *problems) (tierIdx [5]int) {
	for i := range tierIdx {
		tierIdx[i] = -1
	}
	if len(c.sc.Tiers) == 0 {
		p.add("tiers", "at least one tier (L1..L4) is required")
		return tierIdx
	}
	order := make([]int, 0, len(c.sc.Tiers))
	for i, t := range c.sc.Tiers {
		path := fmt.Sprintf("tiers[%d]", i)
		lvl := tierLevel(t.Name)
		switch {
		case lvl == 0:
			p.add(path+".name", "must be one of L1, L2, L3, L4 (got %q)", t.Name)
			continue
		case tierIdx[lvl] == -2:
			p.add(path+".name", "tier %s is listed twice", t.Name)
			continue
		}
		tierIdx[lvl] = -2 // seen; real index set below
		order = append(order, i)
	}
	sort.SliceStable(order, func(a, b int) bool {
		return tierLevel(c.sc.Tiers[order[a]].Name) < tierLevel(c.sc.Tiers[order[b]].Name)
	})
	for _, i := range order {
		t := c.sc.Tiers[i]
		path := fmt.Sprintf("tiers[%d]", i)
		ct := cTier{name: t.Name, cost: t.HourlyCost / hourSec, next: -1}
		ct.plan = compilePlan(p, path, t)
		if t.HourlyCost < 0 {
			p.add(path+".hourly_cost", "must be >= 0")
		}
		if t.Handoff != nil {
			checkDist(p, path+".handoff", t.Handoff)
			ct.handoff = compileDist(t.Handoff)
		}
		switch t.Queue {
		case FIFO:
		case Priority:
			ct.priority = true
		default:
			p.add(path+".queue", "must be fifo or priority (got %q)", t.Queue)
		}
		tierIdx[tierLevel(t.Name)] = len(c.tiers)
		c.tiers = append(c.tiers, ct)
	}
	for i := range c.tiers {
		if i+1 < len(c.tiers) {
			c.tiers[i].next = i + 1
		}
	}
	return tierIdx
}

func compilePlan(p *problems, path string, t Tier) staffingPlan {
	if len(t.Shifts) > 0 {
		if t.Agents != 0 || t.Hours != "" {
			p.add(path, "give either agents (with hours) or shifts, not both")
		}
		weeks := make([]*week, len(t.Shifts))
		agents := make([]int, len(t.Shifts))
		for j, s := range t.Shifts {
			sp := fmt.Sprintf("%s.shifts[%d]", path, j)
			w, err := parseHours(s.Hours)
			if err != nil {
				p.add(sp+".hours", "%v", err)
			}
			if s.Agents < 0 {
				p.add(sp+".agents", "must be >= 0")
			}
			weeks[j], agents[j] = w, max(s.Agents, 0)
		}
		return newStaffingPlan(weeks, agents)
	}
	if t.Agents < 0 {
		p.add(path+".agents", "must be >= 0")
	}
	w, err := parseHours(t.Hours)
	if err != nil {
		p.add(path+".hours", "%v", err)
	}
	return newStaffingPlan([]*week{w}, []int{max(t.Agents, 0)})
}

func (c *compiled) compileChannels(p *problems) {
	shares := make([]float64, len(c.sc.Channels))
	seen := map[string]bool{}
	for i, ch := range c.sc.Channels {
		path := fmt.Sprintf("channels[%d]", i)
		shares[i] = checkShare(p, path, "channel", ch.Name, ch.Share, seen)
		cc := cChannel{name: ch.Name}
		if ch.Patience != nil {
			checkDist(p, path+".patience", ch.Patience)
			cc.patience = compileDist(ch.Patience)
		}
		c.channels = append(c.channels, cc)
	}
	c.chanCum = cumulative(p, "channels[*].share", shares)
}

// checkShare checks one entry of a list that divides the traffic (channels,
// request types): a name given once, and a share that is a number >= 0. It
// returns the share for cumulative.
func checkShare(p *problems, path, what, name string, share float64, seen map[string]bool) float64 {
	if name == "" {
		p.add(path+".name", "is required")
	} else if seen[name] {
		p.add(path+".name", "%s %q is listed twice", what, name)
	}
	seen[name] = true
	if share < 0 || math.IsNaN(share) {
		p.add(path+".share", "must be >= 0")
	}
	return share
}

// cumulative checks that shares add up to 1 and returns running sums.
func cumulative(p *problems, path string, shares []float64) []float64 {
	sum := 0.0
	cum := make([]float64, len(shares))
	for i, s := range shares {
		sum += max(s, 0)
		cum[i] = sum
	}
	if len(shares) > 0 && math.Abs(sum-1) > 1e-3 {
		p.add(path, "shares must add up to 1 (they add up to %.4g)", sum)
	}
	if sum > 0 {
		for i := range cum {
			cum[i] /= sum
		}
		cum[len(cum)-1] = 1
	}
	return cum
}

func (c *compiled) compileTypes(p *problems, tierIdx [5]int) {
	if len(c.sc.RequestTypes) == 0 {
		p.add("request_types", "at least one request type is required")
		return
	}
	shares := make([]float64, len(c.sc.RequestTypes))
	seen := map[string]bool{}
	for i, rt := range c.sc.RequestTypes {
		path := fmt.Sprintf("request_types[%d]", i)
		shares[i] = checkShare(p, path, "request type", rt.Name, rt.Share, seen)
		c.types = append(c.types, c.compileType(p, path, rt, tierIdx))
	}
	c.typeCum = cumulative(p, "request_types[*].share", shares)
}

func (c *compiled) compileType(p *problems, path string, rt RequestType, tierIdx [5]int) cType {
	ct := cType{
		name:     rt.Name,
		deflect:  c.sc.SelfService.Deflection,
		handling: make([]sampler, len(c.tiers)),
		escalate: make([]float64, len(c.tiers)),
	}
	switch {
	case c.sc.Model == Hybrid && rt.Model != Tiered && rt.Model != Swarming:
		p.add(path+".model", "must be tiered or swarming when the scenario model is hybrid (got %q)", rt.Model)
	case c.sc.Model != Hybrid && rt.Model != "":
		p.add(path+".model", "is only used when the scenario model is hybrid")
	}
	ct.swarm = c.sc.Model == Swarming || (c.sc.Model == Hybrid && rt.Model == Swarming)
	c.anySwarm = c.anySwarm || ct.swarm
	if rt.SelfService != nil {
		ct.deflect = *rt.SelfService
		if !(ct.deflect >= 0 && ct.deflect <= 1) {
			p.add(path+".self_service", "must be between 0 and 1 (got %g)", ct.deflect)
		}
	}
	ct.entry = 0
	if rt.Entry != "" {
		lvl := tierLevel(rt.Entry)
		switch {
		case lvl == 0:
			p.add(path+".entry", "must be one of L1, L2, L3, L4 (got %q)", rt.Entry)
		case tierIdx[lvl] < 0:
			p.add(path+".entry", "tier %s is not defined in tiers", rt.Entry)
		default:
			ct.entry = tierIdx[lvl]
		}
	}
	ct.prioCum = c.compilePriorities(p, path+".priorities", rt.Priorities)
	for _, name := range sortedKeys(rt.Handling) {
		hp := path + ".handling." + name
		lvl := tierLevel(name)
		if lvl == 0 {
			p.add(hp, "unknown tier (use L1, L2, L3 or L4)")
			continue
		}
		d := rt.Handling[name]
		checkDist(p, hp, &d)
		if tierIdx[lvl] >= 0 {
			ct.handling[tierIdx[lvl]] = compileDist(&d)
		}
	}
	for _, name := range sortedKeys(rt.Escalate) {
		ep := path + ".escalate." + name
		lvl := tierLevel(name)
		v := rt.Escalate[name]
		if lvl == 0 {
			p.add(ep, "unknown tier (use L1, L2, L3 or L4)")
			continue
		}
		if !(v >= 0 && v <= 1) {
			p.add(ep, "is a probability: must be between 0 and 1 (got %g)", v)
			continue
		}
		if tierIdx[lvl] < 0 {
			if v > 0 {
				p.add(ep, "tier %s is not defined in tiers", name)
			}
			continue
		}
		ct.escalate[tierIdx[lvl]] = v
	}
	c.checkReachable(p, path, rt, &ct)
	return ct
}

// checkReachable walks the tiers a ticket of this type can reach and checks
// each has a handling time and a tier above when it can escalate.
func (c *compiled) checkReachable(p *problems, path string, rt RequestType, ct *cType) {
	if len(c.tiers) == 0 {
		return
	}
	for t := ct.entry; t >= 0; t = c.tiers[t].next {
		name := c.tiers[t].name
		if !ct.handling[t].defined() {
			why := fmt.Sprintf("request type %q enters at %s", rt.Name, name)
			if t != ct.entry {
				why = fmt.Sprintf("request type %q can escalate to %s", rt.Name, name)
			}
			p.add(path+".handling."+name, "is required because %s", why)
		}
		if ct.escalate[t] == 0 {
			return
		}
		if c.tiers[t].next < 0 {
			p.add(path+".escalate."+name, "no tier above %s is defined, so nothing can take an escalation", name)
			return
		}
	}
}

func (c *compiled) compilePriorities(p *problems, path string, m map[string]float64) [4]float64 {
	var cum [4]float64
	if len(m) == 0 {
		cum = [4]float64{0, 0, 1, 1} // all normal
		return cum
	}
	var shares [4]float64
	for _, k := range sortedKeys(m) {
		i := priorityIndex(k)
		if i < 0 {
			p.add(path+"."+k, "unknown priority (use urgent, high, normal or low)")
			continue
		}
		if !(m[k] >= 0 && m[k] <= 1) {
			p.add(path+"."+k, "must be between 0 and 1 (got %g)", m[k])
			continue
		}
		shares[i] = m[k]
	}
	got := cumulative(p, path, shares[:])
	copy(cum[:], got)
	return cum
}

func (c *compiled) compileArrivals(p *problems) {
	a := c.sc.Arrivals
	if len(a.Replay) > 0 {
		c.compileReplay(p, a.Replay)
		if a.PerDay != 0 || a.PerHour != 0 {
			p.add("arrivals.replay", "replaces per_day/per_hour: give one or the other")
		}
		return
	}
	perDay := a.PerDay
	switch {
	case a.PerDay != 0 && a.PerHour != 0:
		p.add("arrivals", "give per_day or per_hour, not both")
	case a.PerHour != 0:
		perDay = a.PerHour * 24
		if !(a.PerHour > 0) {
			p.add("arrivals.per_hour", "must be > 0 (got %g)", a.PerHour)
		}
	case !(a.PerDay > 0):
		p.add("arrivals.per_day", "must be > 0 (got %g)", a.PerDay)
	}
	weights := c.profile(p, a)
	for h := range c.rate {
		c.rate[h] = max(perDay, 0) / daySec * weights[h]
	}
	for i, s := range a.Spikes {
		path := fmt.Sprintf("arrivals.spikes[%d]", i)
		cs := cSpike{from: s.Start.Seconds(), to: (s.Start + s.Duration).Seconds(), mult: s.Multiplier, typ: -1}
		if s.Start < 0 {
			p.add(path+".start", "must be >= 0")
		}
		if s.Duration <= 0 {
			p.add(path+".duration", "must be > 0")
		}
		if !(s.Multiplier >= 0) {
			p.add(path+".multiplier", "must be >= 0 (got %g)", s.Multiplier)
		}
		if s.Type != "" {
			if cs.typ = c.typeIndex(s.Type); cs.typ < 0 {
				p.add(path+".type", "unknown request type %q", s.Type)
			}
			if s.Multiplier < 1 {
				p.add(path+".multiplier", "must be >= 1 when type is set: the spike adds requests of that type (got %g)", s.Multiplier)
			}
		}
		c.spikes = append(c.spikes, cs)
	}
}

// profile returns 168 hour-of-week weights whose mean is 1.
func (c *compiled) profile(p *problems, a Arrivals) [168]float64 {
	var w [168]float64
	for i := range w {
		w[i] = 1
	}
	if len(a.HourOfWeek) > 0 {
		if len(a.Hourly) > 0 || len(a.Daily) > 0 {
			p.add("arrivals.hour_of_week", "replaces hourly and daily: give one or the other")
		}
		if checkWeights(p, "arrivals.hour_of_week", a.HourOfWeek, 168) {
			copy(w[:], a.HourOfWeek)
		}
	} else {
		hourly, daily := a.Hourly, a.Daily
		okH := len(hourly) == 0 || checkWeights(p, "arrivals.hourly", hourly, 24)
		okD := len(daily) == 0 || checkWeights(p, "arrivals.daily", daily, 7)
		for i := range w {
			if okH && len(hourly) > 0 {
				w[i] *= hourly[i%24]
			}
			if okD && len(daily) > 0 {
				w[i] *= daily[i/24]
			}
		}
	}
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	if sum > 0 {
		for i := range w {
			w[i] *= 168 / sum
		}
	}
	return w
}

func checkWeights(p *problems, path string, w []float64, n int) bool {
	if len(w) != n {
		p.add(path, "needs %d values (got %d)", n, len(w))
		return false
	}
	sum := 0.0
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			p.add(fmt.Sprintf("%s[%d]", path, i), "must be >= 0 (got %g)", v)
			return false
		}
		sum += v
	}
	if sum == 0 {
		p.add(path, "at least one weight must be > 0")
		return false
	}
	return true
}

func (c *compiled) compileReplay(p *problems, rs []ReplayArrival) {
	c.replay = make([]cReplay, 0, len(rs))
	for i, r := range rs {
		path := fmt.Sprintf("arrivals.replay[%d]", i)
		cr := cReplay{at: r.At.Seconds(), prio: 2}
		if r.At < 0 {
			p.add(path+".at", "must be >= 0")
		}
		t := c.typeIndex(r.Type)
		if t < 0 {
			p.add(path+".type", "unknown request type %q", r.Type)
			continue
		}
		cr.typ = int8(t)
		if r.Channel != "" {
			ch := -1
			for j, cc := range c.channels {
				if cc.name == r.Channel {
					ch = j
				}
			}
			if ch < 0 {
				p.add(path+".channel", "unknown channel %q", r.Channel)
				continue
			}
			cr.ch = int8(ch)
		}
		if r.Priority != "" {
			pi := priorityIndex(r.Priority)
			if pi < 0 {
				p.add(path+".priority", "unknown priority %q", r.Priority)
				continue
			}
			cr.prio = int8(pi)
		}
		c.replay = append(c.replay, cr)
	}
	sort.SliceStable(c.replay, func(i, j int) bool { return c.replay[i].at < c.replay[j].at })
}

func (c *compiled) typeIndex(name string) int {
	for i, rt := range c.sc.RequestTypes {
		if rt.Name == name {
			return i
		}
	}
	return -1
}

func (c *compiled) compileSwarming(p *problems) {
	s := c.sc.Swarming
	if s.Interruption < 0 {
		p.add("swarming.interruption", "must be >= 0")
	}
	c.interrupt = s.Interruption.Seconds()
	if s.Collaboration != nil {
		checkDist(p, "swarming.collaboration", s.Collaboration)
		c.collab = compileDist(s.Collaboration)
		return
	}
	for i, t := range c.types {
		if !t.swarm || len(c.tiers) == 0 {
			continue
		}
		for k := t.entry; k >= 0 && c.tiers[k].next >= 0; k = c.tiers[k].next {
			if t.escalate[k] > 0 {
				p.add("swarming.collaboration", "is required because request type %q (request_types[%d]) is swarmed and can need %s",
					t.name, i, c.tiers[c.tiers[k].next].name)
				return
			}
		}
	}
}

func (c *compiled) compileSLA(p *problems) {
	w, err := parseHours(c.sc.SLA.Hours)
	if err != nil {
		p.add("sla.hours", "%v", err)
	}
	c.sla.hours = w
	targets := c.sc.SLA.Targets
	if d, ok := targets["default"]; ok {
		for i := range c.sla.first {
			c.sla.first[i], c.sla.resolv[i] = d.FirstResponse.Seconds(), d.Resolution.Seconds()
		}
	}
	for _, k := range sortedKeys(targets) {
		t := targets[k]
		path := "sla.targets." + k
		if t.FirstResponse < 0 {
			p.add(path+".first_response", "must be >= 0")
		}
		if t.Resolution < 0 {
			p.add(path+".resolution", "must be >= 0")
		}
		if k == "default" {
			continue
		}
		i := priorityIndex(k)
		if i < 0 {
			p.add(path, "unknown priority (use urgent, high, normal, low or default)")
			continue
		}
		c.sla.first[i], c.sla.resolv[i] = t.FirstResponse.Seconds(), t.Resolution.Seconds()
	}
}

// checkStaffing rejects scenarios where a tier a ticket can reach has no
// agent at any time: its tickets would wait forever.
func (c *compiled) checkStaffing(p *problems, tierIdx [5]int) {
	reported := map[int]bool{}
	for ti, t := range c.types {
		if len(c.tiers) == 0 {
			return
		}
		for k, from := t.entry, -1; k >= 0; from, k = k, c.tiers[k].next {
			if c.tiers[k].plan.maxAgents() <= 0 && !reported[k] {
				reported[k] = true
				field, how := "agents", "be > 0"
				orig := c.origTierIndex(c.tiers[k].name)
				if len(c.sc.Tiers[orig].Shifts) > 0 {
					field, how = "shifts", "staff at least one agent"
				}
				why := fmt.Sprintf("request type %q enters at %s", c.types[ti].name, c.tiers[k].name)
				if from >= 0 {
					why = fmt.Sprintf("request type %q can escalate to %s", c.types[ti].name, c.tiers[k].name)
				}
				p.add(fmt.Sprintf("tiers[%d].%s", orig, field), "must %s because %s", how, why)
			}
			if t.escalate[k] == 0 {
				break
			}
		}
	}
	_ = tierIdx
}

func (c *compiled) origTierIndex(name string) int {
	for i, t := range c.sc.Tiers {
		if t.Name == name {
			return i
		}
	}
	return 0
}

func checkDist(p *problems, path string, d *Distribution) {
	switch d.Dist {
	case DistLognormal:
		if d.Mean <= 0 {
			p.add(path+".mean", "must be > 0")
		}
		if d.SD < 0 {
			p.add(path+".sd", "must be >= 0")
		}
	case DistExponential, DistConstant:
		switch {
		case d.Mean <= 0 && d.Dist == DistExponential:
			p.add(path+".mean", "must be > 0")
		case d.Mean < 0:
			p.add(path+".mean", "must be >= 0")
		}
		if d.SD != 0 {
			p.add(path+".sd", "is only used by lognormal")
		}
	case DistEmpirical:
		if len(d.Values) == 0 {
			p.add(path+".values", "needs at least one duration")
		}
		for i, v := range d.Values {
			if v < 0 {
				p.add(fmt.Sprintf("%s.values[%d]", path, i), "must be >= 0")
			}
		}
		if d.Mean != 0 || d.SD != 0 {
			p.add(path, "empirical takes values only (no mean or sd)")
		}
	case "":
		p.add(path+".dist", "is required (lognormal, exponential, constant or empirical)")
	default:
		p.add(path+".dist", "must be lognormal, exponential, constant or empirical (got %q)", d.Dist)
	}
	if d.Dist != DistEmpirical && len(d.Values) > 0 {
		p.add(path+".values", "is only used by empirical")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
