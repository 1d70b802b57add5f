package macro

import (
	"strconv"
	"strings"
)

// Names lists the placeholders a macro's text may hold, replaced when it
// is applied to a ticket: {{customer_name}}, {{customer_first_name}}, {{ticket_ref}},
// {{agent_name}}, {{agent_first_name}} and {{article:ID}} (the article's
// title and public address).
var Names = []string{"customer_name", "customer_first_name", "ticket_ref", "agent_name", "agent_first_name", "article:ID"}

// Values are what the placeholders stand for on one ticket.
type Values struct {
	CustomerName string
	TicketRef    string
	AgentName    string
	// Article gives a published article's title and public address, ok
	// false when there is none the customer may open.
	Article func(id int64) (title, url string, ok bool)
}

// Placeholders lists the names between {{ and }} in text, in order.
func Placeholders(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			return out
		}
		j := strings.Index(text[i+2:], "}}")
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSpace(text[i+2:i+2+j]))
		text = text[i+2+j+2:]
	}
}

// placeholder is one parsed name: a field, or an article with its id.
type placeholder struct {
	field     string
	articleID int64
}

func parsePlaceholder(name string) (placeholder, bool) {
	if id, ok := strings.CutPrefix(name, "article:"); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
		return placeholder{field: "article", articleID: n}, err == nil && n > 0
	}
	switch name {
	case "customer_name", "customer_first_name", "ticket_ref", "agent_name", "agent_first_name":
		return placeholder{field: name}, true
	}
	return placeholder{}, false
}

// Render replaces the placeholders of text. A value that is unknown (a
// customer without a name, an article since unpublished) leaves a
// readable text rather than a placeholder the customer would see:
// missing lists what the agent should fill in before sending.
func Render(text string, v Values) (out string, missing []string) {
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		j := -1
		if i >= 0 {
			j = strings.Index(text[i+2:], "}}")
		}
		if i < 0 || j < 0 {
			b.WriteString(text)
			return b.String(), missing
		}
		b.WriteString(text[:i])
		name := strings.TrimSpace(text[i+2 : i+2+j])
		value, ok := v.value(name)
		if !ok {
			missing = append(missing, "{{"+name+"}}")
		}
		b.WriteString(value)
		text = text[i+2+j+2:]
	}
}

func (v Values) value(name string) (string, bool) {
	p, ok := parsePlaceholder(name)
	if !ok {
		return "", false
	}
	switch p.field {
	case "customer_name":
		return v.CustomerName, v.CustomerName != ""
	case "customer_first_name":
		return firstName(v.CustomerName), v.CustomerName != ""
	case "ticket_ref":
		return v.TicketRef, v.TicketRef != ""
	case "agent_name":
		return v.AgentName, v.AgentName != ""
	case "agent_first_name":
		return firstName(v.AgentName), v.AgentName != ""
	case "article":
		if v.Article == nil {
			return "", false
		}
		title, url, ok := v.Article(p.articleID)
		if !ok {
			return "", false
		}
		return title + " : " + url, true
	}
	return "", false
}

func firstName(name string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return first
}
