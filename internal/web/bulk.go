package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
)

// Bulk actions from a ticket list: tickets ticked in the list (shift-click
// ticks a range, the header box all of the view), one change and an
// optional reply for all. The page sends the selection in chunks and
// shows a progress bar and each ticket's result (bulk.js); without
// JavaScript the form posts once and the list says how it went.

// bulkChunk is how many tickets the page sends per request.
const bulkChunk = 20

type bulkResultJSON struct {
	ID        int64  `json:"id"`
	Reference string `json:"reference"`
	OK        bool   `json:"ok"`
	Error     string `json:"error,omitempty"`
}

func (s *server) bulkUpdate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	f := problem.Fields{}
	ids := formIDs(f, r, "ticket")
	if err := f.Err(); err != nil {
		return badParameter("ticket")
	}
	b, err := bulkOf(rq, r)
	if err == nil {
		var res []desk.BulkResult
		if res, err = s.d.BulkUpdate(r.Context(), rq.actor, ids, b); err == nil {
			return s.bulkAnswer(w, r, rq, res)
		}
	}
	if wantsJSON(r) {
		p, ok := problem.As(err)
		if !ok || p.Kind == problem.Internal {
			return err
		}
		fe, _ := rq.loc.fieldErrors(err)
		writeJSON(w, p.Kind.Status(), map[string]any{"error": rq.loc.Error(err), "fields": fe})
		return nil
	}
	return err
}

// bulkOf reads the change the bar asks for; an empty select leaves the
// field as it is.
func bulkOf(rq *request, r *http.Request) (desk.Bulk, error) {
	f := r.PostForm
	b := desk.Bulk{Reply: strings.TrimSpace(f.Get("reply")), Note: f.Get("as_note") == "1", AddTags: splitTags(f.Get("add_tags"))}
	if v := f.Get("status"); v != "" {
		b.Status = &v
	}
	if v := f.Get("priority"); v != "" {
		b.Priority = &v
	}
	switch v := f.Get("owner"); v {
	case "":
	case "me":
		b.OwnerID = &rq.actor.AgentID
	case "none":
		var none int64
		b.OwnerID = &none
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return b, badParameter("owner")
		}
		b.OwnerID = &id
	}
	if v := f.Get("team"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return b, badParameter("team")
		}
		b.TeamID = &id
	}
	return b, nil
}

func (s *server) bulkAnswer(w http.ResponseWriter, r *http.Request, rq *request, res []desk.BulkResult) error {
	out := make([]bulkResultJSON, 0, len(res))
	failed := 0
	for _, x := range res {
		j := bulkResultJSON{ID: x.TicketID, Reference: x.Reference, OK: x.Err == nil}
		if x.Err != nil {
			failed++
			if p, ok := problem.As(x.Err); !ok || p.Kind == problem.Internal {
				s.log.Error("web: bulk update", "ticket", x.TicketID, "err", x.Err)
			}
			j.Error = rq.loc.Error(x.Err)
			if j.Reference == "" {
				j.Reference = "#" + strconv.FormatInt(x.TicketID, 10)
			}
		}
		out = append(out, j)
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"results": out})
		return nil
	}
	back := localNext(r.PostFormValue("back"))
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"bulk_done="+strconv.Itoa(len(res)-failed)+"&bulk_failed="+strconv.Itoa(failed), http.StatusSeeOther)
	return nil
}

// wantsJSON: the page's script asks for results it shows itself.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
