package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// locale is how a page speaks to its reader: their language, their time
// zone, and "now" fixed once per request so that every relative date on a
// page agrees.
type locale struct {
	Lang string
	tz   *time.Location
	now  time.Time
}

func newLocale(lang, tz string, now time.Time) *locale {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	return &locale{Lang: i18n.Lang(lang), tz: loc, now: now}
}

// T translates a key with {name} parameters given as pairs.
func (l *locale) T(key string, params ...string) string { return i18n.T(l.Lang, key, params...) }

// Num writes a count the way the language does.
func (l *locale) Num(n int) string { return i18n.Number(l.Lang, n) }

// Count writes a sidebar count, capped ones as "999+".
func (l *locale) Count(n, max int) string {
	if n >= max {
		return l.Num(max-1) + "+"
	}
	return l.Num(n)
}

// Status names a ticket status.
func (l *locale) Status(s ticket.Status) string { return l.T("status." + string(s)) }

// Priority names a priority.
func (l *locale) Priority(p ticket.Priority) string { return l.T("priority." + p.String()) }

// ISO is the machine-readable time for <time datetime>.
func (l *locale) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Ago is a short relative date: "il y a 5 min", "3 h ago", "12 mars".
func (l *locale) Ago(t time.Time) string {
	d := l.now.Sub(t)
	switch {
	case d < time.Minute:
		return l.T("time.just_now")
	case d < time.Hour:
		return l.T("time.minutes_ago", "n", strconv.Itoa(int(d/time.Minute)))
	case d < 24*time.Hour:
		return l.T("time.hours_ago", "n", strconv.Itoa(int(d/time.Hour)))
	case d < 7*24*time.Hour:
		return l.T("time.days_ago", "n", strconv.Itoa(int(d/(24*time.Hour))))
	}
	return l.Date(t)
}

// Date is a calendar date in the reader's zone, without the year when it
// is this year's.
func (l *locale) Date(t time.Time) string {
	lt := t.In(l.tz)
	month := l.T("month." + strconv.Itoa(int(lt.Month())))
	key := "time.date"
	if lt.Year() != l.now.In(l.tz).Year() {
		key = "time.date_year"
	}
	return l.T(key, "day", strconv.Itoa(lt.Day()), "month", month, "year", strconv.Itoa(lt.Year()))
}

// Exact is the full date and time in the reader's zone, shown on hover.
func (l *locale) Exact(t time.Time) string {
	lt := t.In(l.tz)
	month := l.T("month." + strconv.Itoa(int(lt.Month())))
	return l.T("time.exact", "day", strconv.Itoa(lt.Day()), "month", month, "year", strconv.Itoa(lt.Year()),
		"time", lt.Format("15:04"), "zone", l.tz.String())
}

// Error is the translated message of an error for the reader. Internal
// errors never show their details.
func (l *locale) Error(err error) string {
	p, ok := problem.As(err)
	if !ok || p.Kind == problem.Internal {
		return l.T("error.internal")
	}
	key := "error." + p.Code
	if !i18n.Has(key) && i18n.Has("web.error."+p.Code) {
		// Codes the UI explains better than the shared catalog does (or
		// that it does not have yet).
		key = "web.error." + p.Code
	}
	if !i18n.Has(key) {
		switch p.Kind {
		case problem.NotFound:
			key = "error.not_found"
		case problem.Forbidden:
			key = "error.forbidden"
		default:
			return p.Message
		}
	}
	return i18n.Tm(l.Lang, key, p.Params)
}

// formErrors maps a form field name to its translated message.
type formErrors map[string]string

// fieldErrors translates the field failures of a validation error; ok is
// false when err is not one.
func (l *locale) fieldErrors(err error) (formErrors, bool) {
	p, ok := problem.As(err)
	if !ok || len(p.Fields) == 0 {
		return nil, false
	}
	out := formErrors{}
	for name, f := range p.Fields {
		out[name] = l.fieldMessage(f)
	}
	return out, true
}

func (l *locale) fieldMessage(f problem.Field) string {
	key := "field." + f.Code
	if !i18n.Has(key) {
		return f.Message
	}
	params := map[string]string{"value_suffix": ""}
	for k, v := range f.Params {
		params[k] = v
	}
	if v := f.Params["value"]; v != "" {
		params["value_suffix"] = fmt.Sprintf(" (%s)", v)
	}
	return i18n.Tm(l.Lang, key, params)
}
