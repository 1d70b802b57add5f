package sim

import "math"

// Estimate is a metric's mean over replications with its 95% confidence
// interval [Low, High] (Student t). With one replication the interval is
// just the value.
type Estimate struct {
	Mean   float64 `json:"mean"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	StdErr float64 `json:"stderr"`
	// reps keeps the per-replication values: replication i of two
	// scenarios run with the same seed share their customers, so paired
	// differences are much tighter than independent ones.
	reps []float64
}

// HalfWidth is half the confidence interval's width.
func (e Estimate) HalfWidth() float64 { return (e.High - e.Low) / 2 }

// Contains reports whether v lies inside the confidence interval.
func (e Estimate) Contains(v float64) bool { return v >= e.Low && v <= e.High }

// Quantiles summarises a duration distribution, in seconds.
type Quantiles struct {
	Mean Estimate `json:"mean"`
	P50  Estimate `json:"p50"`
	P90  Estimate `json:"p90"`
	P99  Estimate `json:"p99"`
}

// TierResult holds the metrics of one tier.
type TierResult struct {
	Tier string `json:"tier"`
	// Agents is the mean number of agents on duty.
	Agents float64 `json:"agents"`
	// Utilisation is busy time over on-duty time.
	Utilisation Estimate `json:"utilisation"`
	// ResolvedShare is the share of resolved tickets resolved at this
	// level (in swarming: whose deepest need was this level).
	ResolvedShare Estimate `json:"resolved_share"`
	// MeanHandling is the mean time an agent of this tier spent per
	// piece of work (seconds), hand-off re-reading included.
	MeanHandling Estimate `json:"mean_handling_s"`
	// EscalationRate is the share of work at this level after which the
	// ticket needed the next level.
	EscalationRate Estimate `json:"escalation_rate"`
}

// LittleCheck holds the three quantities of Little's law L = λW, measured
// independently: L as a time average, λ by counting, W per ticket.
type LittleCheck struct {
	InSystem     Estimate `json:"in_system"`        // L, tickets
	ArrivalRate  Estimate `json:"arrivals_per_s"`   // λ
	TimeInSystem Estimate `json:"time_in_system_s"` // W
}

// Result is what a scenario run reports. Durations are in seconds, shares
// in 0..1, costs in the scenario's currency.
type Result struct {
	Scenario     string   `json:"scenario"`
	Model        Model    `json:"model"`
	Seed         uint64   `json:"seed"`
	Replications int      `json:"replications"`
	Window       Duration `json:"window"`

	DemandPerDay  Estimate `json:"demand_per_day"`
	TicketsPerDay Estimate `json:"tickets_per_day"`
	// Deflection is the share of demand self-service (L0) resolved.
	Deflection Estimate `json:"deflection"`

	// Wait is the customer's wait for a first contact.
	Wait     Quantiles `json:"wait_s"`
	ProbWait Estimate  `json:"prob_wait"`
	// Resolution is the time from contact to resolution.
	Resolution        Quantiles `json:"resolution_s"`
	FirstContact      Estimate  `json:"first_contact_resolution"`
	HandoffsPerTicket Estimate  `json:"handoffs_per_ticket"`
	SwarmsPerTicket   Estimate  `json:"swarms_per_ticket"`
	SwarmWaits        Estimate  `json:"swarm_waits_per_ticket"`
	Abandonment       Estimate  `json:"abandonment"`
	// SLA attainment shares; nil when the scenario sets no such target.
	SLAFirstResponse *Estimate `json:"sla_first_response,omitempty"`
	SLAResolution    *Estimate `json:"sla_resolution,omitempty"`
	// CostPerTicket is the staffed (paid) cost per ticket; WorkCost
	// counts only busy time, showing how much effort a model spends.
	CostPerTicket     Estimate `json:"cost_per_ticket"`
	WorkCostPerTicket Estimate `json:"work_cost_per_ticket"`
	// Unfinished is the share of measured tickets still open when the run
	// stopped: above a few percent the organisation cannot keep up.
	Unfinished Estimate     `json:"unfinished"`
	Tiers      []TierResult `json:"tiers"`
	Little     LittleCheck  `json:"little"`
	// ArrivalsPerHour is the mean number of tickets arriving in each hour
	// of the week (Monday 00:00 first), to compare with history.
	ArrivalsPerHour [168]float64 `json:"arrivals_per_hour_of_week"`
	// Warnings are in English; WarningsIn tells them in another language.
	Warnings []string `json:"warnings,omitempty"`
	warns    []Text
}

// WarningsIn returns the run's warnings in a language.
func (r Result) WarningsIn(lang string) []string { return textsIn(lang, r.warns) }

// tQuantile975 is the 97.5% quantile of Student's t with df degrees of
// freedom (table to 30, Cornish–Fisher expansion beyond).
func tQuantile975(df int) float64 {
	table := [...]float64{0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}
	if df <= 0 {
		return math.Inf(1)
	}
	if df < len(table) {
		return table[df]
	}
	z, n := 1.959964, float64(df)
	return z + (z*z*z+z)/(4*n) + (5*math.Pow(z, 5)+16*z*z*z+3*z)/(96*n*n)
}

func estimate(vals []float64) Estimate {
	n := len(vals)
	if n == 0 {
		return Estimate{}
	}
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	mean := sum / float64(n)
	e := Estimate{Mean: mean, Low: mean, High: mean, reps: vals}
	if n < 2 {
		return e
	}
	ss := 0.0
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	e.StdErr = math.Sqrt(ss / float64(n-1) / float64(n))
	hw := tQuantile975(n-1) * e.StdErr
	e.Low, e.High = mean-hw, mean+hw
	return e
}

// ratio avoids NaN (JSON cannot carry it) when nothing was counted.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// aggregate turns per-replication statistics into a Result.
func aggregate(m *compiled, seed uint64, reps []*repStats) Result {
	r := Result{
		Scenario:     m.sc.Name,
		Model:        m.sc.Model,
		Seed:         seed,
		Replications: len(reps),
		Window:       m.sc.Horizon,
	}
	col := func(f func(s *repStats) float64) Estimate {
		vals := make([]float64, len(reps))
		for i, s := range reps {
			vals[i] = f(s)
		}
		return estimate(vals)
	}
	days := m.horizon / daySec
	r.DemandPerDay = col(func(s *repStats) float64 { return float64(s.demand) / days })
	r.TicketsPerDay = col(func(s *repStats) float64 { return float64(s.tickets) / days })
	r.Deflection = col(func(s *repStats) float64 { return ratio(float64(s.deflected), float64(s.demand)) })
	// quantiles estimates a duration's mean and percentiles from each
	// replication's histogram of it.
	quantiles := func(mean func(s *repStats) float64, hist func(s *repStats) *histogram) Quantiles {
		at := func(q float64) Estimate { return col(func(s *repStats) float64 { return hist(s).quantile(q) }) }
		return Quantiles{Mean: col(mean), P50: at(0.50), P90: at(0.90), P99: at(0.99)}
	}
	r.Wait = quantiles(func(s *repStats) float64 { return ratio(s.waitSum, float64(s.served)) },
		func(s *repStats) *histogram { return &s.waitHist })
	r.ProbWait = col(func(s *repStats) float64 { return ratio(float64(s.waited), float64(s.served)) })
	r.Resolution = quantiles(func(s *repStats) float64 { return ratio(s.resolSum, float64(s.resolved)) },
		func(s *repStats) *histogram { return &s.resolHist })
	r.FirstContact = col(func(s *repStats) float64 { return ratio(float64(s.fcr), float64(s.resolved)) })
	r.HandoffsPerTicket = col(func(s *repStats) float64 { return ratio(float64(s.handoffs), float64(s.resolved)) })
	r.SwarmsPerTicket = col(func(s *repStats) float64 { return ratio(float64(s.swarms), float64(s.tickets)) })
	r.SwarmWaits = col(func(s *repStats) float64 { return ratio(float64(s.swarmWaits), float64(s.tickets)) })
	r.Abandonment = col(func(s *repStats) float64 { return ratio(float64(s.abandoned), float64(s.tickets)) })
	if reps[0].slaFirstN > 0 {
		e := col(func(s *repStats) float64 { return ratio(float64(s.slaFirstOK), float64(s.slaFirstN)) })
		r.SLAFirstResponse = &e
	}
	if reps[0].slaResN > 0 {
		e := col(func(s *repStats) float64 { return ratio(float64(s.slaResOK), float64(s.slaResN)) })
		r.SLAResolution = &e
	}
	r.CostPerTicket = col(func(s *repStats) float64 { return ratio(weighted(m, s.dutyArea), float64(s.tickets)) })
	r.WorkCostPerTicket = col(func(s *repStats) float64 { return ratio(weighted(m, s.busyArea), float64(s.tickets)) })
	r.Unfinished = col(func(s *repStats) float64 { return ratio(float64(s.unfinished), float64(s.tickets)) })
	r.Little = LittleCheck{
		InSystem:     col(func(s *repStats) float64 { return s.areaInSystem / s.window }),
		ArrivalRate:  col(func(s *repStats) float64 { return float64(s.tickets) / s.window }),
		TimeInSystem: col(func(s *repStats) float64 { return ratio(s.sojournSum, float64(s.resolved+s.abandoned)) }),
	}
	for ti := range m.tiers {
		r.Tiers = append(r.Tiers, TierResult{
			Tier:           m.tiers[ti].name,
			Agents:         col(func(s *repStats) float64 { return s.dutyArea[ti] / s.window }).Mean,
			Utilisation:    col(func(s *repStats) float64 { return ratio(s.busyArea[ti], s.dutyArea[ti]) }),
			ResolvedShare:  col(func(s *repStats) float64 { return ratio(float64(s.resolvedAt[ti]), float64(s.resolved)) }),
			MeanHandling:   col(func(s *repStats) float64 { return ratio(s.handleSum[ti], float64(s.handled[ti])) }),
			EscalationRate: col(func(s *repStats) float64 { return ratio(float64(s.needUp[ti]), float64(s.decisions[ti])) }),
		})
	}
	r.ArrivalsPerHour = arrivalsPerHour(m, reps)
	r.warns = warnings(r, reps)
	r.Warnings = textsIn(English, r.warns)
	return r
}

func weighted(m *compiled, area [4]float64) float64 {
	cost := 0.0
	for ti := range m.tiers {
		cost += area[ti] * m.tiers[ti].cost
	}
	return cost
}

// arrivalsPerHour divides ticket counts by how many times each hour of the
// week occurs in the measured window.
func arrivalsPerHour(m *compiled, reps []*repStats) [168]float64 {
	var out, exposure [168]float64
	for h := range exposure {
		// Occurrences of hour-of-week h inside [warmup, warmup+horizon).
		lo, hi := m.warmup, m.warmup+m.horizon
		start := float64(h) * hourSec
		for w := math.Floor((lo-start)/weekSec) * weekSec; start+w < hi; w += weekSec {
			a, b := max(lo, start+w), min(hi, start+w+hourSec)
			if b > a {
				exposure[h] += (b - a) / hourSec
			}
		}
	}
	for _, s := range reps {
		for h, n := range s.arrivalsByHour {
			out[h] += float64(n)
		}
	}
	for h := range out {
		out[h] = ratio(out[h], exposure[h]*float64(len(reps)))
	}
	return out
}

func warnings(r Result, reps []*repStats) []Text {
	var out []Text
	if u := r.Unfinished.Mean; u > 0.01 {
		out = append(out, text("warn.unfinished", pct{u, 1}))
	}
	for _, t := range r.Tiers {
		if t.Utilisation.Mean > 0.95 {
			out = append(out, text("warn.busy", t.Tier, pct{t.Utilisation.Mean, 0}))
		}
	}
	total := int64(0)
	for _, s := range reps {
		total += s.tickets
	}
	if total < 500 {
		out = append(out, text("warn.few", int(total)))
	}
	if len(reps) < 2 {
		out = append(out, text("warn.one_rep"))
	}
	return out
}
