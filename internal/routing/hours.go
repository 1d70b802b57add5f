package routing

import (
	"fmt"
	"time"
)

// BusinessHours are a workspace's opening hours in its own time zone.
// The zero value means "always open".
type BusinessHours struct {
	// Location is the workspace's time zone; nil means UTC.
	Location *time.Location
	// Days is indexed by time.Weekday (Sunday = 0).
	Days [7]DayHours
}

// DayHours is one day's opening span, as durations since local midnight.
// Open == Close means closed all day; Close may be 24h (open until
// midnight). Spans over midnight are written as two days.
type DayHours struct {
	Open, Close time.Duration
}

// Inside reports whether t falls within the business hours: on its local
// weekday, Open <= time of day < Close.
func (bh BusinessHours) Inside(t time.Time) bool {
	if bh.Days == ([7]DayHours{}) {
		return true
	}
	loc := bh.Location
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	h, m, s := t.Clock()
	// Wall-clock time of day rather than time elapsed since midnight, so
	// that "09:00" stays 09:00 on the days clocks change.
	tod := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
	d := bh.Days[t.Weekday()]
	return d.Open <= tod && tod < d.Close
}

// validate reports spans that Inside could not honour.
func (bh BusinessHours) validate(add func(path, code, msg string, params map[string]string)) {
	for i, d := range bh.Days {
		if d.Open < 0 || d.Close < 0 || d.Open > 24*time.Hour || d.Close > 24*time.Hour || d.Open > d.Close {
			add(fmt.Sprintf("env.business_hours.days[%d]", i), "invalid_business_hours",
				fmt.Sprintf("%s: opening %v and closing %v must satisfy 0 <= open <= close <= 24h", time.Weekday(i), d.Open, d.Close),
				map[string]string{"day": time.Weekday(i).String(), "open": d.Open.String(), "close": d.Close.String()})
		}
	}
}
