package routing

import (
	"fmt"
	"slices"
)

// Place is where a ValidationError points, as data, so that an editor can
// put the message beside the input that shows the element without reading
// Path back. Path and Place say the same thing.
type Place struct {
	// Rule is the rule's index in the set; -1 outside the rules (the
	// fallback, the environment).
	Rule int `json:"rule"`
	// Fallback is set for the fallback's actions.
	Fallback bool `json:"fallback,omitempty"`
	// In is the part of the rule: "name", "id", "when" or "then" ("then"
	// for the fallback too); "" for the environment.
	In string `json:"in,omitempty"`
	// Cond leads from the rule's When to the faulty condition, one step
	// per group: {all 2} is When.All[2], {not 0} a Not.
	Cond []Step `json:"cond,omitempty"`
	// Leaf is the faulty part of a field test: "field", "op", "value",
	// "values" or "ids"; "" for the whole condition.
	Leaf string `json:"leaf,omitempty"`
	// Action is the faulty action of "then": "tier", "add_tags", …
	Action string `json:"action,omitempty"`
	// Within is the path inside the rule (or the fallback), e.g.
	// "when.all[1].value", for people who edit a rule as JSON.
	Within string `json:"within,omitempty"`
}

// Step is one group level of a condition: "all" or "any" with the child's
// index, or "not".
type Step struct {
	Group string `json:"group"`
	Index int    `json:"index,omitempty"`
}

// loc is where the compiler is in the rule set, as the text of a path and
// as a Place, built together as it descends.
type loc struct {
	path  string
	place Place
	stage stage
}

type stage uint8

const (
	inRule stage = iota
	inCond
	inThen
	inLeaf // nothing below changes the place any more
)

func ruleLoc(i int) loc {
	return loc{path: fmt.Sprintf("rules[%d]", i), place: Place{Rule: i}, stage: inRule}
}

func fallbackLoc() loc {
	return loc{path: "fallback", place: Place{Rule: -1, Fallback: true, In: "then"}, stage: inThen}
}

func envLoc(path string) loc { return loc{path: path, place: Place{Rule: -1}, stage: inLeaf} }

// to descends into a named element.
func (l loc) to(name string) loc {
	l.path += "." + name
	l.place.Within = join(l.place.Within, name)
	l.place.Cond = slices.Clone(l.place.Cond)
	switch l.stage {
	case inRule:
		l.place.In = name
		switch name {
		case "when":
			l.stage = inCond
		case "then":
			l.stage = inThen
		default:
			l.stage = inLeaf
		}
	case inCond:
		if name == "not" {
			l.place.Cond = append(l.place.Cond, Step{Group: "not"})
		} else {
			l.place.Leaf, l.stage = name, inLeaf
		}
	case inThen:
		l.place.Action, l.stage = name, inLeaf
	}
	return l
}

// at descends into the i-th element of a named list.
func (l loc) at(name string, i int) loc {
	group := l.stage == inCond && (name == "all" || name == "any")
	l = l.to(name)
	if group {
		// to took the list for a leaf part: it is a group step.
		l.place.Leaf, l.stage = "", inCond
		l.place.Cond = append(l.place.Cond, Step{Group: name, Index: i})
	}
	l.path += fmt.Sprintf("[%d]", i)
	l.place.Within += fmt.Sprintf("[%d]", i)
	return l
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}
