package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// Saved views (issue 12): "Save this view" beside any filtered list keeps
// its filters and sort under a name, with the columns to show; the view
// then sits in the sidebar with its count. Its edit page renames it,
// changes its columns, order or filters, or deletes it. "Select all in
// view" (ids below) gives the bulk bar every ticket of the list.

// viewCols are the columns a list shows; nil is the usual set.
type viewCols []string

var defaultCols = desk.DefaultViewColumns()

// Has tells whether the list shows a column.
func (c viewCols) Has(name string) bool {
	if c == nil {
		return slices.Contains(defaultCols, name)
	}
	return slices.Contains(c, name)
}

type colOption struct {
	Value, Label string
	Checked      bool
}

// savePanel is the "Save this view" form beside a list.
type savePanel struct {
	Can       bool   // the list can be said in the list's words
	Query     string // the list as shown, in the list's parameters
	Scopes    []option
	Columns   []colOption
	Saved     *desk.SavedView // the saved view shown, if it is one
	CanManage bool
}

func (s *server) savePanel(rq *request, l inboxList, p *inboxPage) {
	sp := &p.Save
	sp.Saved = l.view.Saved
	if sp.Saved != nil {
		p.Cols = viewCols(sp.Saved.Columns)
		sp.CanManage = desk.CanManageView(rq.actor, *sp.Saved)
		if len(sp.Saved.Stale) > 0 {
			p.Stale = rq.loc.T("views.stale", "what", staleNames(rq, sp.Saved.Stale))
		}
	}
	if rq.actor.IsCollaborator() || l.view.Params == nil {
		return
	}
	params := maps.Clone(l.view.Params)
	for k, v := range map[string]string{"status": l.lf.Status, "type": l.lf.Type, "team": l.lf.Team, "owner": l.lf.Owner, "sort": l.lf.Sort} {
		if v != "" {
			params[k] = []string{v}
		}
	}
	sp.Can, sp.Query = true, params.Encode()
	sp.Scopes, sp.Columns = viewChoices(rq, p.Cols)
}

// viewChoices are the scopes the actor may give a view and the columns,
// ticked as cols has them.
func viewChoices(rq *request, cols viewCols) ([]option, []colOption) {
	l := rq.loc
	scopes := []option{{store.ViewPersonal, l.T("views.scope.personal")}}
	if rq.actor.IsLeadOrAdmin() {
		scopes = append(scopes, option{store.ViewShared, l.T("views.scope.shared")})
	}
	var out []colOption
	for _, c := range desk.ViewColumns {
		out = append(out, colOption{Value: c, Label: l.T("views.col." + c), Checked: cols.Has(c)})
	}
	return scopes, out
}

func staleNames(rq *request, stale []string) string {
	names := make([]string, len(stale))
	for i, n := range stale {
		names[i] = rq.loc.T("views.stale." + n)
	}
	return strings.Join(names, ", ")
}

// viewForm is the edit page of a saved view, or the form sent back with
// its errors.
type viewForm struct {
	base
	Key      string // "" for a new view
	Name     string
	Scope    string
	Query    string
	Position int64
	Scopes   []option
	Columns  []colOption
	Errors   formErrors
	Message  string
	Back     string
}

// viewInput reads the form; query is the list's parameters.
func viewInput(r *http.Request) (desk.ViewInput, error) {
	f := r.PostForm
	in := desk.ViewInput{Name: f.Get("name"), Scope: f.Get("scope"), Columns: f["columns"]}
	q, err := url.ParseQuery(f.Get("query"))
	if err != nil {
		fe := problem.Fields{}
		fe.Add("query", "unknown_value", "not list parameters")
		return in, fe.Err()
	}
	in.Query = q
	if v := f.Get("position"); v != "" {
		if in.Position, err = strconv.ParseInt(v, 10, 64); err != nil {
			fe := problem.Fields{}
			fe.Add("position", "not_a_number", "must be a number")
			return in, fe.Err()
		}
	}
	return in, nil
}

func (s *server) createView(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	in, err := viewInput(r)
	if err == nil {
		var v desk.SavedView
		if v, err = s.d.CreateSavedView(r.Context(), rq.actor, in); err == nil {
			http.Redirect(w, r, "/views/"+v.Key(), http.StatusSeeOther)
			return nil
		}
	}
	return s.viewFormError(w, r, rq, "", in, err)
}

// savedKey reads the saved view of the address (saved-12).
func savedKey(r *http.Request) (int64, error) {
	n, ok := strings.CutPrefix(r.PathValue("key"), desk.SavedViewKeyPrefix)
	id, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || id <= 0 {
		return 0, errPageNotFound
	}
	return id, nil
}

func (s *server) editView(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := savedKey(r)
	if err != nil {
		return err
	}
	v, err := s.d.SavedView(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	if !desk.CanManageView(rq.actor, v) {
		return errViewReadOnly
	}
	p := viewForm{base: s.base(r, rq, rq.loc.T("views.edit_title", "name", v.Name), "inbox"), Key: v.Key(), Name: v.Name, Scope: v.Scope,
		Query: v.Query.Encode(), Position: v.Position, Back: "/views/" + v.Key()}
	p.Scopes, p.Columns = viewChoices(rq, viewCols(v.Columns))
	s.render(w, r, rq.loc, http.StatusOK, "views", "", p)
	return nil
}

func (s *server) updateView(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := savedKey(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	in, err := viewInput(r)
	if err == nil {
		if _, err = s.d.UpdateSavedView(r.Context(), rq.actor, id, in); err == nil {
			http.Redirect(w, r, "/views/"+desk.SavedViewKeyPrefix+strconv.FormatInt(id, 10), http.StatusSeeOther)
			return nil
		}
	}
	return s.viewFormError(w, r, rq, r.PathValue("key"), in, err)
}

// viewFormError sends the form back with what is wrong: each bad field
// beside it, a refusal of the whole list (list_too_broad) above it.
func (s *server) viewFormError(w http.ResponseWriter, r *http.Request, rq *request, key string, in desk.ViewInput, err error) error {
	p, ok := problem.As(err)
	if !ok || (p.Kind != problem.Invalid && p.Code != store.CodeListTooBroad) {
		return err
	}
	title := rq.loc.T("views.new_title")
	if key != "" {
		title = rq.loc.T("views.edit_title", "name", in.Name)
	}
	f := viewForm{base: s.base(r, rq, title, "inbox"), Key: key, Name: in.Name, Scope: in.Scope, Query: r.PostForm.Get("query"), Position: in.Position,
		Back: localNext(r.PostForm.Get("back"))}
	cols := viewCols(in.Columns)
	if cols == nil {
		cols = viewCols{}
	}
	f.Scopes, f.Columns = viewChoices(rq, cols)
	f.Errors, _ = rq.loc.fieldErrors(err)
	f.Message = rq.loc.Error(err)
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "views", "", f)
	return nil
}

func (s *server) deleteView(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := savedKey(r)
	if err != nil {
		return err
	}
	if _, err := s.d.DeleteSavedView(r.Context(), rq.actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

var errViewReadOnly = problem.New(problem.Forbidden, "view_forbidden",
	"only its owner changes a personal view; shared views are for leads and admins")

// viewIDs answers "select all in view": the ids of the list as filtered,
// at most desk.MaxBulk (one bulk run), with the list's capped count so
// the page can say when there are more. The list is read with the
// agent's access, like the page.
func (s *server) viewIDs(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.actor.IsCollaborator() {
		return errPageNotFound // no bulk actions for collaborators
	}
	l, err := s.resolveList(r, rq)
	if err == nil && l.view.Saved != nil && len(l.view.Saved.Stale) > 0 {
		_, err = s.d.ViewFilter(r.Context(), rq.actor, *l.view.Saved)
	}
	if err != nil {
		return err
	}
	list, _, err := s.d.Tickets(r.Context(), rq.actor, l.f, "", desk.MaxBulk)
	if err != nil {
		return err
	}
	total, err := s.d.CountTickets(r.Context(), rq.actor, l.f, desk.CountCap)
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"ids": ids, "total": total, "total_label": rq.loc.Count(total, desk.CountCap), "max": desk.MaxBulk})
	return nil
}
