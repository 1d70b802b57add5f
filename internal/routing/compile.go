package routing

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/palier/palier/internal/textsearch"
)

// Env is what a rule set is checked against and evaluated with.
type Env struct {
	BusinessHours BusinessHours
	// Known values, for validation: a rule naming a value outside the list
	// is rejected. A nil list is not checked. Comparison ignores case and
	// accents.
	Tiers, Teams, Priorities, Channels, RequestTypes, Languages, Segments []string
	// Refs lists what rules name by id. When set, an id that is not in it
	// is an error (it was deleted), names are refreshed from ids (see
	// Resolve), and Tiers, Teams and RequestTypes default to its names.
	Refs *Refs
}

// maxDepth bounds condition nesting. Rule sets come from users over the API;
// no sensible rule nests deeper, and the bound keeps evaluation cheap.
const maxDepth = 16

// Field names of leaf conditions.
const (
	FieldChannel       = "channel"
	FieldRequestType   = "request_type"
	FieldText          = "text"
	FieldSubject       = "subject"
	FieldBody          = "body"
	FieldSegment       = "segment"
	FieldOrganisation  = "organisation"
	FieldLanguage      = "language"
	FieldPriority      = "priority"
	FieldBusinessHours = "business_hours"
	FieldOpenTickets   = "open_tickets"
	FieldSensitive     = "sensitive"
	// FieldInboundAddress is the address an email was sent to.
	FieldInboundAddress = "inbound_address"
	// FieldCustomPrefix is followed by the custom field's key, e.g.
	// "custom_field:contract".
	FieldCustomPrefix = "custom_field:"
)

// Ops of leaf conditions.
const (
	OpIs              = "is"
	OpIsNot           = "is_not"
	OpIn              = "in"
	OpContainsWords   = "contains_words"
	OpContainsAnyWord = "contains_any_word"
	OpContainsPhrase  = "contains_phrase"
	OpEq              = "eq"
	OpGt              = "gt"
	OpGte             = "gte"
	OpLt              = "lt"
	OpLte             = "lte"
)

type fieldID uint8

const (
	fChannel fieldID = iota
	fRequestType
	fSegment
	fOrganisation
	fLanguage
	fPriority
	fInboundAddress
	fText
	fSubject
	fBody
	fCustom
	fBusinessHours
	fOpenTickets
	fSensitive
	fieldCount // the number of fields: keep last
)

// enumFields counts the fields compared as folded strings, cached per ticket.
const enumFields = int(fInboundAddress) + 1

var fieldNames = map[string]fieldID{
	FieldChannel: fChannel, FieldRequestType: fRequestType, FieldSegment: fSegment,
	FieldOrganisation: fOrganisation, FieldLanguage: fLanguage, FieldPriority: fPriority,
	FieldText: fText, FieldSubject: fSubject, FieldBody: fBody,
	FieldBusinessHours: fBusinessHours, FieldOpenTickets: fOpenTickets, FieldSensitive: fSensitive,
	FieldInboundAddress: fInboundAddress,
}

type opID uint8

const (
	opIs opID = iota
	opIsNot
	opIn
	opWords
	opAnyWord
	opPhrase
	opEq
	opGt
	opGte
	opLt
	opLte
)

var opNames = map[string]opID{
	OpIs: opIs, OpIsNot: opIsNot, OpIn: opIn,
	OpContainsWords: opWords, OpContainsAnyWord: opAnyWord, OpContainsPhrase: opPhrase,
	OpEq: opEq, OpGt: opGt, OpGte: opGte, OpLt: opLt, OpLte: opLte,
}

var (
	enumOps    = []opID{opIs, opIsNot, opIn}
	textOps    = []opID{opWords, opAnyWord, opPhrase}
	numberOps  = []opID{opEq, opGt, opGte, opLt, opLte}
	customOps  = []opID{opIs, opIsNot, opIn, opWords, opAnyWord, opPhrase, opEq, opGt, opGte, opLt, opLte}
	onlyIsOp   = []opID{opIs}
	opsByField = map[fieldID][]opID{
		fChannel: enumOps, fRequestType: enumOps, fSegment: enumOps, fOrganisation: enumOps,
		fLanguage: enumOps, fPriority: enumOps, fText: textOps, fSubject: textOps, fBody: textOps,
		fCustom: customOps, fBusinessHours: onlyIsOp, fOpenTickets: numberOps, fSensitive: onlyIsOp,
		fInboundAddress: enumOps,
	}
)

// langs are the analyses a text condition is prepared for; a ticket uses the
// one of its language (see textsearch.BaseLang).
var langs = [...]string{"fr", "en", ""}

func langIndex(tag string) int {
	switch textsearch.BaseLang(tag) {
	case "fr":
		return 0
	case "en":
		return 1
	}
	return 2
}

type nodeKind uint8

const (
	kAll nodeKind = iota
	kAny
	kNot
	kLeaf
)

// node is the compiled form of a Condition.
type node struct {
	kind nodeKind
	path string
	kids []*node
	src  Condition // as written, for reasons

	field fieldID
	op    opID
	key   string   // custom field key
	vals  []string // folded values for is, is_not, in
	// terms are the condition's term ids per analysis language: distinct
	// ids for word ops, the sequence for contains_phrase.
	terms [len(langs)][]int32
	num   float64
	flag  bool // business_hours: inside; sensitive: true
}

type compiledRule struct {
	id   int64
	name string
	when *node // nil matches every ticket
	then Actions
}

// Engine evaluates tickets against a compiled rule set.
type Engine struct {
	rules    []compiledRule // enabled rules only, in order
	fallback Actions
	hours    BusinessHours
	dict     map[string]int32 // stemmed condition term → id
	words    int              // len of a term bitset, in uint64 words
	pool     sync.Pool        // *state
	tested   [fieldCount]bool // fields some enabled rule's condition tests
}

// Tests reports whether some enabled rule's condition tests field (one of
// the Field names): what only that field needs (a customer's open tickets,
// their organisation) need not be read for a ticket when none does.
func (e *Engine) Tests(field string) bool {
	f, ok := fieldNames[field]
	return ok && e.tested[f]
}

// markTested records the fields n and its children test.
func (e *Engine) markTested(n *node) {
	if n == nil {
		return
	}
	if n.kind == kLeaf {
		e.tested[n.field] = true
	}
	for _, k := range n.kids {
		e.markTested(k)
	}
}

// Compile validates rs against env and prepares it for evaluation. On
// failure the error is a ValidationErrors listing every problem found.
func Compile(rs RuleSet, env Env) (*Engine, error) {
	if env.Refs != nil {
		rs = Resolve(rs, *env.Refs)
	}
	c := newCompiler(env)
	e := &Engine{hours: env.BusinessHours, dict: c.dict}
	seen := map[int64]int{}
	for i, r := range rs.Rules {
		p := ruleLoc(i)
		if strings.TrimSpace(r.Name) == "" {
			c.add(p.to("name"), "empty_rule_name", "the rule has no name", nil)
		}
		switch prev, dup := seen[r.ID]; {
		case r.ID < 0:
			c.add(p.to("id"), "invalid_rule_id", fmt.Sprintf("rule id %d is negative", r.ID), map[string]string{"id": strconv.FormatInt(r.ID, 10)})
		case r.ID != 0 && dup:
			c.add(p.to("id"), "duplicate_rule_id", fmt.Sprintf("rule id %d is already used by rules[%d]", r.ID, prev),
				map[string]string{"id": strconv.FormatInt(r.ID, 10), "other": fmt.Sprintf("rules[%d]", prev)})
		default:
			seen[r.ID] = i
		}
		var when *node
		if !isEmpty(r.When) {
			when = c.condition(r.When, p.to("when"), 1)
		}
		c.actions(r.Then, p.to("then"))
		if r.Enabled {
			e.rules = append(e.rules, compiledRule{id: r.ID, name: r.Name, when: when, then: complete(r.Then, rs.Fallback)})
			e.markTested(when)
		}
	}
	if strings.TrimSpace(rs.Fallback.Tier) == "" {
		c.add(fallbackLoc().to("tier"), "missing_fallback_tier", "the fallback route must set a tier", nil)
	}
	c.actions(rs.Fallback, fallbackLoc())
	env.BusinessHours.validate(func(path, code, msg string, params map[string]string) {
		c.add(envLoc(path), code, msg, params)
	})
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	e.fallback = rs.Fallback
	e.words = (len(c.dict) + 63) / 64
	e.pool.New = func() any { return newState(e) }
	return e, nil
}

// complete fills what a rule leaves unset from the fallback, so that every
// decision names a tier. The fallback team only comes along with its tier:
// a rule that names its own tier keeps the team it names, even none.
func complete(a, fallback Actions) Actions {
	if a.Tier == "" {
		a.Tier = fallback.Tier
		if a.Team == "" {
			a.Team = fallback.Team
		}
	}
	return a
}

type compiler struct {
	known map[string]map[string]bool // "tier", "team", … → folded known values; nil list → absent
	refs  *Refs
	dict  map[string]int32
	errs  ValidationErrors
}

func newCompiler(env Env) *compiler {
	c := &compiler{known: map[string]map[string]bool{}, refs: env.Refs, dict: map[string]int32{}}
	if r := env.Refs; r != nil {
		names := func(given []string, list []Ref) []string {
			if given != nil {
				return given
			}
			out := make([]string, len(list))
			for i, x := range list {
				out[i] = x.Name
			}
			return out
		}
		env.Tiers = names(env.Tiers, r.Tiers)
		env.Teams = names(env.Teams, r.Teams)
		env.RequestTypes = names(env.RequestTypes, r.RequestTypes)
	}
	for kind, list := range map[string][]string{
		"tier": env.Tiers, "team": env.Teams, "priority": env.Priorities, "channel": env.Channels,
		"request_type": env.RequestTypes, "language": env.Languages, "segment": env.Segments,
	} {
		if list == nil {
			continue
		}
		set := make(map[string]bool, len(list))
		for _, v := range list {
			set[textsearch.Normalize(v)] = true
		}
		c.known[kind] = set
	}
	return c
}

func (c *compiler) add(at loc, code, msg string, params map[string]string) {
	c.errs = append(c.errs, ValidationError{Path: at.path, Place: at.place, Code: code, Message: msg, Params: params})
}

// checkKnown reports value if env lists the known values of kind and value
// is not among them. Languages also accept a region of a known language.
func (c *compiler) checkKnown(kind, value string, path loc) {
	set, ok := c.known[kind]
	if !ok {
		return
	}
	v := textsearch.Normalize(value)
	if set[v] || kind == "language" && set[primaryLang(v)] {
		return
	}
	c.add(path, "unknown_"+kind, fmt.Sprintf("%s %q is not defined in this workspace", strings.ReplaceAll(kind, "_", " "), value),
		map[string]string{kind: value})
}

// checkRef reports an id that names nothing in the workspace: the tier,
// team, request type or agent was deleted. name is what the rule last
// called it, for the message.
func (c *compiler) checkRef(kind string, id int64, name string, path loc) {
	if id > 0 && c.refs == nil {
		return // without the workspace's list the id is taken on trust
	}
	if _, ok := c.refs.name(kind, id); ok && id > 0 {
		return
	}
	params := map[string]string{"id": strconv.FormatInt(id, 10), "name": name}
	what := strings.ReplaceAll(kind, "_", " ")
	msg := fmt.Sprintf("%s #%d no longer exists in this workspace", what, id)
	if name != "" {
		msg = fmt.Sprintf("%s #%d (%q) no longer exists in this workspace", what, id, name)
	}
	c.add(path, "unknown_"+kind+"_id", msg, params)
}

func isEmpty(c Condition) bool {
	return len(c.All) == 0 && len(c.Any) == 0 && c.Not == nil && !isLeaf(c)
}

func isLeaf(c Condition) bool {
	return c.Field != "" || c.Op != "" || c.Value != "" || len(c.Values) > 0
}

// condition compiles one node. It returns nil when the node is invalid;
// errors are collected in c, and compilation goes on so that all of them
// are reported at once.
func (c *compiler) condition(cond Condition, path loc, depth int) *node {
	if depth > maxDepth {
		c.add(path, "too_deep", fmt.Sprintf("conditions are nested more than %d levels deep", maxDepth),
			map[string]string{"max": strconv.Itoa(maxDepth)})
		return nil
	}
	var kinds []string
	if len(cond.All) > 0 {
		kinds = append(kinds, "all")
	}
	if len(cond.Any) > 0 {
		kinds = append(kinds, "any")
	}
	if cond.Not != nil {
		kinds = append(kinds, "not")
	}
	if isLeaf(cond) {
		kinds = append(kinds, "field")
	}
	switch len(kinds) {
	case 0:
		c.add(path, "empty_condition", "the condition is empty", nil)
		return nil
	case 1:
	default:
		c.add(path, "mixed_condition", "a condition must be exactly one of all, any, not or a field test; found "+strings.Join(kinds, ", "),
			map[string]string{"kinds": strings.Join(kinds, ",")})
		return nil
	}
	switch kinds[0] {
	case "all":
		return c.group(kAll, cond, cond.All, path, "all", depth)
	case "any":
		return c.group(kAny, cond, cond.Any, path, "any", depth)
	case "not":
		kid := c.condition(*cond.Not, path.to("not"), depth+1)
		if kid == nil {
			return nil
		}
		return &node{kind: kNot, path: path.path, src: cond, kids: []*node{kid}}
	}
	return c.leaf(cond, path)
}

func (c *compiler) group(kind nodeKind, cond Condition, conds []Condition, path loc, key string, depth int) *node {
	n := &node{kind: kind, path: path.path, src: cond}
	ok := true
	for i, sub := range conds {
		kid := c.condition(sub, path.at(key, i), depth+1)
		ok = ok && kid != nil
		n.kids = append(n.kids, kid)
	}
	if !ok {
		return nil
	}
	return n
}

func (c *compiler) leaf(cond Condition, path loc) *node {
	n := &node{kind: kLeaf, path: path.path, src: cond}
	fieldOK := c.leafField(n, cond.Field, path.to("field"))
	if cond.Op == "" {
		c.add(path.to("op"), "missing_op", "the condition has no op", nil)
		return nil
	}
	op, ok := opNames[cond.Op]
	if !ok {
		c.add(path.to("op"), "unknown_op", fmt.Sprintf("unknown op %q", cond.Op),
			map[string]string{"op": cond.Op, "allowed": strings.Join(slices.Sorted(maps.Keys(opNames)), ",")})
		return nil
	}
	n.op = op
	if !fieldOK {
		return nil
	}
	if !slices.Contains(opsByField[n.field], op) {
		allowed := make([]string, 0, len(opsByField[n.field]))
		for _, o := range opsByField[n.field] {
			allowed = append(allowed, opName(o))
		}
		c.add(path.to("op"), "op_not_allowed", fmt.Sprintf("op %q cannot be used with field %q (allowed: %s)", cond.Op, cond.Field, strings.Join(allowed, ", ")),
			map[string]string{"field": cond.Field, "op": cond.Op, "allowed": strings.Join(allowed, ",")})
		return nil
	}
	if !c.leafValues(n, cond, path) {
		return nil
	}
	return n
}

// leafField resolves the field name into n.
func (c *compiler) leafField(n *node, field string, path loc) bool {
	if field == "" {
		c.add(path, "missing_field", "the condition has no field", nil)
		return false
	}
	if key, ok := strings.CutPrefix(field, FieldCustomPrefix); ok {
		if strings.TrimSpace(key) == "" {
			c.add(path, "missing_custom_field_key", "custom_field: must be followed by the custom field's key", map[string]string{"field": field})
			return false
		}
		n.field, n.key = fCustom, key
		return true
	}
	id, ok := fieldNames[field]
	if !ok {
		c.add(path, "unknown_field", fmt.Sprintf("unknown field %q", field),
			map[string]string{"field": field, "allowed": strings.Join(append(slices.Sorted(maps.Keys(fieldNames)), FieldCustomPrefix+"<key>"), ",")})
		return false
	}
	n.field = id
	return true
}

// leafValues checks Value/Values for the op and prepares them.
func (c *compiler) leafValues(n *node, cond Condition, path loc) bool {
	if !c.leafIDs(n, cond, path) {
		return false
	}
	if n.op == opIn {
		if cond.Value != "" {
			c.add(path.to("value"), "unexpected_value", `op "in" takes its values from "values", not "value"`, nil)
			return false
		}
		if len(cond.Values) == 0 {
			c.add(path.to("values"), "missing_values", `op "in" needs at least one value in "values"`, nil)
			return false
		}
		ok := true
		for j, v := range cond.Values {
			vp := path.at("values", j)
			if strings.TrimSpace(v) == "" {
				c.add(vp, "empty_value", "the value is empty", nil)
				ok = false
				continue
			}
			ok = c.enumValue(n, v, idAt(cond.IDs, j), vp) && ok
		}
		return ok
	}
	if len(cond.Values) > 0 {
		c.add(path.to("values"), "unexpected_values", fmt.Sprintf(`op %q takes one "value", not "values"`, cond.Op), map[string]string{"op": cond.Op})
		return false
	}
	vp := path.to("value")
	if strings.TrimSpace(cond.Value) == "" {
		c.add(vp, "missing_value", "the condition has no value", nil)
		return false
	}
	switch {
	case n.op == opWords || n.op == opAnyWord || n.op == opPhrase:
		return c.textValue(n, cond.Value, vp)
	case n.op >= opEq:
		return c.numberValue(n, cond.Value, vp)
	case n.field == fBusinessHours:
		return c.choice(n, cond.Value, vp, "inside", "outside")
	case n.field == fSensitive:
		return c.choice(n, cond.Value, vp, "true", "false")
	}
	return c.enumValue(n, cond.Value, idAt(cond.IDs, 0), vp)
}

// leafIDs checks the ids of a request type test: one per value.
func (c *compiler) leafIDs(n *node, cond Condition, path loc) bool {
	if len(cond.IDs) == 0 {
		return true
	}
	if n.field != fRequestType {
		c.add(path.to("ids"), "unexpected_ids", fmt.Sprintf("field %q takes no ids", cond.Field), map[string]string{"field": cond.Field})
		return false
	}
	want := 1
	if n.op == opIn {
		want = len(cond.Values)
	}
	if len(cond.IDs) != want {
		c.add(path.to("ids"), "ids_mismatch", fmt.Sprintf("%d ids for %d values", len(cond.IDs), want),
			map[string]string{"ids": strconv.Itoa(len(cond.IDs)), "values": strconv.Itoa(want)})
		return false
	}
	return true
}

func idAt(ids []int64, j int) int64 {
	if j < len(ids) {
		return ids[j]
	}
	return 0
}

// enumValue checks one compared value (a request type's, named by id when
// id is not 0) against the workspace's known values and stores it folded.
func (c *compiler) enumValue(n *node, v string, id int64, path loc) bool {
	before := len(c.errs)
	switch {
	case id != 0:
		c.checkRef(RefRequestType, id, v, path)
	case n.field == fChannel:
		c.checkKnown("channel", v, path)
	case n.field == fRequestType:
		c.checkKnown("request_type", v, path)
	case n.field == fSegment:
		c.checkKnown("segment", v, path)
	case n.field == fLanguage:
		c.checkKnown("language", v, path)
	case n.field == fPriority:
		c.checkKnown("priority", v, path)
	}
	n.vals = append(n.vals, textsearch.Normalize(v))
	return len(c.errs) == before
}

func (c *compiler) textValue(n *node, v string, path loc) bool {
	for li, lang := range langs {
		terms := textsearch.Terms(lang, v)
		if len(terms) == 0 {
			c.add(path, "no_words", fmt.Sprintf("%q contains no word to look for", v), map[string]string{"value": v})
			return false
		}
		ids := make([]int32, 0, len(terms))
		for _, t := range terms {
			id, ok := c.dict[t]
			if !ok {
				id = int32(len(c.dict))
				c.dict[t] = id
			}
			// Word ops test a set: duplicates would only cost time. A
			// phrase keeps its order and repetitions.
			if n.op == opPhrase || !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		n.terms[li] = ids
	}
	return true
}

func (c *compiler) numberValue(n *node, v string, path loc) bool {
	if n.field == fOpenTickets {
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 {
			c.add(path, "bad_number", fmt.Sprintf("%q is not a whole number of tickets", v), map[string]string{"value": v})
			return false
		}
		n.num = float64(i)
		return true
	}
	f, ok := parseNumber(v)
	if !ok {
		c.add(path, "bad_number", fmt.Sprintf("%q is not a number", v), map[string]string{"value": v})
		return false
	}
	n.num = f
	return true
}

// choice accepts one of two values, the first meaning true.
func (c *compiler) choice(n *node, v string, path loc, yes, no string) bool {
	switch textsearch.Normalize(v) {
	case yes:
		n.flag = true
		return true
	case no:
		return true
	}
	c.add(path, "invalid_value", fmt.Sprintf("%q must be %q or %q", v, yes, no),
		map[string]string{"value": v, "allowed": yes + "," + no})
	return false
}

// parseNumber reads a custom field's number; a decimal comma is accepted
// because French users type "12,5".
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func (c *compiler) actions(a Actions, path loc) {
	for _, ref := range []struct {
		kind, value, field string
		id                 int64
	}{
		{"tier", a.Tier, "tier", a.TierID}, {"team", a.Team, "team", a.TeamID}, {"priority", a.Priority, "priority", 0},
		{"request_type", a.RequestType, "request_type", a.RequestTypeID},
	} {
		switch {
		case ref.id != 0:
			c.checkRef(ref.kind, ref.id, ref.value, path.to(ref.field))
		case ref.value == "":
		case strings.TrimSpace(ref.value) == "":
			c.add(path.to(ref.field), "blank_value", fmt.Sprintf("the %s is only spaces", strings.ReplaceAll(ref.kind, "_", " ")), nil)
		default:
			c.checkKnown(ref.kind, ref.value, path.to(ref.field))
		}
	}
	for j, tag := range a.AddTags {
		if strings.TrimSpace(tag) == "" {
			c.add(path.at("add_tags", j), "empty_tag", "the tag is empty", nil)
		}
	}
	if a.AssignAgent < 0 {
		c.add(path.to("assign_agent"), "invalid_agent", fmt.Sprintf("agent id %d is negative", a.AssignAgent),
			map[string]string{"agent": strconv.FormatInt(a.AssignAgent, 10)})
	} else if a.AssignAgent > 0 {
		c.checkRef(RefAgent, a.AssignAgent, "", path.to("assign_agent"))
	}
	switch a.AssignStrategy {
	case "":
	case AssignRoundRobin, AssignLeastLoaded:
		if a.AssignAgent != 0 {
			c.add(path.to("assign_strategy"), "conflicting_assignment", "assign either a specific agent or by a strategy, not both", nil)
		} else if a.Team == "" {
			c.add(path.to("assign_strategy"), "strategy_requires_team",
				fmt.Sprintf("strategy %q picks an agent within a team: set the team", a.AssignStrategy), map[string]string{"strategy": a.AssignStrategy})
		}
	default:
		c.add(path.to("assign_strategy"), "unknown_assign_strategy", fmt.Sprintf("unknown assignment strategy %q", a.AssignStrategy),
			map[string]string{"strategy": a.AssignStrategy, "allowed": AssignRoundRobin + "," + AssignLeastLoaded})
	}
	if err := checkTemplate(a.AutoReply); err != nil {
		c.add(path.to("auto_reply"), err.code, err.msg, err.params)
	}
}

func primaryLang(v string) string {
	if i := strings.IndexAny(v, "-_"); i >= 0 {
		return v[:i]
	}
	return v
}

func opName(o opID) string {
	for name, id := range opNames {
		if id == o {
			return name
		}
	}
	return ""
}
