package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Merging, splitting and linking tickets (the rules are package ticket's;
// desk checks access through the guards, run on the locked rows).

// extraScan scans a ticket row followed by more columns.
type extraScan struct {
	r     interface{ Scan(...any) error }
	extra []any
}

func (s extraScan) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }

// maxMergeSources bounds one merge: duplicates come by a few, and every
// source's messages are copied in the merge's transaction.
const maxMergeSources = 20

// Merge is a merge of sources into a target, as desk asks for it.
type Merge struct {
	TargetID  int64
	SourceIDs []int64
	ActorID   int64
	// Check runs on the locked rows, before anything is written
	// (ticket.CheckMerge with the actor).
	Check func(target ticket.MergeParty, sources []ticket.MergeParty) error
	// Notice is the reply that tells the customer, on the target, in
	// their language ("" sends none).
	Notice func(target ticket.Ticket, sources []ticket.Ticket) string
	// Then runs last in the transaction with the target and the
	// notice's events (the notice first) when there is a notice: the
	// outgoing path queues its email there.
	Then TxHook
}

// mergeCopied are the kinds of events that make the conversation: a merge
// copies them onto the target, with the time they were written.
var mergeCopied = []ticket.EventKind{ticket.CustomerMessage, ticket.AgentReply, ticket.InternalNote, ticket.AutoReply}

// MergeTickets merges sources into a target in one transaction: each
// source is closed and points at the target, its messages (and their
// attachments) are copied onto the target with the time they were
// written, each timeline records the merge, the customer is told once
// (m.Notice), and the audit log keeps it. A refused merge writes nothing.
func (s *Store) MergeTickets(ctx context.Context, wsID int64, m Merge) (ticket.Ticket, error) {
	if len(m.SourceIDs) > maxMergeSources {
		return ticket.Ticket{}, problem.Fields{"sources": {Code: "too_many", Message: "too many tickets",
			Params: map[string]string{"max": strconv.Itoa(maxMergeSources)}}}.Err()
	}
	var out ticket.Ticket
	err := s.inTx(ctx, func(tx *Tx) error {
		locked, err := s.lockTickets(ctx, tx, wsID, append([]int64{m.TargetID}, m.SourceIDs...))
		if err != nil {
			return err
		}
		orgs, err := customerOrganisations(ctx, tx, wsID, locked)
		if err != nil {
			return err
		}
		target := locked[m.TargetID]
		sources := make([]ticket.Ticket, len(m.SourceIDs))
		parties := make([]ticket.MergeParty, len(m.SourceIDs))
		for i, id := range m.SourceIDs {
			sources[i] = locked[id]
			parties[i] = ticket.MergeParty{Ticket: sources[i], OrganisationID: orgs[sources[i].CustomerID]}
		}
		if err := m.Check(ticket.MergeParty{Ticket: target, OrganisationID: orgs[target.CustomerID]}, parties); err != nil {
			return err
		}
		now := fromMS(ms(s.now()))
		for _, src := range sources {
			if err := s.mergeOne(ctx, tx, wsID, m.ActorID, &target, src, now); err != nil {
				return err
			}
		}
		numbers := make([]int64, len(sources))
		for i, src := range sources {
			numbers[i] = src.Number
		}
		if err := s.audit(ctx, tx, wsID, m.ActorID, "ticket.merge", "ticket", target.ID,
			map[string]any{"target": target.Number, "sources": numbers}); err != nil {
			return err
		}
		var written []ticket.Event
		next := target
		if body := m.notice(target, sources); body != "" {
			reply, err := s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: target.ID, Kind: ticket.AgentReply, ActorAgentID: m.ActorID, Body: body}, now)
			if err != nil {
				return err
			}
			written = append(written, reply)
			next = target.Receive(ticket.AgentReply, m.ActorID, "", now)
			if written, err = s.recordStatusMove(ctx, tx, wsID, m.ActorID, target, next, now, written); err != nil {
				return err
			}
		}
		if err := s.saveTicket(ctx, tx, &next, now); err != nil {
			return err
		}
		out = next
		if len(written) > 0 && m.Then != nil {
			return m.Then(ctx, tx, next, written)
		}
		return nil
	})
	return out, err
}

func (m Merge) notice(target ticket.Ticket, sources []ticket.Ticket) string {
	if m.Notice == nil {
		return ""
	}
	return m.Notice(target, sources)
}

// mergeOne merges one source into the target: copies its conversation,
// closes it with its pointer, and records the merge on both timelines.
func (s *Store) mergeOne(ctx context.Context, tx *Tx, wsID, actorID int64, target *ticket.Ticket, src ticket.Ticket, now time.Time) error {
	copied, err := s.copyConversation(ctx, tx, wsID, src, target.ID)
	if err != nil {
		return err
	}
	if err := indexMessages(ctx, tx, *target, copied); err != nil {
		return err
	}
	closed := src.MergeInto(target.ID)
	if err := s.saveTicket(ctx, tx, &closed, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET merged_into_id = $1 WHERE id = $2 AND workspace_id = $3`, target.ID, src.ID, wsID); err != nil {
		return fmt.Errorf("point merged ticket: %w", err)
	}
	events := []ticket.Event{}
	if closed.Status != src.Status {
		events = append(events, ticket.Event{TicketID: src.ID, Kind: ticket.StatusChanged, ActorAgentID: actorID,
			Data: event.Change{From: string(src.Status), To: string(closed.Status)}})
	}
	events = append(events,
		ticket.Event{TicketID: src.ID, Kind: ticket.MergedInto, ActorAgentID: actorID, Data: event.TicketRef{TicketID: target.ID, Number: target.Number}},
		ticket.Event{TicketID: target.ID, Kind: ticket.Merged, ActorAgentID: actorID, Data: event.TicketRef{TicketID: src.ID, Number: src.Number}})
	for _, e := range events {
		if _, err := s.insertEvent(ctx, tx, wsID, e, now); err != nil {
			return err
		}
	}
	return nil
}

// copyConversation copies a ticket's messages onto another ticket, each
// with the time it was written, its author, its data (marked with the
// ticket it came from) and its attachments; it returns the copies.
func (s *Store) copyConversation(ctx context.Context, tx *Tx, wsID int64, src ticket.Ticket, toID int64) ([]ticket.Event, error) {
	a := &sqlArgs{}
	kinds := make([]string, len(mergeCopied))
	for i, k := range mergeCopied {
		kinds[i] = a.arg(string(k))
	}
	list, err := readEvents(ctx, tx, wsID, `SELECT `+eventColumns+`
		FROM events WHERE ticket_id = `+a.arg(src.ID)+` AND workspace_id = `+a.arg(wsID)+` AND kind IN (`+strings.Join(kinds, ", ")+`) ORDER BY id`, a.args...)
	if err != nil {
		return nil, fmt.Errorf("read conversation: %w", err)
	}
	out := make([]ticket.Event, 0, len(list))
	for _, e := range list {
		oldID := e.ID
		if e.Kind.Message() {
			msg, _ := e.Data.(event.Message)
			if msg.MergedFrom == 0 { // copied twice (merged, then merged again): keep where it was written
				msg.MergedFrom = src.Number
			}
			e.Data = msg
		}
		e.TicketID = toID
		if e, err = s.insertEvent(ctx, tx, wsID, e, e.CreatedAt); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO attachments (workspace_id, ticket_id, event_id, filename, declared_type, sniffed_type, size, sha256, inline, created_at)
			SELECT workspace_id, $1, $2, filename, declared_type, sniffed_type, size, sha256, inline, created_at FROM attachments WHERE event_id = $3 AND workspace_id = $4 ORDER BY id`,
			toID, e.ID, oldID, wsID)
		if err != nil {
			return nil, fmt.Errorf("copy attachments: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// lockTickets locks tickets in ascending id order (two merges or links
// over the same tickets queue up rather than deadlock) and returns them
// by id; one that does not exist in the workspace is not found.
func (s *Store) lockTickets(ctx context.Context, tx *Tx, wsID int64, ids []int64) (map[int64]ticket.Ticket, error) {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	out := make(map[int64]ticket.Ticket, len(sorted))
	for _, id := range sorted {
		t, err := s.lockTicket(ctx, tx, wsID, id, nil)
		if err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, nil
}

// customerOrganisations maps the tickets' customers to their organisation.
func customerOrganisations(ctx context.Context, tx *Tx, wsID int64, tickets map[int64]ticket.Ticket) (map[int64]int64, error) {
	a := &sqlArgs{}
	ws := a.arg(wsID)
	var ids []int64
	for _, t := range tickets {
		ids = append(ids, t.CustomerID)
	}
	slices.Sort(ids)
	rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(organisation_id, 0) FROM customers WHERE workspace_id = `+ws+` AND id IN `+a.in(slices.Compact(ids)), a.args...)
	if err != nil {
		return nil, fmt.Errorf("customers' organisations: %w", err)
	}
	out := map[int64]int64{}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id, org int64
		err := r.Scan(&id, &org)
		out[id] = org
		return struct{}{}, err
	})
	return out, err
}

// Split is a customer message split off into a new ticket.
type Split struct {
	TicketID  int64
	MessageID int64
	ActorID   int64
	Subject   string // "" keeps the original's
	// Guard runs on the original's locked row.
	Guard Guard
	// Written, when set, receives the events the split wrote on both
	// timelines once they are (desk publishes them after the commit).
	Written *[]ticket.Event
}

// SplitMessage opens a new ticket for the same customer, in the same tier
// and team, whose first message is a customer message of the original
// (with its attachments); both timelines record the split and the audit
// log keeps it, all in one transaction. The original keeps its history.
func (s *Store) SplitMessage(ctx context.Context, wsID int64, sp Split) (ticket.Ticket, error) {
	orig, err := s.Ticket(ctx, wsID, sp.TicketID)
	if err != nil {
		return orig, err
	}
	msg, err := s.splittable(ctx, s.read, wsID, sp)
	if err != nil {
		return ticket.Ticket{}, err
	}
	subject := sp.Subject
	if subject == "" {
		subject = orig.Subject
	}
	nt := ticket.Ticket{Subject: subject, Priority: orig.Priority, RequestTypeID: orig.RequestTypeID, Channel: orig.Channel,
		TierID: orig.TierID, TeamID: orig.TeamID, CustomerID: orig.CustomerID, Language: orig.Language, Sensitive: orig.Sensitive}
	n := NewTicket{Ticket: nt, Body: msg.Body, FirstIsCustomer: true,
		Events: []ticket.Event{{Kind: ticket.SplitFrom, ActorAgentID: sp.ActorID, Data: event.TicketRef{TicketID: orig.ID, Number: orig.Number, MessageID: msg.ID}}},
		InTx: func(ctx context.Context, tx *Tx, t ticket.Ticket, events []ticket.Event) error {
			cur, err := s.lockTicket(ctx, tx, wsID, sp.TicketID, sp.Guard)
			if err != nil {
				return err
			}
			if _, err := s.splittable(ctx, tx, wsID, sp); err != nil {
				return err
			}
			now := fromMS(ms(s.now()))
			to, err := s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: cur.ID, Kind: ticket.SplitTo, ActorAgentID: sp.ActorID,
				Data: event.TicketRef{TicketID: t.ID, Number: t.Number, MessageID: msg.ID}}, now)
			if err != nil {
				return err
			}
			if sp.Written != nil { // the hook may run again on a retry: replace, never append
				*sp.Written = append(slices.Clone(events), to)
			}
			if err := touchTickets(ctx, tx, now, cur.ID); err != nil {
				return err
			}
			first := events[1] // created, then the message
			_, err = tx.ExecContext(ctx, `INSERT INTO attachments (workspace_id, ticket_id, event_id, filename, declared_type, sniffed_type, size, sha256, inline, created_at)
				SELECT workspace_id, $1, $2, filename, declared_type, sniffed_type, size, sha256, inline, created_at FROM attachments WHERE event_id = $3 AND workspace_id = $4 ORDER BY id`,
				t.ID, first.ID, msg.ID, wsID)
			if err != nil {
				return fmt.Errorf("copy attachments: %w", err)
			}
			return s.audit(ctx, tx, wsID, sp.ActorID, "ticket.split", "ticket", cur.ID,
				map[string]any{"ticket": cur.Number, "message_id": msg.ID, "new_ticket": t.Number})
		}}
	return s.CreateTicket(ctx, wsID, n)
}

// ErrAlreadySplit refuses to split the same message twice.
var ErrAlreadySplit = problem.New(problem.Conflict, "already_split", "this message was already split into a new ticket")

// splittable returns the message a split takes: a customer message of the
// ticket, not split before.
func (s *Store) splittable(ctx context.Context, q querier, wsID int64, sp Split) (ticket.Event, error) {
	var e ticket.Event
	var kind string
	err := q.QueryRowContext(ctx, `SELECT id, kind, body FROM events WHERE id = $1 AND ticket_id = $2 AND workspace_id = $3`,
		sp.MessageID, sp.TicketID, wsID).Scan(&e.ID, &kind, &e.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return e, problem.NotFoundf("message")
	}
	if err != nil {
		return e, fmt.Errorf("read message: %w", err)
	}
	if ticket.EventKind(kind) != ticket.CustomerMessage {
		return e, ticket.ErrSplitNotCustomer
	}
	rows, err := q.QueryContext(ctx, `SELECT data FROM events WHERE ticket_id = $1 AND workspace_id = $2 AND kind = $3`, sp.TicketID, wsID, string(ticket.SplitTo))
	if err != nil {
		return e, fmt.Errorf("read splits: %w", err)
	}
	done, err := collect(rows, func(r *sql.Rows) (bool, error) {
		var raw string
		if err := r.Scan(&raw); err != nil {
			return false, err
		}
		d, err := event.Decode(ticket.SplitTo, event.Version, raw, nil)
		ref, _ := d.(event.TicketRef)
		return ref.MessageID == sp.MessageID, err
	})
	if err != nil {
		return e, err
	}
	if slices.Contains(done, true) {
		return e, ErrAlreadySplit
	}
	return e, nil
}

// EventsInTimeOrder returns a ticket's timeline in the order things were
// written (a merge copies messages with the time they were written, so id
// order puts them last): those with an id above afterID, after the event
// cursorID in that order (0: from the start).
func (s *Store) EventsInTimeOrder(ctx context.Context, wsID, ticketID, afterID, cursorID int64, limit int) ([]ticket.Event, error) {
	return s.eventsWhere(ctx, wsID, ticketID, `id > $3 AND ($4 = 0 OR (created_at, id) > (SELECT c.created_at, c.id FROM events c WHERE c.id = $4 AND c.ticket_id = $1))
		ORDER BY created_at, id LIMIT $5`, limit, afterID, cursorID)
}

// LinkedTicket is a link and the linked ticket as it is now.
type LinkedTicket struct {
	Link   ticket.Link
	Ticket ticket.Ticket
}

// MaxLinks bounds the links one ticket's page lists (a parent problem may
// gather many children; the oldest links come first).
const MaxLinks = 500

// TicketLinks lists a ticket's links with the linked tickets (with what
// ticket.CanView needs), oldest link first.
func (s *Store) TicketLinks(ctx context.Context, wsID, ticketID int64) ([]LinkedTicket, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT l.other_id, CASE WHEN l.kind = 'parent' THEN 'parent' ELSE 'related' END, COALESCE(l.created_by, 0), l.created_at
			FROM ticket_links l WHERE l.ticket_id = $1 AND l.workspace_id = $2
		UNION ALL SELECT l.ticket_id, CASE WHEN l.kind = 'parent' THEN 'child' ELSE 'related' END, COALESCE(l.created_by, 0), l.created_at
			FROM ticket_links l WHERE l.other_id = $1 AND l.workspace_id = $2
		ORDER BY 4, 1 LIMIT $3`, ticketID, wsID, MaxLinks)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	links, err := collect(rows, func(r *sql.Rows) (ticket.Link, error) {
		var l ticket.Link
		var rel string
		var at int64
		err := r.Scan(&l.OtherID, &rel, &l.CreatedBy, &at)
		l.Relation, l.CreatedAt = ticket.Relation(rel), fromMS(at)
		return l, err
	})
	if err != nil || len(links) == 0 {
		return nil, err
	}
	ids := make([]int64, len(links))
	for i, l := range links {
		ids[i] = l.OtherID
	}
	byID, err := s.ticketsByID(ctx, wsID, ids)
	if err != nil {
		return nil, fmt.Errorf("linked tickets: %w", err)
	}
	out := make([]LinkedTicket, 0, len(links))
	for _, l := range links {
		if t, ok := byID[l.OtherID]; ok {
			out = append(out, LinkedTicket{Link: l, Ticket: t})
		}
	}
	return out, nil
}

// LinkGuard checks a link or an unlink on the locked rows of both tickets.
type LinkGuard func(t, other ticket.Ticket) error

// lockGuardedPair locks the two tickets of a link and checks guard on
// their locked rows.
func (s *Store) lockGuardedPair(ctx context.Context, tx *Tx, wsID, ticketID, otherID int64, guard LinkGuard) (t, other ticket.Ticket, err error) {
	locked, err := s.lockTickets(ctx, tx, wsID, []int64{ticketID, otherID})
	if err != nil {
		return t, other, err
	}
	t, other = locked[ticketID], locked[otherID]
	return t, other, guard(t, other)
}

// linkLockKey serialises the parent links of a workspace on PostgreSQL:
// two links made at once could otherwise each pass the cycle check and
// close a cycle together (SQLite's single writer already serialises them).
const linkLockKey = 7405124 << 24

// AddLink links a ticket to another (rel as the ticket sees it), with a
// linked event on both timelines, in one transaction; it returns the
// events written (desk publishes them to the open pages).
func (s *Store) AddLink(ctx context.Context, wsID, actorID, ticketID, otherID int64, rel ticket.Relation, guard LinkGuard) (ticket.Link, []ticket.Event, error) {
	var out ticket.Link
	var written []ticket.Event
	err := s.inTx(ctx, func(tx *Tx) error {
		if s.dialect == Postgres && rel != ticket.Related {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(linkLockKey)+wsID); err != nil {
				return fmt.Errorf("link lock: %w", err)
			}
		}
		t, other, err := s.lockGuardedPair(ctx, tx, wsID, ticketID, otherID, guard)
		if err != nil {
			return err
		}
		if _, found, err := linkBetween(ctx, tx, t.ID, other.ID); err != nil || found {
			if err == nil {
				err = ticket.ErrAlreadyLinked
			}
			return err
		}
		from, to, kind := min(t.ID, other.ID), max(t.ID, other.ID), "related"
		switch rel {
		case ticket.Parent:
			from, to, kind = t.ID, other.ID, "parent"
		case ticket.Child:
			from, to, kind = other.ID, t.ID, "parent"
		}
		if kind == "parent" {
			if err := checkNoCycle(ctx, tx, from, to); err != nil {
				return err
			}
		}
		now := fromMS(ms(s.now()))
		if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_links (workspace_id, ticket_id, other_id, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			wsID, from, to, kind, nullID(actorID), ms(now)); err != nil {
			return fmt.Errorf("insert link: %w", err)
		}
		out = ticket.Link{OtherID: other.ID, Relation: rel, CreatedBy: actorID, CreatedAt: now}
		written, err = s.linkEvents(ctx, tx, wsID, actorID, ticket.Linked, t, other, rel, now)
		return err
	})
	return out, written, err
}

// LinkRelatedTx links two tickets as related in the caller's transaction,
// with a linked event on both timelines, as the system (no agent): the
// intake links the ticket it opens for a customer beside a conversation
// merged into another customer's ticket.
func (s *Store) LinkRelatedTx(ctx context.Context, tx *Tx, wsID int64, t, other ticket.Ticket) ([]ticket.Event, error) {
	now := fromMS(ms(s.now()))
	if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_links (workspace_id, ticket_id, other_id, kind, created_by, created_at) VALUES ($1, $2, $3, 'related', NULL, $4)`,
		wsID, min(t.ID, other.ID), max(t.ID, other.ID), ms(now)); err != nil {
		return nil, fmt.Errorf("insert link: %w", err)
	}
	return s.linkEvents(ctx, tx, wsID, 0, ticket.Linked, t, other, ticket.Related, now)
}

// RemoveLink removes the link between two tickets, with an unlinked event
// on both timelines, in one transaction; it returns the events written.
func (s *Store) RemoveLink(ctx context.Context, wsID, actorID, ticketID, otherID int64, guard LinkGuard) (ticket.Link, []ticket.Event, error) {
	var out ticket.Link
	var written []ticket.Event
	err := s.inTx(ctx, func(tx *Tx) error {
		t, other, err := s.lockGuardedPair(ctx, tx, wsID, ticketID, otherID, guard)
		if err != nil {
			return err
		}
		rel, found, err := linkBetween(ctx, tx, t.ID, other.ID)
		if err != nil {
			return err
		}
		if !found {
			return ticket.ErrNotLinked
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_links WHERE (ticket_id = $1 AND other_id = $2) OR (ticket_id = $2 AND other_id = $1)`, t.ID, other.ID); err != nil {
			return fmt.Errorf("delete link: %w", err)
		}
		now := fromMS(ms(s.now()))
		out = ticket.Link{OtherID: other.ID, Relation: rel}
		written, err = s.linkEvents(ctx, tx, wsID, actorID, ticket.Unlinked, t, other, rel, now)
		return err
	})
	return out, written, err
}

func (s *Store) linkEvents(ctx context.Context, tx *Tx, wsID, actorID int64, kind ticket.EventKind, t, other ticket.Ticket, rel ticket.Relation, now time.Time) ([]ticket.Event, error) {
	var out []ticket.Event
	for _, e := range []ticket.Event{
		{TicketID: t.ID, Kind: kind, ActorAgentID: actorID, Data: event.Link{TicketID: other.ID, Number: other.Number, Relation: rel}},
		{TicketID: other.ID, Kind: kind, ActorAgentID: actorID, Data: event.Link{TicketID: t.ID, Number: t.Number, Relation: rel.Reverse()}},
	} {
		e, err := s.insertEvent(ctx, tx, wsID, e, now)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, touchTickets(ctx, tx, now, t.ID, other.ID)
}

// touchTickets moves the update time of tickets whose timeline grew
// without another change (a link, a split): lists sorted by update
// show them, and the update time stays the last event's.
func touchTickets(ctx context.Context, tx *Tx, now time.Time, ids ...int64) error {
	a := &sqlArgs{}
	at := a.arg(ms(now))
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = `+at+` WHERE id IN `+a.in(ids), a.args...); err != nil {
		return fmt.Errorf("touch tickets: %w", err)
	}
	return nil
}

// linkBetween is the link between two tickets as the first sees it.
func linkBetween(ctx context.Context, q querier, id, otherID int64) (ticket.Relation, bool, error) {
	var from int64
	var kind string
	err := q.QueryRowContext(ctx, `SELECT ticket_id, kind FROM ticket_links WHERE (ticket_id = $1 AND other_id = $2) OR (ticket_id = $2 AND other_id = $1)`,
		id, otherID).Scan(&from, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read link: %w", err)
	}
	switch {
	case kind != "parent":
		return ticket.Related, true, nil
	case from == id:
		return ticket.Parent, true, nil
	}
	return ticket.Child, true, nil
}

// maxAncestors bounds the walk up a chain of parents.
const maxAncestors = 64

// checkNoCycle applies ticket.CheckParent: the child has no parent yet and
// is not among the parent's ancestors.
func checkNoCycle(ctx context.Context, q querier, childID, parentID int64) error {
	parentOf := func(id int64) (int64, error) {
		var p int64
		err := q.QueryRowContext(ctx, `SELECT other_id FROM ticket_links WHERE ticket_id = $1 AND kind = 'parent'`, id).Scan(&p)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return p, err
	}
	current, err := parentOf(childID)
	if err != nil {
		return fmt.Errorf("read parent: %w", err)
	}
	var ancestors []int64
	for id := parentID; len(ancestors) < maxAncestors; {
		p, err := parentOf(id)
		if err != nil {
			return fmt.Errorf("read parent: %w", err)
		}
		if p == 0 || slices.Contains(ancestors, p) {
			break
		}
		ancestors = append(ancestors, p)
		id = p
	}
	return ticket.CheckParent(childID, parentID, current, ancestors)
}

// maxCandidates bounds the merge picker's list.
const maxCandidates = 20

// MergeCandidates lists the other open, unmerged tickets of t's customer
// and of the customer's organisation, newest first: those numbered q when
// q is a number, else those whose subject contains q ("" for any). desk
// keeps those the actor works.
func (s *Store) MergeCandidates(ctx context.Context, wsID int64, t ticket.Ticket, q string) ([]ticket.Ticket, error) {
	a := &sqlArgs{}
	ws := a.arg(wsID)
	where := `workspace_id = ` + ws + ` AND active = ` + a.arg(true) + ` AND merged_into_id IS NULL AND id <> ` + a.arg(t.ID) +
		` AND (customer_id = ` + a.arg(t.CustomerID) + ` OR customer_id IN (SELECT c.id FROM customers c JOIN customers me ON me.organisation_id = c.organisation_id
			WHERE me.id = ` + a.arg(t.CustomerID) + ` AND c.workspace_id = ` + ws + `))`
	if n, err := strconv.ParseInt(q, 10, 64); err == nil {
		where += ` AND number = ` + a.arg(n)
	} else if q != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q))
		where += ` AND lower(subject) LIKE ` + a.arg("%"+esc+"%") + ` ESCAPE '\'`
	}
	list, err := s.listedTickets(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE `+where+` ORDER BY id DESC LIMIT `+a.arg(maxCandidates*5), a.args...)
	if err != nil {
		return nil, fmt.Errorf("merge candidates: %w", err)
	}
	return list, nil
}
