package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// The escalation procedures pages (administrators): the list, and one
// procedure's editor — its steps up the tiers and what each step requires
// before the hand-off. Inputs are named by their validation paths
// ("steps[1].required[0].key"), so that every error the desk reports lands
// next to its input without a mapping. Adding and removing steps or items
// posts the form and shows it again, kept as typed.

const (
	proceduresPath = "/admin/procedures"
	// maxProcSteps bounds the steps of a form: five tiers give at most four
	// steps up; the margin lets a mistaken extra step be shown and refused.
	maxProcSteps = 6
)

func (s *server) procedureRoutes(mux *http.ServeMux) {
	mux.Handle("GET "+proceduresPath, s.admin(s.proceduresList))
	mux.Handle("GET "+proceduresPath+"/new", s.admin(s.procedureNew))
	mux.Handle("POST "+proceduresPath+"/new", s.admin(s.procedurePost))
	mux.Handle("GET "+proceduresPath+"/{id}", s.admin(s.procedureEdit))
	mux.Handle("POST "+proceduresPath+"/{id}", s.admin(s.procedurePost))
}

// proceduresPage is the list or the editor.
type proceduresPage struct {
	base
	Links []adminLink
	Saved bool
	List  []procRow
	// BuiltIn is the path of the built-in procedure, shown while the
	// workspace has no default of its own.
	BuiltIn      string
	BuiltInItems int
	// Uncovered names the request types that follow the default.
	Uncovered []string
	Form      *procForm
}

type procRow struct {
	ID               int64
	Name, Type, Path string
	Items            int
}

// procForm is one procedure as typed, with its errors.
type procForm struct {
	ID       int64
	IsNew    bool
	Action   string
	Name     string
	TypeID   string
	Steps    []stepForm
	Errors   formErrors // "name", "request_type_id", "steps"
	Message  string
	Messages []string // failures without an input of their own
	CanAdd   bool
	Opts     procOptions
}

type stepForm struct {
	Index, N                               int // N counts from 1, for people
	From, To, Team, GuidanceFR, GuidanceEN string
	Vendor                                 string
	Items                                  []itemForm
	Errors                                 formErrors // by name within the step: "from_tier"…
	CanAdd                                 bool
}

type itemForm struct {
	Index, N                                    int
	Key, Kind, LabelFR, LabelEN, HelpFR, HelpEN string
	Errors                                      formErrors // by name within the item: "key"…
}

type procOptions struct {
	Tiers, Teams, Types, Kinds []option
	Fields                     []string // custom field keys, for custom_field items
}

func (s *server) proceduresPage(r *http.Request, rq *request) proceduresPage {
	return proceduresPage{base: s.base(r, rq, rq.loc.T("admin.procedures"), "admin"), Links: adminLinks(rq, "procedures")}
}

func (s *server) proceduresList(w http.ResponseWriter, r *http.Request, rq *request) error {
	procs, err := s.d.Procedures(r.Context(), rq.actor)
	if err != nil {
		return err
	}
	l := rq.loc
	p := s.proceduresPage(r, rq)
	p.Saved = r.URL.Query().Get("saved") == "1"
	covered := map[int64]bool{}
	for _, pr := range procs {
		covered[pr.RequestTypeID] = true
		p.List = append(p.List, procRow{ID: pr.ID, Name: pr.Name, Type: s.procType(rq, pr.RequestTypeID), Path: stepPath(pr.Steps), Items: itemCount(pr)})
	}
	if !covered[0] {
		def := escalation.DefaultProcedure(l.Lang)
		p.BuiltIn, p.BuiltInItems = stepPath(def.Steps), itemCount(def)
	}
	for _, rt := range rq.dir.RequestTypes {
		if !covered[rt.ID] {
			p.Uncovered = append(p.Uncovered, rt.Name(l.Lang))
		}
	}
	s.render(w, r, l, http.StatusOK, "admin_procedures", "", p)
	return nil
}

func (s *server) procType(rq *request, id int64) string {
	if id == 0 {
		return rq.loc.T("procedures.default_type")
	}
	return rq.dir.RequestType(id).Name(rq.loc.Lang)
}

// stepPath is "L1 → L2 → L3", the tiers a procedure climbs.
func stepPath(steps []escalation.Step) string {
	var tiers []string
	for i, st := range steps {
		if i == 0 {
			tiers = append(tiers, st.FromTier)
		}
		tiers = append(tiers, st.ToTier)
	}
	return strings.Join(tiers, " → ")
}

func itemCount(p escalation.Procedure) int {
	n := 0
	for _, st := range p.Steps {
		n += len(st.Required)
	}
	return n
}

// procedureNew starts from the built-in procedure, limited to the tiers
// this workspace has: editing sensible steps beats typing them.
func (s *server) procedureNew(w http.ResponseWriter, r *http.Request, rq *request) error {
	def := escalation.DefaultProcedure(rq.loc.Lang)
	def.Name = ""
	var steps []escalation.Step
	for _, st := range def.Steps {
		if rq.dir.TierByCode(st.FromTier).ID != 0 && rq.dir.TierByCode(st.ToTier).ID != 0 {
			steps = append(steps, st)
		}
	}
	def.Steps = steps
	return s.showProcedure(w, r, rq, def, true, http.StatusOK)
}

func (s *server) procedureEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, err := s.loadProcedure(r, rq)
	if err != nil {
		return err
	}
	return s.showProcedure(w, r, rq, p, false, http.StatusOK)
}

func (s *server) loadProcedure(r *http.Request, rq *request) (escalation.Procedure, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return escalation.Procedure{}, err
	}
	procs, err := s.d.Procedures(r.Context(), rq.actor)
	if err != nil {
		return escalation.Procedure{}, err
	}
	for _, p := range procs {
		if p.ID == id {
			return p, nil
		}
	}
	return escalation.Procedure{}, errPageNotFound
}

func (s *server) showProcedure(w http.ResponseWriter, r *http.Request, rq *request, p escalation.Procedure, isNew bool, status int) error {
	page := s.proceduresPage(r, rq)
	page.Form = s.procFormOf(rq, p, isNew)
	s.renderProcedure(w, r, rq, page, status)
	return nil
}

func (s *server) renderProcedure(w http.ResponseWriter, r *http.Request, rq *request, p proceduresPage, status int) {
	if isHTMX(r) {
		s.render(w, r, rq.loc, status, "admin_procedures", "procedure-form", p)
		return
	}
	s.render(w, r, rq.loc, status, "admin_procedures", "", p)
}

// procedurePost saves the form, or adds or removes a step or an item.
func (s *server) procedurePost(w http.ResponseWriter, r *http.Request, rq *request) error {
	isNew := r.PathValue("id") == ""
	var id int64
	if !isNew {
		cur, err := s.loadProcedure(r, rq)
		if err != nil {
			return err
		}
		id = cur.ID
	}
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	p, fields := parseProcedure(r.PostForm, id)
	op, arg, _ := strings.Cut(r.PostForm.Get("op"), ":")
	if op != "save" {
		p = editProcedure(p, op, arg)
		return s.showProcedure(w, r, rq, p, isNew, http.StatusOK)
	}
	err := fields.Err()
	if err == nil {
		_, err = s.d.SaveProcedure(r.Context(), rq.actor, p)
	}
	if err == nil {
		seeOther(w, r, proceduresPath+"?saved=1")
		return nil
	}
	if _, ok := problem.As(err); !ok || !hasFieldErrors(err) {
		return err
	}
	page := s.proceduresPage(r, rq)
	page.Form = s.procFormOf(rq, p, isNew)
	page.Form.placeErrors(rq.loc, err)
	s.renderProcedure(w, r, rq, page, http.StatusUnprocessableEntity)
	return nil
}

func hasFieldErrors(err error) bool {
	p, ok := problem.As(err)
	return ok && len(p.Fields) > 0
}

// parseProcedure reads the form. Problems found while reading (a team
// that is not a number) come back as fields, named like the desk's.
func parseProcedure(f url.Values, id int64) (escalation.Procedure, problem.Fields) {
	bad := problem.Fields{}
	p := escalation.Procedure{ID: id, Name: strings.TrimSpace(f.Get("name"))}
	p.RequestTypeID = formInt(bad, f, "request_type_id")
	for i := range procCount(f.Get("steps"), maxProcSteps) {
		p.Steps = append(p.Steps, parseStep(bad, f, "steps["+strconv.Itoa(i)+"]"))
	}
	return p, bad
}

func parseStep(bad problem.Fields, f url.Values, path string) escalation.Step {
	st := escalation.Step{FromTier: f.Get(path + ".from_tier"), ToTier: f.Get(path + ".to_tier"),
		GuidanceFR: strings.TrimSpace(f.Get(path + ".guidance_fr")), GuidanceEN: strings.TrimSpace(f.Get(path + ".guidance_en")),
		VendorEmail: strings.TrimSpace(f.Get(path + ".vendor_email")), Required: []escalation.Item{}}
	st.TeamID = formInt(bad, f, path+".team_id")
	for j := range procCount(f.Get(path+".items"), escalation.MaxItems+1) {
		ip := path + ".required[" + strconv.Itoa(j) + "]"
		st.Required = append(st.Required, escalation.Item{Key: strings.TrimSpace(f.Get(ip + ".key")), Kind: escalation.ItemKind(f.Get(ip + ".kind")),
			LabelFR: strings.TrimSpace(f.Get(ip + ".label_fr")), LabelEN: strings.TrimSpace(f.Get(ip + ".label_en")),
			HelpFR: strings.TrimSpace(f.Get(ip + ".help_fr")), HelpEN: strings.TrimSpace(f.Get(ip + ".help_en"))})
	}
	return st
}

// procCount reads a count of repeated inputs, capped so that a forged
// form cannot make the server build a huge procedure.
func procCount(v string, limit int) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return min(n, limit)
}

// editProcedure adds or removes a step or an item. A new step starts
// where the last one ends, one tier up.
func editProcedure(p escalation.Procedure, op, arg string) escalation.Procedure {
	i, j := opIndexes(arg)
	switch {
	case op == "add_step" && len(p.Steps) < maxProcSteps:
		p.Steps = append(p.Steps, nextProcStep(p.Steps))
	case op == "remove_step" && i >= 0 && i < len(p.Steps):
		p.Steps = append(p.Steps[:i], p.Steps[i+1:]...)
	case op == "add_item" && i >= 0 && i < len(p.Steps) && len(p.Steps[i].Required) < escalation.MaxItems:
		p.Steps[i].Required = append(p.Steps[i].Required, escalation.Item{Kind: escalation.KindAnswer})
	case op == "remove_item" && i >= 0 && i < len(p.Steps) && j >= 0 && j < len(p.Steps[i].Required):
		req := p.Steps[i].Required
		p.Steps[i].Required = append(req[:j], req[j+1:]...)
	}
	return p
}

// opIndexes reads "i" or "i:j" (-1 when absent or malformed).
func opIndexes(arg string) (int, int) {
	a, b, _ := strings.Cut(arg, ":")
	i, err := strconv.Atoi(a)
	if err != nil {
		i = -1
	}
	j, err := strconv.Atoi(b)
	if err != nil {
		j = -1
	}
	return i, j
}

func nextProcStep(steps []escalation.Step) escalation.Step {
	from := "L1"
	if len(steps) > 0 {
		from = steps[len(steps)-1].ToTier
	}
	to := ""
	if len(from) == 2 && from[0] == 'L' && from[1] >= '0' && from[1] < '4' {
		to = "L" + string(from[1]+1)
	}
	return escalation.Step{FromTier: from, ToTier: to, Required: []escalation.Item{}}
}

func (s *server) procFormOf(rq *request, p escalation.Procedure, isNew bool) *procForm {
	f := &procForm{ID: p.ID, IsNew: isNew, Name: p.Name, TypeID: idStr(p.RequestTypeID), Errors: formErrors{},
		CanAdd: len(p.Steps) < maxProcSteps, Opts: procOpts(rq)}
	f.Action = proceduresPath + "/new"
	if !isNew {
		f.Action = proceduresPath + "/" + strconv.FormatInt(p.ID, 10)
	}
	for i, st := range p.Steps {
		sf := stepForm{Index: i, N: i + 1, From: st.FromTier, To: st.ToTier, Team: idStr(st.TeamID), GuidanceFR: st.GuidanceFR,
			GuidanceEN: st.GuidanceEN, Vendor: st.VendorEmail, Errors: formErrors{}, CanAdd: len(st.Required) < escalation.MaxItems}
		for j, it := range st.Required {
			sf.Items = append(sf.Items, itemForm{Index: j, N: j + 1, Key: it.Key, Kind: string(it.Kind), LabelFR: it.LabelFR, LabelEN: it.LabelEN,
				HelpFR: it.HelpFR, HelpEN: it.HelpEN, Errors: formErrors{}})
		}
		f.Steps = append(f.Steps, sf)
	}
	return f
}

func procOpts(rq *request) procOptions {
	l := rq.loc
	o := procOptions{}
	for _, t := range rq.dir.Tiers {
		if !t.SelfService() { // no agent works at L0: no hand-off starts or ends there
			o.Tiers = append(o.Tiers, option{t.Code, t.Code + " · " + t.NameIn(l.Lang)})
		}
	}
	o.Teams = []option{{"", l.T("procedures.team_default")}}
	for _, t := range rq.dir.Teams {
		o.Teams = append(o.Teams, option{idStr(t.ID), rq.dir.Tier(t.TierID).Code + " · " + t.NameIn(l.Lang)})
	}
	o.Types = []option{{"", l.T("procedures.default_type")}}
	for _, rt := range rq.dir.RequestTypes {
		o.Types = append(o.Types, option{idStr(rt.ID), rt.Name(l.Lang)})
	}
	for _, k := range []escalation.ItemKind{escalation.KindAnswer, escalation.KindCustomField, escalation.KindAttachment} {
		o.Kinds = append(o.Kinds, option{string(k), l.T("procedures.kind." + string(k))})
	}
	for _, cf := range rq.dir.CustomFields {
		o.Fields = append(o.Fields, cf.Key)
	}
	return o
}

// placeErrors puts each failure next to its input, by path.
func (f *procForm) placeErrors(l *locale, err error) {
	p, _ := problem.As(err)
	f.Message = l.Error(err)
	for path, fl := range p.Fields {
		msg := procErrText(l, fl)
		if !f.placeOne(path, msg) {
			f.Messages = append(f.Messages, l.T("routing.place.path", "path", path)+msg)
		}
	}
}

// placeOne files a message under the step or item its path names, and
// reports whether the form has a place for it.
func (f *procForm) placeOne(path, msg string) bool {
	switch path {
	case "name", "request_type_id", "steps":
		f.Errors[path] = msg
		return true
	}
	i, rest, ok := pathIndex(path, "steps[")
	if !ok || i >= len(f.Steps) {
		return false
	}
	st := &f.Steps[i]
	j, name, ok := pathIndex(rest, ".required[")
	switch {
	case !ok && strings.HasPrefix(rest, "."):
		st.Errors[strings.TrimPrefix(rest, ".")] = msg
	case ok && j < len(st.Items) && strings.HasPrefix(name, "."):
		st.Items[j].Errors[strings.TrimPrefix(name, ".")] = msg
	case ok && name == "":
		st.Errors["required"] = msg
	default:
		return false
	}
	return true
}

// pathIndex splits "steps[2].to_tier" into 2 and ".to_tier" for the prefix
// "steps[".
func pathIndex(path, prefix string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	end := strings.IndexByte(rest, ']')
	if !ok || end < 0 {
		return 0, path, false
	}
	n, err := strconv.Atoi(rest[:end])
	if err != nil || n < 0 {
		return 0, path, false
	}
	return n, rest[end+1:], true
}

// procErrText words a procedure's failure: escalation's own texts, else
// the web's.
func procErrText(l *locale, f problem.Field) string {
	if txt := (escalation.ValidationError{Code: f.Code, Params: f.Params}).Text(l.Lang); txt != f.Code {
		return txt
	}
	if key := "procedures.err." + f.Code; i18n.Has(key) {
		return l.T(key)
	}
	return l.fieldMessage(f)
}
