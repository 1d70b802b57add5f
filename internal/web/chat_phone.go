package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
)

// logCall records a phone call from the ticket page's "Log a call" form
// (desk.LogCall checks access and every field).
func (s *server) logCall(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	minutes, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("minutes")))
	if err != nil {
		minutes = -1 // refused by the desk as out of range
	}
	in := desk.Call{Direction: r.PostFormValue("direction"), Number: r.PostFormValue("number"), Notes: r.PostFormValue("notes")}
	in.DurationSeconds = minutes * 60
	if minutes < 0 {
		in.DurationSeconds = -1
	}
	if _, _, err := s.d.LogCall(r.Context(), rq.actor, id, in); err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+idStr(id), http.StatusSeeOther)
	return nil
}
