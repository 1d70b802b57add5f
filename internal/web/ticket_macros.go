package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Macros on the ticket page: a picker beside the composer (shortcut "m",
// type to filter), a preview of the chosen macro filled in for this
// ticket, and "use" puts its text in the composer with the macro's id, so
// sending the message applies its actions in the same step (app.js).

// macroPicker is the list the picker offers.
type macroPicker struct {
	TicketID int64
	Macros   []macroChoice
}

type macroChoice struct {
	ID    int64
	Name  string
	Usage int64
}

type macroPreviewView struct {
	TicketID int64
	P        desk.MacroPreview
	Actions  []string
	// Body is the filled text as the data attribute "use" copies.
	Body string
}

// macroPickerFor lists the macros the agent may use on a ticket they
// may post on; none for those who only read it, nor on a merged ticket,
// which takes notes only (a macro's reply and actions would be refused:
// the conversation goes on on the ticket kept).
func (s *server) macroPickerFor(ctx context.Context, rq *request, t ticket.Ticket) (macroPicker, error) {
	p := macroPicker{TicketID: t.ID}
	if !ticket.CanNote(rq.actor, t) && !ticket.CanWork(rq.actor, t) || t.MergedIntoID != 0 {
		return p, nil
	}
	list, err := s.d.Macros(ctx, rq.actor)
	for _, m := range list {
		p.Macros = append(p.Macros, macroChoice{ID: m.ID, Name: m.Name, Usage: m.Usage})
	}
	return p, err
}

func (s *server) macroPreview(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	mid, err := pathID(r, "macro")
	if err != nil {
		return err
	}
	pv, err := s.d.PreviewMacro(r.Context(), rq.actor, id, mid, s.baseURL(r))
	if err != nil {
		return err
	}
	v := macroPreviewView{TicketID: id, P: pv, Body: pv.Body,
		Actions: macroActions(rq.loc, rq.dir.RequestTypeByKey, rq.dir.Member, pv.Macro.Actions)}
	s.render(w, r, rq.loc, http.StatusOK, "ticket", "macro-preview", pair{L: rq.loc, V: v})
	return nil
}

// macroActions says in the reader's language what a macro changes.
func macroActions(l *locale, typeByKey func(string) workspace.RequestType, member func(int64) workspace.Member, a macro.Actions) []string {
	var out []string
	if a.Status != "" {
		out = append(out, l.T("macros.does.status", "status", l.Status(ticket.Status(a.Status))))
	}
	if a.Priority != "" {
		out = append(out, l.T("macros.does.priority", "priority", l.T("priority."+a.Priority)))
	}
	if a.RequestType != "" {
		name := a.RequestType
		if rt := typeByKey(a.RequestType); rt.ID != 0 {
			name = rt.Name(l.Lang)
		}
		out = append(out, l.T("macros.does.type", "type", name))
	}
	if len(a.AddTags) > 0 {
		out = append(out, l.T("macros.does.tags", "tags", strings.Join(a.AddTags, ", ")))
	}
	switch a.Assign {
	case "":
	case macro.AssignMe:
		out = append(out, l.T("macros.does.assign_me"))
	case macro.AssignNone:
		out = append(out, l.T("macros.does.unassign"))
	default:
		id, _ := strconv.ParseInt(a.Assign, 10, 64)
		out = append(out, l.T("macros.does.assign", "name", member(id).Name))
	}
	return out
}

// postWithMacro sends the composer's message with the macro the agent
// chose: its actions are applied in the same step.
func (s *server) postWithMacro(r *http.Request, rq *request, id int64, c composer, files []desk.Upload) error {
	mid, err := strconv.ParseInt(r.PostFormValue("macro"), 10, 64)
	if err != nil || mid <= 0 {
		return badParameter("macro")
	}
	body := c.Body
	_, err = s.d.ApplyMacro(r.Context(), rq.actor, id, desk.MacroUse{MacroID: mid, Body: &body, Note: c.Mode == "note",
		Status: c.Status, Files: files, PublicURL: s.baseURL(r)})
	return err
}

// messageRefusal tells which refusals of a message the composer shows
// beside itself (a field, a file, the chosen macro) rather than on an
// error page; message is what it says above the text.
func messageRefusal(rq *request, err error) (fe formErrors, message string, ok bool) {
	if fe, ok = fileRefusal(rq, err); !ok {
		p, isProblem := problem.As(err)
		if !isProblem || !strings.HasPrefix(p.Code, "macro_") {
			return nil, "", false
		}
	}
	message = rq.loc.Error(err)
	// A field the composer does not show (a macro's change of owner or
	// tags) has its reason joined to the message.
	var notes []string
	for name, text := range fe {
		if name != "body" && name != "files" && name != "status" {
			notes = append(notes, text)
		}
	}
	slices.Sort(notes)
	if len(notes) > 0 {
		message = rq.loc.T("macros.refused", "reason", strings.Join(notes, " "))
	}
	return fe, message, true
}
