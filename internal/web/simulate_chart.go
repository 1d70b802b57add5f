package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/sim"
)

// The simulator's charts, laid out in Go so that the template only draws.

// svgChart is a horizontal grouped bar chart, laid out here so the
// template only draws: each group (a percentile, a tier) has a bar for A
// and one for B, values written at the bars' ends.
type svgChart struct {
	ID, Title, Desc string
	Width, Height   px
	PlotLeft        px // where bars start
	PlotTop, Bottom px
	TickY           px
	Ticks           []svgTick
	Groups          []svgGroup
	Bars            []svgBar
	Targets         []svgTarget
	HasTargets      bool
}

// px is an SVG coordinate, written with one decimal.
type px float64

func (p px) String() string { return strconv.FormatFloat(float64(p), 'f', 1, 64) }

type svgTick struct {
	X     px
	Label string
}

type svgGroup struct {
	Y     px
	Label string
}

type svgBar struct {
	Series             string // "a" or "b"
	X, Y, W, H         px
	CILow, CIHigh, CIY px
	HasCI              bool
	ValueX, ValueY     px
	Value, Tip         string
}

type svgTarget struct {
	X, Y1, Y2 px
	Tip       string
}

// Chart geometry, in SVG units (the chart scales to its column).
const (
	chartWidth  = 400
	chartLabelW = 78 // group labels
	chartValueW = 64 // room for the value after the longest bar
	chartTop    = 8
	chartBarH   = 14
	chartBarGap = 3
	chartGroupG = 14
	chartAxisH  = 22
)

// chartSeries is one group's A and B estimates.
type chartSeries struct {
	label  string
	a, b   sim.Estimate
	target float64 // 0: none
}

// barChart lays out a chart; top is the scale's maximum and ticks its
// gridlines, format writes values.
func barChart(id, title, desc string, groups []chartSeries, top float64, ticks []float64, format func(float64) string, rq *request) svgChart {
	c := svgChart{ID: id, Title: title, Desc: desc, Width: chartWidth, PlotLeft: chartLabelW, PlotTop: chartTop}
	plotW := float64(chartWidth - chartLabelW - chartValueW)
	x := func(v float64) px { return px(chartLabelW + plotW*math.Min(math.Max(v/top, 0), 1)) }
	y := float64(chartTop)
	for _, g := range groups {
		c.Groups = append(c.Groups, svgGroup{Y: px(y + chartBarH + chartBarGap/2.0 + 4), Label: g.label})
		for i, e := range []sim.Estimate{g.a, g.b} {
			c.Bars = append(c.Bars, chartBar(rq, []string{"A", "B"}[i], g, e, px(y), x, format))
			y += chartBarH + chartBarGap
		}
		if g.target > 0 {
			// Values are written past the target line, not across it.
			for i := len(c.Bars) - 2; i < len(c.Bars); i++ {
				c.Bars[i].ValueX = max(c.Bars[i].ValueX, x(g.target)+5)
			}
			c.HasTargets = true
			c.Targets = append(c.Targets, svgTarget{X: x(g.target), Y1: px(y - 2*(chartBarH+chartBarGap) - 2), Y2: px(y - chartBarGap + 2),
				Tip: rq.loc.T("simulate.chart.target") + " " + format(g.target)})
		}
		y += chartGroupG - chartBarGap
	}
	c.Bottom = px(y)
	c.TickY = px(y + 14)
	c.Height = px(y + chartAxisH)
	for _, t := range ticks {
		c.Ticks = append(c.Ticks, svgTick{X: x(t), Label: format(t)})
	}
	return c
}

func chartBar(rq *request, series string, g chartSeries, e sim.Estimate, y px, x func(float64) px, format func(float64) string) svgBar {
	b := svgBar{Series: strings.ToLower(series), X: px(chartLabelW), Y: y, H: chartBarH, Value: format(e.Mean)}
	b.W = x(e.Mean) - chartLabelW
	b.ValueX, b.ValueY = b.X+b.W+4, y+chartBarH-3
	if e.High > e.Low {
		b.HasCI, b.CILow, b.CIHigh, b.CIY = true, x(e.Low), x(e.High), y+chartBarH/2
		b.ValueX = max(b.ValueX, b.CIHigh+4)
	}
	b.Tip = rq.loc.T("simulate.chart.bar", "series", series, "group", g.label, "value", b.Value)
	if g.target > 0 {
		b.Tip = rq.loc.T("simulate.chart.bar_target", "series", series, "group", g.label, "value", b.Value, "target", format(g.target))
	}
	return b
}

// resultCharts draws the waits, the tiers' shares of resolutions against
// their targets, and the tiers' utilisation.
func resultCharts(rq *request, a, b sim.Result) []svgChart {
	l := rq.loc
	waits := []chartSeries{
		{label: l.T("simulate.chart.p50"), a: a.Wait.P50, b: b.Wait.P50},
		{label: l.T("simulate.chart.p90"), a: a.Wait.P90, b: b.Wait.P90},
		{label: l.T("simulate.chart.p99"), a: a.Wait.P99, b: b.Wait.P99},
	}
	top, ticks := durationScale(max(a.Wait.P99.High, b.Wait.P99.High, a.Wait.P99.Mean, b.Wait.P99.Mean))
	formatDur := func(v float64) string { return sim.FormatSecondsIn(l.Lang, v) }
	formatPct := func(v float64) string { return l.T("simulate.percent", "n", strconv.Itoa(int(math.Round(100*v)))) }
	shareTicks := []float64{0, 0.25, 0.5, 0.75, 1}
	return []svgChart{
		barChart("chart-wait", l.T("simulate.chart.wait"), l.T("simulate.chart.wait_desc"), waits, top, ticks, formatDur, rq),
		barChart("chart-shares", l.T("simulate.chart.shares"), l.T("simulate.chart.shares_desc"), tierSeries(rq, a, b, true), 1, shareTicks, formatPct, rq),
		barChart("chart-utilisation", l.T("simulate.chart.utilisation"), l.T("simulate.chart.utilisation_desc"), tierSeries(rq, a, b, false), 1, shareTicks, formatPct, rq),
	}
}

// tierSeries gives each tier's resolution share (with the workspace's
// target) or utilisation.
func tierSeries(rq *request, a, b sim.Result, shares bool) []chartSeries {
	var out []chartSeries
	for _, ta := range a.Tiers {
		tb := b.FindTier(ta.Tier)
		if tb == nil {
			continue
		}
		g := chartSeries{label: ta.Tier, a: ta.Utilisation, b: tb.Utilisation}
		if shares {
			g.a, g.b, g.target = ta.ResolvedShare, tb.ResolvedShare, tierTarget(rq, ta.Tier)
		}
		out = append(out, g)
	}
	return out
}

func tierTarget(rq *request, code string) float64 {
	for _, t := range rq.dir.Tiers {
		if t.Code == code {
			return t.TargetShare
		}
	}
	return 0
}

// durationScale picks a round top for a duration axis and its ticks, in
// the unit the values are written in (seconds, minutes, hours, days).
func durationScale(v float64) (float64, []float64) {
	unit := 1.0
	switch a := math.Abs(v); {
	case a >= 48*3600:
		unit = 86400
	case a >= 3600:
		unit = 3600
	case a >= 60:
		unit = 60
	}
	step := niceStep(v / unit / 4)
	top := step * math.Max(1, math.Ceil(v/unit/step))
	var ticks []float64
	for t := 0.0; t <= top+step/2; t += step {
		ticks = append(ticks, t*unit)
	}
	return top * unit, ticks
}

// niceStep rounds up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
