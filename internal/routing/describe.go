package routing

import (
	"strconv"
	"strings"
)

// String renders c on one line for logs and timelines, e.g.
// `all(channel is "email", not(subject contains_words "test"))`. It is
// English-neutral notation, not a translated sentence.
func (c Condition) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c Condition) write(b *strings.Builder) {
	group := func(name string, kids []Condition) {
		b.WriteString(name)
		b.WriteByte('(')
		for i, k := range kids {
			if i > 0 {
				b.WriteString(", ")
			}
			k.write(b)
		}
		b.WriteByte(')')
	}
	switch {
	case len(c.All) > 0:
		group("all", c.All)
	case len(c.Any) > 0:
		group("any", c.Any)
	case c.Not != nil:
		group("not", []Condition{*c.Not})
	case isLeaf(c):
		b.WriteString(c.Field)
		b.WriteByte(' ')
		b.WriteString(c.Op)
		b.WriteByte(' ')
		if c.Op == OpIn {
			b.WriteByte('[')
			for i, v := range c.Values {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Quote(v))
			}
			b.WriteByte(']')
		} else {
			b.WriteString(strconv.Quote(c.Value))
		}
	default:
		b.WriteString("always")
	}
}

// String renders r on one line, e.g.
// `subject contains_words "facturé" (found: Facturée)`.
func (r Reason) String() string {
	if r.Field == "" {
		// A negated group: Expected already renders it.
		return "not " + r.Expected
	}
	var b strings.Builder
	if r.Negated {
		b.WriteString("not ")
	}
	b.WriteString(r.Field)
	b.WriteByte(' ')
	b.WriteString(r.Op)
	if r.Expected != "" {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(r.Expected))
	}
	if r.Actual != "" {
		b.WriteString(" (found: ")
		b.WriteString(r.Actual)
		b.WriteByte(')')
	}
	return b.String()
}
