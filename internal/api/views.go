package api

import (
	"context"
	"net/url"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
)

// Saved views (issue 12): named ticket lists, personal or shared, whose
// query is the ticket list's own parameters.

type viewJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Scope     string    `json:"scope"`
	OwnerID   int64     `json:"owner_id"`
	Query     string    `json:"query"`
	Columns   []string  `json:"columns"`
	Position  int64     `json:"position"`
	Stale     []string  `json:"stale"`
	Count     *int      `json:"count,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

func viewOut(v desk.SavedView) viewJSON {
	return viewJSON{ID: v.ID, Name: v.Name, Scope: v.Scope, OwnerID: v.OwnerID, Query: v.Query.Encode(), Columns: nonNilStrings(v.Columns),
		Position: v.Position, Stale: nonNilStrings(v.Stale), UpdatedAt: v.UpdatedAt}
}

// viewInput is a view as written; on update, the stored values fill what
// the body leaves out.
type viewInput struct {
	Name     string   `json:"name"`
	Scope    string   `json:"scope"`
	Query    string   `json:"query"`
	Columns  []string `json:"columns"`
	Position int64    `json:"position"`
}

func (in viewInput) desk() (desk.ViewInput, error) {
	q, err := url.ParseQuery(in.Query)
	if err != nil {
		return desk.ViewInput{}, badParameter("query", in.Query)
	}
	return desk.ViewInput{Name: in.Name, Scope: in.Scope, Query: q, Columns: in.Columns, Position: in.Position}, nil
}

func (a *API) listViews(c *call) (any, error) {
	ctx := c.r.Context()
	views, err := a.desk.Views(ctx, c.actor, true)
	if err != nil {
		return nil, err
	}
	out := []viewJSON{}
	for _, v := range views {
		if v.Saved == nil {
			continue
		}
		j := viewOut(*v.Saved)
		if len(v.Saved.Stale) == 0 {
			n := v.Count
			j.Count = &n
		}
		out = append(out, j)
	}
	return struct {
		Data []viewJSON `json:"data"`
	}{out}, nil
}

func (a *API) createView(c *call) (any, error) {
	in := viewInput{Scope: store.ViewPersonal, Columns: desk.DefaultViewColumns()}
	return fromBody(c, in, func(ctx context.Context, actor auth.Actor, in viewInput) (desk.SavedView, error) {
		di, err := in.desk()
		if err != nil {
			return desk.SavedView{}, err
		}
		return a.desk.CreateSavedView(ctx, actor, di)
	}, createdAt(c, viewOut, func(v viewJSON) string { return pathOf("/views", v.ID) }))
}

func (a *API) getView(c *call) (any, error) { return byID(c, a.desk.SavedView, render(viewOut)) }

func (a *API) updateView(c *call) (any, error) {
	return patch(c, a.desk.SavedView,
		func(v desk.SavedView) viewInput {
			return viewInput{Name: v.Name, Scope: v.Scope, Query: v.Query.Encode(), Columns: v.Columns, Position: v.Position}
		},
		func(ctx context.Context, actor auth.Actor, id int64, in viewInput) error {
			di, err := in.desk()
			if err != nil {
				return err
			}
			_, err = a.desk.UpdateSavedView(ctx, actor, id, di)
			return err
		}, viewOut)
}

func (a *API) deleteView(c *call) (any, error) {
	return byID(c, a.desk.DeleteSavedView, render(viewOut))
}

func (a *API) listViewTickets(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	limit := int(c.integer("limit", defaultLimit))
	return ticketPage(a.desk.ViewTickets(c.r.Context(), c.actor, id, c.r.URL.Query().Get("cursor"), limit))
}

func viewSchemas() map[string]any {
	props := schema{
		"name":  str("Shown in the sidebar."),
		"scope": enum("personal: yours only; shared: the whole workspace (leads and admins write them).", []string{store.ViewPersonal, store.ViewShared}),
		"query": str("The ticket list's query parameters, as for GET /api/v1/tickets without cursor and limit: tier, team, status, owner, handed_off_by, type, customer, sort " +
			"(e.g. status=open&tier=L1&sort=priority). Stored in canonical form: tiers by id, keys sorted. \"me\" is whoever looks at the view. " +
			"A list no index serves is refused with list_too_broad."),
		"columns":  list(enum("", desk.ViewColumns), "The columns the inbox shows, in this fixed order."),
		"position": integer("Order in the sidebar, smallest first (shared views come before personal ones)."),
	}
	return map[string]any{
		"ViewInput": object(nil, props),
		"View": object([]string{"id", "name", "scope", "owner_id", "query", "columns", "position", "stale", "updated_at"}, with(props, schema{
			"id": integer(""), "owner_id": integer("Whose personal view it is, or who wrote the shared one."),
			"stale":      list(enum("", []string{"tier", "team", "owner", "type"}), "Parameters naming what no longer exists: the view lists nothing (view_stale) until edited."),
			"count":      integer("How many of its tickets you may see, counted up to 1000 (absent for a stale view)."),
			"updated_at": when(""),
		})),
		"ViewList": object([]string{"data"}, schema{"data": list(ref("View"), "Shared views first, then yours, each by position.")}),
	}
}
