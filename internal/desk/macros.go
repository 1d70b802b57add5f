package desk

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Macros (package macro): canned replies with actions. Agents keep
// personal ones; leads and admins keep the team and shared ones. Applying
// one writes its reply and its actions in one transaction, with the same
// checks as a reply and a field change made by hand.

var errMacroForbidden = problem.New(problem.Forbidden, "macro_forbidden",
	"only its owner changes a personal macro; team and shared macros are for leads and admins")

// Macros lists the macros the actor may use, most used first.
func (d *Service) Macros(ctx context.Context, a auth.Actor) ([]macro.Macro, error) {
	all, err := d.store.Macros(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(m macro.Macro) bool { return !macro.CanUse(a, m) }), nil
}

// Macro returns a macro the actor may use; any other is not found.
func (d *Service) Macro(ctx context.Context, a auth.Actor, id int64) (macro.Macro, error) {
	return onlyVisible(a, macro.CanUse, "macro")(d.store.Macro(ctx, a.WorkspaceID, id))
}

// CreateMacro saves a new macro. A personal macro is the actor's own.
func (d *Service) CreateMacro(ctx context.Context, a auth.Actor, m macro.Macro) (macro.Macro, error) {
	m.ID, m.WorkspaceID, m.Usage = 0, a.WorkspaceID, 0
	if err := d.checkMacro(ctx, a, &m); err != nil {
		return m, err
	}
	if !macro.CanManage(a, m) {
		return m, errMacroForbidden
	}
	return d.store.CreateMacro(ctx, a.AgentID, m)
}

// UpdateMacro saves a macro's fields. The actor must be allowed to manage
// it as it is and as it will be (an agent cannot share their macro with
// everyone; a lead cannot take someone's personal macro).
func (d *Service) UpdateMacro(ctx context.Context, a auth.Actor, id int64, m macro.Macro) (macro.Macro, error) {
	m.ID, m.WorkspaceID = id, a.WorkspaceID
	if err := d.checkMacro(ctx, a, &m); err != nil {
		return m, err
	}
	return d.store.UpdateMacro(ctx, a.AgentID, m, func(cur macro.Macro) error {
		if !macro.CanUse(a, cur) {
			return problem.NotFoundf("macro")
		}
		if m.Scope == macro.Personal && cur.Scope == macro.Personal {
			m.OwnerID = cur.OwnerID
		}
		if !macro.CanManage(a, cur) || !macro.CanManage(a, m) {
			return errMacroForbidden
		}
		return nil
	})
}

// DeleteMacro removes a macro the actor may manage, and returns it as it
// was.
func (d *Service) DeleteMacro(ctx context.Context, a auth.Actor, id int64) (macro.Macro, error) {
	var gone macro.Macro
	err := d.store.DeleteMacro(ctx, a.WorkspaceID, a.AgentID, id, func(cur macro.Macro) error {
		if !macro.CanUse(a, cur) {
			return problem.NotFoundf("macro")
		}
		if !macro.CanManage(a, cur) {
			return errMacroForbidden
		}
		gone = cur
		return nil
	})
	return gone, err
}

// checkMacro validates a macro's fields and what they name in the
// workspace: the team, the request type and the agent it assigns to.
func (d *Service) checkMacro(ctx context.Context, a auth.Actor, m *macro.Macro) error {
	if m.Scope == macro.Personal {
		m.OwnerID = a.AgentID
	} else {
		m.OwnerID = 0
	}
	f := problem.Fields{}
	macro.Check(f, m)
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return err
	}
	if m.TeamID != 0 && dir.Team(m.TeamID).ID == 0 {
		f.Add("team_id", "unknown_value", "unknown team", "value", strconv.FormatInt(m.TeamID, 10))
	}
	if k := m.Actions.RequestType; k != "" {
		if rt := dir.RequestTypeByKey(k); rt.ID == 0 || !rt.Active {
			f.Add("actions.request_type", "unknown_value", "unknown request type", "value", k)
		}
	}
	if id, ok := m.Actions.AssignTo(a.AgentID); ok && id != 0 && m.Actions.Assign != macro.AssignMe {
		sub := problem.Fields{}
		checkOwner(sub, dir, id)
		for _, fe := range sub {
			f.Add("actions.assign", fe.Code, fe.Message, "value", m.Actions.Assign)
		}
	}
	return f.Err()
}

// MacroPreview is a macro as it would apply to one ticket: its text with
// the placeholders filled in the customer's language, and what it would
// change.
type MacroPreview struct {
	Macro    macro.Macro
	Language string
	Body     string
	// Missing lists the placeholders with no value on this ticket (a
	// customer without a name): the agent fills them in before sending.
	Missing []string
}

// PreviewMacro fills a macro's text for a ticket the actor may work.
// publicURL is the help centre's address, for article links.
func (d *Service) PreviewMacro(ctx context.Context, a auth.Actor, ticketID, macroID int64, publicURL string) (MacroPreview, error) {
	t, err := d.Ticket(ctx, a, ticketID)
	if err != nil {
		return MacroPreview{}, err
	}
	m, err := d.Macro(ctx, a, macroID)
	if err != nil {
		return MacroPreview{}, err
	}
	return d.previewMacro(ctx, a, t, m, publicURL)
}

func (d *Service) previewMacro(ctx context.Context, a auth.Actor, t ticket.Ticket, m macro.Macro, publicURL string) (MacroPreview, error) {
	c, err := d.store.Customer(ctx, a.WorkspaceID, t.CustomerID)
	if err != nil {
		return MacroPreview{}, err
	}
	lang := t.Language
	if lang == "" {
		lang = c.Language
	}
	v := macro.Values{CustomerName: c.Name, TicketRef: t.Reference, AgentName: a.Name,
		Article: func(id int64) (string, string, bool) {
			art, err := d.PublicArticle(ctx, a.WorkspaceID, id)
			if err != nil {
				return "", "", false
			}
			return art.Title, strings.TrimRight(publicURL, "/") + "/help/articles/" + strconv.FormatInt(art.ID, 10), true
		}}
	body, missing := macro.Render(m.Body(lang), v)
	return MacroPreview{Macro: m, Language: lang, Body: body, Missing: missing}, nil
}

// MacroUse is an agent applying a macro to a ticket.
type MacroUse struct {
	MacroID int64
	// Body is the text sent, as the agent edited it from the preview; nil
	// sends the macro's text as previewed.
	Body *string
	Note bool // post the text as an internal note rather than a reply
	// Status, when set, is the status the agent chose in the composer; it
	// wins over the macro's.
	Status    string
	Files     []Upload
	PublicURL string
}

// ApplyMacro writes the macro's reply (or note) and its actions in one
// transaction, and counts the use. Each action is checked as the same
// change made by hand would be; a macro never changes the tier.
func (d *Service) ApplyMacro(ctx context.Context, a auth.Actor, ticketID int64, u MacroUse) (ticket.Ticket, error) {
	t, err := d.Ticket(ctx, a, ticketID)
	if err != nil {
		return t, err
	}
	m, err := d.Macro(ctx, a, u.MacroID)
	if err != nil {
		return t, err
	}
	body := ""
	if u.Body != nil {
		body = *u.Body
	} else {
		p, err := d.previewMacro(ctx, a, t, m, u.PublicURL)
		if err != nil {
			return t, err
		}
		body = p.Body
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return t, err
	}
	ch, status, err := macroChange(dir, a, m.Actions)
	if err != nil {
		return t, err
	}
	if u.Status != "" {
		status = u.Status
	}
	counted := func(ctx context.Context, tx *store.Tx, _ ticket.Ticket, _ []ticket.Event) error {
		return d.store.CountMacroUse(ctx, tx, a.WorkspaceID, m.ID)
	}
	p := post{kind: ticket.AgentReply, body: body, status: status, change: ch, count: counted,
		guard: func(cur ticket.Ticket) error { return checkChange(dir, a, cur, ch) }}
	if u.Note {
		p.kind = ticket.InternalNote
	}
	if strings.TrimSpace(body) == "" && len(u.Files) == 0 {
		return d.applyMacroActions(ctx, a, dir, ticketID, p)
	}
	_, t, err = d.messageWith(ctx, a, ticketID, p, u.Files)
	return t, err
}

// applyMacroActions applies a macro that sends no text: a field change.
func (d *Service) applyMacroActions(ctx context.Context, a auth.Actor, dir Directory, ticketID int64, p post) (ticket.Ticket, error) {
	ch := p.change
	if p.status != "" {
		f := problem.Fields{}
		if checkStatus(f, p.status); len(f) > 0 {
			return ticket.Ticket{}, f.Err()
		}
		st := ticket.Status(p.status)
		ch.Status = &st
	}
	ch.Then = p.count
	return d.applyChange(ctx, a, dir, ticketID, ch, func(cur ticket.Ticket) error {
		if !ticket.CanWork(a, cur) {
			return errForbidden
		}
		return checkChange(dir, a, cur, ch)
	})
}

// macroChange turns a macro's actions into a change of the ticket's
// fields, and the status to set with the message.
func macroChange(dir Directory, a auth.Actor, act macro.Actions) (store.Change, string, error) {
	var ch store.Change
	f := problem.Fields{}
	if act.Priority != "" {
		p, _ := ticket.ParsePriority(act.Priority)
		ch.Priority = &p
	}
	if act.RequestType != "" {
		rt := dir.RequestTypeByKey(act.RequestType)
		if rt.ID == 0 || !rt.Active {
			// Deactivated since the macro was written.
			f.Add("actions.request_type", "macro_reference_gone", "the macro names a request type that no longer exists: edit the macro",
				"value", act.RequestType)
		}
		ch.RequestTypeID = &rt.ID
	}
	if len(act.AddTags) > 0 {
		ch.AddTags = act.AddTags
	}
	if id, ok := act.AssignTo(a.AgentID); ok {
		if id != 0 {
			sub := problem.Fields{}
			checkOwner(sub, dir, id)
			if len(sub) > 0 {
				f.Add("actions.assign", "macro_reference_gone", "the macro assigns to an agent who can no longer own tickets: edit the macro",
					"value", act.Assign)
			}
		}
		ch.OwnerID = &id
	}
	return ch, act.Status, f.Err()
}
