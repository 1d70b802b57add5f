package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// pageSize is how many tickets one inbox page shows.
const pageSize = 50

// sidebar is the left column: the actor's views with their counts.
type sidebar struct {
	Current string
	Groups  []viewGroup
}

type viewGroup struct {
	Title string
	Views []viewItem
}

type viewItem struct {
	Key, Label, URL string
	Count           string
	HasCount        bool
	Stale           bool // a saved view naming what is gone
}

// loadSidebar builds the sidebar from the desk's views, grouped as agents
// think of them: their queues, then tiers, then teams.
func (s *server) loadSidebar(ctx context.Context, rq *request, current string) (sidebar, []desk.View, error) {
	views, err := s.d.Views(ctx, rq.actor, true)
	if err != nil {
		return sidebar{}, nil, err
	}
	sb := sidebar{}
	if slices.ContainsFunc(views, func(v desk.View) bool { return v.Key == current }) {
		sb.Current = current // only a real view is echoed back into the page
	}
	groups := map[string]*viewGroup{}
	order := []string{"nav.queues", "nav.tiers", "nav.teams", "nav.everything", "nav.saved_views"}
	for _, k := range order {
		groups[k] = &viewGroup{Title: rq.loc.T(k)}
	}
	for _, v := range views {
		it := viewItem{Key: v.Key, Label: viewLabel(rq, v), URL: "/views/" + v.Key, Count: rq.loc.Count(v.Count, desk.CountCap), HasCount: v.Key != "all"}
		g := "nav.queues"
		switch {
		case v.Saved != nil:
			g = "nav.saved_views"
			if len(v.Saved.Stale) > 0 {
				it.Count, it.Stale = "!", true
			}
		case strings.HasPrefix(v.Key, "tier-"):
			g = "nav.tiers"
		case strings.HasPrefix(v.Key, "team-"):
			g = "nav.teams"
		case v.Key == "all":
			g = "nav.everything"
		}
		groups[g].Views = append(groups[g].Views, it)
	}
	for _, k := range order {
		if len(groups[k].Views) > 0 {
			sb.Groups = append(sb.Groups, *groups[k])
		}
	}
	return sb, views, nil
}

// viewLabel names a view; "Unassigned in L1" reads better than "in my
// tiers" for the many agents who belong to one tier.
func viewLabel(rq *request, v desk.View) string {
	if v.Saved != nil {
		return v.Saved.Name // a name, not a message key
	}
	if v.Key == "unassigned" && len(rq.actor.TierIDs) == 1 && !rq.actor.IsAdmin() {
		if t := rq.dir.Tier(rq.actor.TierIDs[0]); t.ID != 0 {
			return rq.loc.T("view.unassigned_in", "tier", t.Code)
		}
	}
	param := v.Param
	// Tier and team views carry the stored name; show the reader's.
	if id, ok := strings.CutPrefix(v.Key, "tier-"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && rq.dir.Tier(n).ID != 0 {
			param = tierLabel(rq, n)
		}
	} else if id, ok := strings.CutPrefix(v.Key, "team-"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && rq.dir.Team(n).ID != 0 {
			param = rq.dir.Team(n).NameIn(rq.loc.Lang)
		}
	}
	return rq.loc.T(v.Label, "name", param)
}

func (s *server) sidebar(w http.ResponseWriter, r *http.Request, rq *request) error {
	sb, _, err := s.loadSidebar(r.Context(), rq, r.URL.Query().Get("view"))
	if err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "inbox", "sidebar", struct {
		base
		Sidebar sidebar
	}{s.base(r, rq, "", "inbox"), sb})
	return nil
}

// listFilter is the inbox's filter form, as strings so that it renders
// back exactly what the agent chose.
type listFilter struct {
	Status, Type, Team, Owner, Sort string
}

// Query is the filter as the address says it (for "select all in view").
func (lf listFilter) Query() string {
	q := url.Values{}
	for k, v := range map[string]string{"status": lf.Status, "type": lf.Type, "team": lf.Team, "owner": lf.Owner, "sort": lf.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// option is one <option> of a select.
type option struct {
	Value, Label string
}

type inboxPage struct {
	base
	Sidebar    sidebar
	ViewKey    string
	ViewTitle  string
	Rows       []ticketRow
	Pager      inboxPager
	Filter     listFilter
	Statuses   []option
	Priorities []option
	Types      []option
	Teams      []option
	Owners     []option
	Sorts      []option
	Filtered   bool
	Notice     string // the confirmation of a hand-off just made
	// Selectable: the rows have boxes for bulk actions (bulk.go), and
	// Bulk is what the last bulk action without JavaScript did.
	Selectable bool
	Bulk       string
	BulkChunk  int
	// Saving this list as a view, the saved view shown and its columns
	// (views.go).
	Save  savePanel
	Stale string
	Cols  viewCols
	// MaxBulk and CountCap word "select all in view", which asks IDsURL.
	MaxBulk, CountCap int
	IDsURL            string
}

// ticketRow is a ticket with the names a list shows.
type ticketRow struct {
	T         ticket.Ticket
	Customer  string
	TierCode  string
	TierName  string
	Team      string
	Owner     string
	Type      string
	Status    string
	Priority  string
	Sensitive bool
	// Selectable: a box ticks the row for a bulk action.
	Selectable bool
	Cols       viewCols // the columns shown; nil: the usual ones
}

// inboxList is the list a request asks for: a view and the filters the
// agent chose on it.
type inboxList struct {
	sb       sidebar
	key      string
	view     desk.View
	lf       listFilter
	filtered bool
	f        store.Filter
}

// resolveList finds the view of the address and narrows it with the
// filter form's choices; the inbox and "select all in view" share it.
func (s *server) resolveList(r *http.Request, rq *request) (inboxList, error) {
	l := inboxList{key: r.PathValue("key")}
	sb, views, err := s.loadSidebar(r.Context(), rq, l.key)
	if err != nil {
		return l, err
	}
	l.sb = sb
	if l.key == "" {
		l.key = defaultView(views)
		l.sb.Current = l.key
	}
	i := slices.IndexFunc(views, func(v desk.View) bool { return v.Key == l.key })
	if i < 0 {
		return l, errPageNotFound
	}
	l.view = views[i]
	q := r.URL.Query()
	l.lf = listFilter{Status: q.Get("status"), Type: q.Get("type"), Team: q.Get("team"), Owner: q.Get("owner"), Sort: q.Get("sort")}
	l.filtered = l.lf != (listFilter{})
	if l.lf.Sort == "" {
		l.lf.Sort = l.view.Filter.Sort // the sort select shows the view's order
	}
	l.f, err = applyFilter(rq, l.view.Filter, l.lf)
	return l, err
}

func (s *server) inbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	l, err := s.resolveList(r, rq)
	if err != nil {
		return err
	}
	key, view, q := l.key, l.view, r.URL.Query()
	title := viewLabel(rq, view)
	p := inboxPage{base: s.base(r, rq, title, "inbox"), Sidebar: l.sb, ViewKey: key, ViewTitle: title, Filter: l.lf, Filtered: l.filtered}
	s.filterOptions(rq, &p)
	s.savePanel(rq, l, &p)
	if p.Stale != "" { // a saved view naming what is gone: said, not listed
		s.render(w, r, rq.loc, http.StatusOK, "inbox", "", p)
		return nil
	}
	trail, err := pageTrail(q)
	if err != nil {
		return err
	}
	list, next, err := s.d.Tickets(r.Context(), rq.actor, l.f, q.Get("cursor"), pageSize)
	if err != nil {
		return err
	}
	if p.Rows, err = s.rows(r.Context(), rq, list); err != nil {
		return err
	}
	if p.Pager, err = s.pager(r.Context(), rq, key, q, l.f, trail, len(p.Rows), next); err != nil {
		return err
	}
	if moved := q.Get("moved"); moved != "" {
		p.Notice = s.handoffNotice(r.Context(), rq, moved)
	}
	p.Selectable, p.BulkChunk, p.MaxBulk, p.CountCap = !rq.actor.IsCollaborator(), bulkChunk, desk.MaxBulk, desk.CountCap
	if p.IDsURL = "/views/" + key + "/ids"; l.lf.Query() != "" {
		p.IDsURL += "?" + l.lf.Query()
	}
	for i := range p.Rows {
		p.Rows[i].Selectable, p.Rows[i].Cols = p.Selectable, p.Cols
	}
	if done, failed := q.Get("bulk_done"), q.Get("bulk_failed"); done != "" {
		p.Bulk = rq.loc.T("bulk.summary", "done", done, "failed", failed)
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "ticket-list" {
		s.render(w, r, rq.loc, http.StatusOK, "inbox", "list", p)
		return nil
	}
	s.render(w, r, rq.loc, http.StatusOK, "inbox", "", p)
	return nil
}

// defaultView is where the inbox opens: the agent's own tickets when they
// have some, else the unassigned queue of their tiers; a collaborator, who
// has neither, opens on the swarms they are in (their first view).
func defaultView(views []desk.View) string {
	for _, v := range views {
		if v.Key == "mine" && v.Count > 0 {
			return "mine"
		}
	}
	if len(views) > 0 && !slices.ContainsFunc(views, func(v desk.View) bool { return v.Key == "unassigned" }) {
		return views[0].Key
	}
	return "unassigned"
}

// applyFilter narrows a view's filter with the agent's choices. Picking a
// status explicitly shows it even in views of active tickets only.
func applyFilter(rq *request, f store.Filter, lf listFilter) (store.Filter, error) {
	if lf.Status != "" {
		st := ticket.Status(lf.Status)
		if !st.Valid() {
			return f, badParameter("status")
		}
		f.Statuses, f.ActiveOnly = []ticket.Status{st}, false
	}
	if lf.Type != "" {
		rt := rq.dir.RequestTypeByKey(lf.Type)
		if rt.ID == 0 {
			return f, badParameter("type")
		}
		f.RequestTypeID = rt.ID
	}
	if lf.Team != "" {
		id, err := strconv.ParseInt(lf.Team, 10, 64)
		if err != nil || rq.dir.Team(id).ID == 0 {
			return f, badParameter("team")
		}
		f.TeamID = id
	}
	switch lf.Owner {
	case "":
	case "me":
		f.OwnerID, f.Unassigned = rq.actor.AgentID, false
	case "none":
		f.OwnerID, f.Unassigned = 0, true
	default:
		id, err := strconv.ParseInt(lf.Owner, 10, 64)
		if err != nil || rq.dir.Member(id).ID == 0 {
			return f, badParameter("owner")
		}
		f.OwnerID, f.Unassigned = id, false
	}
	if lf.Sort != "" && !slices.Contains(store.Sorts, lf.Sort) {
		return f, badParameter("sort")
	}
	if lf.Sort != "" { // else the view's own order ("Handed off by me": latest change first)
		f.Sort = lf.Sort
	}
	return f, nil
}

func (s *server) filterOptions(rq *request, p *inboxPage) {
	l := rq.loc
	for _, st := range ticket.Statuses {
		p.Statuses = append(p.Statuses, option{string(st), l.Status(st)})
	}
	for _, pr := range ticket.PriorityNames() {
		p.Priorities = append(p.Priorities, option{pr, l.T("priority." + pr)})
	}
	for _, rt := range rq.dir.RequestTypes {
		p.Types = append(p.Types, option{rt.Key, rt.Name(l.Lang)})
	}
	for _, t := range rq.dir.Teams {
		p.Teams = append(p.Teams, option{strconv.FormatInt(t.ID, 10), t.NameIn(l.Lang)})
	}
	p.Owners = []option{{"me", l.T("filter.owner_me")}, {"none", l.T("filter.owner_none")}}
	for _, m := range rq.dir.Members {
		if m.Active {
			p.Owners = append(p.Owners, option{strconv.FormatInt(m.ID, 10), m.Name})
		}
	}
	for _, so := range store.Sorts {
		p.Sorts = append(p.Sorts, option{so, l.T("sort." + so)})
	}
}

// rows resolves the names a ticket list shows. Customers are looked up
// once each per page, which bounds the cost by the page size.
func (s *server) rows(ctx context.Context, rq *request, list []ticket.Ticket) ([]ticketRow, error) {
	names := map[int64]string{}
	out := make([]ticketRow, 0, len(list))
	for _, t := range list {
		if _, ok := names[t.CustomerID]; !ok {
			c, err := s.d.Customer(ctx, rq.actor, t.CustomerID)
			if err != nil {
				return nil, err
			}
			names[t.CustomerID] = c.Name
		}
		out = append(out, s.row(rq, t, names[t.CustomerID]))
	}
	return out, nil
}

func (s *server) row(rq *request, t ticket.Ticket, customer string) ticketRow {
	tier := rq.dir.Tier(t.TierID)
	return ticketRow{T: t, Customer: customer, TierCode: tier.Code, TierName: tier.NameIn(rq.loc.Lang), Team: rq.dir.Team(t.TeamID).NameIn(rq.loc.Lang),
		Owner: rq.dir.Member(t.OwnerID).Name, Type: rq.dir.RequestType(t.RequestTypeID).Name(rq.loc.Lang),
		Status: rq.loc.Status(t.Status), Priority: rq.loc.Priority(t.Priority), Sensitive: t.Sensitive}
}
