package desk

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// "My requests": what a signed-in customer reads and does. The store
// filters every read by workspace and customer, and the timeline is cut
// down here to what was said to the customer: their messages, agents'
// replies and automatic answers, status changes, and moves between tiers
// told by the tier's name. Internal notes (vendors' answers among them),
// field changes, owners and flags never leave this file.

// PortalEntryKind is what a customer's timeline entry is.
type PortalEntryKind string

// What a customer sees on their timeline.
const (
	PortalCustomer PortalEntryKind = "customer" // their own message
	PortalAgent    PortalEntryKind = "agent"    // an agent's public reply
	PortalAuto     PortalEntryKind = "auto"     // an automatic answer
	PortalSolved   PortalEntryKind = "solved"   // solved by the team
	PortalClosed   PortalEntryKind = "closed"   // they solved it themselves
	PortalReopened PortalEntryKind = "reopened"
	PortalMoved    PortalEntryKind = "moved" // passed to another team
)

// PortalEntry is one entry of a customer's timeline.
type PortalEntry struct {
	ID     int64
	Kind   PortalEntryKind
	Body   string
	Author string // the agent's first name, when the workspace shows them
	Team   string // PortalMoved: the tier's name in the customer's language
	At     time.Time
	Files  []attachment.Attachment
}

// PortalRequest is one of a customer's tickets as they may read it.
type PortalRequest struct {
	Ticket  ticket.Ticket
	Entries []PortalEntry
	// Specialist is the name of the specialist team (a tier beyond the
	// front line) that has the request now, "" at the front line.
	Specialist string
}

// CustomerRequests lists the signed-in customer's tickets.
func (d *Service) CustomerRequests(ctx context.Context, c Customer) ([]ticket.Ticket, error) {
	return d.store.CustomerTickets(ctx, c.WorkspaceID, c.ID, 200)
}

// CustomerRequest returns one of the customer's tickets by number with its
// public conversation in lang; anyone else's is not found.
func (d *Service) CustomerRequest(ctx context.Context, c Customer, number int64, lang string) (PortalRequest, error) {
	t, err := d.store.CustomerTicket(ctx, c.WorkspaceID, c.ID, number)
	if err != nil {
		return PortalRequest{}, err
	}
	dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: c.WorkspaceID})
	if err != nil {
		return PortalRequest{}, err
	}
	names, err := d.store.PortalShowsAgentNames(ctx, c.WorkspaceID)
	if err != nil {
		return PortalRequest{}, err
	}
	events, err := d.store.Events(ctx, c.WorkspaceID, t.ID, 0, 1000)
	if err != nil {
		return PortalRequest{}, err
	}
	if events, err = d.withoutOthersCopies(ctx, c, events); err != nil {
		return PortalRequest{}, err
	}
	files, err := d.store.TicketAttachments(ctx, c.WorkspaceID, t.ID, 1000)
	if err != nil {
		return PortalRequest{}, err
	}
	byEvent := map[int64][]attachment.Attachment{}
	for _, f := range files {
		byEvent[f.EventID] = append(byEvent[f.EventID], f)
	}
	out := PortalRequest{Ticket: t, Entries: portalEntries(dir, events, byEvent, names, lang)}
	if tier := dir.Tier(t.TierID); tier.ID != 0 && tier.ID != frontLine(dir).ID {
		out.Specialist = tierNameFor(tier, lang)
	}
	return out, nil
}

// withoutOthersCopies drops the messages a merge copied from another
// customer's ticket (tickets of one organisation may be merged into one):
// the agents read the whole story on the ticket kept, each customer only
// what was written on their own tickets. A copy names the ticket it was
// written on (event.Message.MergedFrom); after a customer merge, the
// tickets of the customer merged away are this customer's, and so are
// their messages.
func (d *Service) withoutOthersCopies(ctx context.Context, c Customer, events []ticket.Event) ([]ticket.Event, error) {
	theirs := map[int64]bool{} // ticket number → another customer's
	out := make([]ticket.Event, 0, len(events))
	for _, e := range events {
		m, ok := event.As[event.Message](e)
		if !ok || m.MergedFrom == 0 {
			out = append(out, e)
			continue
		}
		other, seen := theirs[m.MergedFrom]
		if !seen {
			src, err := d.store.TicketByNumber(ctx, c.WorkspaceID, m.MergedFrom)
			if err != nil && !problem.Is(err, problem.NotFound) {
				return nil, err
			}
			other = err != nil || src.CustomerID != c.ID
			theirs[m.MergedFrom] = other
		}
		if !other {
			out = append(out, e)
		}
	}
	return out, nil
}

// customerSees tells whether the event eventID of one of the customer's
// tickets is one withoutOthersCopies keeps (a file on a message copied
// from another customer's ticket is not theirs to download).
func (d *Service) customerSees(ctx context.Context, c Customer, ticketID, eventID int64) (bool, error) {
	events, err := d.store.Events(ctx, c.WorkspaceID, ticketID, 0, 1000)
	if err != nil {
		return false, err
	}
	if events, err = d.withoutOthersCopies(ctx, c, events); err != nil {
		return false, err
	}
	return slices.ContainsFunc(events, func(e ticket.Event) bool { return e.ID == eventID }), nil
}

// portalEntries keeps the events a customer may read, in order.
func portalEntries(dir Directory, events []ticket.Event, files map[int64][]attachment.Attachment, names bool, lang string) []PortalEntry {
	var out []PortalEntry
	for _, e := range events {
		en := PortalEntry{ID: e.ID, Body: e.Body, At: e.CreatedAt}
		switch e.Kind {
		case ticket.CustomerMessage:
			en.Kind, en.Files = PortalCustomer, files[e.ID]
		case ticket.AgentReply:
			en.Kind, en.Files = PortalAgent, files[e.ID]
			if names {
				en.Author = firstName(dir.Member(e.ActorAgentID).Name)
			}
		case ticket.AutoReply:
			en.Kind, en.Files = PortalAuto, files[e.ID]
		case ticket.StatusChanged:
			c, _ := event.As[event.Change](e)
			from, to := ticket.Status(c.From), ticket.Status(c.To)
			switch {
			case !to.Active() && e.ActorCustomerID != 0:
				en.Kind = PortalClosed
			case !to.Active() && from.Active():
				en.Kind = PortalSolved
			case to.Active() && !from.Active():
				en.Kind = PortalReopened
			default:
				continue // pending, on hold…: the team's own bookkeeping
			}
			en.Body = ""
		case ticket.Escalated, ticket.DeEscalated, ticket.TierChanged:
			var to int64
			if h, ok := event.As[event.Handoff](e); ok {
				to = h.To
			} else if c, ok := event.As[event.TierChange](e); ok {
				to = c.To
			}
			tier := dir.Tier(to)
			if tier.ID == 0 || tier.SelfService() {
				continue
			}
			en.Kind, en.Body, en.Team = PortalMoved, "", tierNameFor(tier, lang)
		default:
			continue
		}
		out = append(out, en)
	}
	return out
}

// frontLine is the first human tier, where requests start.
func frontLine(dir Directory) workspace.Tier {
	tiers := slices.Clone(dir.Tiers)
	slices.SortFunc(tiers, func(a, b workspace.Tier) int { return a.Position - b.Position })
	for _, t := range tiers {
		if !t.SelfService() {
			return t
		}
	}
	return workspace.Tier{}
}

// tierNameFor names a tier to a customer: an outside vendor's tier is
// "a specialist partner" (its company is not theirs to know), left to the
// edge to word ("").
func tierNameFor(t workspace.Tier, lang string) string {
	if t.External {
		return ""
	}
	return t.NameIn(lang)
}

func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// CustomerReply adds the customer's message (and files) to their ticket
// through the same receive path as an emailed answer, on channel portal:
// a solved ticket reopens as it would by email.
func (d *Service) CustomerReply(ctx context.Context, c Customer, number int64, body string, files []Upload) (ticket.Ticket, error) {
	f := problem.Fields{}
	ticket.CheckBody(f, "body", body)
	lim, err := d.checkUploads(ctx, c.WorkspaceID, f, files)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if err := f.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	t, err := d.store.CustomerTicket(ctx, c.WorkspaceID, c.ID, number)
	if err != nil {
		return t, err
	}
	var stored []attachment.Attachment
	if len(files) > 0 {
		if stored, err = d.storeBlobs(ctx, lim, files, false); err != nil {
			return t, err
		}
	}
	return d.receiveCustomerMessage(ctx, c.WorkspaceID, t, store.CustomerGuard(c.ID), body, event.Message{Channel: "portal"}, stored,
		func(ctx context.Context, tx *store.Tx, t ticket.Ticket, events []ticket.Event) error {
			return d.store.AuditCustomer(ctx, tx, c.WorkspaceID, c.ID, "customer.reply",
				map[string]any{"ticket_id": t.ID, "number": t.Number, "files": len(stored)})
		})
}

// CustomerSolve marks the customer's ticket solved by them.
func (d *Service) CustomerSolve(ctx context.Context, c Customer, number int64) (ticket.Ticket, error) {
	t, err := d.store.CustomerTicket(ctx, c.WorkspaceID, c.ID, number)
	if err != nil {
		return t, err
	}
	return d.store.SolveByCustomer(ctx, c.WorkspaceID, c.ID, t.ID)
}

// OpenCustomerAttachment returns a file on a public message of one of the
// customer's tickets and its bytes; any other id is not found.
func (d *Service) OpenCustomerAttachment(ctx context.Context, c Customer, id int64) (attachment.Attachment, io.ReadSeekCloser, error) {
	at, err := d.store.CustomerAttachment(ctx, c.WorkspaceID, c.ID, id)
	if err != nil {
		return at, nil, err
	}
	if shown, err := d.customerSees(ctx, c, at.TicketID, at.EventID); err != nil || !shown {
		if err == nil {
			err = problem.NotFoundf("attachment")
		}
		return attachment.Attachment{}, nil, err
	}
	return d.openFile(ctx, at, errAttachmentNotShown)
}

// PortalShowsAgentNames tells whether customers see agents' first names.
func (d *Service) PortalShowsAgentNames(ctx context.Context, a auth.Actor) (bool, error) {
	return d.store.PortalShowsAgentNames(ctx, a.WorkspaceID)
}

// SetPortalShowsAgentNames sets it (admins only; audited).
func (d *Service) SetPortalShowsAgentNames(ctx context.Context, a auth.Actor, on bool) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.SetPortalShowsAgentNames(ctx, a.WorkspaceID, a.AgentID, on)
}

// AttachmentsEnabled tells whether this server stores attachments.
func (d *Service) AttachmentsEnabled() bool { return d.files != nil }
