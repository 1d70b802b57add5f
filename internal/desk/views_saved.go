package desk

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Saved views (issue 12): a ticket list an agent named, from any filter
// and sort the list accepts, with the columns it shows. Personal views
// are their owner's alone; shared views are the workspace's, written by
// leads and admins. Their query is the list's own parameters (those of
// GET /api/v1/tickets) in canonical form: parsed and resolved by the same
// TicketQuery as the list, with tiers, teams and agents by id so a rename
// changes nothing. A view is always listed with the viewer's access, so a
// shared view counts only what each agent may see.

// ViewColumns is the fixed set of columns a view may show, in the order
// the list shows them.
var ViewColumns = []string{"number", "subject", "customer", "status", "priority", "tier", "team", "owner", "updated", "created"}

// DefaultViewColumns are the columns of the built-in views: a new slice
// each time, since callers decode into it.
func DefaultViewColumns() []string { return slices.Clone(ViewColumns[:len(ViewColumns)-1]) }

// MaxViewName bounds a view's name (it sits in the sidebar).
const MaxViewName = 60

// SavedViewKeyPrefix starts the key of a saved view: "saved-12".
const SavedViewKeyPrefix = "saved-"

// SavedView is a view as the desk serves it.
type SavedView struct {
	ID        int64
	Name      string
	Scope     string // store.ViewPersonal or store.ViewShared
	OwnerID   int64
	Query     url.Values // canonical list parameters
	Columns   []string
	Position  int64
	UpdatedAt time.Time
	// Stale names the parameters that refer to what no longer exists
	// (a tier, team, agent or request type): the view cannot be listed
	// until it is edited.
	Stale []string
}

// Key is the view's key in the inbox: /views/saved-12.
func (v SavedView) Key() string { return SavedViewKeyPrefix + strconv.FormatInt(v.ID, 10) }

// ViewInput is a view as written: Query holds list parameters in the
// list's syntax (tier codes or ids, request type keys, "me").
type ViewInput struct {
	Name     string
	Scope    string
	Query    url.Values
	Columns  []string
	Position int64
}

var errViewForbidden = problem.New(problem.Forbidden, "view_forbidden",
	"only its owner changes a personal view; shared views are for leads and admins")

// viewParams are the list parameters a view keeps: the list's filters and
// its order, not its paging.
var viewParams = []string{"customer", "handed_off_by", "owner", "sort", "status", "team", "tier", "type"}

func canSeeView(a auth.Actor, v store.SavedView) bool {
	if a.IsCollaborator() {
		return false
	}
	return v.Scope == store.ViewShared || v.OwnerID == a.AgentID
}

func canManageView(a auth.Actor, scope string, ownerID int64) bool {
	if scope == store.ViewShared {
		return a.IsLeadOrAdmin()
	}
	return ownerID == a.AgentID && !a.IsCollaborator()
}

// CanManageView tells the edges whether to offer editing a view.
func CanManageView(a auth.Actor, v SavedView) bool { return canManageView(a, v.Scope, v.OwnerID) }

// SavedViews lists the views the actor may use: the shared ones, then
// their own, each in their order.
func (d *Service) SavedViews(ctx context.Context, a auth.Actor) ([]SavedView, error) {
	if a.IsCollaborator() {
		return nil, nil
	}
	list, err := d.store.SavedViews(ctx, a.WorkspaceID, a.AgentID)
	if err != nil {
		return nil, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]SavedView, 0, len(list))
	for _, v := range list {
		if canSeeView(a, v) {
			out = append(out, savedView(dir, v))
		}
	}
	return out, nil
}

// SavedView returns a view the actor may use; any other is not found.
func (d *Service) SavedView(ctx context.Context, a auth.Actor, id int64) (SavedView, error) {
	v, err := onlyVisible(a, canSeeView, "view")(d.store.SavedView(ctx, a.WorkspaceID, id))
	if err != nil {
		return SavedView{}, err
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return SavedView{}, err
	}
	return savedView(dir, v), nil
}

func savedView(dir Directory, v store.SavedView) SavedView {
	q, _ := url.ParseQuery(v.Query) // written canonical by checkView
	return SavedView{ID: v.ID, Name: v.Name, Scope: v.Scope, OwnerID: v.OwnerID, Query: q, Columns: v.Columns, Position: v.Position,
		UpdatedAt: v.UpdatedAt, Stale: staleParams(dir, q)}
}

// staleParams names the parameters of a stored query that refer to a
// tier, team, agent or request type the workspace no longer has.
func staleParams(dir Directory, q url.Values) []string {
	var out []string
	for _, v := range q["tier"] {
		if id, _ := strconv.ParseInt(v, 10, 64); dir.Tier(id).ID == 0 {
			out = append(out, "tier")
			break
		}
	}
	if v := q.Get("team"); v != "" {
		if id, _ := strconv.ParseInt(v, 10, 64); dir.Team(id).ID == 0 {
			out = append(out, "team")
		}
	}
	if v := q.Get("owner"); v != "" && v != "me" && v != "none" {
		if id, _ := strconv.ParseInt(v, 10, 64); dir.Member(id).ID == 0 {
			out = append(out, "owner")
		}
	}
	if v := q.Get("type"); v != "" && dir.RequestTypeByKey(v).ID == 0 {
		out = append(out, "type")
	}
	return out
}

// ErrViewStale is the answer for a view whose filter names what no longer
// exists: a clear refusal to list, never a silently wrong list.
func errViewStale(stale []string) error {
	return problem.New(problem.Conflict, "view_stale", "this view refers to a tier, team, agent or request type that no longer exists: edit it").
		With("what", strings.Join(stale, ", "))
}

// ViewFilter is the list filter of a saved view for the actor ("me" is
// whoever looks); the actor's access is applied when listing.
func (d *Service) ViewFilter(ctx context.Context, a auth.Actor, v SavedView) (store.Filter, error) {
	if len(v.Stale) > 0 {
		return store.Filter{}, errViewStale(v.Stale)
	}
	q, f := parseTicketQuery(v.Query)
	if err := f.Err(); err != nil {
		return store.Filter{}, err
	}
	return d.ticketFilter(ctx, a, q)
}

// ViewTickets lists one page of a saved view, with the actor's access.
func (d *Service) ViewTickets(ctx context.Context, a auth.Actor, id int64, cursor string, limit int) ([]ticket.Ticket, string, error) {
	v, err := d.SavedView(ctx, a, id)
	if err != nil {
		return nil, "", err
	}
	f, err := d.ViewFilter(ctx, a, v)
	if err != nil {
		return nil, "", err
	}
	return d.Tickets(ctx, a, f, cursor, limit)
}

// CreateSavedView saves a new view. A personal view is the actor's own.
func (d *Service) CreateSavedView(ctx context.Context, a auth.Actor, in ViewInput) (SavedView, error) {
	v, err := d.checkView(ctx, a, in)
	if err != nil {
		return SavedView{}, err
	}
	v.OwnerID = a.AgentID
	if !canManageView(a, v.Scope, v.OwnerID) {
		return SavedView{}, errViewForbidden
	}
	saved, err := d.store.CreateSavedView(ctx, a.AgentID, v)
	if err != nil {
		return SavedView{}, err
	}
	return d.SavedView(ctx, a, saved.ID)
}

// UpdateSavedView saves a view's fields. The actor must be allowed to
// manage it as it is and as it will be: an agent cannot share their view
// with everyone; a lead cannot take someone's personal view.
func (d *Service) UpdateSavedView(ctx context.Context, a auth.Actor, id int64, in ViewInput) (SavedView, error) {
	if a.IsCollaborator() {
		return SavedView{}, problem.NotFoundf("view") // they see none
	}
	v, err := d.checkView(ctx, a, in)
	if err != nil {
		return SavedView{}, err
	}
	v.ID = id
	_, err = d.store.UpdateSavedView(ctx, a.AgentID, v, func(cur store.SavedView, next *store.SavedView) error {
		if !canSeeView(a, cur) {
			return problem.NotFoundf("view")
		}
		next.OwnerID = cur.OwnerID
		if next.Scope != cur.Scope {
			next.OwnerID = a.AgentID // a view made personal (or shared) is the actor's
		}
		if !canManageView(a, cur.Scope, cur.OwnerID) || !canManageView(a, next.Scope, next.OwnerID) {
			return errViewForbidden
		}
		return nil
	})
	if err != nil {
		return SavedView{}, err
	}
	return d.SavedView(ctx, a, id)
}

// DeleteSavedView removes a view the actor may manage, and returns it as
// it was.
func (d *Service) DeleteSavedView(ctx context.Context, a auth.Actor, id int64) (SavedView, error) {
	var gone store.SavedView
	err := d.store.DeleteSavedView(ctx, a.WorkspaceID, a.AgentID, id, func(cur store.SavedView) error {
		if !canSeeView(a, cur) {
			return problem.NotFoundf("view")
		}
		if !canManageView(a, cur.Scope, cur.OwnerID) {
			return errViewForbidden
		}
		gone = cur
		return nil
	})
	if err != nil {
		return SavedView{}, err
	}
	dir, err := d.Directory(ctx, a)
	return savedView(dir, gone), err
}

// checkView validates a view's fields, every bad one named, then puts its
// query in canonical form and makes sure the list can serve it (the
// list's list_too_broad refusal, with the actor's access).
func (d *Service) checkView(ctx context.Context, a auth.Actor, in ViewInput) (store.SavedView, error) {
	f := problem.Fields{}
	v := store.SavedView{WorkspaceID: a.WorkspaceID, Name: checkLine(f, "name", in.Name, MaxViewName), Scope: in.Scope, Position: in.Position}
	if v.Scope != store.ViewPersonal && v.Scope != store.ViewShared {
		f.Add("scope", "unknown_value", "must be personal or shared", "value", v.Scope)
	}
	if v.Position < 0 || v.Position > 1_000_000 {
		f.Add("position", "out_of_range", "must be between 0 and 1000000")
	}
	v.Columns = checkColumns(f, in.Columns)
	q, qf := parseTicketQuery(in.Query)
	for k, fe := range qf {
		f[k] = fe
	}
	if err := f.Err(); err != nil {
		return v, err
	}
	if a.IsCollaborator() {
		return v, errViewForbidden
	}
	canon, err := d.canonicalQuery(ctx, a, q)
	if err != nil {
		return v, err
	}
	v.Query = canon.Encode()
	filter, err := d.ticketFilter(ctx, a, q)
	if err == nil {
		_, _, err = d.Tickets(ctx, a, filter, "", 1)
	}
	return v, err
}

// checkColumns keeps the chosen columns in the list's order.
func checkColumns(f problem.Fields, cols []string) []string {
	var out []string
	for _, c := range cols {
		if !slices.Contains(ViewColumns, c) {
			f.Add("columns", "unknown_value", "unknown column", "value", c)
			return nil
		}
	}
	for _, c := range ViewColumns {
		if slices.Contains(cols, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		f.Required("columns")
	}
	return out
}

// parseTicketQuery reads list parameters in the list's syntax into a
// TicketQuery; each bad one is a field "query.<name>".
func parseTicketQuery(v url.Values) (TicketQuery, problem.Fields) {
	f := problem.Fields{}
	var q TicketQuery
	bad := func(name, value string) { f.Add("query."+name, "unknown_value", "unknown value", "value", value) }
	for name, values := range v {
		if !slices.Contains(viewParams, name) {
			f.Add("query."+name, "unknown_field", "not a list filter or order")
			continue
		}
		var items []string
		for _, x := range values {
			for _, p := range strings.Split(x, ",") {
				if p = strings.TrimSpace(p); p != "" {
					items = append(items, p)
				}
			}
		}
		if len(items) == 0 {
			continue
		}
		if len(items) > 1 && name != "tier" && name != "status" {
			f.Add("query."+name, "too_many", "one value only", "max", "1")
			continue
		}
		one := items[0]
		switch name {
		case "tier":
			q.Tiers = items
		case "status":
			for _, s := range items {
				if !ticket.Status(s).Valid() {
					bad(name, s)
				}
				q.Statuses = append(q.Statuses, ticket.Status(s))
			}
		case "team", "customer":
			id, err := strconv.ParseInt(one, 10, 64)
			if err != nil || id <= 0 {
				bad(name, one)
			}
			if name == "team" {
				q.TeamID = id
			} else {
				q.CustomerID = id
			}
		case "owner":
			if id, err := strconv.ParseInt(one, 10, 64); one != "me" && one != "none" && (err != nil || id <= 0) {
				bad(name, one)
			}
			q.Owner = one
		case "handed_off_by":
			if one != "me" {
				bad(name, one)
			}
			q.HandedOffByMe = true
		case "type":
			q.RequestType = one
		case "sort":
			if !slices.Contains(store.Sorts, one) {
				bad(name, one)
			}
			q.Sort = one
		}
	}
	return q, f
}

// canonicalQuery writes a query as a view keeps it: tiers by id, each
// reference checked against the workspace (an unknown one is a field
// error), statuses in their usual order, the default order left out.
func (d *Service) canonicalQuery(ctx context.Context, a auth.Actor, q TicketQuery) (url.Values, error) {
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return nil, err
	}
	f := problem.Fields{}
	out := url.Values{}
	var tiers []int64
	for _, v := range q.Tiers {
		t := dir.TierByCode(v)
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			t = dir.Tier(id)
		}
		if t.ID == 0 {
			f.Add("query.tier", "unknown_value", "unknown tier", "value", v)
			continue
		}
		if !slices.Contains(tiers, t.ID) {
			tiers = append(tiers, t.ID)
		}
	}
	slices.Sort(tiers)
	for _, id := range tiers {
		out.Add("tier", strconv.FormatInt(id, 10))
	}
	for _, st := range ticket.Statuses {
		if slices.Contains(q.Statuses, st) {
			out.Add("status", string(st))
		}
	}
	if q.TeamID != 0 {
		if dir.Team(q.TeamID).ID == 0 {
			f.Add("query.team", "unknown_value", "unknown team", "value", strconv.FormatInt(q.TeamID, 10))
		}
		out.Set("team", strconv.FormatInt(q.TeamID, 10))
	}
	if q.Owner != "" {
		if id, err := strconv.ParseInt(q.Owner, 10, 64); err == nil && dir.Member(id).ID == 0 {
			f.Add("query.owner", "unknown_value", "unknown agent", "value", q.Owner)
		}
		out.Set("owner", q.Owner)
	}
	if q.HandedOffByMe {
		out.Set("handed_off_by", "me")
	}
	if q.RequestType != "" {
		if dir.RequestTypeByKey(q.RequestType).ID == 0 {
			f.Add("query.type", "unknown_value", "unknown request type", "value", q.RequestType)
		}
		out.Set("type", q.RequestType)
	}
	if q.CustomerID != 0 {
		out.Set("customer", strconv.FormatInt(q.CustomerID, 10))
	}
	if q.Sort != "" && q.Sort != "newest" {
		out.Set("sort", q.Sort)
	}
	return out, f.Err()
}

// activeStatuses is "open work" in the list's words: the built-in views'
// ActiveOnly, which the list serves from the same index.
func activeStatuses() []string {
	var out []string
	for _, st := range ticket.Statuses {
		if st.Active() {
			out = append(out, string(st))
		}
	}
	return out
}
