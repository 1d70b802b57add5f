package desk

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/sensitive"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// "Create an article from this ticket" (issue 11): a solved ticket's
// public conversation becomes a draft article — the customer's question as
// context, the agents' answers as its body — with nothing of the customer
// in it (no internal note, no name, address, phone or payment data), in
// the ticket's language, filed under the category that has the request
// type's name when one does. The audit log links the article to its
// ticket.

var errTicketNotSolved = problem.New(problem.Conflict, "ticket_not_solved", "only a solved or closed ticket can become an article: its answer is not known yet")

// CanWriteArticleFrom tells whether the actor may make an article from
// the ticket (the ticket page shows the button then).
func CanWriteArticleFrom(a auth.Actor, t ticket.Ticket) bool {
	return requireKBWriter(a) == nil && ticket.CanView(a, t) && !t.Status.Active()
}

// ArticleFromTicket drafts the article a ticket would make, writing
// nothing: the editor shows it for the agent to rework before saving.
func (d *Service) ArticleFromTicket(ctx context.Context, a auth.Actor, number int64) (kb.Article, ticket.Ticket, error) {
	if err := requireKBWriter(a); err != nil {
		return kb.Article{}, ticket.Ticket{}, err
	}
	t, err := d.TicketByNumber(ctx, a, number)
	if err != nil {
		return kb.Article{}, t, err
	}
	if t.Status.Active() {
		return kb.Article{}, t, errTicketNotSolved
	}
	events, err := d.store.Events(ctx, a.WorkspaceID, t.ID, 0, 1000)
	if err != nil {
		return kb.Article{}, t, err
	}
	c, err := d.store.Customer(ctx, a.WorkspaceID, t.CustomerID)
	if err != nil && !problem.Is(err, problem.NotFound) {
		return kb.Article{}, t, err
	}
	lang := t.Language
	if !slices.Contains(kb.Languages, lang) {
		lang = kb.Languages[0]
	}
	art := kb.Article{Language: lang, Visibility: kb.Public, Status: kb.Draft}
	art.Title = articleTitle(t.Subject, c, lang)
	art.Body = articleBody(events, c, lang)
	art.CategoryID, err = d.categoryOfType(ctx, a.WorkspaceID, t.RequestTypeID)
	return art, t, err
}

// CreateArticleFromTicket saves the article made from a ticket: the draft
// as ArticleFromTicket makes it, or as the agent edited it (edited). The
// ticket is checked again (the agent may have lost access meanwhile), and
// the audit log links the article to it.
func (d *Service) CreateArticleFromTicket(ctx context.Context, a auth.Actor, number int64, edited *kb.Article) (kb.Article, error) {
	art, t, err := d.ArticleFromTicket(ctx, a, number)
	if err != nil {
		return art, err
	}
	if edited != nil {
		art = *edited
	}
	art.AuthorID = a.AgentID
	return d.store.CreateKBArticleFromTicket(ctx, a.WorkspaceID, art, t.ID, t.Number)
}

// categoryOfType is the category named like the request type (its key as
// the category's slug, or its name in either language), 0 when none is.
func (d *Service) categoryOfType(ctx context.Context, wsID, typeID int64) (int64, error) {
	if typeID == 0 {
		return 0, nil
	}
	types, err := d.store.RequestTypes(ctx, wsID)
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(types, func(rt workspace.RequestType) bool { return rt.ID == typeID })
	if i < 0 {
		return 0, nil
	}
	rt := types[i]
	cats, err := d.store.KBCategories(ctx, wsID)
	if err != nil {
		return 0, err
	}
	for _, c := range cats {
		if c.Slug == rt.Key || sameName(c.NameFR, rt.NameFR) || sameName(c.NameEN, rt.NameEN) {
			return c.ID, nil
		}
	}
	return 0, nil
}

func sameName(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// replyPrefix is what mail clients put before a subject they answer or
// forward, in French and English.
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|fw|fwd|tr|réf|ref)\s*:\s*`)

// ticketRef is a ticket reference in a subject, "[#1042]".
var ticketRef = regexp.MustCompile(`\s*\[#\d+\]\s*`)

// articleTitle is the ticket's subject without its reference, reply
// prefixes or the customer's data.
func articleTitle(subject string, c customer.Customer, lang string) string {
	s := ticketRef.ReplaceAllString(subject, " ")
	for replyPrefix.MatchString(s) {
		s = replyPrefix.ReplaceAllString(s, "")
	}
	s = strings.Join(strings.Fields(withoutPersonalData(s, c, lang)), " ")
	if s == "" {
		s = i18n.T(lang, "kb.from_ticket.untitled")
	}
	if r := []rune(s); len(r) > kb.MaxTitle {
		s = string(r[:kb.MaxTitle])
	}
	return s
}

// articleBody is the public conversation in Markdown: the customer's
// messages quoted as the question, then the agents' replies as the answer.
// Internal notes, automatic replies and every other event stay out.
func articleBody(events []ticket.Event, c customer.Customer, lang string) string {
	var question, answer []string
	for _, e := range events {
		text := strings.TrimSpace(withoutPersonalData(e.Body, c, lang))
		if text == "" {
			continue
		}
		switch e.Kind {
		case ticket.CustomerMessage:
			question = append(question, "> "+strings.ReplaceAll(text, "\n", "\n> "))
		case ticket.AgentReply:
			answer = append(answer, text)
		}
	}
	var b strings.Builder
	if len(question) > 0 {
		b.WriteString("## " + i18n.T(lang, "kb.from_ticket.question") + "\n\n")
		b.WriteString(strings.Join(question, "\n>\n") + "\n\n")
	}
	b.WriteString("## " + i18n.T(lang, "kb.from_ticket.answer") + "\n\n")
	b.WriteString(strings.Join(answer, "\n\n") + "\n")
	out := b.String()
	for len(out) > kb.MaxBody {
		_, size := utf8.DecodeLastRuneInString(out[:kb.MaxBody])
		out = out[:kb.MaxBody-size]
	}
	return out
}

var (
	emailAddress = regexp.MustCompile(`[\p{L}0-9._%+\-]+@[\p{L}0-9.\-]+\.\p{L}{2,}`)
	// phoneNumber is 9 to 15 digits, maybe after a "+", grouped by
	// spaces, dots or dashes: French and international numbers. A long
	// order number is masked too; an article does not need one.
	phoneNumber = regexp.MustCompile(`\+?\(?\d(?:[ .\-()]{0,2}\d){8,14}`)
)

// withoutPersonalData masks payment data (package sensitive), email
// addresses, phone numbers and the customer's name in text that leaves
// the ticket.
func withoutPersonalData(text string, c customer.Customer, lang string) string {
	text = sensitive.Redact(text)
	text = emailAddress.ReplaceAllString(text, i18n.T(lang, "kb.from_ticket.email"))
	text = phoneNumber.ReplaceAllString(text, i18n.T(lang, "kb.from_ticket.phone"))
	names := []string{c.Name}
	if first, _, ok := strings.Cut(strings.TrimSpace(c.Name), " "); ok {
		names = append(names, first)
	}
	for _, n := range names {
		if n = strings.TrimSpace(n); utf8.RuneCountInString(n) >= 3 {
			re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(n) + `\b`)
			text = re.ReplaceAllString(text, i18n.T(lang, "kb.from_ticket.customer"))
		}
	}
	return text
}
