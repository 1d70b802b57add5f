package routing

import (
	"slices"

	"github.com/palier/palier/internal/textsearch"
)

// Rules name the workspace's tiers, teams, request types and agents by id,
// so that renaming one changes nothing; the names beside the ids (a tier's
// code, a team's name, a request type's key) are for people and are
// refreshed from the ids whenever a rule set is read (see Resolve). A rule
// set written by hand may give only names: Resolve fills in their ids.

// Kinds of reference a rule may hold.
const (
	RefTier        = "tier"
	RefTeam        = "team"
	RefRequestType = "request_type"
	RefAgent       = "agent"
)

// Ref is one thing of the workspace a rule may name, with its name now.
type Ref struct {
	ID   int64
	Name string // a tier's code, a team's name, a request type's key, an agent's name
}

// Refs lists what rules may name, by kind.
type Refs struct {
	Tiers, Teams, RequestTypes, Agents []Ref
}

func (r *Refs) list(kind string) []Ref {
	switch kind {
	case RefTier:
		return r.Tiers
	case RefTeam:
		return r.Teams
	case RefRequestType:
		return r.RequestTypes
	case RefAgent:
		return r.Agents
	}
	return nil
}

// name returns the current name of id, and whether it exists.
func (r *Refs) name(kind string, id int64) (string, bool) {
	i := slices.IndexFunc(r.list(kind), func(x Ref) bool { return x.ID == id })
	if i < 0 {
		return "", false
	}
	return r.list(kind)[i].Name, true
}

// byName finds a reference by name, ignoring case and accents; 0 if none.
func (r *Refs) byName(kind, name string) (int64, string) {
	want := textsearch.Normalize(name)
	for _, x := range r.list(kind) {
		if textsearch.Normalize(x.Name) == want {
			return x.ID, x.Name
		}
	}
	return 0, ""
}

// Resolve returns a copy of rs in which every reference carries its id and
// its current name: names given without an id get the id they name today,
// ids get their current name. A name that names nothing, or an id that no
// longer exists, is left as it is for Compile to report.
func Resolve(rs RuleSet, refs Refs) RuleSet {
	out := RuleSet{Rules: make([]Rule, len(rs.Rules)), Fallback: resolveActions(rs.Fallback, &refs)}
	if rs.Rules == nil {
		out.Rules = nil
	}
	for i, r := range rs.Rules {
		r.When = resolveCondition(r.When, &refs)
		r.Then = resolveActions(r.Then, &refs)
		out.Rules[i] = r
	}
	return out
}

func resolveActions(a Actions, refs *Refs) Actions {
	a.AddTags = slices.Clone(a.AddTags)
	a.TierID, a.Tier = resolveRef(refs, RefTier, a.TierID, a.Tier)
	a.TeamID, a.Team = resolveRef(refs, RefTeam, a.TeamID, a.Team)
	a.RequestTypeID, a.RequestType = resolveRef(refs, RefRequestType, a.RequestTypeID, a.RequestType)
	return a
}

func resolveRef(refs *Refs, kind string, id int64, name string) (int64, string) {
	if id != 0 {
		if now, ok := refs.name(kind, id); ok {
			return id, now
		}
		return id, name
	}
	if name == "" {
		return 0, ""
	}
	if found, now := refs.byName(kind, name); found != 0 {
		return found, now
	}
	return 0, name
}

// resolveCondition copies c, giving request type tests the ids of their
// values (IDs runs beside Values, or holds Value's id).
func resolveCondition(c Condition, refs *Refs) Condition {
	out := c
	out.All = resolveConditions(c.All, refs)
	out.Any = resolveConditions(c.Any, refs)
	if c.Not != nil {
		n := resolveCondition(*c.Not, refs)
		out.Not = &n
	}
	out.Values = slices.Clone(c.Values)
	out.IDs = slices.Clone(c.IDs)
	if c.Field != FieldRequestType {
		return out
	}
	vals := []*string{&out.Value}
	if c.Op == OpIn {
		vals = vals[:0]
		for j := range out.Values {
			vals = append(vals, &out.Values[j])
		}
	}
	if len(out.IDs) != 0 && len(out.IDs) != len(vals) {
		return out // Compile reports the mismatch
	}
	if len(out.IDs) == 0 {
		out.IDs = make([]int64, len(vals))
	}
	found := false
	for j, v := range vals {
		out.IDs[j], *v = resolveRef(refs, RefRequestType, out.IDs[j], *v)
		found = found || out.IDs[j] != 0
	}
	if !found {
		out.IDs = nil
	}
	return out
}

func resolveConditions(cs []Condition, refs *Refs) []Condition {
	if cs == nil {
		return nil
	}
	out := make([]Condition, len(cs))
	for i, c := range cs {
		out[i] = resolveCondition(c, refs)
	}
	return out
}

// Use is a rule (or the fallback) that names something.
type Use struct {
	// Index is the rule's position in the set; -1 for the fallback.
	Index int    `json:"index"`
	ID    int64  `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Uses lists the rules of rs (resolved, see Resolve) that name the id of
// kind, in order, the fallback last. Disabled rules count: enabling one
// later must not break the set.
func (rs RuleSet) Uses(kind string, id int64) []Use {
	var out []Use
	for i, r := range rs.Rules {
		if actionsUse(r.Then, kind, id) || kind == RefRequestType && conditionUses(r.When, id) {
			out = append(out, Use{Index: i, ID: r.ID, Name: r.Name})
		}
	}
	if actionsUse(rs.Fallback, kind, id) {
		out = append(out, Use{Index: -1})
	}
	return out
}

func actionsUse(a Actions, kind string, id int64) bool {
	switch kind {
	case RefTier:
		return a.TierID == id
	case RefTeam:
		return a.TeamID == id
	case RefRequestType:
		return a.RequestTypeID == id
	case RefAgent:
		return a.AssignAgent == id
	}
	return false
}

func conditionUses(c Condition, id int64) bool {
	if slices.Contains(c.IDs, id) {
		return true
	}
	if c.Not != nil && conditionUses(*c.Not, id) {
		return true
	}
	return slices.ContainsFunc(c.All, func(k Condition) bool { return conditionUses(k, id) }) ||
		slices.ContainsFunc(c.Any, func(k Condition) bool { return conditionUses(k, id) })
}

// CountIDs counts the ids a rule set names things by, for callers that
// need to know whether Resolve found new ones.
func CountIDs(rs RuleSet) int {
	n := 0
	count := func(a Actions) {
		for _, id := range []int64{a.TierID, a.TeamID, a.RequestTypeID} {
			if id != 0 {
				n++
			}
		}
	}
	var cond func(c Condition)
	cond = func(c Condition) {
		for _, id := range c.IDs {
			if id != 0 {
				n++
			}
		}
		if c.Not != nil {
			cond(*c.Not)
		}
		for _, k := range c.All {
			cond(k)
		}
		for _, k := range c.Any {
			cond(k)
		}
	}
	for _, r := range rs.Rules {
		count(r.Then)
		cond(r.When)
	}
	count(rs.Fallback)
	return n
}
