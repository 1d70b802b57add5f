package routing

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/palier/palier/internal/textsearch"
)

// Route decides where t goes: the first enabled rule whose condition holds,
// or the fallback.
func (e *Engine) Route(t Ticket) Decision {
	d, _ := e.route(&t)
	return d
}

// RouteMany routes every ticket of ts on up to workers goroutines
// (GOMAXPROCS when workers <= 0) and returns the decisions in the order of
// ts. It is meant for dry runs over many stored tickets.
func (e *Engine) RouteMany(ts []Ticket, workers int) []Decision {
	out := make([]Decision, len(ts))
	e.routeMany(ts, workers, out, nil)
	return out
}

// routeMany fills out (and, if not nil, the matched rule's index in
// e.rules, -1 for the fallback) for every ticket.
func (e *Engine) routeMany(ts []Ticket, workers int, out []Decision, idx []int) {
	// Tickets are handed out in chunks: one atomic add per chunk keeps the
	// workers busy without contending on every ticket.
	const chunk = 256
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, (len(ts)+chunk-1)/chunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= len(ts) {
					return
				}
				for i := start; i < min(start+chunk, len(ts)); i++ {
					d, r := e.route(&ts[i])
					out[i] = d
					if idx != nil {
						idx[i] = r
					}
				}
			}
		})
	}
	wg.Wait()
}

// route returns the decision for t and the index in e.rules of the rule
// that matched (-1 for the fallback).
func (e *Engine) route(t *Ticket) (Decision, int) {
	s := e.pool.Get().(*state)
	s.reset(t)
	defer func() {
		s.t = Ticket{} // do not keep the ticket's text alive in the pool
		e.pool.Put(s)
	}()
	for i := range e.rules {
		r := &e.rules[i]
		if r.when != nil && !s.eval(r.when) {
			continue
		}
		d := Decision{RuleID: r.id, RuleName: r.name, Actions: r.then}
		// The caller owns the decision; it must not be able to edit the
		// engine's tags through it.
		d.Actions.AddTags = slices.Clone(r.then.AddTags)
		if r.when != nil {
			d.Reasons = s.reasons(r.when, nil)
		}
		return d, i
	}
	d := Decision{Fallback: true, Actions: e.fallback}
	d.Actions.AddTags = slices.Clone(e.fallback.AddTags)
	return d, -1
}

// textInfo is one text of a ticket, analysed with the engine's dictionary:
// which condition terms occur, and the sequence of terms for phrases.
type textInfo struct {
	done bool
	bits []uint64 // bit id set when condition term id occurs
	ids  []int32  // one per word, in order; -1 for words no condition uses
}

// state is the per-call scratch of Route, pooled so that evaluating a
// ticket allocates little. Everything about the ticket is computed lazily,
// at most once per call, and only if a rule needs it.
type state struct {
	e        *Engine
	t        Ticket
	lang     int // index in langs
	enumDone uint32
	enums    [enumFields]string
	subject  textInfo
	body     textInfo
	text     textInfo             // subject and body together; bits only
	hours    int8                 // 0 unknown, 1 inside, 2 outside
	custom   map[string]*textInfo // analysed custom field values
	numbers  map[string]numberVal // parsed custom field values
	terms    []string             // scratch for textsearch.AppendTerms
}

func newState(e *Engine) *state {
	s := &state{e: e}
	for _, ti := range []*textInfo{&s.subject, &s.body, &s.text} {
		ti.bits = make([]uint64, e.words)
	}
	return s
}

func (s *state) reset(t *Ticket) {
	s.t = *t
	s.lang = langIndex(t.Language)
	s.enumDone = 0
	s.subject.done, s.body.done, s.text.done = false, false, false
	s.hours = 0
	for _, ti := range s.custom {
		ti.done = false
	}
	clear(s.numbers)
}

type numberVal struct {
	f  float64
	ok bool
}

// number parses a custom field's value once per Route call: many rules may
// test the same field, and parsing a decimal comma allocates.
func (s *state) number(key string) (float64, bool) {
	if v, ok := s.numbers[key]; ok {
		return v.f, v.ok
	}
	f, ok := parseNumber(s.t.CustomFields[key])
	if s.numbers == nil {
		s.numbers = map[string]numberVal{}
	}
	s.numbers[key] = numberVal{f, ok}
	return f, ok
}

func (s *state) eval(n *node) bool {
	switch n.kind {
	case kAll:
		for _, k := range n.kids {
			if !s.eval(k) {
				return false
			}
		}
		return true
	case kAny:
		for _, k := range n.kids {
			if s.eval(k) {
				return true
			}
		}
		return false
	case kNot:
		return !s.eval(n.kids[0])
	}
	return s.leaf(n)
}

func (s *state) leaf(n *node) bool {
	switch n.field {
	case fSubject:
		return s.matchText(n, s.analysed(&s.subject, s.t.Subject))
	case fBody:
		return s.matchText(n, s.analysed(&s.body, s.t.Body))
	case fText:
		subject, body := s.analysed(&s.subject, s.t.Subject), s.analysed(&s.body, s.t.Body)
		if n.op == opPhrase {
			return s.matchText(n, subject) || s.matchText(n, body)
		}
		if !s.text.done {
			for i := range s.text.bits {
				s.text.bits[i] = subject.bits[i] | body.bits[i]
			}
			s.text.done = true
		}
		return s.matchText(n, &s.text)
	case fCustom:
		return s.matchCustom(n)
	case fBusinessHours:
		if s.hours == 0 {
			s.hours = 2
			if s.e.hours.Inside(s.t.CreatedAt) {
				s.hours = 1
			}
		}
		return (s.hours == 1) == n.flag
	case fOpenTickets:
		return compare(n.op, float64(s.t.OpenTickets), n.num)
	case fSensitive:
		return s.t.Sensitive == n.flag
	}
	return matchEnum(n, s.enum(n.field))
}

// enum returns the folded value of a string field of the ticket.
func (s *state) enum(f fieldID) string {
	if s.enumDone&(1<<f) == 0 {
		s.enums[f] = textsearch.Normalize(rawEnum(&s.t, f))
		s.enumDone |= 1 << f
	}
	return s.enums[f]
}

func rawEnum(t *Ticket, f fieldID) string {
	switch f {
	case fChannel:
		return t.Channel
	case fRequestType:
		return t.RequestType
	case fSegment:
		return t.Segment
	case fOrganisation:
		return t.Organisation
	case fLanguage:
		return t.Language
	case fPriority:
		return t.Priority
	case fInboundAddress:
		return t.InboundAddress
	}
	return ""
}

// matchEnum applies is, is_not or in to a folded value.
func matchEnum(n *node, v string) bool {
	switch n.op {
	case opIs:
		return sameValue(n, n.vals[0], v)
	case opIsNot:
		return !sameValue(n, n.vals[0], v)
	case opIn:
		for _, want := range n.vals {
			if sameValue(n, want, v) {
				return true
			}
		}
	}
	return false
}

// sameValue compares folded values; a language without a region matches
// all its regions.
func sameValue(n *node, want, got string) bool {
	if n.field == fLanguage && !strings.ContainsAny(want, "-_") {
		got = primaryLang(got)
	}
	return want == got
}

func (s *state) matchCustom(n *node) bool {
	raw := s.t.CustomFields[n.key]
	switch n.op {
	case opIs, opIsNot, opIn:
		return matchEnum(n, textsearch.Normalize(raw))
	case opWords, opAnyWord, opPhrase:
		ti := s.custom[n.key]
		if ti == nil {
			if s.custom == nil {
				s.custom = map[string]*textInfo{}
			}
			ti = &textInfo{bits: make([]uint64, s.e.words)}
			s.custom[n.key] = ti
		}
		return s.matchText(n, s.analysed(ti, raw))
	}
	f, ok := s.number(n.key)
	return ok && compare(n.op, f, n.num)
}

func compare(op opID, got, want float64) bool {
	switch op {
	case opEq:
		return got == want
	case opGt:
		return got > want
	case opGte:
		return got >= want
	case opLt:
		return got < want
	case opLte:
		return got <= want
	}
	return false
}

// analysed analyses text into ti once per Route call.
func (s *state) analysed(ti *textInfo, text string) *textInfo {
	if ti.done {
		return ti
	}
	clear(ti.bits)
	ti.ids = ti.ids[:0]
	s.terms = textsearch.AppendTerms(s.terms[:0], langs[s.lang], text)
	for _, term := range s.terms {
		id, ok := s.e.dict[term]
		if ok {
			ti.bits[id>>6] |= 1 << (id & 63)
		} else {
			id = -1
		}
		ti.ids = append(ti.ids, id)
	}
	ti.done = true
	return ti
}

func (s *state) matchText(n *node, ti *textInfo) bool {
	ids := n.terms[s.lang]
	switch n.op {
	case opWords:
		for _, id := range ids {
			if ti.bits[id>>6]&(1<<(id&63)) == 0 {
				return false
			}
		}
		return true
	case opAnyWord:
		for _, id := range ids {
			if ti.bits[id>>6]&(1<<(id&63)) != 0 {
				return true
			}
		}
		return false
	case opPhrase:
		// Rule out most texts with the bitset before scanning for the
		// sequence.
		for _, id := range ids {
			if ti.bits[id>>6]&(1<<(id&63)) == 0 {
				return false
			}
		}
		return containsSeq(ti.ids, ids)
	}
	return false
}

func containsSeq(seq, sub []int32) bool {
	for i := 0; i+len(sub) <= len(seq); i++ {
		if slices.Equal(seq[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// reasons lists the leaves that made n hold, for the decision. It is only
// called once per Route, on the matched rule, so it may allocate.
func (s *state) reasons(n *node, out []Reason) []Reason {
	switch n.kind {
	case kAll:
		for _, k := range n.kids {
			out = s.reasons(k, out)
		}
	case kAny:
		for _, k := range n.kids {
			if s.eval(k) {
				out = s.reasons(k, out)
			}
		}
	case kNot:
		inner := n.kids[0]
		r := Reason{Path: inner.path, Negated: true}
		if inner.kind == kLeaf {
			r.Field, r.Op, r.Expected, r.Actual = inner.src.Field, inner.src.Op, expected(inner.src), s.actual(inner)
		} else {
			r.Op, r.Expected = map[nodeKind]string{kAll: "all", kAny: "any", kNot: "not"}[inner.kind], inner.src.String()
		}
		out = append(out, r)
	case kLeaf:
		out = append(out, Reason{Path: n.path, Field: n.src.Field, Op: n.src.Op, Expected: expected(n.src), Actual: s.actual(n)})
	}
	return out
}

func expected(c Condition) string {
	if c.Op == OpIn {
		return strings.Join(c.Values, ", ")
	}
	return c.Value
}

// actual is the ticket's side of a leaf, as the timeline shows it.
func (s *state) actual(n *node) string {
	var found []string
	switch n.field {
	case fSubject:
		found = s.foundWords(found, n, s.t.Subject, &s.subject)
	case fBody:
		found = s.foundWords(found, n, s.t.Body, &s.body)
	case fText:
		found = s.foundWords(found, n, s.t.Subject, &s.subject)
		found = s.foundWords(found, n, s.t.Body, &s.body)
	case fCustom:
		if n.op != opWords && n.op != opAnyWord && n.op != opPhrase {
			return s.t.CustomFields[n.key]
		}
		found = s.foundWords(found, n, s.t.CustomFields[n.key], s.custom[n.key])
	case fBusinessHours:
		if s.hours == 1 {
			return "inside"
		}
		return "outside"
	case fOpenTickets:
		return strconv.Itoa(s.t.OpenTickets)
	case fSensitive:
		return strconv.FormatBool(s.t.Sensitive)
	default:
		return rawEnum(&s.t, n.field)
	}
	return strings.Join(found, ", ")
}

// foundWords appends to found, as the customer wrote them, the words of
// text (analysed in ti) that carry one of n's terms.
func (s *state) foundWords(found []string, n *node, text string, ti *textInfo) []string {
	want := n.terms[s.lang]
	add := func(tok string, id int32) {
		if id >= 0 && slices.Contains(want, id) && !slices.ContainsFunc(found, func(f string) bool { return strings.EqualFold(f, tok) }) {
			found = append(found, tok)
		}
	}
	start := len(found)
	// The words of the text as written and its analysed terms correspond
	// one to one, so the ids computed for matching say which words to show.
	k := 0
	if ti != nil && ti.done {
		for tok := range textsearch.TokensSeq(text) {
			if k < len(ti.ids) {
				add(tok, ti.ids[k])
			}
			k++
		}
		if k == len(ti.ids) {
			return found
		}
	}
	// Stray combining marks can split the text as written differently
	// from its folded form; stem each word instead.
	found = found[:start]
	for tok := range textsearch.TokensSeq(text) {
		if id, ok := s.e.dict[textsearch.Stem(langs[s.lang], tok)]; ok {
			add(tok, id)
		}
	}
	return found
}
