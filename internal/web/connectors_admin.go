package web

import (
	"net/http"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/desk"
)

// The admin page of channel connectors (package connector): declare one
// (its secret shown once, on the answer to the POST), change its webhook,
// turn it off. Everything goes through the desk, which checks the admin
// role again and audits.

type connectorsPage struct {
	base
	Connectors []connector.Connector
	Created    *connector.Connector // just created: its secret shown this once
	Form       connectorForm
	EditID     int64 // the row whose form is open, after a refused save
	Errors     formErrors
	Message    string
	Done       bool
}

type connectorForm struct {
	Name, WebhookURL string
	Public, Active   bool
}

func (f connectorForm) settings() desk.ConnectorSettings {
	return desk.ConnectorSettings{Name: f.Name, WebhookURL: f.WebhookURL, Public: f.Public, Active: f.Active}
}

func (s *server) connectorsPage(r *http.Request, rq *request) (connectorsPage, error) {
	p := connectorsPage{base: s.base(r, rq, rq.loc.T("connectors.title"), "admin"), Form: connectorForm{Active: true}}
	list, err := s.d.Connectors(r.Context(), rq.actor)
	p.Connectors = list
	return p, err
}

func (s *server) connectorsList(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, err := s.connectorsPage(r, rq)
	if err != nil {
		return err
	}
	p.Done = r.URL.Query().Get("done") == "1"
	s.render(w, r, rq.loc, http.StatusOK, "connectors", "", p)
	return nil
}

func readConnectorForm(r *http.Request) connectorForm {
	return connectorForm{Name: r.PostFormValue("name"), WebhookURL: r.PostFormValue("webhook_url"),
		Public: r.PostFormValue("public") == "on", Active: r.PostFormValue("active") != "off"}
}

// refused renders the page again with a save's field errors.
func (s *server) connectorRefused(w http.ResponseWriter, r *http.Request, rq *request, p connectorsPage, err error) error {
	fe, ok := rq.loc.fieldErrors(err)
	if !ok {
		return err
	}
	p.Errors, p.Message = fe, rq.loc.Error(err)
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "connectors", "", p)
	return nil
}

func (s *server) createConnector(w http.ResponseWriter, r *http.Request, rq *request) error {
	form := readConnectorForm(r)
	c, err := s.d.CreateConnector(r.Context(), rq.actor, form.settings())
	p, lerr := s.connectorsPage(r, rq)
	if lerr != nil {
		return lerr
	}
	if err != nil {
		p.Form = form
		return s.connectorRefused(w, r, rq, p, err)
	}
	p.Created = &c
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, rq.loc, http.StatusOK, "connectors", "", p)
	return nil
}

func (s *server) updateConnector(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	form := readConnectorForm(r)
	if _, err := s.d.UpdateConnector(r.Context(), rq.actor, id, form.settings()); err != nil {
		p, lerr := s.connectorsPage(r, rq)
		if lerr != nil {
			return lerr
		}
		p.EditID = id
		return s.connectorRefused(w, r, rq, p, err)
	}
	http.Redirect(w, r, "/admin/connectors?done=1", http.StatusSeeOther)
	return nil
}
