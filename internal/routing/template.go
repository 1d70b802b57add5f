package routing

import (
	"fmt"
	"strings"
)

// Placeholders of auto-reply templates. Spaces inside the braces are
// allowed: "{{ customer.name }}".
const (
	PlaceholderTicketReference = "ticket.reference"
	PlaceholderTicketSubject   = "ticket.subject"
	PlaceholderCustomerName    = "customer.name"
)

// ReplyValues fill an auto-reply template.
type ReplyValues struct {
	TicketReference string
	TicketSubject   string
	CustomerName    string
}

func (v ReplyValues) lookup(name string) (string, bool) {
	switch name {
	case PlaceholderTicketReference:
		return v.TicketReference, true
	case PlaceholderTicketSubject:
		return v.TicketSubject, true
	case PlaceholderCustomerName:
		return v.CustomerName, true
	}
	return "", false
}

// RenderAutoReply replaces the placeholders of tmpl with v. The result is
// plain text; escaping it for HTML or email is the sender's job. Text that
// is not a known placeholder is kept as written (Compile rejects such
// templates, so this only happens with unchecked input).
func RenderAutoReply(tmpl string, v ReplyValues) string {
	var b strings.Builder
	for {
		start := strings.Index(tmpl, "{{")
		if start < 0 {
			break
		}
		end := strings.Index(tmpl[start:], "}}")
		if end < 0 {
			break
		}
		end += start
		b.WriteString(tmpl[:start])
		if val, ok := v.lookup(strings.TrimSpace(tmpl[start+2 : end])); ok {
			b.WriteString(val)
		} else {
			b.WriteString(tmpl[start : end+2])
		}
		tmpl = tmpl[end+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

type templateError struct {
	code, msg string
	params    map[string]string
}

// checkTemplate finds the first placeholder RenderAutoReply could not fill.
func checkTemplate(tmpl string) *templateError {
	for offset := 0; ; {
		start := strings.Index(tmpl[offset:], "{{")
		if start < 0 {
			return nil
		}
		start += offset
		end := strings.Index(tmpl[start:], "}}")
		if end < 0 {
			return &templateError{"unclosed_placeholder", fmt.Sprintf("the placeholder at character %d is not closed with }}", start),
				map[string]string{"offset": fmt.Sprint(start)}}
		}
		end += start
		name := strings.TrimSpace(tmpl[start+2 : end])
		if _, ok := (ReplyValues{}).lookup(name); !ok {
			return &templateError{"unknown_placeholder",
				fmt.Sprintf("unknown placeholder {{%s}} (allowed: {{%s}}, {{%s}}, {{%s}})", name, PlaceholderTicketReference, PlaceholderTicketSubject, PlaceholderCustomerName),
				map[string]string{"placeholder": name, "allowed": strings.Join([]string{PlaceholderTicketReference, PlaceholderTicketSubject, PlaceholderCustomerName}, ",")}}
		}
		offset = end + 2
	}
}
