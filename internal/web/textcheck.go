package web

import (
	"maps"
	"mime"
	"net/http"
	"slices"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/text"
)

// checkText holds every page to the one text rule (package text) before any
// handler runs: the path, the query string and, for posted forms, every
// field. A refused request reaches no handler, so nothing is written, and
// both databases behave the same (PostgreSQL would fail on a NUL byte that
// SQLite stores). The answer is a 400 page naming the field, in the
// visitor's language.
func (s *server) checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := text.CheckValues(r.URL.Query(), true)
		text.Check(r.URL.Path, text.Line).Add(f, "path")
		if r.Method == http.MethodPost && isForm(r) {
			// Parsing here leaves r.PostForm ready for the handler.
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, s.anonLocale(r), badParameter("form"))
				return
			}
			maps.Copy(f, text.CheckValues(r.PostForm, false))
		}
		if len(f) > 0 {
			name := slices.Sorted(maps.Keys(f))[0]
			s.fail(w, r, s.anonLocale(r), problem.New(problem.BadRequest, "bad_text", "the field "+name+" contains a character that is not allowed").
				With("field", name))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}
