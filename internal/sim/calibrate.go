package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// TierSpan is a stretch of a ticket's life spent with one tier: from when
// an agent of the tier started working it to when it left the tier
// (escalated or solved). The span is taken as handling time, so the storage
// layer should exclude time spent waiting for the customer where it can.
type TierSpan struct {
	Tier  string    `json:"tier"` // "L1".."L4"
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// HistoryTicket is one stored ticket, as the storage layer can fill it from
// the ticket and its timeline events.
type HistoryTicket struct {
	Created              time.Time  `json:"created"`
	Type                 string     `json:"type"`
	Channel              string     `json:"channel"`
	Priority             string     `json:"priority"`
	Solved               time.Time  `json:"solved"` // zero if unsolved
	Spans                []TierSpan `json:"spans"`
	Escalations          int        `json:"escalations"`
	FirstContactResolved bool       `json:"first_contact_resolved"`
}

// CalibrateOptions completes what history cannot tell.
type CalibrateOptions struct {
	Name string
	// Agents per tier; tiers left out are estimated from their workload.
	Agents map[string]int
	// Hours are the business hours of every tier (default "24/7").
	Hours      string
	HourlyCost map[string]float64
	// Location sets the hour of the week tickets are counted in
	// (default UTC).
	Location *time.Location
	// Replay makes the scenario replay the recorded arrivals instead of
	// drawing Poisson arrivals from the estimated profile.
	Replay bool
	// Replications and Seed drive the fit check (defaults 5 and 1).
	Replications int
	Seed         uint64
	// MinSamples is the number of observations below which an estimate
	// per request type falls back to the tier's pooled one (default 30).
	MinSamples int
	// TargetUtilisation sizes estimated tiers (default 0.8).
	TargetUtilisation float64
}

// FitRow compares one observed quantity with its simulated counterpart.
type FitRow struct {
	// Name is in English; Check ("handling", "escalation" or "shape") and
	// Tier name the row for LabelIn and for programs.
	Name      string  `json:"name"`
	Check     string  `json:"check"`
	Tier      string  `json:"tier"`
	Unit      Unit    `json:"unit"`
	Observed  float64 `json:"observed"`
	Simulated float64 `json:"simulated"`
	Samples   int     `json:"samples"`
	// Verdict is good, fair or poor (n/a when nothing was measured).
	Verdict string `json:"verdict"`
}

// LabelIn names the row in a language, e.g. "L1 mean handling".
func (r FitRow) LabelIn(lang string) string { return text("fit.row."+r.Check, r.Tier).In(lang) }

// FitReport tells how well the calibrated scenario reproduces the history.
type FitReport struct {
	Tickets int       `json:"tickets"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	// ObservedPerHour and SimulatedPerHour are tickets per hour for each
	// hour of the week (Monday 00:00 first).
	ObservedPerHour  [168]float64 `json:"observed_per_hour_of_week"`
	SimulatedPerHour [168]float64 `json:"simulated_per_hour_of_week"`
	// ArrivalError is Σ|simulated − observed| / Σ observed over the week.
	ArrivalError float64 `json:"arrival_error"`
	// ArrivalChi2 is the mean squared difference per hour of the week in
	// units of its Poisson standard error: about 1 when the two differ by
	// chance only.
	ArrivalChi2 float64 `json:"arrival_chi2"`
	// ArrivalVerdict is good, fair or poor, from ArrivalChi2.
	ArrivalVerdict string `json:"arrival_verdict"`
	// Dispersion is the variance-to-mean ratio of hourly counts across
	// weeks: about 1 for Poisson arrivals, more for bursty demand.
	Dispersion float64  `json:"dispersion"`
	Handling   []FitRow `json:"handling"`
	Escalation []FitRow `json:"escalation"`
	// Shape is the mean Kolmogorov–Smirnov distance between the handling
	// times and the fitted distributions, per tier.
	Shape   []FitRow `json:"shape"`
	Quality string   `json:"quality"` // good, fair or poor
	// Summary and Notes are in English; SummaryIn and NotesIn tell them
	// in another language.
	Summary string   `json:"summary"`
	Notes   []string `json:"notes"`
	// Estimated lists the tiers whose staffing was not given but sized
	// from their workload.
	Estimated []string `json:"estimated_staffing,omitempty"`
	// Simulated is the fit-check run of the calibrated scenario.
	Simulated Result `json:"-"`
	summary   Text
	notes     []Text
}

// SummaryIn is the fit's one-sentence summary in a language.
func (f FitReport) SummaryIn(lang string) string { return f.summary.In(lang) }

// NotesIn are the calibration's notes in a language.
func (f FitReport) NotesIn(lang string) []string { return textsIn(lang, f.notes) }

// calibration collects what one pass over the history finds.
type calibration struct {
	opts      CalibrateOptions
	from, to  time.Time
	n         int
	typeN     map[string]int
	chanN     map[string]int
	prioN     map[string]map[string]int
	entryN    map[string]map[string]int
	work      map[string]map[string][]float64 // type → tier → seconds
	tierWork  map[string][]float64
	decisions map[string]map[string]int // type → tier
	ups       map[string]map[string]int
	waits     []float64
	hourN     [168]float64
	weekHourN map[int64]int // (week index * 168 + hour) → count
	notes     []Text
	estimated []string
	skipped   int
	jumps     int
}

// Calibrate estimates a scenario from stored history: arrival profile per
// hour of the week, request type, channel and priority mix, handling times
// per tier and type (lognormal, or empirical when lognormal fits badly),
// escalation probabilities, and staffing where not given. It then simulates
// the scenario and reports how well it reproduces the history.
func Calibrate(history []HistoryTicket, opts CalibrateOptions) (Scenario, FitReport, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MinSamples <= 0 {
		opts.MinSamples = 30
	}
	if opts.Replications <= 0 {
		opts.Replications = 5
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.TargetUtilisation <= 0 || opts.TargetUtilisation >= 1 {
		opts.TargetUtilisation = 0.8
	}
	if opts.Name == "" {
		opts.Name = "calibrated from history"
	}
	if _, err := parseHours(opts.Hours); err != nil {
		return Scenario{}, FitReport{}, fmt.Errorf("calibrate: business hours: %w", err)
	}
	cal, err := scanHistory(history, opts)
	if err != nil {
		return Scenario{}, FitReport{}, err
	}
	sc, err := cal.scenario(history)
	if err != nil {
		return Scenario{}, FitReport{}, err
	}
	rep, err := cal.fit(sc)
	if err != nil {
		return Scenario{}, FitReport{}, err
	}
	return sc, rep, nil
}

func nested(m map[string]map[string]int, a, b string) {
	if m[a] == nil {
		m[a] = map[string]int{}
	}
	m[a][b]++
}

func scanHistory(history []HistoryTicket, opts CalibrateOptions) (*calibration, error) {
	c := &calibration{opts: opts, typeN: map[string]int{}, chanN: map[string]int{},
		prioN: map[string]map[string]int{}, entryN: map[string]map[string]int{},
		work: map[string]map[string][]float64{}, tierWork: map[string][]float64{},
		decisions: map[string]map[string]int{}, ups: map[string]map[string]int{},
		weekHourN: map[int64]int{}}
	for i := range history {
		h := &history[i]
		if h.Created.IsZero() {
			c.skipped++
			continue
		}
		if c.n == 0 || h.Created.Before(c.from) {
			c.from = h.Created
		}
		if c.n == 0 || h.Created.After(c.to) {
			c.to = h.Created
		}
		c.n++
	}
	if c.n == 0 {
		return nil, errors.New("calibrate: the history holds no ticket with a creation time")
	}
	if c.to.Sub(c.from) < 24*time.Hour {
		return nil, fmt.Errorf("calibrate: the history covers %s; at least a day is needed (a few weeks for a good weekly profile)", c.to.Sub(c.from).Round(time.Minute))
	}
	origin := weekStart(c.from.In(opts.Location))
	for i := range history {
		h := &history[i]
		if h.Created.IsZero() {
			continue
		}
		c.scanTicket(h, origin)
	}
	if c.skipped > 0 {
		c.notes = append(c.notes, text("fit.skipped", c.skipped))
	}
	if c.jumps > 0 {
		c.notes = append(c.notes, text("fit.jumps", c.jumps))
	}
	return c, nil
}

func (c *calibration) scanTicket(h *HistoryTicket, origin time.Time) {
	typ := h.Type
	if typ == "" {
		typ = "other"
	}
	ch := h.Channel
	if ch == "" {
		ch = "unknown"
	}
	c.typeN[typ]++
	c.chanN[ch]++
	nested(c.prioN, typ, normalPriority(h.Priority))
	off := h.Created.Sub(origin).Seconds()
	how := int(math.Floor(off/hourSec)) % 168
	c.hourN[how]++
	c.weekHourN[int64(math.Floor(off/hourSec))]++

	spans := make([]TierSpan, 0, len(h.Spans))
	for _, s := range h.Spans {
		if tierLevel(s.Tier) == 0 || s.End.Before(s.Start) || s.Start.IsZero() {
			continue
		}
		spans = append(spans, s)
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].Start.Before(spans[j].Start) })
	if len(spans) == 0 {
		return
	}
	nested(c.entryN, typ, spans[0].Tier)
	if w := spans[0].Start.Sub(h.Created).Seconds(); w >= 0 {
		c.waits = append(c.waits, w)
	}
	for i, s := range spans {
		d := s.End.Sub(s.Start).Seconds()
		if c.work[typ] == nil {
			c.work[typ] = map[string][]float64{}
		}
		c.work[typ][s.Tier] = append(c.work[typ][s.Tier], d)
		c.tierWork[s.Tier] = append(c.tierWork[s.Tier], d)
		last := i == len(spans)-1
		if last && h.Solved.IsZero() {
			continue // outcome unknown: still open
		}
		nested(c.decisions, typ, s.Tier)
		if !last && tierLevel(spans[i+1].Tier) > tierLevel(s.Tier) {
			nested(c.ups, typ, s.Tier)
			if tierLevel(spans[i+1].Tier) > tierLevel(s.Tier)+1 {
				c.jumps++
			}
		}
	}
}

func normalPriority(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	if priorityIndex(p) >= 0 {
		return p
	}
	switch p {
	case "critical", "p1", "urgente":
		return "urgent"
	case "p2", "haute", "élevée":
		return "high"
	case "p4", "basse", "faible":
		return "low"
	}
	return "normal"
}

// weekStart is the Monday 00:00 at or before t, in t's location.
func weekStart(t time.Time) time.Time {
	d := (int(t.Weekday()) + 6) % 7 // Monday = 0
	y, m, day := t.Date()
	return time.Date(y, m, day-d, 0, 0, 0, 0, t.Location())
}

// scenario builds the calibrated scenario.
func (c *calibration) scenario(history []HistoryTicket) (Scenario, error) {
	days := c.to.Sub(c.from).Hours() / 24
	sc := Scenario{
		Name:        c.opts.Name,
		Description: fmt.Sprintf("Estimated from %d tickets between %s and %s.", c.n, c.from.Format("2006-01-02"), c.to.Format("2006-01-02")),
		Model:       Tiered,
		Warmup:      DefaultWarmup,
		Horizon:     Duration(time.Duration(math.Ceil(max(days, 7))) * 24 * time.Hour),
	}
	if c.opts.Replay {
		sc.Arrivals.Replay = c.replay(history)
		sc.Warmup = 0
		sc.Horizon = 0 // defaults to the replay span
	} else {
		sc.Arrivals.PerDay = round3(float64(c.n) / days)
		sc.Arrivals.HourOfWeek = c.profileWeights()
	}
	for _, name := range sortedKeys(c.chanN) {
		sc.Channels = append(sc.Channels, Channel{Name: name, Share: float64(c.chanN[name]) / float64(c.n)})
	}
	fixShares(func(i int) *float64 { return &sc.Channels[i].Share }, len(sc.Channels))
	tiers := c.tierSet()
	for _, name := range sortedKeys(c.typeN) {
		sc.RequestTypes = append(sc.RequestTypes, c.requestType(name, tiers))
	}
	fixShares(func(i int) *float64 { return &sc.RequestTypes[i].Share }, len(sc.RequestTypes))
	for _, name := range tiers {
		sc.Tiers = append(sc.Tiers, c.tier(name, days))
	}
	if err := sc.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("calibrate: the estimated scenario is invalid (please report this): %w", err)
	}
	return sc.withDefaults(), nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// fixShares rounds shares and puts the rounding remainder on the largest,
// so they add up to exactly 1.
func fixShares(get func(int) *float64, n int) {
	sum, big := 0.0, 0
	for i := 0; i < n; i++ {
		p := get(i)
		*p = math.Round(*p*1e4) / 1e4
		sum += *p
		if *p > *get(big) {
			big = i
		}
	}
	if n > 0 {
		*get(big) = math.Round((*get(big)+1-sum)*1e4) / 1e4
	}
}

// profileWeights returns tickets per hour for each hour of the week.
func (c *calibration) profileWeights() []float64 {
	exposure := hourExposure(c.from, c.to, c.opts.Location)
	out := make([]float64, 168)
	total, seen := 0.0, 0.0
	for h := range out {
		if exposure[h] > 0 {
			out[h] = c.hourN[h] / exposure[h]
			total += out[h]
			seen++
		}
	}
	for h := range out {
		if exposure[h] == 0 && seen > 0 { // span shorter than a week
			out[h] = total / seen
		}
		out[h] = round3(out[h])
	}
	return out
}

// hourExposure counts how many hours of each hour-of-week lie in [from, to].
func hourExposure(from, to time.Time, loc *time.Location) [168]float64 {
	var exp [168]float64
	origin := weekStart(from.In(loc))
	a := from.Sub(origin).Seconds()
	b := to.Sub(origin).Seconds()
	for h := math.Floor(a / hourSec); h*hourSec < b; h++ {
		lo, hi := max(a, h*hourSec), min(b, (h+1)*hourSec)
		if hi > lo {
			exp[int(h)%168] += (hi - lo) / hourSec
		}
	}
	return exp
}

func (c *calibration) replay(history []HistoryTicket) []ReplayArrival {
	origin := weekStart(c.from.In(c.opts.Location))
	out := make([]ReplayArrival, 0, c.n)
	for i := range history {
		h := &history[i]
		if h.Created.IsZero() {
			continue
		}
		typ, ch := h.Type, h.Channel
		if typ == "" {
			typ = "other"
		}
		if ch == "" {
			ch = "unknown"
		}
		out = append(out, ReplayArrival{At: Duration(h.Created.Sub(origin)), Type: typ, Channel: ch, Priority: normalPriority(h.Priority)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

// tierSet lists the tiers seen in the history (at least L1), in order.
func (c *calibration) tierSet() []string {
	seen := map[string]bool{"L1": true}
	for t := range c.tierWork {
		seen[t] = true
	}
	var out []string
	for _, t := range TierNames {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out
}

func (c *calibration) requestType(name string, tiers []string) RequestType {
	rt := RequestType{Name: name, Share: float64(c.typeN[name]) / float64(c.n),
		Handling: map[string]Distribution{}, Escalate: map[string]float64{}}
	if e := mode(c.entryN[name]); e != "" && e != tiers[0] {
		rt.Entry = e
	}
	if p := c.prioN[name]; len(p) > 1 || p["normal"] == 0 {
		rt.Priorities = map[string]float64{}
		total := 0
		for _, n := range p {
			total += n
		}
		keys := sortedKeys(p)
		shares := make([]float64, len(keys))
		for i, k := range keys {
			shares[i] = float64(p[k]) / float64(total)
		}
		fixShares(func(i int) *float64 { return &shares[i] }, len(shares))
		for i, k := range keys {
			rt.Priorities[k] = shares[i]
		}
	}
	for i, t := range tiers {
		rt.Handling[t] = c.handling(name, t)
		if i == len(tiers)-1 {
			break
		}
		if p := c.escalation(name, t); p > 0 {
			rt.Escalate[t] = p
		}
	}
	return rt
}

func mode(m map[string]int) string {
	best, bestN := "", -1
	for _, k := range sortedKeys(m) {
		if m[k] > bestN {
			best, bestN = k, m[k]
		}
	}
	return best
}

// handling fits the type's work at a tier, pooling the tier's data when
// the type alone has too few observations.
func (c *calibration) handling(typ, tier string) Distribution {
	xs := c.work[typ][tier]
	if len(xs) < c.opts.MinSamples {
		xs = c.tierWork[tier]
	}
	if len(xs) == 0 { // no observation at all for this tier
		for _, t := range TierNames {
			if len(c.tierWork[t]) > 0 {
				xs = c.tierWork[t]
				break
			}
		}
	}
	return fitDistribution(xs)
}

// fitDistribution fits a lognormal by the moments of the logarithms; when
// that fits badly and there is enough data, it keeps 51 empirical quantiles
// instead.
func fitDistribution(xs []float64) Distribution {
	pos := make([]float64, 0, len(xs))
	for _, x := range xs {
		// Stretches under a second are bookkeeping (a ticket moved twice
		// at once), not work; their logarithms would swamp the fit.
		if x >= 1 {
			pos = append(pos, x)
		}
	}
	if len(pos) == 0 {
		return Distribution{Dist: DistConstant, Mean: Duration(time.Minute)}
	}
	sort.Float64s(pos)
	d := lognormalFromLogs(pos)
	if len(pos) >= 100 && ksDistance(pos, d) > 0.08 {
		return empiricalFrom(pos, 51)
	}
	return d
}

func lognormalFromLogs(sorted []float64) Distribution {
	n := float64(len(sorted))
	ml := 0.0
	for _, x := range sorted {
		ml += math.Log(x)
	}
	ml /= n
	vl := 0.0
	for _, x := range sorted {
		vl += (math.Log(x) - ml) * (math.Log(x) - ml)
	}
	if len(sorted) > 1 {
		vl /= n - 1
	}
	mean := math.Exp(ml + vl/2)
	sd := mean * math.Sqrt(math.Expm1(vl))
	return Distribution{Dist: DistLognormal, Mean: secondsDuration(mean), SD: secondsDuration(sd)}
}

// maxFitSeconds bounds fitted durations (about 30 years): a wildly
// spread sample must not overflow a Duration into a negative one.
const maxFitSeconds = 1e9

func secondsDuration(s float64) Duration {
	if math.IsNaN(s) {
		s = 0
	}
	s = math.Min(math.Max(s, 0), maxFitSeconds)
	return Duration(time.Duration(math.Round(s)) * time.Second)
}

func empiricalFrom(sorted []float64, k int) Distribution {
	d := Distribution{Dist: DistEmpirical}
	for i := 0; i < k; i++ {
		q := float64(i) / float64(k-1)
		d.Values = append(d.Values, secondsDuration(quantileSorted(sorted, q)))
	}
	return d
}

func quantileSorted(s []float64, q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// ksDistance is the Kolmogorov–Smirnov distance between sorted data and a
// distribution's CDF.
func ksDistance(sorted []float64, d Distribution) float64 {
	cdf := distCDF(d)
	n := float64(len(sorted))
	worst := 0.0
	for i, x := range sorted {
		f := cdf(x)
		worst = max(worst, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	return worst
}

func distCDF(d Distribution) func(float64) float64 {
	s := compileDist(&d)
	switch s.kind {
	case kindLognormal:
		return func(x float64) float64 {
			if x <= 0 {
				return 0
			}
			return 0.5 * math.Erfc(-(math.Log(x)-s.a)/(s.b*math.Sqrt2))
		}
	case kindExponential:
		return func(x float64) float64 { return 1 - math.Exp(-x/s.a) }
	case kindEmpirical:
		v := s.values
		return func(x float64) float64 {
			i := sort.SearchFloat64s(v, x)
			switch {
			case i == 0:
				return 0
			case i >= len(v):
				return 1
			}
			f := (x - v[i-1]) / max(v[i]-v[i-1], 1e-12)
			return (float64(i-1) + f) / float64(len(v)-1)
		}
	}
	return func(x float64) float64 {
		if x < s.a {
			return 0
		}
		return 1
	}
}

// escalation estimates P(needs the next tier | worked at tier) for a type,
// pooling all types when the type has too few decisions at that tier.
func (c *calibration) escalation(typ, tier string) float64 {
	n, up := c.decisions[typ][tier], c.ups[typ][tier]
	if n < c.opts.MinSamples {
		n, up = 0, 0
		for t := range c.decisions {
			n += c.decisions[t][tier]
			up += c.ups[t][tier]
		}
	}
	if n == 0 {
		return 0
	}
	return math.Round(float64(up)/float64(n)*1e4) / 1e4
}

func (c *calibration) tier(name string, days float64) Tier {
	t := Tier{Name: name, Hours: c.opts.Hours, HourlyCost: c.opts.HourlyCost[name]}
	if n, ok := c.opts.Agents[name]; ok {
		t.Agents = n
		return t
	}
	// Staffing is not in the history: size the tier so its workload keeps
	// agents busy TargetUtilisation of their time on duty.
	work := 0.0
	for _, x := range c.tierWork[name] {
		work += x
	}
	openShare := 1.0
	if w, err := parseHours(c.opts.Hours); err == nil && w != nil {
		openShare = w.open / weekSec
	}
	load := work / (days * daySec) / openShare // agents busy while open
	// Size for the busiest hour of the week, not the average one, or the
	// peaks drown the estimate in queueing.
	peak := load * c.peakFactor()
	t.Agents = max(1, int(math.Ceil(peak/c.opts.TargetUtilisation)))
	c.estimated = append(c.estimated, name)
	c.notes = append(c.notes, text("fit.staffing", name, t.Agents, dec{load, 1}, dec{peak, 1}, pct{c.opts.TargetUtilisation, 0}))
	return t
}

// peakFactor is the busiest hour's arrival rate over the mean rate of the
// hours with arrivals.
func (c *calibration) peakFactor() float64 {
	rates := c.profileWeights()
	peak, sum, n := 0.0, 0.0, 0
	for _, r := range rates {
		if r > 0 {
			peak = max(peak, r)
			sum += r
			n++
		}
	}
	if sum == 0 {
		return 1
	}
	return peak / (sum / float64(n))
}

// fit simulates the scenario and compares it with the history.
func (c *calibration) fit(sc Scenario) (FitReport, error) {
	rep := FitReport{Tickets: c.n, From: c.from, To: c.to, Estimated: c.estimated}
	res, err := Run(context.Background(), sc, RunOptions{Seed: c.opts.Seed, Replications: c.opts.Replications})
	if err != nil {
		return rep, fmt.Errorf("calibrate: fit check: %w", err)
	}
	rep.Simulated = res
	exposure := hourExposure(c.from, c.to, c.opts.Location)
	absErr, total, chi2, cells := 0.0, 0.0, 0.0, 0
	simExposure := float64(res.Replications) * res.Window.Seconds() / weekSec
	for h := range rep.ObservedPerHour {
		rep.SimulatedPerHour[h] = res.ArrivalsPerHour[h]
		if exposure[h] == 0 {
			continue
		}
		obs, sim := c.hourN[h]/exposure[h], rep.SimulatedPerHour[h]
		rep.ObservedPerHour[h] = obs
		absErr += math.Abs(sim - obs)
		total += obs
		// Poisson variances of both rate estimates (counts / exposure²).
		v := obs/exposure[h] + sim/simExposure
		if v > 0 {
			chi2 += (sim - obs) * (sim - obs) / v
			cells++
		}
	}
	rep.ArrivalError = ratio(absErr, total)
	rep.ArrivalChi2 = ratio(chi2, float64(cells))
	rep.ArrivalVerdict = verdictAbs(0, rep.ArrivalChi2, 1.5, 3)
	rep.Dispersion = c.dispersion()
	for _, tr := range res.Tiers {
		obs := c.tierWork[tr.Tier]
		rep.Handling = append(rep.Handling, FitRow{Name: tr.Tier + " mean handling", Check: "handling", Tier: tr.Tier, Unit: UnitDuration,
			Observed: mean(obs), Simulated: tr.MeanHandling.Mean, Samples: len(obs),
			Verdict: handlingVerdict(mean(obs), tr.MeanHandling.Mean)})
		n, up := 0, 0
		for t := range c.decisions {
			n += c.decisions[t][tr.Tier]
			up += c.ups[t][tr.Tier]
		}
		if n > 0 && tr.Tier != sc.Tiers[len(sc.Tiers)-1].Name {
			p := float64(up) / float64(n)
			rep.Escalation = append(rep.Escalation, FitRow{Name: tr.Tier + " escalation rate", Check: "escalation", Tier: tr.Tier, Unit: UnitShare,
				Observed: p, Simulated: tr.EscalationRate.Mean, Samples: n,
				Verdict: verdictAbs(p, tr.EscalationRate.Mean, 0.02, 0.05)})
		}
		rep.Shape = append(rep.Shape, c.shapeRow(sc, tr.Tier))
	}
	c.summarise(&rep)
	return rep, nil
}

// dispersion is the mean variance-to-mean ratio of counts per hour across
// weeks, over hours of the week with enough traffic.
func (c *calibration) dispersion() float64 {
	origin := weekStart(c.from.In(c.opts.Location))
	first := int64(math.Floor(c.from.Sub(origin).Hours()))
	last := int64(math.Floor(c.to.Sub(origin).Hours()))
	weeks := (last - first) / 168
	if weeks < 3 {
		return 0 // too few weeks to tell
	}
	sum, k := 0.0, 0
	for h := int64(0); h < 168; h++ {
		var xs []float64
		for w := int64(0); w <= weeks; w++ {
			abs := w*168 + h
			if abs < first || abs > last {
				continue
			}
			xs = append(xs, float64(c.weekHourN[abs]))
		}
		m := mean(xs)
		if len(xs) < 3 || m < 1 {
			continue
		}
		v := 0.0
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		sum += v / float64(len(xs)-1) / m
		k++
	}
	return ratio(sum, float64(k))
}

func (c *calibration) shapeRow(sc Scenario, tier string) FitRow {
	// Each type's data against the distribution fitted for it, weighted
	// by sample size.
	total, n := 0.0, 0
	for _, rt := range sc.RequestTypes {
		xs := append([]float64(nil), c.work[rt.Name][tier]...)
		d, ok := rt.Handling[tier]
		if !ok || len(xs) < 5 {
			continue
		}
		sort.Float64s(xs)
		total += ksDistance(xs, d) * float64(len(xs))
		n += len(xs)
	}
	ks := ratio(total, float64(n))
	// Below the 95% critical value 1.36/√n the gap is sampling noise.
	tol := 0.05
	if n > 0 {
		tol = max(tol, 1.36/math.Sqrt(float64(n)))
	}
	v := "good"
	switch {
	case n == 0:
		v = "n/a"
	case ks > 2*tol:
		v = "poor"
	case ks > tol:
		v = "fair"
	}
	return FitRow{Name: tier + " handling shape (KS distance)", Check: "shape", Tier: tier, Unit: UnitNumber, Observed: ks, Samples: n, Verdict: v}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// handlingVerdict compares mean handling times; a tier no simulated
// ticket reached (an escalation path the history took too rarely) has
// nothing to compare.
func handlingVerdict(obs, sim float64) string {
	if sim == 0 {
		return "n/a"
	}
	return verdictRel(obs, sim, 0.05, 0.15)
}

func verdictRel(obs, sim, good, fair float64) string {
	if obs == 0 {
		return "n/a"
	}
	return verdictAbs(0, math.Abs(sim-obs)/obs, good, fair)
}

func verdictAbs(obs, sim, good, fair float64) string {
	d := math.Abs(sim - obs)
	switch {
	case d <= good:
		return "good"
	case d <= fair:
		return "fair"
	}
	return "poor"
}

func (c *calibration) summarise(rep *FitReport) {
	worst := rep.ArrivalVerdict
	rank := map[string]int{"good": 0, "n/a": 0, "fair": 1, "poor": 2}
	maxHandling, maxEsc := 0.0, 0.0
	for _, rows := range [][]FitRow{rep.Handling, rep.Escalation, rep.Shape} {
		for _, r := range rows {
			if rank[r.Verdict] > rank[worst] {
				worst = r.Verdict
			}
		}
	}
	for _, r := range rep.Handling {
		if r.Observed > 0 && r.Verdict != "n/a" { // n/a: no simulated work to compare
			maxHandling = max(maxHandling, math.Abs(r.Simulated-r.Observed)/r.Observed)
		}
	}
	for _, r := range rep.Escalation {
		maxEsc = max(maxEsc, math.Abs(r.Simulated-r.Observed))
	}
	rep.Quality = worst
	var chance Text
	if rep.ArrivalVerdict != "good" {
		chance = text("fit.chance_times", dec{rep.ArrivalChi2, 1})
	} else {
		chance = text("fit.chance")
	}
	rep.summary = text("fit.summary", text("fit.quality."+worst), chance, pct{maxHandling, 0}, dec{100 * maxEsc, 1})
	rep.Summary = rep.summary.In(English)
	rep.notes = append(c.notes, c.modelNotes(rep)...)
	rep.Notes = textsIn(English, rep.notes)
}

// modelNotes warn where the model departs from the history: bursty
// arrivals, badly fitted handling times, a gap in waits.
func (c *calibration) modelNotes(rep *FitReport) []Text {
	var notes []Text
	if rep.Dispersion > 1.5 {
		notes = append(notes, text("fit.bursty", dec{rep.Dispersion, 1}))
	}
	for _, r := range rep.Shape {
		if r.Verdict == "poor" {
			notes = append(notes, text("fit.poor_shape", r.Tier, dec{r.Observed, 2}))
		}
	}
	if len(c.waits) > 0 {
		w := append([]float64(nil), c.waits...)
		sort.Float64s(w)
		notes = append(notes, text("fit.waits", quantity{UnitDuration, quantileSorted(w, 0.5)}, quantity{UnitDuration, rep.Simulated.Wait.P50.Mean}))
	}
	return notes
}
