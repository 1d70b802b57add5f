package routing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/palier/palier/internal/i18n"
)

// Names is what sentences need from the workspace to name things the way
// the rest of the UI does; an empty answer falls back to the raw value.
type Names interface {
	// RequestTypeName is a request type's name in lang, by key.
	RequestTypeName(key, lang string) string
	// CustomFieldLabel is a custom field's label in lang, by key.
	CustomFieldLabel(key, lang string) string
	// AgentName is an agent's name.
	AgentName(id int64) string
}

// Sentences words rules, conditions, actions and the reasons a rule
// matched in the reader's language: « Si le texte contient « facturé deux
// fois » et le canal est e-mail → L2 · Billing experts, priorité urgente »,
// « hors des heures ouvrées ».
type Sentences struct {
	Lang  string
	Names Names
}

func (d Sentences) t(key string, params ...string) string { return i18n.T(d.Lang, key, params...) }

// Rule is the whole rule as one sentence.
func (d Sentences) Rule(r Rule) string {
	then := d.Actions(r.Then)
	if isEmpty(r.When) {
		return d.t("routing.sum.always", "then", then)
	}
	return d.t("routing.sum.if", "when", d.Condition(r.When), "then", then)
}

// Condition words a condition, groups in parentheses when nested.
func (d Sentences) Condition(c Condition) string { return d.cond(c, false) }

func (d Sentences) cond(c Condition, nested bool) string {
	switch {
	case len(c.All) > 0:
		return d.group(c.All, "routing.sum.and", nested)
	case len(c.Any) > 0:
		return d.group(c.Any, "routing.sum.or", nested)
	case c.Not != nil && isLeaf(*c.Not):
		return d.test(*c.Not, true)
	case c.Not != nil:
		return d.t("routing.sum.not", "cond", d.cond(*c.Not, true))
	}
	return d.test(c, false)
}

func (d Sentences) group(kids []Condition, joinKey string, nested bool) string {
	parts := make([]string, len(kids))
	for i, k := range kids {
		parts[i] = d.cond(k, true)
	}
	s := strings.Join(parts, d.t(joinKey))
	if nested && len(kids) > 1 {
		s = "(" + s + ")"
	}
	return s
}

// test words one field test, negated or not.
func (d Sentences) test(c Condition, negated bool) string {
	switch c.Field {
	case FieldBusinessHours:
		if strings.EqualFold(strings.TrimSpace(c.Value), "inside") != negated {
			return d.t("routing.sum.inside")
		}
		return d.t("routing.sum.outside")
	case FieldSensitive:
		if strings.EqualFold(strings.TrimSpace(c.Value), "true") != negated {
			return d.t("routing.sum.sensitive")
		}
		return d.t("routing.sum.not_sensitive")
	}
	key := "routing.op." + c.Op
	if negated {
		key = "routing.nop." + c.Op
	}
	if !i18n.Has(key) {
		return c.String()
	}
	return d.t(key, "field", d.field(c.Field), "value", d.values(c))
}

func (d Sentences) field(f string) string {
	if key, ok := strings.CutPrefix(f, FieldCustomPrefix); ok {
		label := key
		if d.Names != nil {
			label = cmpOr(d.Names.CustomFieldLabel(key, d.Lang), key)
		}
		return d.t("routing.sumfield.custom", "label", label)
	}
	if i18n.Has("routing.sumfield." + f) {
		return d.t("routing.sumfield." + f)
	}
	return f
}

func (d Sentences) values(c Condition) string {
	if c.Op == OpIn {
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = d.value(c.Field, v)
		}
		return strings.Join(vals, ", ")
	}
	if isTextOp(c.Op) {
		return d.t("routing.sum.quote", "v", c.Value)
	}
	return d.value(c.Field, c.Value)
}

func isTextOp(op string) bool {
	return op == OpContainsWords || op == OpContainsAnyWord || op == OpContainsPhrase
}

// Label names a value of a field with a closed list the way the rest of
// the UI does: "email" → "e-mail", "billing" → "Facturation".
func (d Sentences) Label(field, v string) string {
	key := ""
	switch field {
	case FieldChannel:
		key = "channel." + v
	case FieldPriority:
		key = "priority." + v
	case FieldSegment:
		key = "segment." + v
	case FieldLanguage:
		key = "lang." + v
	case FieldRequestType:
		if d.Names != nil {
			if name := d.Names.RequestTypeName(v, d.Lang); name != "" {
				return name
			}
		}
	}
	if key != "" && v != "" && i18n.Has(key) {
		return d.t(key)
	}
	return v
}

// value is Label as a sentence needs it: "priorité urgente", "la langue
// est français" (French writes languages in lower case, English does not).
func (d Sentences) value(field, v string) string {
	switch field {
	case FieldOrganisation, FieldInboundAddress:
		return d.t("routing.sum.quote", "v", v)
	case FieldChannel, FieldPriority:
		return strings.ToLower(d.Label(field, v))
	case FieldLanguage:
		if i18n.Lang(d.Lang) == i18n.French { // « en français », but "in English"
			return strings.ToLower(d.Label(field, v))
		}
	}
	return d.Label(field, v)
}

// Actions words what a rule does: where the ticket goes, then the rest.
func (d Sentences) Actions(a Actions) string {
	where := a.Tier
	if where == "" {
		where = d.t("routing.sum.fallback_tier")
	}
	if a.Team != "" {
		where += " · " + a.Team
	}
	parts := []string{where}
	if a.Priority != "" {
		parts = append(parts, d.t("routing.sum.priority", "p", d.value(FieldPriority, a.Priority)))
	}
	if a.RequestType != "" {
		parts = append(parts, d.t("routing.sum.type", "t", d.value(FieldRequestType, a.RequestType)))
	}
	if len(a.AddTags) > 0 {
		parts = append(parts, d.t("routing.sum.tags", "tags", strings.Join(a.AddTags, ", ")))
	}
	parts = append(parts, d.assignment(a)...)
	if a.MarkSensitive {
		parts = append(parts, d.t("routing.sum.mark_sensitive"))
	}
	if a.RequireHuman {
		parts = append(parts, d.t("routing.sum.human"))
	}
	if a.AutoReply != "" {
		parts = append(parts, d.t("routing.sum.auto_reply"))
	}
	return strings.Join(parts, ", ")
}

func (d Sentences) assignment(a Actions) []string {
	switch {
	case a.AssignAgent != 0:
		name := ""
		if d.Names != nil {
			name = d.Names.AgentName(a.AssignAgent)
		}
		if name == "" {
			name = fmt.Sprintf("#%d", a.AssignAgent)
		}
		return []string{d.t("routing.sum.assign_to", "name", name)}
	case a.AssignStrategy == AssignRoundRobin:
		return []string{d.t("routing.sum.round_robin")}
	case a.AssignStrategy == AssignLeastLoaded:
		return []string{d.t("routing.sum.least_loaded")}
	}
	return nil
}

// Reason words one condition that held, as the timeline and the dry run
// show it: « hors des heures ouvrées », « le texte contient « RGPD » »,
// with the words found in the ticket when they differ from the rule's.
func (d Sentences) Reason(r Reason) string {
	if r.Field == "" {
		// A negated group: Expected holds it in rule notation.
		return d.t("routing.sum.not", "cond", r.Expected)
	}
	c := Condition{Field: r.Field, Op: r.Op, Value: r.Expected}
	if r.Op == OpIn {
		c.Value, c.Values = "", SplitList(r.Expected)
	}
	s := d.test(c, r.Negated)
	if isTextOp(r.Op) && !r.Negated && r.Actual != "" && !slices.Equal(SplitList(r.Actual), []string{r.Expected}) {
		s = d.t("routing.reason.found", "cond", s, "found", r.Actual)
	}
	return s
}

// SplitList reads a list written with commas (an "in" condition's values,
// tags to add), dropping blanks: how the rule editor and the sentences read
// one.
func SplitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
