package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/store"
)

// The audit log for people (issue 8.9): each entry is a sentence in the
// reader's language (who did what to which object) with what changed,
// before → after, found by comparing with the previous entry on the same
// object. Filters by who, by kind of object and by dates; pages by keyset
// (entries before an id). Leads read it as admins do.

// auditKinds are the objects the filter offers, in the navigation's order.
var auditKinds = []string{"workspace", "tier", "team", "agent", "request_type", "custom_field", "routing_rules", "escalation_procedure"}

// auditHidden are detail fields that say nothing to a reader.
var auditHidden = []string{"id", "created_at", "updated_at", "name"}

type auditFilterForm struct {
	Who, Kind, From, To string
	Active              bool
}

type auditRow struct {
	ID       int64
	At       time.Time
	Sentence string
	Changes  []string
}

type auditView struct {
	Rows    []auditRow
	Filter  auditFilterForm
	Who     []option
	Kinds   []option
	Pattern string
}

func (s *server) adminAudit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.actor.IsLeadOrAdmin() {
		return errAdminOnly
	}
	q := r.URL.Query()
	f, form, err := auditFilter(rq, q)
	if err != nil {
		return err
	}
	entries, before, err := s.d.AuditEntries(r.Context(), rq.actor, f, auditPageSize)
	if err != nil {
		return err
	}
	p := s.adminPage(r, rq, "audit")
	if !rq.actor.IsAdmin() { // a lead reads the log, not the admin pages
		p.Sections = []option{{"audit", rq.loc.T("admin.audit")}}
	}
	v := auditView{Filter: form, Pattern: rq.loc.T("date.pattern")}
	v.Who = []option{{"", rq.loc.T("audit.filter.anyone")}}
	for _, m := range rq.dir.Members {
		v.Who = append(v.Who, option{idStr(m.ID), m.Name})
	}
	v.Kinds = []option{{"", rq.loc.T("audit.filter.any_kind")}}
	for _, k := range auditKinds {
		v.Kinds = append(v.Kinds, option{k, rq.loc.T("audit.kind." + k)})
	}
	for _, e := range entries {
		v.Rows = append(v.Rows, auditRow{ID: e.ID, At: e.CreatedAt, Sentence: auditSentence(rq, e), Changes: auditChanges(rq, before[e.ID], e.Details)})
	}
	p.Edit = nil
	p.AuditView = &v
	if len(entries) == auditPageSize {
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		p.NextURL = "/admin/audit?" + next.Encode()
	}
	s.render(w, r, rq.loc, http.StatusOK, "admin", "", p)
	return nil
}

// auditFilter reads the filters; dates are typed the reader's way and
// count in the workspace's time zone, the end date included.
func auditFilter(rq *request, q url.Values) (store.AuditFilter, auditFilterForm, error) {
	var f store.AuditFilter
	form := auditFilterForm{Who: q.Get("who"), Kind: q.Get("kind"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	form.Active = form.Who != "" || form.Kind != "" || form.From != "" || form.To != ""
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return f, form, badParameter("before")
		}
		f.Before = n
	}
	if form.Who != "" {
		n, err := strconv.ParseInt(form.Who, 10, 64)
		if err != nil || rq.dir.Member(n).ID == 0 {
			return f, form, badParameter("who")
		}
		f.ActorID = n
	}
	if form.Kind != "" {
		if !slices.Contains(auditKinds, form.Kind) {
			return f, form, badParameter("kind")
		}
		f.TargetType = form.Kind
	}
	loc, err := time.LoadLocation(rq.dir.Workspace.Timezone)
	if err != nil {
		loc = time.UTC
	}
	for _, d := range []struct {
		name, typed string
		into        *time.Time
		days        int
	}{{"from", form.From, &f.From, 0}, {"to", form.To, &f.To, 1}} {
		if d.typed == "" {
			continue
		}
		iso, ok := i18n.ParseDate(rq.loc.Lang, d.typed)
		if !ok {
			return f, form, badParameter(d.name)
		}
		day, _ := time.ParseInLocation(time.DateOnly, iso, loc)
		*d.into = day.AddDate(0, 0, d.days)
	}
	return f, form, nil
}

// auditSentence says who did what to which object.
func auditSentence(rq *request, e store.AuditEntry) string {
	l := rq.loc
	actor := e.ActorName
	if actor == "" {
		actor = l.T("audit.system")
	}
	target := auditTarget(rq, e)
	key := "audit.s." + e.Action
	if !i18n.Has(key) {
		return l.T("audit.s.other", "actor", actor, "action", e.Action, "target", target)
	}
	return l.T(key, "actor", actor, "target", target)
}

// auditTarget names the object in the reader's language: its current name
// when it still exists, else the name the entry recorded.
func auditTarget(rq *request, e store.AuditEntry) string {
	lang := rq.loc.Lang
	switch e.TargetType {
	case "tier":
		if t := rq.dir.Tier(e.TargetID); t.ID != 0 {
			return quoted(rq, t.Code+" · "+t.NameIn(lang))
		}
	case "team":
		if t := rq.dir.Team(e.TargetID); t.ID != 0 {
			return quoted(rq, t.NameIn(lang))
		}
	case "agent":
		if m := rq.dir.Member(e.TargetID); m.ID != 0 {
			return m.Name
		}
	case "request_type":
		if t := rq.dir.RequestType(e.TargetID); t.ID != 0 {
			return quoted(rq, t.Name(lang))
		}
	case "custom_field":
		for _, c := range rq.dir.CustomFields {
			if c.ID == e.TargetID {
				return quoted(rq, c.Label(lang))
			}
		}
	}
	var d map[string]any
	if json.Unmarshal(e.Details, &d) == nil {
		for _, k := range []string{i18n.Pick(lang, "name_en", "name_fr"), "name", "key"} {
			if s, ok := d[k].(string); ok && s != "" {
				return quoted(rq, s)
			}
		}
	}
	return "#" + strconv.FormatInt(e.TargetID, 10)
}

// auditChanges lists what changed between two states of an object, one
// line per field: "Name (English): Front line → First line". Without a
// previous state (a creation), it lists the values set. Nested values
// (rules, steps) are only said to have changed: their own pages show them.
func auditChanges(rq *request, before, after json.RawMessage) []string {
	var a, b map[string]any
	if json.Unmarshal(after, &a) != nil {
		return nil
	}
	created := before == nil || json.Unmarshal(before, &b) != nil
	keys := make([]string, 0, len(a))
	for k := range a {
		if !slices.Contains(auditHidden, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		label := auditField(rq, k)
		now := auditValue(rq, k, a[k])
		if created {
			if now != "" {
				out = append(out, rq.loc.T("audit.set", "field", label, "after", now))
			}
			continue
		}
		was := auditValue(rq, k, b[k])
		if was == now {
			continue
		}
		if isNested(a[k]) || isNested(b[k]) {
			out = append(out, rq.loc.T("audit.changed", "field", label))
			continue
		}
		out = append(out, rq.loc.T("audit.change", "field", label, "before", orEmpty(rq, was), "after", orEmpty(rq, now)))
	}
	if !created && len(out) == 0 {
		out = append(out, rq.loc.T("audit.no_change"))
	}
	return out
}

func orEmpty(rq *request, s string) string {
	if s == "" {
		return rq.loc.T("audit.empty_value")
	}
	return s
}

func isNested(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case []any:
		for _, e := range x {
			if _, ok := e.(map[string]any); ok {
				return true
			}
		}
	}
	return false
}

// auditField is a field's label as the admin forms write it.
func auditField(rq *request, key string) string {
	for _, k := range []string{"admin.f." + key, "prop." + strings.TrimSuffix(key, "_id")} {
		if i18n.Has(k) {
			return rq.loc.T(k)
		}
	}
	return key
}

// auditValue renders a value for people: ids as names, booleans as yes
// or no, lists joined.
func auditValue(rq *request, key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return rq.loc.T("value.yes")
		}
		return rq.loc.T("value.no")
	case float64:
		if id := int64(x); float64(id) == x && strings.HasSuffix(key, "_id") {
			return auditName(rq, strings.TrimSuffix(key, "_id"), id)
		}
		if key == "target_share" {
			return i18n.FormatDecimal(rq.loc.Lang, strconv.FormatFloat(x*100, 'f', -1, 64)) + " %"
		}
		return i18n.FormatDecimal(rq.loc.Lang, strconv.FormatFloat(x, 'f', -1, 64))
	case string:
		return x
	case []any:
		if isNested(x) {
			b, _ := json.Marshal(x)
			return string(b)
		}
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, auditValue(rq, strings.TrimSuffix(key, "s"), e))
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func auditName(rq *request, kind string, id int64) string {
	lang := rq.loc.Lang
	switch kind {
	case "tier":
		if t := rq.dir.Tier(id); t.ID != 0 {
			return t.Code
		}
	case "team":
		if t := rq.dir.Team(id); t.ID != 0 {
			return t.NameIn(lang)
		}
	case "member", "agent":
		if m := rq.dir.Member(id); m.ID != 0 {
			return m.Name
		}
	case "skill":
		if t := rq.dir.RequestType(id); t.ID != 0 {
			return t.Name(lang)
		}
	}
	return fmt.Sprintf("#%d", id)
}

// quoted puts a name between the reader's quotation marks.
func quoted(rq *request, name string) string { return rq.loc.T("audit.quoted", "name", name) }
