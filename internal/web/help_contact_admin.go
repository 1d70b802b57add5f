package web

import (
	"net/http"

	"github.com/palier/palier/internal/store"
)

// The contact form's settings (admins): the phone number and hours shown
// as the form's last rung.

func contactAdminForm(s *server) oneForm[store.ContactSettings] {
	return oneForm[store.ContactSettings]{path: "/admin/contact", template: "help_contact_admin", title: "contact.admin_title", section: "admin",
		load: func(r *http.Request, rq *request) (store.ContactSettings, error) {
			return s.d.ContactSettings(r.Context(), rq.actor.WorkspaceID)
		},
		read: func(r *http.Request) store.ContactSettings {
			return store.ContactSettings{Phone: r.PostFormValue("phone"), Hours: r.PostFormValue("hours"), Callbacks: r.PostFormValue("callbacks") == "on"}
		},
		save: func(r *http.Request, rq *request, c store.ContactSettings) error {
			return s.d.SaveContactSettings(r.Context(), rq.actor, c)
		}}
}
