package sim

import "math"

// histogram is a fixed log-spaced histogram of non-negative durations in
// seconds: exact zeros are counted apart (most customers of a well staffed
// queue wait exactly zero), then bins from histMin to histMax with
// histPerDecade bins per decade. Its size never depends on the number of
// observations, and quantiles are within half a bin (about 1.2%).
type histogram struct {
	zero   int64
	under  int64 // (0, histMin)
	over   int64 // >= histMax
	bins   [histBins]int64
	n      int64
	maxSee float64
}

const (
	histMin       = 0.1 // seconds
	histDecades   = 9   // up to 1e8 s, about three years
	histPerDecade = 100
	histBins      = histDecades * histPerDecade
)

var histScale = histPerDecade / math.Ln10

func (h *histogram) add(x float64) {
	h.n++
	h.maxSee = max(h.maxSee, x)
	switch {
	case x <= 0:
		h.zero++
	case x < histMin:
		h.under++
	default:
		i := int(math.Log(x/histMin) * histScale)
		if i >= histBins {
			h.over++
			return
		}
		h.bins[i]++
	}
}

// binEdge is the lower edge of bin i.
func binEdge(i int) float64 {
	return histMin * math.Pow(10, float64(i)/histPerDecade)
}

// quantile returns the q-quantile (0..1), interpolating geometrically
// within the bin that holds it.
func (h *histogram) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := q * float64(h.n)
	acc := float64(h.zero)
	if rank <= acc {
		return 0
	}
	acc += float64(h.under)
	if rank <= acc {
		return histMin / 2
	}
	for i, c := range h.bins {
		if c == 0 {
			continue
		}
		if rank <= acc+float64(c) {
			f := (rank - acc) / float64(c)
			lo := binEdge(i)
			return lo * math.Pow(10, f/histPerDecade)
		}
		acc += float64(c)
	}
	return h.maxSee
}

// repStats accumulates one replication's measurements. Counters refer to
// tickets that arrived in the measured window, time integrals to the
// window itself.
type repStats struct {
	window float64 // measured window length, seconds

	demand, deflected, tickets int64
	resolved, abandoned        int64
	unfinished                 int64

	served   int64 // tickets that got a first contact
	waited   int64 // ... after a wait > 0
	waitSum  float64
	waitHist histogram

	resolSum  float64
	resolHist histogram

	fcr, handoffs, swarms, swarmWaits int64
	resolvedAt                        [4]int64 // by tier index

	slaFirstN, slaFirstOK int64
	slaResN, slaResOK     int64

	sojournSum   float64 // resolved and abandoned tickets
	areaInSystem float64 // ∫ tickets in system dt over the window

	busyArea, dutyArea [4]float64 // agent-seconds by tier
	handled            [4]int64
	handleSum          [4]float64
	decisions, needUp  [4]int64

	arrivalsByHour [168]int64
}
