package web

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/ticket"
)

// The search box of the top bar (/search): a ticket reference goes
// straight to the ticket, an email address to the customer and their
// tickets, anything else is a full-text search of the tickets the agent
// may read, filtered like a list. Every look-up goes through the desk,
// which applies the lists' access rule.

// ticketRef is what an agent types for a ticket: 1042 or #1042.
var ticketRef = regexp.MustCompile(`^#?\s*([0-9]{1,15})$`)

// searchFilter is the results page's filter form, as typed.
type searchFilter struct {
	Status, Tier, Team, Type, From, To string
}

type searchPage struct {
	base
	Query    string
	Filter   searchFilter
	Statuses []option
	Tiers    []option
	Teams    []option
	Types    []option
	Filtered bool
	// Words is set for a full-text search, Customers for an address.
	Words     bool
	Hits      []searchHit
	NextURL   string
	Customers []searchCustomer
}

type searchHit struct {
	Row         ticketRow
	SubjectHTML template.HTML
	SnippetHTML template.HTML
	SnippetKind string
}

type searchCustomer struct {
	C    customer.Customer
	Rows []ticketRow
}

func (s *server) search(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	if m := ticketRef.FindStringSubmatch(text); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return errPageNotFound
		}
		t, err := s.d.TicketByNumber(r.Context(), rq.actor, n)
		if err != nil {
			return err // not found, whether it does not exist or may not be read
		}
		http.Redirect(w, r, "/tickets/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
		return nil
	}
	sf := searchFilter{Status: q.Get("status"), Tier: q.Get("tier"), Team: q.Get("team"), Type: q.Get("type"), From: q.Get("from"), To: q.Get("to")}
	p := searchPage{base: s.base(r, rq, rq.loc.T("search.title"), "search"), Query: text, Filter: sf, Filtered: sf != (searchFilter{})}
	s.searchOptions(rq, &p)
	switch {
	case text == "":
	case isAddress(text) && !rq.actor.IsCollaborator():
		if err := s.searchCustomers(r, rq, text, &p); err != nil {
			return err
		}
	default:
		if err := s.searchWords(r, rq, text, sf, &p); err != nil {
			return err
		}
	}
	s.render(w, r, rq.loc, http.StatusOK, "search", "", p)
	return nil
}

// isAddress tells an email address from words: one @ with text on both
// sides and no space.
func isAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && strings.Count(s, "@") == 1 && !strings.ContainsAny(s, " \t")
}

// searchCustomers finds the customers whose address is the one typed and
// the tickets of theirs the agent may read.
func (s *server) searchCustomers(r *http.Request, rq *request, addr string, p *searchPage) error {
	list, err := s.d.Customers(r.Context(), rq.actor, addr, 0, 0, 20)
	if err != nil {
		return err
	}
	for _, c := range list {
		if !strings.EqualFold(c.Email, addr) {
			continue
		}
		tickets, _, err := s.d.FindTickets(r.Context(), rq.actor, desk.TicketQuery{CustomerID: c.ID}, "", pageSize)
		if err != nil {
			return err
		}
		rows := make([]ticketRow, len(tickets))
		for i, t := range tickets {
			rows[i] = s.row(rq, t, c.Name)
		}
		p.Customers = append(p.Customers, searchCustomer{C: c, Rows: rows})
	}
	return nil
}

func (s *server) searchWords(r *http.Request, rq *request, text string, sf searchFilter, p *searchPage) error {
	p.Words = true
	sq := desk.TicketSearchQuery{Text: text, TicketQuery: desk.TicketQuery{RequestType: sf.Type}}
	if sf.Status != "" {
		st := ticket.Status(sf.Status)
		if !st.Valid() {
			return badParameter("status")
		}
		sq.Statuses = []ticket.Status{st}
	}
	if sf.Tier != "" {
		sq.Tiers = []string{sf.Tier}
	}
	if sf.Team != "" {
		id, err := strconv.ParseInt(sf.Team, 10, 64)
		if err != nil || rq.dir.Team(id).ID == 0 {
			return badParameter("team")
		}
		sq.TeamID = id
	}
	for _, d := range []struct {
		v     string
		name  string
		to    *time.Time
		after int // days added: "to" is inclusive
	}{{sf.From, "from", &sq.CreatedFrom, 0}, {sf.To, "to", &sq.CreatedBefore, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return badParameter(d.name)
		}
		*d.to = t.AddDate(0, 0, d.after)
	}
	hits, next, err := s.d.SearchTickets(r.Context(), rq.actor, sq, r.URL.Query().Get("cursor"), pageSize)
	if err != nil {
		return err
	}
	list := make([]ticket.Ticket, len(hits))
	for i, h := range hits {
		list[i] = h.Ticket
	}
	rows, err := s.rows(r.Context(), rq, list)
	if err != nil {
		return err
	}
	for i, h := range hits {
		// The store's passages are HTML-escaped text whose only markup is
		// <mark> around the matched words (kb.Snippet).
		p.Hits = append(p.Hits, searchHit{Row: rows[i], SubjectHTML: template.HTML(h.SubjectHTML), SnippetHTML: template.HTML(h.Snippet),
			SnippetKind: snippetKindKey(h.SnippetKind)})
	}
	if next != "" {
		v := r.URL.Query()
		v.Set("cursor", next)
		p.NextURL = "/search?" + v.Encode()
	}
	return nil
}

func snippetKindKey(k ticket.EventKind) string {
	switch k {
	case ticket.CustomerMessage, ticket.AgentReply, ticket.InternalNote:
		return "search.kind." + string(k)
	}
	return ""
}

func (s *server) searchOptions(rq *request, p *searchPage) {
	l := rq.loc
	for _, st := range ticket.Statuses {
		p.Statuses = append(p.Statuses, option{string(st), l.Status(st)})
	}
	for _, t := range rq.dir.Tiers {
		p.Tiers = append(p.Tiers, option{t.Code, tierLabel(rq, t.ID)})
	}
	for _, t := range rq.dir.Teams {
		p.Teams = append(p.Teams, option{strconv.FormatInt(t.ID, 10), t.NameIn(l.Lang)})
	}
	for _, rt := range rq.dir.RequestTypes {
		p.Types = append(p.Types, option{rt.Key, rt.Name(l.Lang)})
	}
}
