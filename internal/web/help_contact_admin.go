package web

import (
	"net/http"

	"github.com/palier/palier/internal/store"
)

// The contact form's settings (admins): the phone number and hours shown
// as the form's last rung.

type contactAdminPage struct {
	base
	Settings store.ContactSettings
	Errors   formErrors
	Message  string
	Saved    bool
}

func (s *server) contactAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/contact", s.admin(s.contactAdmin))
	mux.Handle("POST /admin/contact", s.admin(s.saveContactAdmin))
}

func (s *server) contactAdmin(w http.ResponseWriter, r *http.Request, rq *request) error {
	c, err := s.d.ContactSettings(r.Context(), rq.actor.WorkspaceID)
	if err != nil {
		return err
	}
	p := contactAdminPage{base: s.base(r, rq, rq.loc.T("contact.admin_title"), "admin"), Settings: c, Saved: r.URL.Query().Get("saved") != ""}
	s.render(w, r, rq.loc, http.StatusOK, "help_contact_admin", "", p)
	return nil
}

func (s *server) saveContactAdmin(w http.ResponseWriter, r *http.Request, rq *request) error {
	c := store.ContactSettings{Phone: r.PostFormValue("phone"), Hours: r.PostFormValue("hours"), Callbacks: r.PostFormValue("callbacks") == "on"}
	err := s.d.SaveContactSettings(r.Context(), rq.actor, c)
	if fe, ok := rq.loc.fieldErrors(err); ok {
		p := contactAdminPage{base: s.base(r, rq, rq.loc.T("contact.admin_title"), "admin"), Settings: c, Errors: fe, Message: rq.loc.Error(err)}
		s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "help_contact_admin", "", p)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/contact?saved=1", http.StatusSeeOther)
	return nil
}
