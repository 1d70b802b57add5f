package web

import "net/http"

// The workspace's help-centre setting, on the admin workspace page:
// whether customers see the first names of the agents who answer them.
func (s *server) savePortalSettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	// The hidden "0" comes first; a ticked box adds "1" after it.
	vals := r.PostForm["agent_names"]
	if len(vals) == 0 {
		return badParameter("agent_names")
	}
	on := vals[len(vals)-1] == "1"
	if err := s.d.SetPortalShowsAgentNames(r.Context(), rq.actor, on); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/workspace?saved=1#portal-settings", http.StatusSeeOther)
	return nil
}
