package web

import (
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// Tier and team names, numbers and dates in the reader's language, for the pages that show
// them (issue 8.7: an English reader must not read "Support de niveau 1").

// tierLabel is "L1 · Front line" for the tier with the id, "" when none.
func tierLabel(rq *request, id int64) string {
	t := rq.dir.Tier(id)
	if t.ID == 0 {
		return ""
	}
	return t.Code + " · " + t.NameIn(rq.loc.Lang)
}

// readField turns what the reader typed in a custom field into its stored
// form ("49,90" → "49.90" in French), or records why it cannot be read,
// in the reader's terms (their date pattern, a number as they write it).
func readField(rq *request, f problem.Fields, fi fieldInput) (string, bool) {
	for _, cf := range rq.dir.CustomFields {
		if cf.Key != fi.Key {
			continue
		}
		v, ok := cf.Read(rq.loc.Lang, fi.Value)
		if !ok {
			name := "custom_fields." + fi.Key
			if cf.Kind == workspace.Date {
				f.Add(name, "not_a_local_date", "must be a date", "pattern", rq.loc.T("date.pattern"))
			} else {
				f.Add(name, "not_a_local_number", "must be a number", "example", i18n.FormatDecimal(rq.loc.Lang, "49.90"))
			}
		}
		return v, ok
	}
	return fi.Value, true
}

// decimal is a number the reader typed in its canonical form, or what they
// typed when it is not one (the caller's parse then refuses it).
func decimal(rq *request, typed string) string {
	if v, ok := i18n.ParseDecimal(rq.loc.Lang, typed); ok {
		return v
	}
	return typed
}
