package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

const (
	hourSec = 3600.0
	daySec  = 24 * hourSec
	weekSec = 7 * daySec
)

var dayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// span is a half-open interval [from, to) in seconds since Monday 00:00.
type span struct{ from, to float64 }

// week is a set of weekly open intervals, sorted and merged, within
// [0, weekSec). A nil week means always open.
type week struct {
	spans []span
	// cum[i] is the open time before spans[i] starts, so elapsed open time
	// between two instants costs one binary search each.
	cum  []float64
	open float64 // open seconds per week
}

// parseHours parses a weekly schedule such as "mon-fri 09:00-18:00,
// sat 10:00-14:00". "24/7" (or empty) means always; a group without times
// ("sat-sun") means whole days; a range ending before it starts runs
// overnight into the next day. It returns nil for always-open schedules.
func parseHours(s string) (*week, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "24/7" || s == "always" {
		return nil, nil
	}
	var spans []span
	for _, group := range strings.Split(s, ",") {
		g, err := parseHoursGroup(strings.TrimSpace(group))
		if err != nil {
			return nil, err
		}
		spans = append(spans, g...)
	}
	return newWeek(spans), nil
}

func parseHoursGroup(g string) ([]span, error) {
	fields := strings.Fields(g)
	if len(fields) == 0 || len(fields) > 2 {
		return nil, fmt.Errorf("%q: write days then hours, e.g. \"mon-fri 09:00-18:00\"", g)
	}
	first, last, err := parseDays(fields[0])
	if err != nil {
		return nil, err
	}
	from, to := 0.0, daySec
	if len(fields) == 2 {
		a, b, ok := strings.Cut(fields[1], "-")
		if !ok {
			return nil, fmt.Errorf("%q: hours must be a range such as 09:00-18:00", fields[1])
		}
		if from, err = parseClock(a); err != nil {
			return nil, err
		}
		if to, err = parseClock(b); err != nil {
			return nil, err
		}
		if from == to {
			return nil, fmt.Errorf("%q: empty time range", fields[1])
		}
	}
	var out []span
	for d := first; ; d = (d + 1) % 7 {
		base := float64(d) * daySec
		if to > from {
			out = append(out, span{base + from, base + to})
		} else { // overnight
			out = append(out, span{base + from, base + daySec + to})
		}
		if d == last {
			break
		}
	}
	return out, nil
}

func parseDays(s string) (first, last int, err error) {
	if s == "daily" || s == "every" {
		return 0, 6, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	if first, err = dayIndex(a); err != nil {
		return 0, 0, err
	}
	last = first
	if isRange {
		if last, err = dayIndex(b); err != nil {
			return 0, 0, err
		}
	}
	return first, last, nil
}

func dayIndex(s string) (int, error) {
	for i, d := range dayNames {
		if s == d {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day (use mon, tue, wed, thu, fri, sat, sun or daily)", s)
}

func parseClock(s string) (float64, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day (use HH:MM, 00:00 to 24:00)", s)
	}
	return float64(hh)*hourSec + float64(mm)*60, nil
}

// newWeek folds spans into [0, weekSec) (Sunday overnight wraps to Monday)
// and merges overlaps.
func newWeek(in []span) *week {
	var spans []span
	for _, s := range in {
		if s.to <= weekSec {
			spans = append(spans, s)
			continue
		}
		spans = append(spans, span{s.from, weekSec}, span{0, s.to - weekSec})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.from <= merged[n-1].to {
			merged[n-1].to = max(merged[n-1].to, s.to)
			continue
		}
		merged = append(merged, s)
	}
	if len(merged) == 1 && merged[0].from == 0 && merged[0].to == weekSec {
		return nil
	}
	w := &week{spans: merged, cum: make([]float64, len(merged))}
	for i, s := range merged {
		w.cum[i] = w.open
		w.open += s.to - s.from
	}
	return w
}

// openBefore is the open time in [0, t) for an absolute time t >= 0.
func (w *week) openBefore(t float64) float64 {
	if w == nil {
		return t
	}
	weeks := float64(int64(t / weekSec))
	r := t - weeks*weekSec
	i := sort.Search(len(w.spans), func(i int) bool { return w.spans[i].to > r })
	in := w.open
	if i < len(w.spans) {
		in = w.cum[i] + max(0, r-w.spans[i].from)
	}
	return weeks*w.open + in
}

// openBetween is the open time in [a, b).
func (w *week) openBetween(a, b float64) float64 {
	if b <= a {
		return 0
	}
	return w.openBefore(b) - w.openBefore(a)
}

// staffChange is a point in the week where a tier's staffing changes.
type staffChange struct {
	at     float64 // seconds since Monday 00:00
	agents int
}

// staffingPlan is a tier's weekly staffing as change points, or a constant.
type staffingPlan struct {
	constant int // used when changes is empty
	changes  []staffChange
	peak     int
}

// newStaffingPlan sums the agents of all shifts over the week.
func newStaffingPlan(shifts []*week, agents []int) staffingPlan {
	type edge struct {
		at    float64
		delta int
	}
	var edges []edge
	base := 0
	for i, w := range shifts {
		if w == nil {
			base += agents[i]
			continue
		}
		for _, s := range w.spans {
			edges = append(edges, edge{s.from, agents[i]}, edge{s.to, -agents[i]})
		}
	}
	if len(edges) == 0 {
		return staffingPlan{constant: base, peak: base}
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].at < edges[j].at })
	plan := staffingPlan{}
	level := base
	// The level at time 0 counts the edges that start at 0.
	for i := 0; i < len(edges); {
		at := edges[i].at
		for ; i < len(edges) && edges[i].at == at; i++ {
			level += edges[i].delta
		}
		if at >= weekSec {
			break
		}
		if n := len(plan.changes); n > 0 && plan.changes[n-1].agents == level {
			continue
		}
		if n := len(plan.changes); n == 0 && at > 0 {
			plan.changes = append(plan.changes, staffChange{0, base})
		}
		plan.changes = append(plan.changes, staffChange{at, level})
		plan.peak = max(plan.peak, level)
	}
	plan.peak = max(plan.peak, base)
	return plan
}

// at returns the staffing at absolute time t and the absolute time of the
// next change (+Inf-like large value when constant).
func (p *staffingPlan) at(t float64) (agents int, next float64) {
	if len(p.changes) == 0 {
		return p.constant, -1
	}
	weeks := float64(int64(t / weekSec))
	r := t - weeks*weekSec
	i := sort.Search(len(p.changes), func(i int) bool { return p.changes[i].at > r }) - 1
	if i < 0 { // cannot happen: changes[0].at == 0
		i = 0
	}
	if i+1 < len(p.changes) {
		return p.changes[i].agents, weeks*weekSec + p.changes[i+1].at
	}
	return p.changes[i].agents, (weeks + 1) * weekSec
}

// maxAgents is the largest number of agents on duty at any time.
func (p *staffingPlan) maxAgents() int { return p.peak }

// staffedSeconds is the agent-seconds of staffing in one week.
func (p *staffingPlan) weeklyAgentSeconds() float64 {
	if len(p.changes) == 0 {
		return float64(p.constant) * weekSec
	}
	total := 0.0
	for i, c := range p.changes {
		end := weekSec
		if i+1 < len(p.changes) {
			end = p.changes[i+1].at
		}
		total += float64(c.agents) * (end - c.at)
	}
	return total
}
