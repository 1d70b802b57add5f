package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// timelineLimit bounds the events one page shows; the store caps a read
// at 1000 as well.
const timelineLimit = 1000

type ticketPage struct {
	base
	Sidebar  sidebar
	Header   ticketRow
	Customer customerPanel
	Events   []eventItem
	Cursor   int64
	Composer composer
	Props    properties
	Escalate *escalateForm // nil when the agent may not hand the ticket off
	Handoff  *handoff
	Swarm    swarmPanel
	// HandedOff: the reader handed this ticket off and follows it (reads,
	// notes) without working it any more.
	HandedOff bool
	// Tried is the customer's self-service journey (help_contact_tried.go).
	Tried []string
	// Articles are suggested for the reply (ticket_articles.go).
	Articles []suggestedArticle
	// Macros the agent may apply (ticket_macros.go).
	Macros macroPicker
	// ArticleFrom: the reader may write an article from this solved
	// ticket (kb_editor.go, "Create an article from this ticket").
	ArticleFrom bool
	// Links: merged banner, links, merge and link forms (ticket_links.go).
	Links linksPanel
}

// customerPanel is the right column's "who is asking" box.
type customerPanel struct {
	C        customer.Customer
	Org      customer.Organisation
	Segment  string
	Language string
	Others   []ticketRow
}

// composer is the reply / internal note form under the timeline.
type composer struct {
	TicketID int64
	Mode     string // "reply" or "note"
	Body     string
	Status   string
	CanReply bool
	Sent     bool // just sent: the browser drops its saved draft
	Statuses []option
	Errors   formErrors
	Message  string
	// FilesHint states the attachment limits (attachments.go).
	FilesHint string
	// Seen is the last timeline event the composer was shown with;
	// Changed: someone else posted after it (presence.go).
	Seen    int64
	Changed bool
	// Macro is the macro chosen for this message, kept when the message
	// is refused so that sending again still applies it.
	Macro     int64
	MacroName string
	// NotSent: a reply written before the ticket was merged was refused;
	// the composer says where the conversation went, with the text kept
	// (nil: nothing of the kind happened).
	NotSent *keptRef
	// KeptFiles are the names of the files attached to that refused reply:
	// the page re-attaches them to the composer, which now takes a note
	// (KeepFiles, app.js), or, on a whole page, asks for them again.
	KeptFiles []string
	KeepFiles bool
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		// An id that cannot exist is a missing page, like one the agent
		// may not see.
		return 0, errPageNotFound
	}
	return id, nil
}

func (s *server) ticketByNumber(w http.ResponseWriter, r *http.Request, rq *request) error {
	n, err := strconv.ParseInt(strings.TrimPrefix(r.PathValue("number"), "#"), 10, 64)
	if err != nil {
		return errPageNotFound
	}
	t, err := s.d.TicketByNumber(r.Context(), rq.actor, n)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *server) ticketPage(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	p, err := s.loadTicketPage(r, rq, id)
	if err != nil {
		return err
	}
	if o, ok := swarmOutcomeOf(r); ok && p.Swarm.CanInvite {
		o.apply(rq, &p.Swarm, "")
	}
	s.render(w, r, rq.loc, http.StatusOK, "ticket", "", p)
	return nil
}

// loadTicketPage gathers everything the ticket page shows. The desk
// refuses tickets the agent may not see as "not found".
func (s *server) loadTicketPage(r *http.Request, rq *request, id int64) (ticketPage, error) {
	ctx := r.Context()
	t, err := s.d.Ticket(ctx, rq.actor, id)
	if err != nil {
		return ticketPage{}, err
	}
	events, err := s.d.Timeline(ctx, rq.actor, id, 0, timelineLimit)
	if err != nil {
		return ticketPage{}, err
	}
	inTimeOrder(events)
	cp, err := s.customerPanel(ctx, rq, t)
	if err != nil {
		return ticketPage{}, err
	}
	sb, _, err := s.loadSidebar(ctx, rq, "")
	if err != nil {
		return ticketPage{}, err
	}
	p := ticketPage{base: s.base(r, rq, t.Reference+" · "+t.Subject, "inbox"), Sidebar: sb, Header: s.row(rq, t, cp.C.Name),
		Customer: cp, Events: timeline(rq, events, cp.C), Composer: newComposer(rq, t), Props: newProperties(rq, t)}
	decorateTimeline(rq, t, events, p.Events)
	if p.Events, err = s.withFiles(ctx, rq, t.ID, p.Events); err != nil {
		return ticketPage{}, err
	}
	if p.Links, err = s.loadLinks(ctx, r, rq, t); err != nil {
		return ticketPage{}, err
	}
	p.Composer.FilesHint = s.filesHint(r.Context(), rq)
	p.Cursor = lastEvent(events, 0)
	p.Composer.Seen = p.Cursor
	p.Handoff = latestHandoff(rq, events)
	p.HandedOff = !ticket.CanWork(rq.actor, t) && slices.Contains(t.HandedOffBy, rq.actor.AgentID)
	p.Swarm = newSwarm(rq, t)
	if p.Tried, err = s.alreadyTried(ctx, rq, t); err != nil {
		return ticketPage{}, err
	}
	if p.Articles, err = s.suggestedArticles(ctx, r, rq, t, p.Composer.CanReply); err != nil {
		return ticketPage{}, err
	}
	if p.Macros, err = s.macroPickerFor(ctx, rq, t); err != nil {
		return ticketPage{}, err
	}
	p.ArticleFrom = desk.CanWriteArticleFrom(rq.actor, t)
	// A swarmed ticket does not go up: the swarm panel replaces the
	// hand-off one (the desk refuses the escalation anyway).
	if ticket.CanWork(rq.actor, t) && !p.Swarm.Swarming {
		ef, err := s.newEscalate(ctx, rq, t)
		if err != nil {
			return ticketPage{}, err
		}
		p.Escalate = &ef
	}
	return p, nil
}

// lastEvent is the newest event's id (the timeline is shown in time
// order, where a merge's copies come before it).
func lastEvent(events []ticket.Event, cur int64) int64 {
	for _, e := range events {
		cur = max(cur, e.ID)
	}
	return cur
}

func (s *server) customerPanel(ctx context.Context, rq *request, t ticket.Ticket) (customerPanel, error) {
	c, err := s.d.Customer(ctx, rq.actor, t.CustomerID)
	if err != nil {
		return customerPanel{}, err
	}
	cp := customerPanel{C: c}
	if c.Segment != "" {
		cp.Segment = rq.loc.T("segment." + c.Segment)
	}
	if c.Language != "" {
		cp.Language = rq.loc.T("lang." + c.Language)
	}
	if c.OrganisationID != 0 {
		if cp.Org, err = s.d.Organisation(ctx, rq.actor, c.OrganisationID); err != nil && !problem.Is(err, problem.NotFound) {
			return cp, err
		}
	}
	// Only tickets this agent may see are listed: the desk filters them.
	others, _, err := s.d.Tickets(ctx, rq.actor, store.Filter{CustomerID: c.ID, Sort: "newest"}, "", 6)
	if err != nil {
		return cp, err
	}
	for _, o := range others {
		if o.ID != t.ID && len(cp.Others) < 5 {
			cp.Others = append(cp.Others, s.row(rq, o, c.Name))
		}
	}
	return cp, nil
}

func newComposer(rq *request, t ticket.Ticket) composer {
	// A merged ticket's conversation goes on on the ticket kept (the page
	// points there, above the composer); notes stay allowed here.
	c := composer{TicketID: t.ID, Mode: "reply", CanReply: ticket.CanWork(rq.actor, t) && t.MergedIntoID == 0}
	if !c.CanReply {
		// Swarm collaborators post internal notes; the owner stays the
		// customer's single contact.
		c.Mode = "note"
	}
	for _, st := range ticket.Statuses {
		c.Statuses = append(c.Statuses, option{string(st), rq.loc.Status(st)})
	}
	return c
}

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// afterCursor is the last timeline event the page already shows, sent by
// htmx forms so a response appends only what is new (including what
// colleagues posted meanwhile).
func afterCursor(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.PostFormValue("after"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// updateFragment is what an htmx action sends back: the form it replaces
// plus out-of-band updates of the header, the timeline and its cursor.
type updateFragment struct {
	base
	Header   ticketRow
	Events   []eventItem
	Cursor   int64
	Composer composer
	Props    properties
	OOBProps bool
	// Escalate is the hand-off panel redrawn out of band after the
	// properties were saved: a custom field is also a checklist item.
	Escalate *escalateForm
}

func (s *server) postMessage(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	files, done, err := s.formFiles(w, r)
	defer done()
	if err != nil {
		return err
	}
	mode, body, status := r.PostFormValue("mode"), r.PostFormValue("body"), r.PostFormValue("status")
	if err := s.checkCollision(r, rq, id); problem.Is(err, problem.Conflict) {
		return s.refuseCollision(w, r, rq, id, composer{Mode: mode, Body: body, Status: status})
	} else if err != nil {
		return err
	}
	if mode != "note" {
		mode = "reply"
	}
	sent := composer{Mode: mode, Body: body, Status: status}
	switch {
	case r.PostFormValue("macro") != "":
		sent.Macro, _ = strconv.ParseInt(r.PostFormValue("macro"), 10, 64)
		sent.MacroName = r.PostFormValue("macro_name")
		err = s.postWithMacro(r, rq, id, sent, files)
	case mode == "note":
		_, _, err = s.d.NoteWith(r.Context(), rq.actor, id, body, files)
	default:
		_, _, err = s.d.ReplyWith(r.Context(), rq.actor, id, body, status, files)
	}
	if fe, message, ok := messageRefusal(rq, err); ok {
		sent.Errors, sent.Message = fe, message
		return s.refuseMessage(w, r, rq, id, sent)
	}
	if p, ok := problem.As(err); ok && p.Code == ticket.ErrMerged.Code {
		for _, f := range files {
			sent.KeptFiles = append(sent.KeptFiles, f.Filename)
		}
		return s.refuseMerged(w, r, rq, id, sent)
	}
	if err != nil {
		return err
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/tickets/"+idStr(id)+"#composer", http.StatusSeeOther)
		return nil
	}
	return s.renderUpdate(w, r, rq, id, "message-posted", true, nil)
}

// showTicketForm shows one form of the ticket page again as it was
// posted, with why it was refused or held back: the form's block alone for
// htmx, or the whole page with the form put in place by set.
func showTicketForm[F any](s *server, w http.ResponseWriter, r *http.Request, rq *request, id int64, status int, block string, form F,
	set func(*ticketPage)) error {
	if isHTMX(r) {
		s.render(w, r, rq.loc, status, "ticket", block, pair{L: rq.loc, V: form})
		return nil
	}
	p, err := s.loadTicketPage(r, rq, id)
	if err != nil {
		return err
	}
	set(&p)
	s.render(w, r, rq.loc, status, "ticket", "", p)
	return nil
}

// refuseMessage shows the composer again with what was typed and why it
// was refused, next to the field.
func (s *server) refuseMessage(w http.ResponseWriter, r *http.Request, rq *request, id int64, c composer) error {
	t, err := s.d.Ticket(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	fresh := newComposer(rq, t)
	c.TicketID, c.CanReply, c.Statuses, c.FilesHint = t.ID, fresh.CanReply, fresh.Statuses, s.filesHint(r.Context(), rq)
	return showTicketForm(s, w, r, rq, id, http.StatusUnprocessableEntity, "composer", c, func(p *ticketPage) { p.Composer = c })
}

// refuseMerged answers a reply written on a page opened before the
// ticket was merged (the desk refused it): the ticket page again, the
// composer saying that the reply was not sent and where the conversation
// went, with the text typed kept in it, now taking notes only, so that
// nothing is lost (the agent adds it as a note, or copies it to the
// ticket kept). A macro chosen is dropped: it would be refused too. The
// files attached stay too: a file input cannot be filled by the server,
// so the page's script moves the files the agent chose into the new
// composer (htmx); a whole page names them, to attach again.
func (s *server) refuseMerged(w http.ResponseWriter, r *http.Request, rq *request, id int64, c composer) error {
	t, err := s.d.Ticket(r.Context(), rq.actor, id)
	if err != nil {
		return err
	}
	kept, err := s.keptTicket(r.Context(), rq, t)
	if err != nil {
		return err
	}
	fresh := newComposer(rq, t)
	c.TicketID, c.CanReply, c.Statuses, c.FilesHint = t.ID, fresh.CanReply, fresh.Statuses, s.filesHint(r.Context(), rq)
	c.Mode, c.Status, c.Macro, c.MacroName, c.NotSent = fresh.Mode, "", 0, "", &kept
	c.KeepFiles = len(c.KeptFiles) > 0 && isHTMX(r)
	return showTicketForm(s, w, r, rq, id, http.StatusConflict, "composer", c, func(p *ticketPage) { p.Composer = c })
}

// renderUpdate answers a successful htmx action on a ticket.
// changed lists the custom fields a properties save just set.
func (s *server) renderUpdate(w http.ResponseWriter, r *http.Request, rq *request, id int64, name string, sent bool, changed map[string]string) error {
	ctx := r.Context()
	t, err := s.d.Ticket(ctx, rq.actor, id)
	if problem.Is(err, problem.NotFound) {
		// The change moved the ticket out of the agent's sight (e.g. to a
		// tier they do not belong to): back to the inbox.
		w.Header().Set("HX-Redirect", "/")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err != nil {
		return err
	}
	u := updateFragment{base: s.base(r, rq, "", "inbox")}
	if err := s.fillUpdate(r, rq, t, &u); err != nil {
		return err
	}
	u.Composer.Sent = sent
	u.Props.Saved = !sent
	if name == "properties-saved" && ticket.CanWork(rq.actor, t) && rq.dir.ModelOf(t) != workspace.Swarming {
		ef, err := s.newEscalate(ctx, rq, t)
		if err != nil {
			return err
		}
		ef = ef.refreshed(r, changed)
		u.Escalate = &ef
	}
	s.render(w, r, rq.loc, http.StatusOK, "ticket", name, u)
	return nil
}

// pathTicket reads the ticket the address names ({id}): one the actor may
// see, else not found.
func (s *server) pathTicket(r *http.Request, rq *request) (ticket.Ticket, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return ticket.Ticket{}, err
	}
	return s.d.Ticket(r.Context(), rq.actor, id)
}

// withPostedTicket serves a form posted to a ticket: h gets the ticket
// (see pathTicket) and the parsed form.
func (s *server) withPostedTicket(h func(w http.ResponseWriter, r *http.Request, rq *request, t ticket.Ticket) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		t, err := s.pathTicket(r, rq)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return badParameter("form")
		}
		return h(w, r, rq, t)
	}
}

// fillUpdate adds to an htmx answer what changed on the ticket: its
// header, the events after the page's cursor, the composer and properties.
func (s *server) fillUpdate(r *http.Request, rq *request, t ticket.Ticket, u *updateFragment) error {
	ctx := r.Context()
	after := afterCursor(r)
	events, err := s.d.Timeline(ctx, rq.actor, t.ID, after, timelineLimit)
	if err != nil {
		return err
	}
	c, err := s.d.Customer(ctx, rq.actor, t.CustomerID)
	if err != nil {
		return err
	}
	u.Header, u.Events, u.Cursor = s.row(rq, t, c.Name), timeline(rq, events, c), lastEvent(events, after)
	if u.Events, err = s.withFiles(ctx, rq, t.ID, u.Events); err != nil {
		return err
	}
	u.Composer, u.Props = newComposer(rq, t), newProperties(rq, t)
	u.Composer.FilesHint = s.filesHint(r.Context(), rq)
	u.Composer.Seen = u.Cursor
	return nil
}
