package workspace

import (
	"fmt"
	"strings"
	"time"
)

// DefaultBusinessHours are a new workspace's opening hours.
const DefaultBusinessHours = "mon-fri 09:00-18:00"

// Hours are a week's opening hours: for each weekday (time.Sunday = 0) the
// time of day support opens and closes; Open == Close is a closed day. The
// zero value and "24/7" mean always open.
type Hours struct {
	Always bool
	Days   [7]struct{ Open, Close time.Duration }
}

var dayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseHours reads opening hours written as comma-separated groups of a day
// or day range and a time range, e.g. "mon-fri 09:00-18:00, sat 10:00-13:00";
// "24/7" (or "") is always open. Days not named are closed.
func ParseHours(spec string) (Hours, error) {
	var h Hours
	spec = strings.ToLower(strings.TrimSpace(spec))
	if spec == "" || spec == "24/7" {
		h.Always = true
		return h, nil
	}
	for _, group := range strings.Split(spec, ",") {
		days, times, ok := strings.Cut(strings.TrimSpace(group), " ")
		if !ok {
			return h, fmt.Errorf("%q: write days then hours, e.g. mon-fri 09:00-18:00", group)
		}
		from, to, err := dayRange(days)
		if err != nil {
			return h, err
		}
		open, close, err := timeRange(strings.TrimSpace(times))
		if err != nil {
			return h, err
		}
		for d := from; ; d = (d + 1) % 7 {
			h.Days[d].Open, h.Days[d].Close = open, close
			if d == to {
				break
			}
		}
	}
	return h, nil
}

func dayRange(s string) (from, to time.Weekday, err error) {
	a, b, isRange := strings.Cut(s, "-")
	from, ok1 := dayNames[a]
	to, ok2 := from, true
	if isRange {
		to, ok2 = dayNames[b]
	}
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("%q: days are mon, tue, wed, thu, fri, sat, sun", s)
	}
	return from, to, nil
}

func timeRange(s string) (open, close time.Duration, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q: hours are written 09:00-18:00", s)
	}
	if open, err = clock(a); err == nil {
		close, err = clock(b)
	}
	if err == nil && close <= open {
		err = fmt.Errorf("%q: closing must come after opening", s)
	}
	return open, close, err
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * time.Hour, nil
		}
		return 0, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
