package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// The macros page: the macros an agent may use, with their use counts,
// and the form to write one or change one they may manage (their own
// personal macros; team and shared ones for leads and admins).

type macroRow struct {
	M         macro.Macro
	Scope     string // as the reader says it: "Personal", "Team L1"…
	Actions   []string
	CanManage bool
}

type macrosPage struct {
	base
	Macros  []macroRow
	Form    macro.Macro
	Tags    string // the form's tags, comma-separated
	EditID  int64
	Errors  formErrors
	Message string
	Done    string
	// Choices of the form.
	Scopes, Teams, Statuses, Priorities, Types, Assignees []option
	Placeholders                                          []string
}

func (s *server) newMacrosPage(r *http.Request, rq *request) (macrosPage, error) {
	l := rq.loc
	p := macrosPage{base: s.base(r, rq, l.T("macros.title"), "macros"), Form: macro.Macro{Scope: macro.Personal},
		Placeholders: macro.Names}
	p.Done = doneKey(r, "macros")
	dir := rq.dir
	p.Scopes = []option{{string(macro.Personal), l.T("macros.scope.personal")}}
	if rq.actor.IsLeadOrAdmin() {
		p.Scopes = append(p.Scopes, option{string(macro.Team), l.T("macros.scope.team")}, option{string(macro.Shared), l.T("macros.scope.shared")})
	}
	for _, t := range dir.Teams {
		p.Teams = append(p.Teams, option{strconv.FormatInt(t.ID, 10), t.Name})
	}
	p.Statuses = []option{{"", l.T("macros.unchanged")}}
	for _, st := range ticket.Statuses {
		p.Statuses = append(p.Statuses, option{string(st), l.Status(st)})
	}
	p.Priorities = []option{{"", l.T("macros.unchanged")}}
	for _, pr := range ticket.PriorityNames() {
		p.Priorities = append(p.Priorities, option{pr, l.T("priority." + pr)})
	}
	p.Types = []option{{"", l.T("macros.unchanged")}}
	for _, rt := range dir.RequestTypes {
		if rt.Active {
			p.Types = append(p.Types, option{rt.Key, rt.Name(l.Lang)})
		}
	}
	p.Assignees = []option{{"", l.T("macros.unchanged")}, {macro.AssignMe, l.T("macros.assign.me")}, {macro.AssignNone, l.T("macros.assign.none")}}
	for _, m := range dir.Members {
		if m.Active && m.Role != workspace.Collaborator {
			p.Assignees = append(p.Assignees, option{strconv.FormatInt(m.ID, 10), m.Name})
		}
	}
	list, err := s.d.Macros(r.Context(), rq.actor)
	for _, m := range list {
		p.Macros = append(p.Macros, macroRow{M: m, Scope: macroScope(l, dir.Team(m.TeamID).Name, m), Actions: macroActions(l, dir.RequestTypeByKey, dir.Member, m.Actions),
			CanManage: macro.CanManage(rq.actor, m)})
	}
	return p, err
}

// fillMacro puts a macro in the form to change it, if the reader may.
func fillMacro(p *macrosPage, id int64, m macro.Macro) error {
	if !macro.CanManage(p.Me, m) {
		return errMacroReadOnly
	}
	p.EditID, p.Form, p.Tags = id, m, strings.Join(m.Actions.AddTags, ", ")
	return nil
}

// saveMacro writes a new macro (POST /macros) or changes one.
func (s *server) saveMacro(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, f, err := postedForm(r)
	if err != nil {
		return err
	}
	m := macro.Macro{Name: f.Get("name"), Scope: macro.Scope(f.Get("scope")), BodyFR: f.Get("body_fr"), BodyEN: f.Get("body_en"),
		Actions: macro.Actions{Status: f.Get("status"), Priority: f.Get("priority"), RequestType: f.Get("request_type"),
			AddTags: splitTags(f.Get("add_tags")), Assign: f.Get("assign")}}
	if m.Scope == macro.Team {
		if m.TeamID, err = strconv.ParseInt(f.Get("team_id"), 10, 64); err != nil {
			err = problem.Fields{"team_id": {Code: "required", Message: "is required"}}.Err()
		}
	}
	if err == nil {
		if id == 0 {
			_, err = s.d.CreateMacro(r.Context(), rq.actor, m)
		} else {
			_, err = s.d.UpdateMacro(r.Context(), rq.actor, id, m)
		}
	}
	if err == nil {
		http.Redirect(w, r, "/macros?done=saved", http.StatusSeeOther)
		return nil
	}
	if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid {
		return err
	}
	p, lerr := s.newMacrosPage(r, rq)
	if lerr != nil {
		return lerr
	}
	p.EditID, p.Form, p.Tags = id, m, f.Get("add_tags")
	p.Errors, _ = rq.loc.fieldErrors(err)
	p.Message = rq.loc.Error(err)
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "macros", "", p)
	return nil
}

// deleteMacro deletes a macro (what it was is for the API's answer).
func (s *server) deleteMacro(ctx context.Context, a auth.Actor, id int64) error {
	_, err := s.d.DeleteMacro(ctx, a, id)
	return err
}

var errMacroReadOnly = problem.New(problem.Forbidden, "macro_forbidden",
	"only its owner changes a personal macro; team and shared macros are for leads and admins")

func macroScope(l *locale, team string, m macro.Macro) string {
	if m.Scope == macro.Team {
		return l.T("macros.scope.team_named", "team", team)
	}
	return l.T("macros.scope." + string(m.Scope))
}
