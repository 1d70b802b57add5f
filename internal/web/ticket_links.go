package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// The ticket page's links panel (merge, split, link; desk/merge.go): the
// banner of a merged ticket, its links (only those the reader may read
// show a subject), a form to link another ticket, and "Merge into…" with
// the other open tickets of its customer and organisation.

type linksPanel struct {
	TicketID int64
	CanWork  bool
	// MergedInto is the kept ticket's reference and address when this
	// one was merged; MergedHidden: merged into one the reader may not
	// read.
	MergedInto   string
	MergedURL    string
	MergedHidden bool
	Links        []linkItem
	Relations    []option
	// Merge candidates, filtered by Query (a number or words of the
	// subject).
	Candidates []mergeCandidate
	Query      string
}

type linkItem struct {
	OtherID  int64
	Ref      string
	Subject  string
	Status   string
	Relation string
	Readable bool
}

type mergeCandidate struct {
	ID      int64
	Ref     string
	Subject string
	Status  string
}

// keptRef is the ticket a merged one was merged into, as its reader may
// be shown it: its reference and address, or neither (URL "") when they
// may not read it.
type keptRef struct {
	Ref, URL string
}

// keptTicket is where merged ticket t's conversation goes on, for the
// reader.
func (s *server) keptTicket(ctx context.Context, rq *request, t ticket.Ticket) (keptRef, error) {
	kept, err := s.d.Ticket(ctx, rq.actor, t.MergedIntoID)
	if problem.Is(err, problem.NotFound) {
		return keptRef{}, nil
	}
	if err != nil {
		return keptRef{}, err
	}
	return keptRef{Ref: kept.Reference, URL: "/tickets/" + strconv.FormatInt(kept.ID, 10)}, nil
}

// loadLinks gathers the panel; the merge candidates only for who works
// the ticket, and not once it is merged.
func (s *server) loadLinks(ctx context.Context, r *http.Request, rq *request, t ticket.Ticket) (linksPanel, error) {
	l := rq.loc
	p := linksPanel{TicketID: t.ID, CanWork: ticket.CanWork(rq.actor, t)}
	for _, rel := range ticket.Relations {
		p.Relations = append(p.Relations, option{string(rel), l.T("links.relation." + string(rel))})
	}
	if t.MergedIntoID != 0 {
		kept, err := s.keptTicket(ctx, rq, t)
		if err != nil {
			return p, err
		}
		p.MergedInto, p.MergedURL, p.MergedHidden = kept.Ref, kept.URL, kept.URL == ""
	}
	links, err := s.d.TicketLinks(ctx, rq.actor, t.ID)
	if err != nil {
		return p, err
	}
	for _, v := range links {
		it := linkItem{OtherID: v.Link.OtherID, Ref: ticket.Ref(v.Number), Relation: l.T("links.relation." + string(v.Link.Relation))}
		if v.Ticket != nil {
			it.Readable, it.Subject, it.Status = true, v.Ticket.Subject, l.Status(v.Ticket.Status)
		}
		p.Links = append(p.Links, it)
	}
	if !p.CanWork || t.MergedIntoID != 0 {
		return p, nil
	}
	p.Query = strings.TrimSpace(r.URL.Query().Get("merge_q"))
	cands, err := s.d.MergeCandidates(ctx, rq.actor, t.ID, p.Query)
	if err != nil {
		return p, err
	}
	for _, c := range cands {
		p.Candidates = append(p.Candidates, mergeCandidate{ID: c.ID, Ref: c.Reference, Subject: c.Subject, Status: l.Status(c.Status)})
	}
	return p, nil
}

// mergeTicket merges from the ticket page: "into" merges this ticket into
// the chosen one; "source" (repeatable) merges the chosen ones into this.
// The reader lands on the ticket kept.
func (s *server) mergeTicket(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	kept, sources := id, []int64{}
	if into := r.PostForm.Get("into"); into != "" {
		n, err := strconv.ParseInt(into, 10, 64)
		if err != nil {
			return problem.BadParameter("into", into)
		}
		kept, sources = n, []int64{id}
	} else {
		for _, v := range r.PostForm["source"] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return problem.BadParameter("source", v)
			}
			sources = append(sources, n)
		}
	}
	if _, err := s.d.MergeTickets(r.Context(), rq.actor, kept, sources); err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(kept, 10), http.StatusSeeOther)
	return nil
}

// splitTicket opens a new ticket from a customer message, and shows it.
func (s *server) splitTicket(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	msg, err := strconv.ParseInt(r.PostForm.Get("message_id"), 10, 64)
	if err != nil {
		return problem.BadParameter("message_id", r.PostForm.Get("message_id"))
	}
	t, err := s.d.SplitMessage(r.Context(), rq.actor, id, msg, "")
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
	return nil
}

// linkTicket links the ticket numbered in the form ("1042" or "#1042").
func (s *server) linkTicket(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	raw := strings.TrimPrefix(strings.TrimSpace(r.PostForm.Get("number")), "#")
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return problem.Fields{"number": {Code: "not_a_number", Message: "must be a ticket number"}}.Err()
	}
	other, err := s.d.TicketByNumber(r.Context(), rq.actor, n)
	if err != nil {
		return err
	}
	if _, err := s.d.LinkTickets(r.Context(), rq.actor, id, other.ID, r.PostForm.Get("relation")); err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10)+"#links", http.StatusSeeOther)
	return nil
}

func (s *server) unlinkTicket(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	other, err := pathID(r, "other")
	if err != nil {
		return err
	}
	if _, err := s.d.UnlinkTickets(r.Context(), rq.actor, id, other); err != nil {
		return err
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10)+"#links", http.StatusSeeOther)
	return nil
}

// inTimeOrder orders a timeline by when each event happened: messages a
// merge brought keep the time they were written, after the kept ticket's
// own events in id order. The sort is stable, so events of one instant
// keep their order.
func inTimeOrder(events []ticket.Event) {
	slices.SortStableFunc(events, func(a, b ticket.Event) int { return a.CreatedAt.Compare(b.CreatedAt) })
}

// decorateTimeline adds what merges and splits mean to the items: where
// a merged message was written, which message moved to another ticket,
// and the "Split into a new ticket" button on customer messages.
func decorateTimeline(rq *request, t ticket.Ticket, events []ticket.Event, items []eventItem) {
	l := rq.loc
	moved := map[int64]int64{} // message → the ticket it was split into
	byID := map[int64]ticket.Event{}
	for _, e := range events {
		byID[e.ID] = e
		if ref, ok := event.As[event.TicketRef](e); ok && e.Kind == ticket.SplitTo {
			moved[ref.MessageID] = ref.Number
		}
	}
	canSplit := ticket.CanWork(rq.actor, t) && t.MergedIntoID == 0
	for i := range items {
		e, ok := byID[items[i].ID]
		if !ok || !e.Kind.Message() {
			continue
		}
		var notes []string
		if m, ok := event.As[event.Message](e); ok && m.MergedFrom != 0 {
			notes = append(notes, l.T("links.merged_from", "ref", ticket.Ref(m.MergedFrom)))
		}
		if n, ok := moved[e.ID]; ok {
			notes = append(notes, l.T("links.moved", "ref", ticket.Ref(n)))
		} else if canSplit && e.Kind == ticket.CustomerMessage {
			items[i].SplitURL = "/tickets/" + strconv.FormatInt(t.ID, 10) + "/split"
		}
		if len(notes) > 0 {
			items[i].Detail = strings.TrimSpace(strings.Join(append(notes, items[i].Detail), " "))
		}
	}
}

// refLine is the line of a merge, split or link event.
func refLine(rq *request, e ticket.Event, agent string) string {
	l := rq.loc
	switch d := e.Data.(type) {
	case event.TicketRef:
		return l.T("event."+string(e.Kind), "actor", agent, "ref", ticket.Ref(d.Number))
	case event.Link:
		return l.T("event."+string(e.Kind), "actor", agent, "ref", ticket.Ref(d.Number), "relation", l.T("links.relation."+string(d.Relation)))
	}
	return ""
}
