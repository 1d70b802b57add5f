package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// The admin pages: plain forms that post, redirect back on success and
// render again with the errors next to each field when refused. The desk
// checks admin rights again on every write.

var errAdminOnly = problem.New(problem.Forbidden, "admin_only", "only an administrator can do this")

// adminSections are the admin navigation, in order.
var adminSections = []string{"workspace", "tiers", "teams", "agents", "types", "fields", "audit", "helpbox", "mailboxes", "smtp"}

// auditPageSize is how many audit entries one page shows.
const auditPageSize = 50

type adminPage struct {
	base
	Section  string
	Sections []option
	// Edit is the form being shown (nil on list pages); IsNew tells a
	// creation form from an edit form.
	Edit    any
	IsNew   bool
	Action  string
	Saved   bool
	Errors  formErrors
	Message string
	// Lists and choices the section's templates use.
	Dir       desk.Directory
	AuditView *auditView
	NextURL   string
	Opts      map[string][]option
	// Unlocked confirms an agent's sign-in was just unlocked; Lock says
	// how long their next sign-in must wait ("" when it need not).
	Unlocked bool
	Lock     string
	// PortalAgentNames: customers see agents' first names (portal_admin.go).
	PortalAgentNames bool
	// Attach: the workspace's attachment limits (attach_admin.go).
	Attach *attachForm
}

// admin wraps an admin handler: signed in and an administrator, else a 403
// page.
func (s *server) admin(h handler) http.Handler {
	return s.auth(gate(auth.Actor.IsAdmin, errAdminOnly, h))
}

// gate refuses, before any work is done, the members allowed does not let
// through: err is their 403 page. The desk refuses them as well; the gate
// spares them a page they cannot use.
func gate(allowed func(auth.Actor) bool, err error, h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if !allowed(rq.actor) {
			return err
		}
		return h(w, r, rq)
	}
}

func (s *server) adminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin", s.admin(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		http.Redirect(w, r, "/admin/workspace", http.StatusSeeOther)
		return nil
	}))
	mux.Handle("GET /admin/workspace", s.admin(s.adminWorkspace))
	mux.Handle("POST /admin/workspace", s.admin(s.saveWorkspace))
	mux.Handle("GET /admin/audit", s.auth(s.adminAudit)) // leads too: see audit.go
	for _, e := range s.adminEntities() {
		mux.Handle("GET /admin/"+e.section, s.admin(s.adminList(e.section)))
		mux.Handle("GET /admin/"+e.section+"/new", s.admin(s.adminForm(e, true)))
		mux.Handle("POST /admin/"+e.section+"/new", s.admin(s.adminSave(e, true)))
		mux.Handle("GET /admin/"+e.section+"/{id}", s.admin(s.adminForm(e, false)))
		mux.Handle("POST /admin/"+e.section+"/{id}", s.admin(s.adminSave(e, false)))
	}
}

// entity is one kind of object the admin pages create and edit.
type entity struct {
	section string
	// load returns the form of an existing object (false: no such object).
	load func(rq *request, id int64) (any, bool)
	// blank is the form of a new object.
	blank func(rq *request) any
	// parse reads a submitted form; problems found while parsing (such as
	// a number that is not one) come back as fields.
	parse func(r *http.Request, rq *request, id int64) (any, problem.Fields)
	// save creates (id 0) or updates the object through the desk.
	save func(r *http.Request, rq *request, id int64, form any) error
}

func (s *server) adminPage(r *http.Request, rq *request, section string) adminPage {
	p := adminPage{base: s.base(r, rq, rq.loc.T("admin."+section), "admin"), Section: section, Dir: rq.dir,
		Saved: r.URL.Query().Get("saved") == "1", Unlocked: r.URL.Query().Get("unlocked") == "1", Opts: adminOptions(rq)}
	for _, sec := range adminSections {
		if !rq.actor.IsAdmin() && sec != "audit" {
			continue // a lead's admin pages: the audit log (and routing)
		}
		p.Sections = append(p.Sections, option{sec, rq.loc.T("admin." + sec)})
	}
	return p
}

func adminOptions(rq *request) map[string][]option {
	l := rq.loc
	o := map[string][]option{}
	for _, m := range workspace.SupportModels {
		o["models"] = append(o["models"], option{string(m), l.T("model." + string(m))})
	}
	for _, lang := range workspace.Languages {
		o["languages"] = append(o["languages"], option{lang, l.T("lang." + lang)})
	}
	o["member_languages"] = append([]option{{"", l.T("lang.browser")}}, o["languages"]...)
	for _, role := range workspace.Roles {
		o["roles"] = append(o["roles"], option{string(role), l.T("role." + string(role))})
	}
	for _, m := range workspace.RequestTypeModels {
		o["type_models"] = append(o["type_models"], option{string(m), l.T("type_model." + string(m))})
	}
	for _, k := range workspace.FieldKinds {
		o["kinds"] = append(o["kinds"], option{string(k), l.T("kind." + string(k))})
	}
	for _, c := range workspace.TierCodes {
		o["codes"] = append(o["codes"], option{c, c})
	}
	for _, t := range rq.dir.Tiers {
		o["tiers"] = append(o["tiers"], option{idStr(t.ID), t.Code + " · " + t.NameIn(l.Lang)})
	}
	for _, t := range rq.dir.Teams {
		o["teams"] = append(o["teams"], option{idStr(t.ID), t.NameIn(l.Lang)})
	}
	for _, m := range rq.dir.Members {
		o["members"] = append(o["members"], option{idStr(m.ID), m.Name})
	}
	for _, rt := range rq.dir.RequestTypes {
		o["types"] = append(o["types"], option{idStr(rt.ID), rt.Name(l.Lang)})
	}
	return o
}

func (s *server) adminWorkspace(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := s.adminPage(r, rq, "workspace")
	p.Edit, p.Action = rq.dir.Workspace, "/admin/workspace"
	var err error
	if p.PortalAgentNames, p.Attach, err = s.workspaceExtras(r.Context(), rq); err != nil {
		return err
	}
	s.render(w, r, rq.loc, http.StatusOK, "admin", "", p)
	return nil
}

func (s *server) saveWorkspace(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	ws := rq.dir.Workspace
	ws.Name = strings.TrimSpace(r.PostForm.Get("name"))
	ws.SupportModel = workspace.SupportModel(r.PostForm.Get("support_model"))
	ws.Languages = r.PostForm["languages"]
	ws.DefaultLanguage = r.PostForm.Get("default_language")
	ws.Timezone = strings.TrimSpace(r.PostForm.Get("timezone"))
	ws.BusinessHours = strings.TrimSpace(r.PostForm.Get("business_hours"))
	err := s.d.UpdateWorkspace(r.Context(), rq.actor, ws)
	if err == nil {
		http.Redirect(w, r, "/admin/workspace?saved=1", http.StatusSeeOther)
		return nil
	}
	p := s.adminPage(r, rq, "workspace")
	p.Edit, p.Action = ws, "/admin/workspace"
	return s.refuseAdmin(w, r, rq, p, err)
}

// refuseAdmin renders a refused admin form with its errors, or fails.
func (s *server) refuseAdmin(w http.ResponseWriter, r *http.Request, rq *request, p adminPage, err error) error {
	fe, ok := rq.loc.fieldErrors(err)
	if !ok {
		pe, isProblem := problem.As(err)
		if !isProblem || (pe.Kind != problem.Conflict && pe.Kind != problem.Invalid) {
			return err
		}
		fe = formErrors{}
		if pe.Code == "tier_exists" {
			fe["code"] = rq.loc.Error(err)
		}
	}
	p.Saved, p.Errors, p.Message = false, fe, rq.loc.Error(err)
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "admin", "", p)
	return nil
}

func (s *server) adminList(section string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		s.render(w, r, rq.loc, http.StatusOK, "admin", "", s.adminPage(r, rq, section))
		return nil
	}
}

func (s *server) adminForm(e entity, isNew bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		p := s.adminPage(r, rq, e.section)
		p.IsNew = isNew
		if isNew {
			p.Edit, p.Action = e.blank(rq), "/admin/"+e.section+"/new"
		} else {
			id, err := pathID(r, "id")
			if err != nil {
				return err
			}
			form, ok := e.load(rq, id)
			if !ok {
				return errPageNotFound
			}
			p.Edit, p.Action = form, "/admin/"+e.section+"/"+idStr(id)
			if mf, ok := form.(memberForm); ok {
				p.Lock = s.lockNote(r, rq, mf.M)
			}
		}
		s.render(w, r, rq.loc, http.StatusOK, "admin", "", p)
		return nil
	}
}

func (s *server) adminSave(e entity, isNew bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := r.ParseForm(); err != nil {
			return badParameter("form")
		}
		var id int64
		action := "/admin/" + e.section + "/new"
		if !isNew {
			var err error
			if id, err = pathID(r, "id"); err != nil {
				return err
			}
			if _, ok := e.load(rq, id); !ok {
				return errPageNotFound
			}
			action = "/admin/" + e.section + "/" + idStr(id)
		}
		form, fields := e.parse(r, rq, id)
		err := fields.Err()
		if err == nil {
			err = e.save(r, rq, id, form)
		}
		if err == nil {
			http.Redirect(w, r, "/admin/"+e.section+"?saved=1", http.StatusSeeOther)
			return nil
		}
		p := s.adminPage(r, rq, e.section)
		p.Edit, p.IsNew, p.Action = form, isNew, action
		return s.refuseAdmin(w, r, rq, p, err)
	}
}

// Forms of the admin entities. Numbers are kept as typed so a refused form
// shows them back unchanged.

type tierForm struct {
	T        workspace.Tier
	Share    string // percent
	Position string
}

type fieldForm struct {
	F        workspace.CustomField
	Options  string // one per line
	Position string
}

type memberForm struct {
	M        workspace.Member
	Password string // never rendered back
}

func (s *server) adminEntities() []entity {
	return []entity{s.tierEntity(), s.teamEntity(), s.memberEntity(), s.typeEntity(), s.fieldEntity()}
}

func (s *server) tierEntity() entity {
	toForm := func(t workspace.Tier) tierForm {
		return tierForm{T: t, Share: strconv.FormatFloat(t.TargetShare*100, 'f', -1, 64), Position: strconv.Itoa(t.Position)}
	}
	share := func(rq *request, f tierForm) tierForm { f.Share = i18n.FormatDecimal(rq.loc.Lang, f.Share); return f }
	return entity{
		section: "tiers",
		load: func(rq *request, id int64) (any, bool) {
			t := rq.dir.Tier(id)
			return share(rq, toForm(t)), t.ID != 0
		},
		blank: func(rq *request) any {
			return tierForm{T: workspace.Tier{Code: "L4"}, Share: "0", Position: strconv.Itoa(len(rq.dir.Tiers))}
		},
		parse: func(r *http.Request, rq *request, id int64) (any, problem.Fields) {
			f := problem.Fields{}
			t := rq.dir.Tier(id)
			if id == 0 {
				t.Code = r.PostForm.Get("code")
			}
			t.Name = "" // the bilingual names below decide it (see Tier.Normalize)
			t.NameFR = strings.TrimSpace(r.PostForm.Get("name_fr"))
			t.NameEN = strings.TrimSpace(r.PostForm.Get("name_en"))
			t.Description = strings.TrimSpace(r.PostForm.Get("description"))
			t.External = r.PostForm.Get("external") != ""
			t.VendorEmail = strings.TrimSpace(r.PostForm.Get("vendor_email"))
			form := tierForm{T: t, Share: strings.TrimSpace(r.PostForm.Get("target_share")), Position: strings.TrimSpace(r.PostForm.Get("position"))}
			if v, err := strconv.ParseFloat(decimal(rq, form.Share), 64); err != nil {
				f.Add("target_share", "not_a_number", "must be a number")
			} else {
				form.T.TargetShare = v / 100
			}
			if v, err := strconv.Atoi(form.Position); err != nil {
				f.Add("position", "not_a_number", "must be a number")
			} else {
				form.T.Position = v
			}
			if err := form.T.Validate(); err != nil {
				mergeFields(f, err)
			}
			return form, f
		},
		save: func(r *http.Request, rq *request, id int64, form any) error {
			t := form.(tierForm).T
			return saveEntity(r, rq, id, t, s.d.CreateTier, s.d.UpdateTier)
		},
	}
}

func (s *server) teamEntity() entity {
	return entity{
		section: "teams",
		load: func(rq *request, id int64) (any, bool) {
			t := rq.dir.Team(id)
			return t, t.ID != 0
		},
		blank: func(rq *request) any { return workspace.Team{} },
		parse: func(r *http.Request, rq *request, id int64) (any, problem.Fields) {
			f := problem.Fields{}
			t := workspace.Team{ID: id, NameFR: strings.TrimSpace(r.PostForm.Get("name_fr")), NameEN: strings.TrimSpace(r.PostForm.Get("name_en")),
				Description: strings.TrimSpace(r.PostForm.Get("description"))}
			t.TierID = formInt(f, r.PostForm, "tier_id")
			t.MemberIDs = formIDs(f, r, "member_ids")
			t.SkillIDs = formIDs(f, r, "skill_ids")
			return t, f
		},
		save: func(r *http.Request, rq *request, id int64, form any) error {
			t := form.(workspace.Team)
			return saveEntity(r, rq, id, t, s.d.CreateTeam, s.d.UpdateTeam)
		},
	}
}

func (s *server) memberEntity() entity {
	return entity{
		section: "agents",
		load: func(rq *request, id int64) (any, bool) {
			m := rq.dir.Member(id)
			return memberForm{M: m}, m.ID != 0
		},
		blank: func(rq *request) any {
			return memberForm{M: workspace.Member{Role: workspace.Agent, Active: true}}
		},
		parse: func(r *http.Request, rq *request, id int64) (any, problem.Fields) {
			f := problem.Fields{}
			m := rq.dir.Member(id)
			m.ID = id
			m.Name = strings.TrimSpace(r.PostForm.Get("name"))
			m.Email = strings.TrimSpace(r.PostForm.Get("email"))
			m.Role = workspace.Role(r.PostForm.Get("role"))
			m.Language = r.PostForm.Get("language")
			m.Timezone = strings.TrimSpace(r.PostForm.Get("timezone"))
			m.Active = r.PostForm.Get("active") != ""
			m.TierIDs = formIDs(f, r, "tier_ids")
			m.TeamIDs = formIDs(f, r, "team_ids")
			return memberForm{M: m, Password: r.PostForm.Get("password")}, f
		},
		save: func(r *http.Request, rq *request, id int64, form any) error {
			mf := form.(memberForm)
			if id == 0 {
				_, err := s.d.CreateMember(r.Context(), rq.actor, mf.M, mf.Password)
				return err
			}
			if err := s.d.UpdateMember(r.Context(), rq.actor, mf.M); err != nil {
				return err
			}
			if mf.Password != "" {
				return s.d.SetPassword(r.Context(), rq.actor, id, mf.Password)
			}
			return nil
		},
	}
}

func (s *server) typeEntity() entity {
	return entity{
		section: "types",
		load: func(rq *request, id int64) (any, bool) {
			t := rq.dir.RequestType(id)
			return t, t.ID != 0
		},
		blank: func(rq *request) any { return workspace.RequestType{Active: true} },
		parse: func(r *http.Request, rq *request, id int64) (any, problem.Fields) {
			t := rq.dir.RequestType(id)
			if id == 0 {
				t.Key = strings.TrimSpace(r.PostForm.Get("key"))
			}
			t.NameFR = strings.TrimSpace(r.PostForm.Get("name_fr"))
			t.NameEN = strings.TrimSpace(r.PostForm.Get("name_en"))
			t.Active = r.PostForm.Get("active") != ""
			// The form offers the model only in a hybrid workspace; without
			// the field the type keeps its model.
			if _, ok := r.PostForm["model"]; ok {
				t.Model = workspace.SupportModel(r.PostForm.Get("model"))
			}
			return t, problem.Fields{}
		},
		save: func(r *http.Request, rq *request, id int64, form any) error {
			t := form.(workspace.RequestType)
			return saveEntity(r, rq, id, t, s.d.CreateRequestType, s.d.UpdateRequestType)
		},
	}
}

func (s *server) fieldEntity() entity {
	find := func(rq *request, id int64) workspace.CustomField {
		for _, c := range rq.dir.CustomFields {
			if c.ID == id {
				return c
			}
		}
		return workspace.CustomField{}
	}
	return entity{
		section: "fields",
		load: func(rq *request, id int64) (any, bool) {
			c := find(rq, id)
			return fieldForm{F: c, Options: strings.Join(c.Options, "\n"), Position: strconv.Itoa(c.Position)}, c.ID != 0
		},
		blank: func(rq *request) any {
			return fieldForm{F: workspace.CustomField{Kind: workspace.Text}, Position: strconv.Itoa(len(rq.dir.CustomFields))}
		},
		parse: func(r *http.Request, rq *request, id int64) (any, problem.Fields) {
			f := problem.Fields{}
			c := find(rq, id)
			if id == 0 {
				c.Key = strings.TrimSpace(r.PostForm.Get("key"))
				c.Kind = workspace.FieldKind(r.PostForm.Get("kind"))
			}
			c.LabelFR = strings.TrimSpace(r.PostForm.Get("label_fr"))
			c.LabelEN = strings.TrimSpace(r.PostForm.Get("label_en"))
			form := fieldForm{F: c, Options: r.PostForm.Get("options"), Position: strings.TrimSpace(r.PostForm.Get("position"))}
			form.F.Options = nil
			for _, o := range strings.Split(form.Options, "\n") {
				if o = strings.TrimSpace(o); o != "" && !slices.Contains(form.F.Options, o) {
					form.F.Options = append(form.F.Options, o)
				}
			}
			if v, err := strconv.Atoi(form.Position); err != nil {
				f.Add("position", "not_a_number", "must be a number")
			} else {
				form.F.Position = v
			}
			return form, f
		},
		save: func(r *http.Request, rq *request, id int64, form any) error {
			c := form.(fieldForm).F
			return saveEntity(r, rq, id, c, s.d.CreateCustomField, s.d.UpdateCustomField)
		},
	}
}

// saveEntity saves an admin form's entity the way each of them is saved:
// created when the form had no id, updated otherwise.
func saveEntity[T any](r *http.Request, rq *request, id int64, v T, create func(context.Context, auth.Actor, T) (T, error),
	update func(context.Context, auth.Actor, T) error) error {
	if id == 0 {
		_, err := create(r.Context(), rq.actor, v)
		return err
	}
	return update(r.Context(), rq.actor, v)
}

// mergeFields adds a validation error's fields to f, so that errors found
// while parsing and those of the domain show together.
func mergeFields(f problem.Fields, err error) {
	var p *problem.Error
	if errors.As(err, &p) {
		for name, fl := range p.Fields {
			if _, seen := f[name]; !seen {
				f[name] = fl
			}
		}
	}
}

// formInt reads an optional whole number of a form (an id, mostly): 0
// when empty; one that does not parse is reported in bad as an unknown
// value, the form shown again.
func formInt(bad problem.Fields, f url.Values, name string) int64 {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		bad.Add(name, "unknown_value", "unknown value", "value", v)
	}
	return n
}

// formIDs reads a multi-select; the result is never nil, so "none
// checked" replaces the list rather than leaving it alone.
func formIDs(f problem.Fields, r *http.Request, name string) []int64 {
	out := []int64{}
	for _, v := range r.PostForm[name] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.Add(name, "unknown_value", "unknown value", "value", v)
			continue
		}
		out = append(out, id)
	}
	return out
}
