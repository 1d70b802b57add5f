package demo

import (
	"sort"
	"time"
)

// calendar turns "activity days before now" into wall-clock times in the
// workspace's time zone, so that tickets arrive mostly during office hours
// and on weekdays. The mapping is strictly increasing in age, so the order
// of tickets depends on the seed only, whatever the time of day the demo
// is loaded; over the whole period an activity day is a calendar day on
// average.
type calendar struct {
	now time.Time
	cum []float64 // cum[i] = activity in the i hours before now
}

func newCalendar(now time.Time, loc *time.Location, days int) calendar {
	hours := days * 24
	w := make([]float64, hours)
	total := 0.0
	for i := range w {
		mid := now.Add(-time.Duration(i)*time.Hour - 30*time.Minute).In(loc)
		w[i] = activity(mid)
		total += w[i]
	}
	cum := make([]float64, hours+1)
	for i, v := range w {
		cum[i+1] = cum[i] + v*float64(days)/total
	}
	return calendar{now: now, cum: cum}
}

// activity is how busy the help desk is at a local time, relative to a
// weekday morning.
func activity(t time.Time) float64 {
	var v float64
	switch h := t.Hour(); {
	case h >= 9 && h < 12, h >= 14 && h < 17:
		v = 1
	case h == 8, h >= 12 && h < 14, h == 17, h == 18:
		v = 0.7
	case h == 7, h >= 19 && h < 22:
		v = 0.3
	default:
		v = 0.04
	}
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		v *= 0.25
	}
	return v
}

// time returns the moment `age` activity days before now.
func (c calendar) time(age float64) time.Time {
	last := len(c.cum) - 1
	if age >= c.cum[last] {
		return c.now.Add(-time.Duration(last) * time.Hour)
	}
	// The first hour whose cumulated activity passes age.
	i := sort.SearchFloat64s(c.cum, age)
	if i > 0 && c.cum[i] > age {
		i--
	}
	frac := 0.0
	if span := c.cum[i+1] - c.cum[i]; span > 0 {
		frac = (age - c.cum[i]) / span
	}
	back := time.Duration((float64(i) + frac) * float64(time.Hour))
	return c.now.Add(-back)
}
