package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/kb"
)

// The help box's admin page, /admin/helpbox: its public key (create,
// rotate), the origins allowed to embed it, and the page mappings. Admins
// only, checked again by the desk on every write, which audits it.

const helpBoxAdminPath = "/admin/helpbox"

type helpBoxAdminPage struct {
	base
	Links   []adminLink
	Setup   desk.HelpBoxSetup
	Snippet string
	Origins string // the textarea's text
	Rows    []mappingRow
	Kinds   []option
	Targets []option
	Form    mappingForm
	Errors  formErrors
	Message string
	Saved   string // which form was just saved
}

type mappingRow struct {
	helpbox.Mapping
	Kind   string
	Target string
}

type mappingForm struct {
	Kind, Pattern, Target string
}

func (s *server) helpBoxAdminPage(r *http.Request, rq *request) (helpBoxAdminPage, error) {
	ctx := r.Context()
	setup, err := s.d.HelpBoxSetup(ctx, rq.actor)
	if err != nil {
		return helpBoxAdminPage{}, err
	}
	p := helpBoxAdminPage{base: s.base(r, rq, rq.loc.T("admin.helpbox"), "admin"), Setup: setup,
		Origins: strings.Join(setup.Settings.Origins, "\n"), Saved: r.URL.Query().Get("saved"), Form: mappingForm{Kind: string(helpbox.Prefix)}}
	for _, l := range adminLinks(rq, "") {
		l.Current = l.URL == helpBoxAdminPath
		p.Links = append(p.Links, l)
	}
	if setup.Enabled {
		scheme := "http"
		if s.secure(r) {
			scheme = "https"
		}
		p.Snippet = `<script src="` + scheme + "://" + r.Host + "/help/box.js?key=" + setup.Settings.Key + `" async></script>`
	}
	for _, k := range helpbox.Kinds {
		p.Kinds = append(p.Kinds, option{string(k), rq.loc.T("helpbox.kind." + string(k))})
	}
	cats, err := s.d.KBCategories(ctx, rq.actor.WorkspaceID)
	if err != nil {
		return p, err
	}
	arts, err := s.d.Articles(ctx, rq.actor, kb.Filter{Status: kb.Published, Visibility: kb.Public, Limit: 200})
	if err != nil {
		return p, err
	}
	names := map[string]string{}
	for _, c := range cats {
		o := option{"category:" + idStr(c.ID), rq.loc.T("helpbox.category_label", "name", c.Name(rq.loc.Lang))}
		p.Targets, names[o.Value] = append(p.Targets, o), o.Label
	}
	for _, a := range arts {
		o := option{"article:" + idStr(a.ID), a.Title + " (" + a.Language + ")"}
		p.Targets, names[o.Value] = append(p.Targets, o), o.Label
	}
	for _, m := range setup.Mappings {
		key := "article:" + idStr(m.ArticleID)
		if m.CategoryID != 0 {
			key = "category:" + idStr(m.CategoryID)
		}
		target := names[key]
		if target == "" {
			target = rq.loc.T("helpbox.unknown_target")
		}
		p.Rows = append(p.Rows, mappingRow{Mapping: m, Kind: rq.loc.T("helpbox.kind." + string(m.Kind)), Target: target})
	}
	return p, nil
}

func (s *server) helpBoxRotate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.d.RotateHelpBoxKey(r.Context(), rq.actor); err != nil {
		return err
	}
	http.Redirect(w, r, helpBoxAdminPath+"?saved=key", http.StatusSeeOther)
	return nil
}

func (s *server) helpBoxOrigins(w http.ResponseWriter, r *http.Request, rq *request) error {
	text := r.PostFormValue("origins")
	err := s.d.SetHelpBoxOrigins(r.Context(), rq.actor, text)
	if err == nil {
		http.Redirect(w, r, helpBoxAdminPath+"?saved=origins", http.StatusSeeOther)
		return nil
	}
	return s.refuseHelpBox(w, r, rq, err, func(p *helpBoxAdminPage) { p.Origins = text })
}

func (s *server) helpBoxAddMapping(w http.ResponseWriter, r *http.Request, rq *request) error {
	form := mappingForm{Kind: r.PostFormValue("kind"), Pattern: r.PostFormValue("pattern"), Target: r.PostFormValue("target")}
	m := helpbox.Mapping{Kind: helpbox.Kind(form.Kind), Pattern: form.Pattern}
	kind, id, _ := strings.Cut(form.Target, ":")
	n, _ := strconv.ParseInt(id, 10, 64)
	switch kind {
	case "article":
		m.ArticleID = n
	case "category":
		m.CategoryID = n
	}
	_, err := s.d.AddHelpBoxMapping(r.Context(), rq.actor, m)
	if err == nil {
		http.Redirect(w, r, helpBoxAdminPath+"?saved=mappings", http.StatusSeeOther)
		return nil
	}
	return s.refuseHelpBox(w, r, rq, err, func(p *helpBoxAdminPage) { p.Form = form })
}

func (s *server) helpBoxDeleteMapping(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.d.DeleteHelpBoxMapping(r.Context(), rq.actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, helpBoxAdminPath+"?saved=mappings", http.StatusSeeOther)
	return nil
}

// refuseHelpBox shows the page again with the refused form as typed and
// its errors next to the fields; other errors fail the request.
func (s *server) refuseHelpBox(w http.ResponseWriter, r *http.Request, rq *request, err error, keep func(*helpBoxAdminPage)) error {
	return showRefused(s, w, r, rq, err, "helpbox_admin",
		func() (helpBoxAdminPage, error) { return s.helpBoxAdminPage(r, rq) },
		func(p *helpBoxAdminPage, fe formErrors) {
			p.Saved = ""
			keep(p)
			p.Errors, p.Message = fe, rq.loc.Error(err)
		})
}
