package web

import (
	"net/http"

	"github.com/palier/palier/internal/problem"
)

// The agent's own signature, added under their public replies' emails.

func signatureForm(s *server) oneForm[string] {
	return oneForm[string]{path: "/settings/signature", template: "settings_signature", title: "signature.title", section: "settings",
		load: func(r *http.Request, rq *request) (string, error) { return s.d.OwnSignature(r.Context(), rq.actor) },
		read: func(r *http.Request) string { return r.PostForm.Get("signature") },
		save: func(r *http.Request, rq *request, sig string) error {
			return s.d.SetOwnSignature(r.Context(), rq.actor, sig)
		},
		// A signature too long for the email is refused as a whole.
		refusedToo: func(err error) bool { return problem.Is(err, problem.Invalid) }}
}
