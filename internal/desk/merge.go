package desk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// Merge, split and link tickets (issue 12). The rules are package
// ticket's (CheckMerge, CheckLink, CheckParent); the store applies them
// on the locked rows, in one transaction each.

// MergeTickets merges duplicates (sources) into the ticket kept (target):
// each source is closed and points at the target, the target's timeline
// gets the sources' messages in the order they were written, and the
// customer is told once, by one reply on the target in their language
// through the usual outgoing path (email, connector).
func (d *Service) MergeTickets(ctx context.Context, a auth.Actor, targetID int64, sourceIDs []int64) (ticket.Ticket, error) {
	var sources []int64
	for _, id := range sourceIDs {
		if id <= 0 {
			return ticket.Ticket{}, problem.Fields{"sources": {Code: "unknown_value", Message: "unknown ticket",
				Params: map[string]string{"value": strconv.FormatInt(id, 10)}}}.Err()
		}
		if !slices.Contains(sources, id) {
			sources = append(sources, id)
		}
	}
	if len(sources) == 0 {
		return ticket.Ticket{}, ticket.ErrNothingToMerge
	}
	dir, err := d.Directory(ctx, a)
	if err != nil {
		return ticket.Ticket{}, err
	}
	nt := d.notifier(dir, a.AgentID)
	t, err := d.store.MergeTickets(ctx, a.WorkspaceID, store.Merge{TargetID: targetID, SourceIDs: sources, ActorID: a.AgentID,
		Check: func(target ticket.MergeParty, sources []ticket.MergeParty) error {
			return ticket.CheckMerge(a, target, sources)
		},
		Notice: mergeNotice,
		Then:   nt.hook(chainHooks(d.emailReply(a.WorkspaceID, ticket.AgentReply), d.connectorReply(a.WorkspaceID, ticket.AgentReply))),
	})
	nt.done(err)
	return t, err
}

// mergeNotice is what the customer reads once their tickets are merged,
// in the ticket's language. It names only their own tickets: a ticket of
// another customer of the organisation is none of theirs (and when every
// source is, they are told nothing: nothing of theirs changed).
func mergeNotice(target ticket.Ticket, sources []ticket.Ticket) string {
	var refs []string
	for _, s := range sources {
		if s.CustomerID == target.CustomerID {
			refs = append(refs, s.Reference)
		}
	}
	if len(refs) == 0 {
		return ""
	}
	key := "merge.notice_one"
	if len(refs) > 1 {
		key = "merge.notice_many"
	}
	return i18n.T(target.Language, key, "sources", strings.Join(refs, ", "), "target", target.Reference)
}

// SplitMessage opens a new ticket from a customer message of a ticket the
// actor works: the same customer, tier and team, the message (and its
// attachments) as its first message. subject "" keeps the original's.
func (d *Service) SplitMessage(ctx context.Context, a auth.Actor, ticketID, messageID int64, subject string) (ticket.Ticket, error) {
	f := problem.Fields{}
	if messageID <= 0 {
		f.Required("message_id")
	}
	if subject != "" {
		ticket.CheckSubject(f, "subject", subject)
	}
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	if _, err := d.Ticket(ctx, a, ticketID); err != nil {
		return ticket.Ticket{}, err
	}
	var written []ticket.Event
	t, err := d.store.SplitMessage(ctx, a.WorkspaceID, store.Split{TicketID: ticketID, MessageID: messageID, ActorID: a.AgentID, Subject: subject,
		Guard: func(cur ticket.Ticket) error {
			if !ticket.CanView(a, cur) {
				return problem.NotFoundf("ticket")
			}
			if !ticket.CanWork(a, cur) {
				return errForbidden
			}
			return ticket.CheckNotMerged(cur)
		}, Written: &written})
	if err == nil {
		d.publishTimelines(a.WorkspaceID, a.AgentID, written)
	}
	return t, err
}

// LinkView is a link as a reader sees it: the linked ticket when they may
// read it, only its number otherwise.
type LinkView struct {
	Link   ticket.Link
	Number int64
	Ticket *ticket.Ticket // nil: the reader may not see it
}

// TicketLinks lists the links of a ticket the actor may see. A linked
// ticket they may not read shows as its number only.
func (d *Service) TicketLinks(ctx context.Context, a auth.Actor, id int64) ([]LinkView, error) {
	if _, err := d.Ticket(ctx, a, id); err != nil {
		return nil, err
	}
	list, err := d.store.TicketLinks(ctx, a.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	out := make([]LinkView, len(list))
	for i, l := range list {
		out[i] = LinkView{Link: l.Link, Number: l.Ticket.Number}
		if ticket.CanView(a, l.Ticket) {
			t := l.Ticket
			out[i].Ticket = &t
		}
	}
	return out, nil
}

// LinkTickets links a ticket the actor works to another they may read:
// related, or parent/child (rel is how the other stands to the ticket).
// A ticket has at most one parent, and parents never form a cycle.
func (d *Service) LinkTickets(ctx context.Context, a auth.Actor, id, otherID int64, rel string) (ticket.Link, error) {
	f := problem.Fields{}
	if otherID <= 0 {
		f.Required("ticket_id")
	}
	r := ticket.Relation(rel)
	if rel == "" {
		r = ticket.Related
	}
	if !r.Valid() {
		f.Add("relation", "unknown_value", "must be related, parent or child", "value", rel)
	}
	if err := f.Err(); err != nil {
		return ticket.Link{}, err
	}
	l, written, err := d.store.AddLink(ctx, a.WorkspaceID, a.AgentID, id, otherID, r, func(t, other ticket.Ticket) error {
		return ticket.CheckLink(a, t, other)
	})
	if err == nil {
		d.publishTimelines(a.WorkspaceID, a.AgentID, written)
	}
	return l, err
}

// UnlinkTickets removes the link between a ticket the actor works and
// another they may read.
func (d *Service) UnlinkTickets(ctx context.Context, a auth.Actor, id, otherID int64) (ticket.Link, error) {
	l, written, err := d.store.RemoveLink(ctx, a.WorkspaceID, a.AgentID, id, otherID, func(t, other ticket.Ticket) error {
		return ticket.CheckLink(a, t, other)
	})
	if err == nil {
		d.publishTimelines(a.WorkspaceID, a.AgentID, written)
	}
	return l, err
}

// publishTimelines tells, once a change is committed, the open pages of
// every ticket whose timeline the events grew, and the inboxes (a link
// or a split moves the tickets' update time, and a split opens a
// ticket): links, unlinks and splits write on two tickets at once, where
// the notifier follows one.
func (d *Service) publishTimelines(wsID, actorID int64, events []ticket.Event) {
	var order []int64
	byTicket := map[int64]*TicketEvent{}
	kinds := map[int64]string{}
	for _, e := range events {
		te := byTicket[e.TicketID]
		if te == nil {
			te = &TicketEvent{TicketID: e.TicketID, ActorID: actorID}
			byTicket[e.TicketID], kinds[e.TicketID] = te, LiveUpdated
			order = append(order, e.TicketID)
		}
		te.Kinds = append(te.Kinds, string(e.Kind))
		te.LastEventID = max(te.LastEventID, e.ID)
		if e.Kind.Message() {
			kinds[e.TicketID] = LiveMessage
		}
	}
	for _, id := range order {
		d.publish(wsID, live.Ticket(id), kinds[id], *byTicket[id])
		d.publish(wsID, live.Inbox, LiveUpdated, map[string]int64{"ticket_id": id})
	}
}

// MergeCandidates lists the tickets the actor could merge into target, or
// target into: the other open tickets of its customer and of the
// customer's organisation that they work, newest first, optionally those
// whose number is q or whose subject contains q.
func (d *Service) MergeCandidates(ctx context.Context, a auth.Actor, targetID int64, q string) ([]ticket.Ticket, error) {
	t, err := d.Ticket(ctx, a, targetID)
	if err != nil {
		return nil, err
	}
	list, err := d.store.MergeCandidates(ctx, a.WorkspaceID, t, strings.TrimPrefix(strings.TrimSpace(q), "#"))
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, c := range list {
		if ticket.CanWork(a, c) && len(out) < 20 {
			out = append(out, c)
		}
	}
	return out, nil
}

// TimelineInTimeOrder is a ticket's timeline as it happened: by the time
// each event was written, merge copies among the rest (Timeline is in id
// order, which puts them last); events with an id above afterID (polling),
// after the event cursorID in that order.
func (d *Service) TimelineInTimeOrder(ctx context.Context, a auth.Actor, ticketID, afterID, cursorID int64, limit int) ([]ticket.Event, error) {
	if _, err := d.Ticket(ctx, a, ticketID); err != nil {
		return nil, err
	}
	return d.store.EventsInTimeOrder(ctx, a.WorkspaceID, ticketID, afterID, cursorID, limit)
}

// errMergedMeanwhile: the ticket a customer message was going to was
// merged while it was on its way; the intake follows the pointer again.
var errMergedMeanwhile = errors.New("ticket merged meanwhile")

// maxMergeHops bounds how far the intake follows merge pointers (a ticket
// merged into one merged later).
const maxMergeHops = 8

// followMerge returns the ticket a customer's message to t lands on: t,
// or the ticket it was merged into (and so on). The guard (the customer
// may write to t) is checked on t itself before it is followed.
//
// The pointer is followed only to a ticket of the same customer: tickets
// of two customers of one organisation may be merged, and the message of
// one must not land where the other reads it. elsewhere is then the
// other customer's ticket, and t the last of the sender's own (merged,
// so closed): the intake opens a new ticket instead (openBesideMerge).
func (d *Service) followMerge(ctx context.Context, wsID int64, t ticket.Ticket, guard store.Guard) (_ ticket.Ticket, _ store.Guard, elsewhere ticket.Ticket, _ error) {
	for hops := 0; t.MergedIntoID != 0 && hops < maxMergeHops; hops++ {
		if guard != nil {
			if err := guard(t); err != nil {
				return t, nil, elsewhere, err
			}
			guard = nil
		}
		next, err := d.store.Ticket(ctx, wsID, t.MergedIntoID)
		if err != nil {
			return t, nil, elsewhere, err
		}
		if next.CustomerID != t.CustomerID {
			return t, nil, next, nil
		}
		t = next
	}
	return t, guard, elsewhere, nil
}

// openBesideMerge opens a new ticket for a message written to own, a
// ticket merged into another customer's (other): it is the sender's own
// conversation from now on, linked as related to other so that agents
// see the history, while the other customer is shown nothing. The
// sender is own's customer, or the address copied on its mail who wrote.
// then runs in the new ticket's transaction with the message first, as
// it would have on own.
func (d *Service) openBesideMerge(ctx context.Context, dir Directory, own, other ticket.Ticket, body string, data event.Message,
	files []attachment.Attachment, then store.TxHook) (ticket.Ticket, error) {
	wsID := dir.Workspace.ID
	email := data.FromCc
	var lang string
	if email == "" {
		c, err := d.store.Customer(ctx, wsID, own.CustomerID)
		if err != nil {
			return ticket.Ticket{}, err
		}
		email, lang = c.Email, c.Language
	}
	channel := data.Channel
	if channel == "" {
		channel = own.Channel
	}
	var linked []ticket.Event
	t, err := d.openCustomerTicket(ctx, dir, channelIntake{Channel: channel, Email: email, Language: lang, Subject: own.Subject, Body: body,
		InTx: func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
			if err := customerMessageFirst(d.attachHook(wsID, files, then))(ctx, tx, t, events); err != nil {
				return err
			}
			var err error
			linked, err = d.store.LinkRelatedTx(ctx, tx, wsID, t, other)
			return err
		}})
	if err == nil {
		d.publishTimelines(wsID, 0, linked)
	}
	return t, err
}

// customerLanding is how one channel writes a customer's message (email,
// the help centre, chat), for landCustomerMessage: Write adds it to a
// ticket, checking guard on the locked row; Beside opens the sender a new
// ticket instead (openBesideMerge) when the ticket they wrote to (own)
// was merged into another customer's (other).
type customerLanding struct {
	Write  func(t ticket.Ticket, guard store.Guard) (ticket.Ticket, error)
	Beside func(own, other ticket.Ticket) (ticket.Ticket, error)
}

// landCustomerMessage is the one rule of every channel for a customer's
// message to ticket t: it lands on t, or on the ticket t was merged into
// when that is the same customer's (followMerge), also when the merge
// happens while the message is on its way (the locked row is checked,
// and the pointer followed again); a pointer to another customer's
// ticket stops, and the sender gets a new ticket of their own.
func (d *Service) landCustomerMessage(ctx context.Context, wsID int64, t ticket.Ticket, guard store.Guard, via customerLanding) (ticket.Ticket, error) {
	for try := 0; ; try++ {
		var elsewhere ticket.Ticket
		var err error
		if t, guard, elsewhere, err = d.followMerge(ctx, wsID, t, guard); err != nil {
			return t, err
		}
		if elsewhere.ID != 0 { // merged into another customer's ticket
			return via.Beside(t, elsewhere)
		}
		out, err := via.Write(t, notMerged(guard))
		if errors.Is(err, errMergedMeanwhile) && try < maxMergeHops {
			if t, err = d.store.Ticket(ctx, wsID, t.ID); err != nil {
				return t, err
			}
			continue
		}
		return out, err
	}
}

// notMerged refuses, on the locked row, a ticket merged since it was read.
func notMerged(guard store.Guard) store.Guard {
	return func(cur ticket.Ticket) error {
		if cur.MergedIntoID != 0 {
			return errMergedMeanwhile
		}
		if guard != nil {
			return guard(cur)
		}
		return nil
	}
}
