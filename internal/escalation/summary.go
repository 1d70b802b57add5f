package escalation

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/i18n"
)

// MaxProblem bounds the customer's first message as quoted in a summary:
// the summary sits at the top of the ticket and must read at a glance; the
// whole message stays on the timeline.
const MaxProblem = 1000

// Answer is one collected value, labelled in both languages because the
// summary is stored once and read by agents of either language.
type Answer struct {
	Key     string   `json:"key"`
	Kind    ItemKind `json:"kind"`
	LabelFR string   `json:"label_fr"`
	LabelEN string   `json:"label_en"`
	Value   string   `json:"value,omitempty"` // empty for an attachment
}

// Label returns the answer's label in lang.
func (a Answer) Label(lang string) string { return label(lang, a.LabelFR, a.LabelEN, a.Key) }

// Summary is what the receiving tier reads at the top of the ticket, and
// what an L4 vendor receives by email.
type Summary struct {
	Direction   Direction `json:"direction"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	By          string    `json:"by,omitempty"`
	Reason      string    `json:"reason"`
	Subject     string    `json:"subject"`
	Problem     string    `json:"problem,omitempty"`      // the customer's first message, shortened
	SelfService []string  `json:"self_service,omitempty"` // what the customer did alone before contact
	Tried       []string  `json:"tried,omitempty"`        // the "steps_tried" answer, one entry per line
	Answers     []Answer  `json:"answers,omitempty"`
	Attachments int       `json:"attachments,omitempty"`
}

// BuildSummary gathers the hand-off summary of a checked request: step is
// what Check returned. Answers follow the step's checklist; answers given at
// earlier steps come after, by key, so that they travel up too. Blank
// values are left out.
func BuildSummary(step Step, r Request, subject, firstMessage string, selfServiceSteps []string) Summary {
	s := Summary{
		Direction: r.direction(), From: step.FromTier, To: step.ToTier, By: strings.TrimSpace(r.By),
		Reason: strings.TrimSpace(r.Reason), Subject: strings.TrimSpace(subject),
		Problem: shorten(strings.TrimSpace(firstMessage), MaxProblem), SelfService: lines(selfServiceSteps...),
		Tried: lines(r.Answers[KeyStepsTried]), Attachments: max(r.AttachmentCount, 0),
	}
	s.Answers = checklistAnswers(step, r)
	s.Answers = append(s.Answers, otherAnswers(step, r)...)
	return s
}

// checklistAnswers returns the step's items that have a value, in order.
// "steps_tried" is left out: it is already the Tried list.
func checklistAnswers(step Step, r Request) []Answer {
	var out []Answer
	attachments := 0
	for _, it := range step.Required {
		a := Answer{Key: it.Key, Kind: it.Kind, LabelFR: it.LabelFR, LabelEN: it.LabelEN}
		switch it.Kind {
		case KindAnswer:
			a.Value = strings.TrimSpace(r.Answers[it.Key])
		case KindCustomField:
			a.Value = strings.TrimSpace(r.CustomFields[it.Key])
		case KindAttachment:
			attachments++
			if attachments > r.AttachmentCount {
				continue
			}
		}
		tried := it.Kind == KindAnswer && it.Key == KeyStepsTried
		if tried || a.Value == "" && it.Kind != KindAttachment {
			continue
		}
		out = append(out, a)
	}
	return out
}

// otherAnswers returns the request's answers that the step does not list.
func otherAnswers(step Step, r Request) []Answer {
	var out []Answer
	for _, key := range slices.Sorted(maps.Keys(r.Answers)) {
		v := strings.TrimSpace(r.Answers[key])
		listed := slices.ContainsFunc(step.Required, func(it Item) bool { return it.Key == key && it.Kind == KindAnswer })
		if v == "" || key == KeyStepsTried || listed {
			continue
		}
		a := Answer{Key: key, Kind: KindAnswer, Value: v}
		if it, ok := wellKnown[key]; ok {
			a.LabelFR, a.LabelEN = it.LabelFR, it.LabelEN
		}
		out = append(out, a)
	}
	return out
}

// lines splits texts into trimmed non-empty lines, without the list
// bullets agents type, so that each renders as one bullet.
func lines(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for l := range strings.Lines(t) {
			l = strings.TrimSpace(l)
			for _, bullet := range []string{"- ", "* ", "• "} {
				l = strings.TrimSpace(strings.TrimPrefix(l, bullet))
			}
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// st is the summary text key in lang, with {name} parameters as pairs.
func st(lang, key string, params ...string) string {
	return i18n.T(lang, textPrefix+"summary."+key, params...)
}

func colon(lang string) string { return st(lang, "colon") }

// Text renders the summary as plain text in lang, for the top of the
// ticket and the body of the L4 vendor email. Empty parts are left out.
func (s Summary) Text(lang string) string {
	var b strings.Builder
	head := string(s.Direction)
	if _, ok := summaryTexts[head]; !ok {
		head = string(Up)
	}
	b.WriteString(st(lang, head, "from", s.From, "to", s.To))
	if s.By != "" {
		b.WriteString(st(lang, "by", "by", s.By))
	}
	b.WriteString(".\n")
	field(&b, lang, st(lang, "reason"), s.Reason)
	b.WriteString("\n")
	field(&b, lang, st(lang, "problem"), s.Subject)
	if s.Problem != "" {
		b.WriteString(s.Problem + "\n")
	}
	list(&b, lang, st(lang, "self_service"), s.SelfService)
	list(&b, lang, st(lang, "tried"), s.Tried)
	if len(s.Answers) > 0 {
		b.WriteString("\n" + st(lang, "answers") + colon(lang) + "\n")
		for _, a := range s.Answers {
			v := a.Value
			if a.Kind == KindAttachment {
				v = st(lang, "attached")
			}
			b.WriteString("- ")
			field(&b, lang, a.Label(lang), v)
		}
	}
	if s.Attachments > 0 {
		b.WriteString("\n")
		field(&b, lang, st(lang, "attachments"), strconv.Itoa(s.Attachments))
	}
	return b.String()
}

// field writes "Label: value", indenting a multi-line value under its label.
func field(b *strings.Builder, lang, label, value string) {
	if value == "" {
		return
	}
	b.WriteString(label + colon(lang))
	if !strings.Contains(value, "\n") {
		b.WriteString(" " + value + "\n")
		return
	}
	b.WriteString("\n")
	for _, l := range lines(value) {
		b.WriteString("    " + l + "\n")
	}
}

// list writes a heading and one bullet per entry.
func list(b *strings.Builder, lang, heading string, entries []string) {
	if len(entries) == 0 {
		return
	}
	b.WriteString("\n" + heading + colon(lang) + "\n")
	for _, e := range entries {
		b.WriteString("- " + e + "\n")
	}
}
