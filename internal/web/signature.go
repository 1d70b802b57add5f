package web

import (
	"net/http"

	"github.com/palier/palier/internal/problem"
)

// The agent's own signature, added under their public replies' emails.

type signaturePage struct {
	base
	Signature string
	Saved     bool
	Errors    formErrors
	Message   string
}

func (s *server) signatureRoutes(mux *http.ServeMux) {
	mux.Handle("GET /settings/signature", s.auth(s.signaturePage))
	mux.Handle("POST /settings/signature", s.auth(s.saveSignature))
}

func (s *server) signaturePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	sig, err := s.d.OwnSignature(r.Context(), rq.actor)
	if err != nil {
		return err
	}
	p := signaturePage{base: s.base(r, rq, rq.loc.T("signature.title"), "settings"), Signature: sig, Saved: r.URL.Query().Get("saved") == "1"}
	s.render(w, r, rq.loc, http.StatusOK, "settings_signature", "", p)
	return nil
}

func (s *server) saveSignature(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	sig := r.PostForm.Get("signature")
	err := s.d.SetOwnSignature(r.Context(), rq.actor, sig)
	if err == nil {
		http.Redirect(w, r, "/settings/signature?saved=1", http.StatusSeeOther)
		return nil
	}
	fe, ok := rq.loc.fieldErrors(err)
	if !ok && !problem.Is(err, problem.Invalid) {
		return err
	}
	p := signaturePage{base: s.base(r, rq, rq.loc.T("signature.title"), "settings"), Signature: sig, Errors: fe, Message: rq.loc.Error(err)}
	s.render(w, r, rq.loc, http.StatusUnprocessableEntity, "settings_signature", "", p)
	return nil
}
