package web

import "net/http"

// Shapes the settings pages share (macros, mailboxes, SMTP relay): a page
// built from the request and shown, the optional id of the thing a form
// saves, and the confirmation a save or a delete comes back with.

// showPage serves a page built by build with its template.
func showPage[P any](s *server, template string, build func(*http.Request, *request) (P, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		p, err := build(r, rq)
		if err != nil {
			return err
		}
		s.render(w, r, rq.loc, http.StatusOK, template, "", p)
		return nil
	}
}

// optionalID is the id a form posts to (POST /things/{id}), or 0 for a
// new one (POST /things).
func optionalID(r *http.Request) (int64, error) {
	if r.PathValue("id") == "" {
		return 0, nil
	}
	return pathID(r, "id")
}

// doneKey is the catalogue key of the confirmation a page shows after a
// save or a delete redirected to it with ?done=saved|deleted, or "".
func doneKey(r *http.Request, prefix string) string {
	if d := r.URL.Query().Get("done"); d == "saved" || d == "deleted" {
		return prefix + ".done_" + d
	}
	return ""
}
