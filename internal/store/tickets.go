package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

const ticketColumns = `id, number, subject, status, priority, COALESCE(request_type_id, 0), channel, tier_id, COALESCE(team_id, 0),
	COALESCE(owner_id, 0), customer_id, language, sensitive, tags, custom_fields, escalation_count, handoff_count,
	created_at, updated_at, first_response_at, solved_at, COALESCE(first_replier_id, 0), first_contact_resolved`

func scanTicket(r interface{ Scan(...any) error }) (ticket.Ticket, error) {
	var t ticket.Ticket
	var status, tags, fields string
	var created, updated int64
	var firstResp, solved sql.NullInt64
	err := r.Scan(&t.ID, &t.Number, &t.Subject, &status, &t.Priority, &t.RequestTypeID, &t.Channel, &t.TierID, &t.TeamID,
		&t.OwnerID, &t.CustomerID, &t.Language, &t.Sensitive, &tags, &fields, &t.EscalationCount, &t.HandoffCount,
		&created, &updated, &firstResp, &solved, &t.FirstReplierID, &t.FirstContactResolved)
	if err != nil {
		return t, err
	}
	t.Status = ticket.Status(status)
	t.Reference = ticket.Ref(t.Number)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	t.FirstResponseAt, t.SolvedAt = optMS(firstResp), optMS(solved)
	if err := json.Unmarshal([]byte(tags), &t.Tags); err != nil {
		return t, fmt.Errorf("ticket %d tags: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(fields), &t.CustomFields); err != nil {
		return t, fmt.Errorf("ticket %d custom fields: %w", t.ID, err)
	}
	return t, nil
}

// NewTicket is what creating a ticket records: the ticket, its first
// message and any decision events (such as routing) in one transaction.
type NewTicket struct {
	Ticket          ticket.Ticket
	Body            string
	ActorAgentID    int64 // the agent who created it on a customer's behalf, if any
	FirstIsCustomer bool  // the first message is the customer's own words
	Events          []ticket.Event
	// NewCustomer, when set, is created in the same transaction and
	// becomes the ticket's customer: a refused ticket leaves no stray
	// customer behind.
	NewCustomer *customer.Customer
	// Then, when set, adds events that need the stored ticket (its
	// reference), such as a templated auto-reply, in the same transaction.
	Then func(t ticket.Ticket) []ticket.Event
	// InTx, when set, runs last in the same transaction with the stored
	// ticket and events (a channel records the message it came from).
	InTx TxHook
	// HandedOff records that the creating agent (ActorAgentID) handed the
	// ticket to a tier they do not work in (routing placed it there): they
	// keep reading it, as after an escalation.
	HandedOff bool
}

// CreateTicket stores a new ticket, its number, its first message and its
// decision events atomically. The ticket is acknowledged (returned) only
// once all of it is committed.
func (s *Store) CreateTicket(ctx context.Context, wsID int64, n NewTicket) (ticket.Ticket, error) {
	t := n.Ticket
	now := fromMS(ms(s.now()))
	t.CreatedAt, t.UpdatedAt = now, now
	t.Tags = nonNil(t.Tags)
	if t.CustomFields == nil {
		t.CustomFields = map[string]string{}
	}
	if t.Status == "" {
		t.Status = ticket.New
	}
	if s.dialect == Postgres && n.InTx == nil && (n.NewCustomer == nil || n.NewCustomer.OrganisationID == 0) {
		return s.createTicketOneStatement(ctx, wsID, n, t, now)
	}
	// ctx below is the batch's: the caller's cancellation must not reach the
	// shared transaction.
	write := s.inBatch
	if s.dialect == Postgres { // PostgreSQL's batch is for jobs that write nothing when they fail
		write = func(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
			return s.inTx(ctx, func(tx *Tx) error { return fn(ctx, tx) })
		}
	}
	err := write(ctx, func(ctx context.Context, tx *Tx) error {
		if n.NewCustomer != nil {
			id, err := customerForIntake(ctx, tx, wsID, *n.NewCustomer, now)
			if err != nil {
				return err
			}
			t.CustomerID = id
		} else {
			kept, err := s.keptCustomerForIntake(ctx, tx, wsID, t.CustomerID)
			if err != nil {
				return err
			}
			t.CustomerID = kept
		}
		if err := checkTicketRefs(ctx, tx, wsID, t); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `UPDATE workspaces SET next_ticket_number = next_ticket_number + 1 WHERE id = $1 RETURNING next_ticket_number - 1`, wsID).Scan(&t.Number)
		if err != nil {
			return fmt.Errorf("next ticket number: %w", err)
		}
		tags, _ := json.Marshal(t.Tags)
		fields, _ := json.Marshal(t.CustomFields)
		err = tx.QueryRowContext(ctx, `INSERT INTO tickets (workspace_id, number, subject, status, active, priority, request_type_id, channel, tier_id, team_id,
			owner_id, customer_id, language, sensitive, tags, custom_fields, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			wsID, t.Number, t.Subject, string(t.Status), t.Status.Active(), int(t.Priority), nullID(t.RequestTypeID), t.Channel, t.TierID, nullID(t.TeamID),
			nullID(t.OwnerID), t.CustomerID, t.Language, t.Sensitive, string(tags), string(fields), ms(now)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("insert ticket: %w", err)
		}
		t.Reference = ticket.Ref(t.Number)
		events := firstEvents(n, t.CustomerID)
		if n.Then != nil {
			events = append(events, n.Then(t)...)
		}
		if err := insertEvents(ctx, tx, wsID, t.ID, events, now); err != nil {
			return err
		}
		if err := indexNewTicket(ctx, tx, t, events); err != nil {
			return err
		}
		if n.HandedOff && n.ActorAgentID != 0 {
			if err := insertHandoff(ctx, tx, t.ID, n.ActorAgentID, now); err != nil {
				return err
			}
			t.HandedOffBy = []int64{n.ActorAgentID}
		}
		if n.InTx != nil {
			return n.InTx(ctx, tx, t, events)
		}
		return nil
	})
	return t, err
}

// firstEvents are the events every new ticket starts with: created, the
// first message when there is one, then the caller's.
func firstEvents(n NewTicket, customerID int64) []ticket.Event {
	first := ticket.Event{Kind: ticket.Created, ActorAgentID: n.ActorAgentID, Data: event.Created{Channel: n.Ticket.Channel}}
	if n.FirstIsCustomer {
		first.ActorCustomerID = customerID
	}
	events := []ticket.Event{first}
	if strings.TrimSpace(n.Body) != "" {
		msg := ticket.Event{Kind: ticket.CustomerMessage, ActorAgentID: n.ActorAgentID, Body: n.Body}
		if n.FirstIsCustomer {
			msg.ActorCustomerID, msg.ActorAgentID = customerID, 0
		}
		events = append(events, msg)
	}
	return append(events, n.Events...)
}

// createTicketOneStatement is CreateTicket on PostgreSQL without a hook in
// the transaction: one statement (tickets_intake_pg.go), plus one for the
// events that need the ticket's reference, in a transaction shared with
// concurrent intake (batch.go).
func (s *Store) createTicketOneStatement(ctx context.Context, wsID int64, n NewTicket, t ticket.Ticket, now time.Time) (ticket.Ticket, error) {
	if n.Then == nil {
		return s.createTicketPiped(ctx, wsID, n, t, now)
	}
	in := t
	err := s.inBatch(ctx, func(ctx context.Context, tx *Tx) error {
		t = in // a batch that failed runs its jobs again, each alone
		customerID := t.CustomerID
		if n.NewCustomer != nil {
			customerID = customerOfTicket
		}
		events := firstEvents(n, customerID)
		if err := createTicketPG(ctx, tx, wsID, n, &t, events, now); err != nil {
			return err
		}
		if n.Then != nil { // the statement indexed the first events; these join the document
			then := n.Then(t)
			if err := insertEvents(ctx, tx, wsID, t.ID, then, now); err != nil {
				return err
			}
			if err := indexMessages(ctx, tx, t, then); err != nil {
				return err
			}
		}
		if n.HandedOff && n.ActorAgentID != 0 {
			t.HandedOffBy = []int64{n.ActorAgentID}
		}
		return nil
	})
	return t, err
}

// insertHandoff records that an agent handed a ticket off; handing the
// same ticket off again only moves the time. The row takes the ticket's
// sort keys, tier, team and owner as they are (migrations 0053–0056; a trigger keeps
// them after).
func insertHandoff(ctx context.Context, tx *Tx, ticketID, agentID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_handoffs (ticket_id, agent_id, handed_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id, ticket_team_id, ticket_owner_id)
		SELECT id, $2, $3, active, priority, updated_at, tier_id, team_id, owner_id FROM tickets WHERE id = $1
		ON CONFLICT (ticket_id, agent_id) DO UPDATE SET handed_at = excluded.handed_at`, ticketID, agentID, ms(now))
	if err != nil {
		return fmt.Errorf("record hand-off: %w", err)
	}
	return nil
}

// checkTicketRefs refuses references to another workspace's objects as if
// they did not exist. All of them are checked in one round trip: intake
// runs it for every ticket.
func checkTicketRefs(ctx context.Context, q querier, wsID int64, t ticket.Ticket) error {
	f := problem.Fields{}
	if t.CustomerID == 0 {
		f.Required("customer_id")
	}
	type ref struct {
		field, table string
		id           int64
	}
	var refs []ref
	for _, r := range []ref{{"customer_id", "customers", t.CustomerID}, {"tier_id", "tiers", t.TierID}, {"team_id", "teams", t.TeamID},
		{"owner_id", "agents", t.OwnerID}, {"request_type_id", "request_types", t.RequestTypeID}} {
		if r.id != 0 {
			refs = append(refs, r)
		}
	}
	if len(refs) > 0 {
		args := []any{wsID}
		parts := make([]string, len(refs))
		found := make([]any, len(refs))
		counts := make([]int, len(refs))
		for i, r := range refs {
			args = append(args, r.id)
			parts[i] = `(SELECT count(*) FROM ` + r.table + ` WHERE id = $` + strconv.Itoa(len(args)) + ` AND workspace_id = $1)`
			found[i] = &counts[i]
		}
		if err := q.QueryRowContext(ctx, `SELECT `+strings.Join(parts, ", "), args...).Scan(found...); err != nil {
			return fmt.Errorf("check ticket references: %w", err)
		}
		for i, r := range refs {
			if counts[i] == 0 {
				f.Add(r.field, "unknown_value", "unknown "+strings.TrimSuffix(r.table, "s"), "value", strconv.FormatInt(r.id, 10))
			}
		}
	}
	return f.Err()
}

// insertEvents writes a new ticket's events in one statement and sets
// their ids: identity values are drawn in row order, so the returned ids
// sorted ascending are the events' in order.
func insertEvents(ctx context.Context, tx *Tx, wsID, ticketID int64, events []ticket.Event, at time.Time) error {
	if len(events) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 8*len(events))
	for i := range events {
		e := &events[i]
		e.TicketID, e.CreatedAt = ticketID, at
		data, err := event.Encode(*e)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9)
		args = append(args, wsID, ticketID, string(e.Kind), nullID(e.ActorAgentID), nullID(e.ActorCustomerID), e.Body, data, event.Version, ms(at))
	}
	rows, err := tx.QueryContext(ctx, `INSERT INTO events (workspace_id, ticket_id, kind, actor_agent_id, actor_customer_id, body, data, data_version, created_at)
		VALUES `+b.String()+` RETURNING id`, args...)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	ids, err := collect(rows, scanID)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	if len(ids) != len(events) {
		return fmt.Errorf("insert events: %d ids for %d events", len(ids), len(events))
	}
	slices.Sort(ids)
	for i := range events {
		events[i].ID = ids[i]
	}
	return nil
}

func (s *Store) insertEvent(ctx context.Context, q querier, wsID int64, e ticket.Event, at time.Time) (ticket.Event, error) {
	data, err := event.Encode(e)
	if err != nil {
		return e, err
	}
	e.CreatedAt = at
	err = q.QueryRowContext(ctx, `INSERT INTO events (workspace_id, ticket_id, kind, actor_agent_id, actor_customer_id, body, data, data_version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		wsID, e.TicketID, string(e.Kind), nullID(e.ActorAgentID), nullID(e.ActorCustomerID), e.Body, data, event.Version, ms(at)).Scan(&e.ID)
	if err != nil {
		return e, fmt.Errorf("insert %s event: %w", e.Kind, err)
	}
	return e, nil
}

// Ticket returns a ticket of the workspace with its collaborators.
func (s *Store) Ticket(ctx context.Context, wsID, id int64) (ticket.Ticket, error) {
	return s.ticketWhere(ctx, s.read, `id = $1 AND workspace_id = $2`, id, wsID)
}

// TicketByNumber returns a ticket by its human reference number.
func (s *Store) TicketByNumber(ctx context.Context, wsID, number int64) (ticket.Ticket, error) {
	return s.ticketWhere(ctx, s.read, `number = $1 AND workspace_id = $2`, number, wsID)
}

// lockTicket reads a ticket inside a write transaction, locking its row on
// PostgreSQL so that two instances changing the same ticket queue up instead
// of overwriting each other (SQLite's single writer already serialises
// them), then runs the guard against that current state.
func (s *Store) lockTicket(ctx context.Context, tx *Tx, wsID, ticketID int64, guard Guard) (ticket.Ticket, error) {
	where := `id = $1 AND workspace_id = $2`
	if s.dialect == Postgres {
		where += ` FOR UPDATE`
	}
	t, err := s.ticketWhere(ctx, tx, where, ticketID, wsID)
	if err != nil {
		return t, err
	}
	if guard != nil {
		if err := guard(t); err != nil {
			return t, err
		}
	}
	return t, nil
}

func (s *Store) ticketWhere(ctx context.Context, q querier, where string, args ...any) (ticket.Ticket, error) {
	var mergedInto int64 // read with one ticket only (links.go)
	t, err := scanTicket(extraScan{q.QueryRowContext(ctx, `SELECT `+ticketColumns+`, COALESCE(merged_into_id, 0) FROM tickets WHERE `+where, args...), []any{&mergedInto}})
	t.MergedIntoID = mergedInto
	if errors.Is(err, sql.ErrNoRows) {
		return t, problem.NotFoundf("ticket")
	}
	if err != nil {
		return t, fmt.Errorf("get ticket: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT agent_id FROM ticket_collaborators WHERE ticket_id = $1 ORDER BY added_at, agent_id`, t.ID)
	if err != nil {
		return t, fmt.Errorf("ticket collaborators: %w", err)
	}
	readID := func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}
	if t.Collaborators, err = collect(rows, readID); err != nil {
		return t, err
	}
	rows, err = q.QueryContext(ctx, `SELECT agent_id FROM ticket_handoffs WHERE ticket_id = $1 ORDER BY handed_at, agent_id`, t.ID)
	if err != nil {
		return t, fmt.Errorf("ticket hand-offs: %w", err)
	}
	t.HandedOffBy, err = collect(rows, readID)
	return t, err
}

// Change lists the fields an update sets; nil fields are left alone.
type Change struct {
	Status        *ticket.Status
	Priority      *ticket.Priority
	RequestTypeID *int64
	TierID        *int64
	TeamID        *int64
	OwnerID       *int64
	Sensitive     *bool
	Tags          *[]string
	AddTags       []string          // added to the ticket's tags as they are when written
	CustomFields  map[string]string // key → new value ("" clears)
	// Then, when set, runs last in the update's transaction with the
	// stored ticket and the events written (notifications are stored
	// there); it does not run when nothing changed.
	Then TxHook
}

// Empty reports whether the change sets nothing.
func (c Change) Empty() bool {
	return c.Status == nil && c.Priority == nil && c.RequestTypeID == nil && c.TierID == nil && c.TeamID == nil &&
		c.OwnerID == nil && c.Sensitive == nil && c.Tags == nil && len(c.AddTags) == 0 && len(c.CustomFields) == 0
}

// inTicketTx runs fn in one transaction with the ticket locked, once guard
// has accepted it as it is now.
func (s *Store) inTicketTx(ctx context.Context, wsID, ticketID int64, guard Guard, fn func(tx *Tx, t ticket.Ticket) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		t, err := s.lockTicket(ctx, tx, wsID, ticketID, guard)
		if err != nil {
			return err
		}
		return fn(tx, t)
	})
}

// Guard is called inside the write transaction with the ticket as it is
// now, before anything changes: access checks and state rules run against
// the current row, not a stale copy.
type Guard func(current ticket.Ticket) error

// UpdateTicket applies a change, writing one timeline event per field that
// actually changed, all in one transaction.
func (s *Store) UpdateTicket(ctx context.Context, wsID, ticketID, actorID int64, guard Guard, ch Change) (ticket.Ticket, error) {
	var out ticket.Ticket
	err := s.inTicketTx(ctx, wsID, ticketID, guard, func(tx *Tx, t ticket.Ticket) error {
		next, events := applyChange(t, ch, actorID)
		if err := checkTicketRefs(ctx, tx, wsID, next); err != nil {
			return err
		}
		now := fromMS(ms(s.now()))
		if len(events) == 0 {
			out = t
			return nil
		}
		if err := s.saveTicket(ctx, tx, &next, now); err != nil {
			return err
		}
		for i, e := range events {
			var err error
			if events[i], err = s.insertEvent(ctx, tx, wsID, e, now); err != nil {
				return err
			}
		}
		out = next
		if ch.Then != nil {
			return ch.Then(ctx, tx, next, events)
		}
		return nil
	})
	return out, err
}

// applyChange computes the new ticket and the events describing each
// difference. The rules (hand-offs, first-contact resolution) are
// ticket.Reassign and ticket.Settle.
func applyChange(t ticket.Ticket, ch Change, actorID int64) (ticket.Ticket, []ticket.Event) {
	next := t
	var events []ticket.Event
	record := func(kind ticket.EventKind, changed bool, data ticket.EventData) {
		if changed {
			events = append(events, ticket.Event{TicketID: t.ID, Kind: kind, ActorAgentID: actorID, Data: data})
		}
	}
	if ch.Status != nil {
		next.Status = *ch.Status
		record(ticket.StatusChanged, t.Status != next.Status, event.Change{From: string(t.Status), To: string(next.Status)})
	}
	if ch.Priority != nil {
		next.Priority = *ch.Priority
		record(ticket.PriorityChanged, t.Priority != next.Priority, event.Change{From: t.Priority.String(), To: next.Priority.String()})
	}
	if ch.RequestTypeID != nil {
		next.RequestTypeID = *ch.RequestTypeID
		record(ticket.TypeChanged, t.RequestTypeID != next.RequestTypeID, event.TypeChange{From: t.RequestTypeID, To: next.RequestTypeID})
	}
	if ch.TierID != nil {
		next.TierID = *ch.TierID
		record(ticket.TierChanged, t.TierID != next.TierID, event.TierChange{From: t.TierID, To: next.TierID})
	}
	if ch.TeamID != nil {
		next.TeamID = *ch.TeamID
		record(ticket.TeamChanged, t.TeamID != next.TeamID, event.TeamChange{From: t.TeamID, To: next.TeamID})
	}
	if ch.OwnerID != nil {
		next = next.Reassign(*ch.OwnerID)
		record(ticket.OwnerChanged, t.OwnerID != next.OwnerID, event.OwnerChange{From: t.OwnerID, To: next.OwnerID})
	}
	if ch.Sensitive != nil {
		next.Sensitive = *ch.Sensitive
		record(ticket.SensitiveChanged, t.Sensitive != next.Sensitive, event.SensitiveChange{Sensitive: next.Sensitive})
	}
	if ch.Tags != nil || len(ch.AddTags) > 0 {
		tags := t.Tags
		if ch.Tags != nil {
			tags = *ch.Tags
		}
		next.Tags = nonNil(ticket.WithTags(tags, ch.AddTags))
		record(ticket.TagsChanged, !slices.Equal(t.Tags, next.Tags), event.TagsChange{From: t.Tags, To: next.Tags})
	}
	if len(ch.CustomFields) > 0 {
		next.CustomFields = maps.Clone(t.CustomFields)
		if next.CustomFields == nil {
			next.CustomFields = map[string]string{}
		}
		for _, k := range slices.Sorted(maps.Keys(ch.CustomFields)) {
			v := ch.CustomFields[k]
			if v == "" {
				delete(next.CustomFields, k)
			} else {
				next.CustomFields[k] = v
			}
			record(ticket.FieldChanged, t.CustomFields[k] != v, event.Change{Field: k, From: t.CustomFields[k], To: v})
		}
	}
	// Settle after the owner change so a hand-off in the same update counts.
	next.Settle(t.Status, actorID)
	return next, events
}

// saveTicket writes a ticket's mutable fields. It settles the solved time
// on t itself (set when the ticket leaves the active statuses, cleared when
// it is reopened), and the update time, so the caller returns exactly what
// was stored.
func (s *Store) saveTicket(ctx context.Context, tx *Tx, t *ticket.Ticket, now time.Time) error {
	tags, _ := json.Marshal(nonNil(t.Tags))
	fields, _ := json.Marshal(t.CustomFields)
	switch {
	case t.Status.Active():
		t.SolvedAt = nil
	case t.SolvedAt == nil:
		at := now
		t.SolvedAt = &at
	}
	t.UpdatedAt = now
	var solved any
	if t.SolvedAt != nil {
		solved = ms(*t.SolvedAt)
	}
	var firstResp any
	if t.FirstResponseAt != nil {
		firstResp = ms(*t.FirstResponseAt)
	}
	_, err := tx.ExecContext(ctx, `UPDATE tickets SET status = $1, active = $2, priority = $3, request_type_id = $4, tier_id = $5, team_id = $6, owner_id = $7,
		sensitive = $8, tags = $9, custom_fields = $10, handoff_count = $11, escalation_count = $12, updated_at = $13, solved_at = $14, first_response_at = $15,
		first_replier_id = $16, first_contact_resolved = $17
		WHERE id = $18`,
		string(t.Status), t.Status.Active(), int(t.Priority), nullID(t.RequestTypeID), t.TierID, nullID(t.TeamID), nullID(t.OwnerID),
		t.Sensitive, string(tags), string(fields), t.HandoffCount, t.EscalationCount, ms(now), solved, firstResp,
		nullID(t.FirstReplierID), t.FirstContactResolved, t.ID)
	if err != nil {
		return fmt.Errorf("update ticket: %w", err)
	}
	return nil
}

// AddMessage appends a reply, a note or a customer message and, in the same
// transaction, stores what it implies for the ticket as ticket.Receive
// decides it on the current row (status, first response), with a
// status_changed event when the status moved.
func (s *Store) AddMessage(ctx context.Context, wsID, ticketID int64, guard Guard, e ticket.Event, status ticket.Status) (ticket.Event, ticket.Ticket, error) {
	return s.AddMessageThen(ctx, wsID, ticketID, guard, e, status, nil)
}

// AddMessageThen is AddMessage with a hook run last in its transaction
// (the email outbox queues the reply it must send).
func (s *Store) AddMessageThen(ctx context.Context, wsID, ticketID int64, guard Guard, e ticket.Event, status ticket.Status, then TxHook) (ticket.Event, ticket.Ticket, error) {
	return s.AddMessageChange(ctx, wsID, ticketID, guard, e, status, Change{Then: then})
}

// AddMessageChange is AddMessage with a change of the ticket's fields
// applied in the same transaction (a macro's actions), one event per field
// that changed after the message; ch.Then runs last.
func (s *Store) AddMessageChange(ctx context.Context, wsID, ticketID int64, guard Guard, e ticket.Event, status ticket.Status, ch Change) (ticket.Event, ticket.Ticket, error) {
	var out ticket.Ticket
	err := s.inTicketTx(ctx, wsID, ticketID, guard, func(tx *Tx, t ticket.Ticket) error {
		var err error
		now := fromMS(ms(s.now()))
		e.TicketID = t.ID
		if e, err = s.insertEvent(ctx, tx, wsID, e, now); err != nil {
			return err
		}
		if err := indexMessages(ctx, tx, t, []ticket.Event{e}); err != nil {
			return err
		}
		next := t.Receive(e.Kind, e.ActorAgentID, status, now)
		written, err := s.recordStatusMove(ctx, tx, wsID, e.ActorAgentID, t, next, now,
			[]ticket.Event{e}) // the message first: hooks read events[0]
		if err != nil {
			return err
		}
		if !ch.Empty() {
			var changes []ticket.Event
			next, changes = applyChange(next, ch, e.ActorAgentID)
			if err := checkTicketRefs(ctx, tx, wsID, next); err != nil {
				return err
			}
			for _, c := range changes {
				if c, err = s.insertEvent(ctx, tx, wsID, c, now); err != nil {
					return err
				}
				written = append(written, c)
			}
		}
		if err := s.saveTicket(ctx, tx, &next, now); err != nil {
			return err
		}
		out = next
		if ch.Then != nil {
			return ch.Then(ctx, tx, next, written)
		}
		return nil
	})
	return e, out, err
}

// recordStatusMove writes, when a message moved the ticket from t to
// next's status, the status_changed event by actorID, and returns written
// with it appended.
func (s *Store) recordStatusMove(ctx context.Context, tx *Tx, wsID, actorID int64, t, next ticket.Ticket, now time.Time, written []ticket.Event) ([]ticket.Event, error) {
	if next.Status == t.Status {
		return written, nil
	}
	st, err := s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: t.ID, Kind: ticket.StatusChanged, ActorAgentID: actorID,
		Data: event.Change{From: string(t.Status), To: string(next.Status)}}, now)
	if err != nil {
		return nil, err
	}
	return append(written, st), nil
}

// Events returns a ticket's timeline in order, after an event id.
func (s *Store) Events(ctx context.Context, wsID, ticketID, after int64, limit int) ([]ticket.Event, error) {
	return s.eventsWhere(ctx, wsID, ticketID, `id > $3 ORDER BY id LIMIT $4`, limit, after)
}

// eventsWhere reads a ticket's events by a condition and order on $3…
// (args), limit being the last argument.
func (s *Store) eventsWhere(ctx context.Context, wsID, ticketID int64, where string, limit int, args ...any) ([]ticket.Event, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	list, err := readEvents(ctx, s.read, wsID, `SELECT `+eventColumns+` FROM events WHERE ticket_id = $1 AND workspace_id = $2 AND `+where,
		append(append([]any{ticketID, wsID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	if err := s.attachMailState(ctx, wsID, ticketID, list); err != nil {
		return nil, err
	}
	return list, s.attachConnectorState(ctx, wsID, ticketID, list)
}

// Filter selects tickets for a list. Zero fields do not filter.
type Filter struct {
	Viewer         *auth.Actor // restricts to what this actor may see; nil = everything
	TierIDs        []int64
	TeamID         int64
	OwnerID        int64 // agent id
	Unassigned     bool
	CollaboratorID int64 // tickets this agent was invited to (swarms)
	HandedOffBy    int64 // tickets this agent handed to another tier
	Statuses       []ticket.Status
	ActiveOnly     bool
	RequestTypeID  int64
	CustomerID     int64
	Sort           string // "newest" (default), "oldest", "updated", "priority"
}

// CodeListTooBroad is the code of the list's refusal of a combination of
// filters and sort that no index serves (see Filter.Servable).
const CodeListTooBroad = "list_too_broad"

// Sorts lists the supported list orders.
var Sorts = []string{"newest", "oldest", "updated", "priority"}

// Tickets returns one page of tickets and the cursor of the next page ("" at
// the end). Pages are keyset-paginated: the cost of a page does not grow
// with how deep the reader has scrolled.
//
// A page is the union of ordered index seeks (see Filter.branches): each
// branch is an equality prefix of an index followed by the sort key, so
// every branch reads at most limit+1 rows and no query sorts the table.
func (s *Store) Tickets(ctx context.Context, wsID int64, f Filter, cursor string, limit int) ([]ticket.Ticket, string, error) {
	limit = clampLimit(limit)
	query, args, err := f.listQuery(s.dialect, wsID, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	list, err := s.listedTickets(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list tickets: %w", err)
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = f.cursorAfter(list[limit-1])
	}
	return list, next, nil
}

// listQuery builds the query of one page of a list.
func (f Filter) listQuery(d Dialect, wsID int64, cursor string, limit int) (string, []any, error) {
	q := &sqlArgs{args: []any{wsID}}
	base, branches := f.branches(q, d)
	if err := tooBroad(branches); err != nil {
		return "", nil, err
	}
	order, keyset, err := f.order(cursor, len(q.args), ticketCols)
	if err != nil {
		return "", nil, err
	}
	q.args = append(q.args, keyset.args...)
	parts := []string{""}
	switch {
	case keyset.split != nil:
		parts = keyset.split[:]
	case keyset.sql != "":
		parts = []string{keyset.sql}
	}
	lim := q.arg(limit + 1)
	var subs []string
	for _, br := range branches {
		parts, order := parts, order
		if br.driver != "" {
			// A branch read from an agent's swarms or hand-offs walks
			// them in their own index order from the cursor and stops at
			// the page: (agent, ticket) in id order, (agent, active, key,
			// ticket) in priority and updated order, by the copies of the
			// ticket's keys the rows carry (migration 0053). Ordered by
			// the ticket's columns it read and sorted every one of them
			// (3,351 for the L1 agent at 1M tickets); on PostgreSQL it
			// also let the planner walk an index of tickets probing each
			// for the agent instead (222,586 rows for the L1 agent's
			// solved tickets of team L1, none of them swarms, at 1M).
			o, ks, _ := f.order(cursor, len(q.args)-len(keyset.args)-1, driverCols(br.driver))
			order, parts = o, []string{ks.sql}
			if ks.split != nil {
				parts = ks.split[:]
			}
		}
		if d == Postgres && f.Unassigned && br.driver != "" {
			// The same for a driver's copy of the owner (migration 0056).
			order = strings.ReplaceAll(unassignedOrder[f.Sort], "owner_id", br.driver+".ticket_owner_id") + order
		}
		if d == Postgres && f.Unassigned && br.driver == "" {
			// PostgreSQL does not count "owner_id IS NULL" as fixing the
			// column, so it saw no order in the (…, active, owner_id,
			// sort key) indexes and walked (…, active, sort key) testing
			// owner on each row: 627,251 rows and 5 s for the L1 agent's
			// inactive unassigned tickets (there are none) at 1M. Leading
			// the order with the column (one value here) lets the index
			// give it.
			order = unassignedOrder[f.Sort] + order
		}
		if keyset.split != nil && br.prefix.driven && br.driver == "" {
			// A branch that starts from a customer's tickets reads all of
			// them and sorts: two seeks would read them twice.
			parts = []string{"(" + keyset.split[0] + " OR " + keyset.split[1] + ")"}
		}
		for _, part := range parts {
			where := base
			if br.cond != "" {
				where += " AND " + br.cond
			}
			if part != "" {
				where += " AND " + part
			}
			subs = append(subs, `SELECT `+ticketColumns+` FROM `+br.from+` WHERE `+where+` ORDER BY `+order+` LIMIT `+lim)
		}
	}
	query := subs[0]
	if len(subs) > 1 {
		// UNION, not UNION ALL: a ticket may be visible through two
		// branches (owned by the viewer and in their tier).
		for i, sub := range subs {
			subs[i] = `SELECT * FROM (` + sub + `) AS b` + strconv.Itoa(i)
		}
		query = `SELECT * FROM (` + strings.Join(subs, ` UNION `) + `) AS page ORDER BY ` + order + ` LIMIT ` + lim
	}
	return query, q.args, nil
}

// unassignedOrder leads each sort's order with owner_id in the direction
// the (…, owner_id, sort key) indexes are read in (see listQuery).
var unassignedOrder = map[string]string{"": "owner_id DESC, ", "newest": "owner_id DESC, ", "oldest": "owner_id ASC, ",
	"priority": "owner_id ASC, ", "updated": "owner_id DESC, "}

// listedTickets reads the tickets query selects (ticketColumns), each
// with its collaborators and hand-offs (fillCollaborators).
func (s *Store) listedTickets(ctx context.Context, query string, args ...any) ([]ticket.Ticket, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r *sql.Rows) (ticket.Ticket, error) { return scanTicket(r) })
	if err != nil {
		return nil, err
	}
	return list, s.fillCollaborators(ctx, list)
}

// fillCollaborators loads the collaborators and the agents who handed off
// each ticket of a page in one query: listed tickets carry what
// ticket.CanView and CanWork need, as a ticket read alone does.
func (s *Store) fillCollaborators(ctx context.Context, list []ticket.Ticket) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*ticket.Ticket, len(list))
	args := make([]any, len(list))
	params := make([]string, len(list))
	for i := range list {
		list[i].Collaborators, list[i].HandedOffBy = []int64{}, []int64{}
		byID[list[i].ID] = &list[i]
		args[i], params[i] = list[i].ID, "$"+strconv.Itoa(i+1)
	}
	in := strings.Join(params, ", ")
	rows, err := s.read.QueryContext(ctx, `SELECT ticket_id, 0 AS handoff, agent_id, added_at FROM ticket_collaborators WHERE ticket_id IN (`+in+`)
		UNION ALL SELECT ticket_id, 1, agent_id, handed_at FROM ticket_handoffs WHERE ticket_id IN (`+in+`)
		ORDER BY 1, 2, 4, 3`, args...)
	if err != nil {
		return fmt.Errorf("list collaborators: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid, kind, agent, at int64
		if err := rows.Scan(&tid, &kind, &agent, &at); err != nil {
			return fmt.Errorf("scan collaborator: %w", err)
		}
		if kind == 1 {
			byID[tid].HandedOffBy = append(byID[tid].HandedOffBy, agent)
		} else {
			byID[tid].Collaborators = append(byID[tid].Collaborators, agent)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list collaborators: %w", err)
	}
	return nil
}

// CountTickets counts the tickets a filter selects, up to max (sidebar
// counts show "999+" rather than scanning a huge backlog on every page).
//
// It reads the list's branches (Filter.branches), each an index seek
// stopped after max rows, rather than one query whose OR of visibility
// alternatives no index serves: the union of the capped branches holds at
// least max tickets exactly when the filter selects at least max.
func (s *Store) CountTickets(ctx context.Context, wsID int64, f Filter, max int) (int, error) {
	query, args := f.countQuery(s.dialect, wsID, max)
	var n int
	if err := s.read.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tickets: %w", err)
	}
	return min(n, max), nil
}

// countQuery builds CountTickets' query.
func (f Filter) countQuery(d Dialect, wsID int64, max int) (string, []any) {
	q := &sqlArgs{args: []any{wsID}}
	base, branches := f.branches(q, d)
	lim := q.arg(max)
	subs := make([]string, len(branches))
	for i, br := range branches {
		where := base
		if br.cond != "" {
			where += " AND " + br.cond
		}
		subs[i] = `SELECT * FROM (SELECT tickets.id FROM ` + br.from + ` WHERE ` + where + ` LIMIT ` + lim + `) AS b` + strconv.Itoa(i)
	}
	// UNION, not UNION ALL: a ticket may be visible through two branches.
	return `SELECT count(*) FROM (` + strings.Join(subs, ` UNION `) + `) AS capped`, q.args
}

// sqlArgs numbers the parameters of a query as they are added.
type sqlArgs struct{ args []any }

func (q *sqlArgs) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *sqlArgs) in(ids []int64) string {
	if len(ids) == 0 {
		return "(NULL)"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = q.arg(id)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// active tells whether the filter selects only active (true) or only
// inactive (false) tickets, which the statuses imply when they are all of
// one kind: the indexes lead with (…, active, sort key).
func (f Filter) active() (value, known bool) {
	if f.ActiveOnly {
		return true, true
	}
	if len(f.Statuses) == 0 {
		return false, false
	}
	first := f.Statuses[0].Active()
	for _, st := range f.Statuses[1:] {
		if st.Active() != first {
			return false, false
		}
	}
	return first, true
}

// base writes the filter's conditions other than its tiers and the
// viewer's access (which Tickets turns into branches).
func (f Filter) base(q *sqlArgs) string {
	var b strings.Builder
	b.WriteString("workspace_id = $1")
	if f.TeamID != 0 {
		b.WriteString(" AND team_id = " + q.arg(f.TeamID))
	}
	if f.OwnerID != 0 {
		b.WriteString(" AND owner_id = " + q.arg(f.OwnerID))
	}
	if f.Unassigned {
		b.WriteString(" AND owner_id IS NULL")
	}
	if f.CollaboratorID != 0 {
		b.WriteString(" AND id IN (SELECT ticket_id FROM ticket_collaborators WHERE agent_id = " + q.arg(f.CollaboratorID) + ")")
	}
	if f.HandedOffBy != 0 {
		b.WriteString(" AND id IN (SELECT ticket_id FROM ticket_handoffs WHERE agent_id = " + q.arg(f.HandedOffBy) + ")")
	}
	if len(f.Statuses) > 0 {
		parts := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			parts[i] = q.arg(string(st))
		}
		b.WriteString(" AND status IN (" + strings.Join(parts, ", ") + ")")
	}
	if v, ok := f.active(); ok {
		b.WriteString(" AND active = " + q.arg(v))
	}
	if f.RequestTypeID != 0 {
		b.WriteString(" AND request_type_id = " + q.arg(f.RequestTypeID))
	}
	if f.CustomerID != 0 {
		b.WriteString(" AND customer_id = " + q.arg(f.CustomerID))
	}
	return b.String()
}

// where is the whole filter as one condition (counts use it).
func (f Filter) where(wsID int64) (string, []any) {
	q := &sqlArgs{args: []any{wsID}}
	w := f.base(q)
	if len(f.TierIDs) > 0 {
		w += " AND tier_id IN " + q.in(f.TierIDs)
	}
	if v := f.Viewer; v != nil && !v.IsAdmin() {
		w += " AND " + anyAccess(q, viewerBranches(q, *v, true), false)
	}
	return w, q.args
}

// anyAccess is the condition that one of the access alternatives holds.
// With probe, an alternative of the agent's swarms or hand-offs is tested
// by probing their primary key for the ticket, for a read that tests a
// few tickets: as a set (IN) PostgreSQL hashed all of the agent's rows
// first (11,762 hand-offs for the L1 agent at 200k tickets) to test 51.
func anyAccess(q *sqlArgs, access []accessBranch, probe bool) string {
	or := make([]string, len(access))
	for i, br := range access {
		c := []string{}
		if br.tier != 0 {
			c = append(c, "tier_id = "+q.arg(br.tier))
		}
		switch {
		case probe && br.driver != nil:
			if br.viaDriver != nil && *br.viaDriver != "" {
				c = append(c, *br.viaDriver)
			}
			c = append(c, memberProbe(br.driver.table, br.driver.agent))
		case br.cond != "":
			c = append(c, br.cond)
		}
		if len(c) == 0 {
			c = append(c, "1 = 1")
		}
		or[i] = "(" + strings.Join(c, " AND ") + ")"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// memberProbe is the condition that the agent (parameter) has a row of
// table (ticket_collaborators, ticket_handoffs) for the ticket, tested by
// a probe of its primary key per ticket. The OFFSET keeps PostgreSQL from
// turning it into a hashed subplan, which read all of the agent's rows
// first (58,764 hand-offs of the L1 agent at 1M) to test a customer's
// twenty tickets.
func memberProbe(table, agent string) string {
	return "EXISTS (SELECT 1 FROM " + table + " m WHERE m.ticket_id = tickets.id AND m.agent_id = " + agent + " LIMIT 1 OFFSET 0)"
}

// accessBranch is one way a viewer may see a ticket; tier, when set, is
// the tier the branch is limited to.
type accessBranch struct {
	tier int64
	cond string
	// driver, when set, is a small table of ticket ids (collaborators,
	// hand-offs) the branch reads first: "alias:table:agent param".
	driver *idDriver
	owner  bool  // the viewer's own tickets
	team   int64 // the tickets of one of the viewer's teams
	// viaDriver, when set, is cond for a read that starts from driver
	// (which already holds the membership cond tests).
	viaDriver *string
}

// idDriver is a join that starts a branch from an agent's few rows of
// ticket_collaborators or ticket_handoffs rather than scanning tickets in
// sort order for them (CROSS JOIN keeps that order on SQLite).
type idDriver struct{ alias, table, agent string }

func (d idDriver) from(dialect Dialect, sort string, seek driverSeek) string {
	table := d.table + " " + d.alias
	if dialect == Postgres {
		// Each driver row probes its ticket, in the driver's order, and
		// the walk stops at the page. Left to join the two, PostgreSQL
		// merged the driver with a walk of the tickets' primary key from
		// the first ticket (100,673 tickets read for one branch of the L1
		// agent's deep priority page at 200k tickets), or, misjudging how
		// few tickets a condition keeps, hashed every one of the agent's
		// rows. A lateral subquery it cannot pull up (OFFSET 0) leaves it
		// only the probe.
		return table + " CROSS JOIN LATERAL (SELECT * FROM tickets WHERE tickets.id = " + d.alias + ".ticket_id OFFSET 0) AS tickets"
	}
	if ix := seek.index(sort); ix != "" {
		// SQLite has no statistics to choose between the agent's
		// indexes: name the one holding the branch's prefix and the
		// sort's key.
		table += " INDEXED BY " + d.table + ix
	}
	return table + " CROSS JOIN tickets ON tickets.id = " + d.alias + ".ticket_id"
}

// driverSeek says which copies of the ticket's columns a branch read from
// an agent's swarms or hand-offs fixes by equality, so that it seeks the
// index of the rows leading with them (migrations 0053–0056): the team,
// else the owner, else the tier; the others are tested on the row.
type driverSeek struct {
	team, owner, tier bool
	active            bool // the branch fixes the ticket's active
}

// index names the suffix of the driver table's index serving the seek in
// a sort order ("" for (agent, ticket), the table's own in id order).
func (k driverSeek) index(sort string) string {
	key := "id"
	if keyedSort(sort) {
		key = sort
	}
	switch {
	case k.team:
		return "_agent_team_" + key
	case k.owner:
		return "_agent_owner_" + key
	case k.tier:
		return "_agent_tier_" + key
	case keyedSort(sort):
		return "_agent_" + key
	case k.active:
		return "_agent_active_id"
	}
	return ""
}

// keyedSort tells whether a sort orders by a key beside the id (priority,
// updated), which swarm and hand-off rows carry a copy of (migration 0053).
func keyedSort(sort string) bool { return sort == "priority" || sort == "updated" }

// viewerBranches is the SQL twin of ticket.CanView, as a list of
// alternatives: the ticket is visible when one of them holds. Without
// teams, the team alternatives are left out (the caller knows they add
// nothing: see Filter.branches).
func viewerBranches(q *sqlArgs, v auth.Actor, teams bool) []accessBranch {
	me := q.arg(v.AgentID)
	out := []accessBranch{
		ownerBranch(me),
		{cond: "id IN (SELECT ticket_id FROM ticket_collaborators WHERE agent_id = " + me + ")", driver: &idDriver{"vc", "ticket_collaborators", me}, viaDriver: new("")},
	}
	if v.IsCollaborator() {
		// No tier, whatever the account says: their own tickets only.
		return out
	}
	notSensitive := q.arg(false)
	scope := "" // leads read sensitive tickets of their scope
	if !v.IsLeadOrAdmin() {
		scope = "sensitive = " + notSensitive
	}
	for _, t := range dedupe(v.TierIDs) {
		out = append(out, accessBranch{tier: t, cond: scope})
	}
	for _, tm := range dedupe(v.TeamIDs) {
		if !teams {
			break
		}
		c := "team_id = " + q.arg(tm)
		if scope != "" {
			c += " AND " + scope
		}
		out = append(out, accessBranch{cond: c, team: tm})
	}
	// Who handed a ticket off keeps reading it, unless it is sensitive:
	// then only its assignees and leads do.
	out = append(out, accessBranch{cond: "sensitive = " + notSensitive + " AND id IN (SELECT ticket_id FROM ticket_handoffs WHERE agent_id = " + me + ")",
		driver: &idDriver{"vh", "ticket_handoffs", me}, viaDriver: new("sensitive = " + notSensitive)})
	return out
}

// probesMembership tells whether the filter names a set of tickets that
// is small beside an agent's swarms and hand-offs: one customer's. Those
// branches then read the customer's tickets and probe the agent's
// membership by its primary key, instead of walking all of the agent's
// rows (58,764 hand-offs for the L1 agent at 1M tickets) testing each
// ticket. (An owner's tickets are not small: 95,000 for the L2 agent;
// the rows carry the owner instead, see driverSeek.)
func (f Filter) probesMembership() bool {
	return f.CustomerID != 0
}

// ownerBranch is the way in of the tickets the agent (parameter me) owns.
func ownerBranch(me string) accessBranch {
	return accessBranch{cond: "owner_id = " + me, owner: true}
}

// listBranch is one ordered seek of a page: its FROM and its condition
// beyond the shared one; prefix is the equality columns (beyond workspace
// and active) it fixes on tickets, when it reads tickets through a sort
// index rather than from a bounded driver.
type listBranch struct {
	from, cond string
	prefix     indexPrefix
	driver     string    // alias of the driver table the branch starts from, if any
	drv        *idDriver // that driver
	seek       driverSeek
}

// indexPrefix says which columns a branch fixes by equality.
type indexPrefix struct {
	tier, team, owner, kind bool
	driven                  bool // read from a bounded set (a driver table or the customer index), not in sort order
}

// branches returns the conditions every branch shares and the branches of
// a page: one per (visibility alternative × filtered tier × active value).
// Each branch is an equality prefix of an index ((tier|team|owner|
// workspace), active) followed by the sort key, so each is one ordered
// seek, or starts from an agent's few collaborations or hand-offs; a tier
// the viewer does not work in drops that alternative instead of scanning
// for tickets it would refuse.
func (f Filter) branches(q *sqlArgs, d Dialect) (string, []listBranch) {
	// A filter on an agent's collaborations or hand-offs starts every
	// branch from those few rows; the join holds the membership, which
	// the shared conditions leave out (tested again, it made PostgreSQL
	// hash all of the agent's rows a second time).
	var fixed *idDriver
	var probes []string
	shared := f
	switch {
	case f.probesMembership():
		// A customer's few tickets, each probed for the membership on
		// its primary key, rather than every one of the agent's rows
		// read (as a set, IN, PostgreSQL hashed all of them: anyAccess).
		for _, m := range []struct {
			agent int64
			table string
		}{{f.CollaboratorID, "ticket_collaborators"}, {f.HandedOffBy, "ticket_handoffs"}} {
			if m.agent != 0 {
				probes = append(probes, memberProbe(m.table, q.arg(m.agent)))
			}
		}
		shared.CollaboratorID, shared.HandedOffBy = 0, 0
	case f.HandedOffBy != 0:
		fixed = &idDriver{"fh", "ticket_handoffs", q.arg(f.HandedOffBy)}
		shared.HandedOffBy = 0
	case f.CollaboratorID != 0:
		fixed = &idDriver{"fc", "ticket_collaborators", q.arg(f.CollaboratorID)}
		shared.CollaboratorID = 0
	}
	base := strings.Join(append([]string{shared.base(q)}, probes...), " AND ")
	access := []accessBranch{{}}
	v := f.Viewer
	if v != nil && !v.IsAdmin() {
		// Under a tier filter, a team alternative adds nothing in a tier
		// the viewer works in: the tier alternative already holds every
		// ticket of it with the same sensitivity rule. Reading it anyway
		// walked the team's tickets of that tier for nothing new.
		teams := len(f.TierIDs) == 0 || slices.ContainsFunc(f.TierIDs, func(t int64) bool { return !slices.Contains(v.TierIDs, t) })
		if f.OwnerID == v.AgentID {
			// The owner sees every ticket they own (ticket.CanView): the
			// viewer's other ways in add nothing, and their swarm and
			// hand-off branches walked all of the agent's rows looking
			// for their own tickets (58,764 hand-offs for the L1 agent at
			// 1M tickets, 369 ms of CPU a page).
			access = []accessBranch{ownerBranch(q.arg(v.AgentID))}
		} else {
			access = viewerBranches(q, *v, teams)
		}
	}
	if fixed != nil && len(access) > 1 {
		// Those rows are read once, each tested for every way the viewer
		// may see its ticket: a branch per way walked all of them once per
		// way, most ways matching few (the L1 agent's "handed off by me"
		// read their 11,762 hand-offs five times over at 200k tickets).
		access = []accessBranch{{cond: anyAccess(q, access, true)}}
	}
	tiers := make([]string, 0, len(f.TierIDs))
	tierOf := map[int64]string{}
	for _, t := range dedupe(f.TierIDs) {
		tierOf[t] = q.arg(t)
		tiers = append(tiers, tierOf[t])
	}
	var out []listBranch
	add := func(tier string, br accessBranch) {
		var c []string
		from := "tickets"
		drv := fixed
		if drv == nil && !f.probesMembership() {
			drv = br.driver
		} else if drv == nil && br.driver != nil {
			// A bounded set of tickets (a customer's, an owner's) read
			// through the tickets' own index, each probed for membership,
			// rather than every row of the agent tested for the filter.
			br.cond = anyAccess(q, []accessBranch{br}, true)
		}
		alias := ""
		var seek driverSeek
		if drv != nil {
			c = append(c, drv.alias+".agent_id = "+drv.agent)
			if f.TeamID != 0 {
				// The driver's copy of the team leads its team indexes
				// (migration 0055): the L1 agent's hand-offs are all in
				// other teams, and testing each ticket read all of them.
				c = append(c, drv.alias+".ticket_team_id = "+q.arg(f.TeamID))
				seek.team = true
			}
			switch {
			// The driver's copy of the owner leads its owner indexes
			// (migration 0056): an agent's hand-offs of one owner, or
			// unassigned, are a seek of their own.
			case f.OwnerID != 0:
				c = append(c, drv.alias+".ticket_owner_id = "+q.arg(f.OwnerID))
				seek.owner = true
			case f.Unassigned:
				c = append(c, drv.alias+".ticket_owner_id IS NULL")
				seek.owner = true
			}
			if tier != "" {
				// The driver's copy of the tier leads its tier indexes
				// (migrations 0054–0055), or under a team filter is tested
				// on the row: walking the agent's rows of every tier for
				// one read all of them when it holds few.
				c = append(c, drv.alias+".ticket_tier_id = "+tier)
				seek.tier = true
			}
			if v, ok := f.active(); ok {
				// The driver's copy of active follows the prefix in each
				// of its indexes (migrations 0053, 0055): fixing it makes
				// the branch one seek.
				c = append(c, drv.alias+".ticket_active = "+q.arg(v))
				seek.active = true
			}
			from, alias = drv.from(d, f.Sort, seek), drv.alias
			if drv == br.driver && br.viaDriver != nil {
				// The join is the branch's membership test: the same
				// IN (…) again only re-reads the agent's rows.
				br.cond = *br.viaDriver
			}
		} else if f.CustomerID != 0 && d == SQLite {
			// A customer's tickets are few: read them all and sort,
			// rather than walk a sort index looking for them.
			from = "tickets INDEXED BY tickets_customer"
		} else if f.CustomerID != 0 {
			// The same on PostgreSQL: a subquery it cannot pull up
			// (OFFSET 0) reads the customer's tickets first. Left to
			// choose, it walked another filter's index (an owner's
			// tickets in sort order) testing the customer on each.
			from = "(SELECT * FROM tickets WHERE workspace_id = $1 AND customer_id = " + q.arg(f.CustomerID) + " OFFSET 0) AS tickets"
		}
		if tier != "" {
			c = append(c, "tier_id = "+tier)
		}
		if br.cond != "" {
			c = append(c, br.cond)
		}
		px := indexPrefix{tier: tier != "", team: f.TeamID != 0 || br.team != 0,
			owner: f.OwnerID != 0 || f.Unassigned || br.owner, kind: f.RequestTypeID != 0, driven: from != "tickets" || f.probesMembership()}
		out = append(out, listBranch{from: from, cond: strings.Join(c, " AND "), prefix: px, driver: alias, drv: drv, seek: seek})
	}
	if f.probesMembership() {
		// A customer's tickets are few: one read of them all, each
		// tested for every way the viewer may see it and for the tiers,
		// then sorted. A branch per way, tier and active value was a
		// union of 32 reads of the same few tickets, which PostgreSQL
		// spent 100 ms of CPU planning (the L1 agent, 200k tickets).
		br := accessBranch{}
		if len(access) > 1 || access[0].cond != "" {
			br.cond = anyAccess(q, access, true)
		}
		if len(tiers) > 0 {
			br.cond = strings.TrimPrefix(br.cond+" AND tier_id IN ("+strings.Join(tiers, ", ")+")", " AND ")
		}
		add("", br)
		return base, out
	}
	for _, br := range access {
		// The viewer's own tickets under owner=none, or under another
		// owner, are none: seeking them walked all the viewer's tickets.
		if br.owner && (f.Unassigned || (f.OwnerID != 0 && f.OwnerID != v.AgentID)) {
			continue
		}
		switch {
		case br.team != 0 && len(tiers) > 0:
			for _, t := range dedupe(f.TierIDs) {
				if !slices.Contains(v.TierIDs, t) {
					add(tierOf[t], br)
				}
			}
		case br.tier != 0 && len(tiers) > 0:
			if p, ok := tierOf[br.tier]; ok {
				add(p, br)
			}
		case br.tier != 0:
			add(q.arg(br.tier), br)
		case len(tiers) > 0:
			for _, t := range tiers {
				add(t, br)
			}
		default:
			add("", br)
		}
	}
	if len(out) == 0 {
		// Every tier the filter names is out of the viewer's sight and no
		// other alternative applies: nothing to read.
		return base, []listBranch{{from: "tickets", cond: "1 = 0"}}
	}
	// The indexes hold active before the sort key: when the filter does
	// not fix it, a branch that seeks an index is read as two seeks,
	// active and not.
	_, known := f.active()
	if !known && (f.Sort == "updated" || f.Sort == "priority" || len(out) > 1 || len(tiers) > 0 ||
		f.TeamID != 0 || f.OwnerID != 0 || f.Unassigned) {
		var values []string // added on first use: PostgreSQL refuses a parameter no clause types
		split := make([]listBranch, 0, 2*len(out))
		for _, br := range out {
			col := "active"
			switch {
			case br.driver != "":
				// An agent's swarms or hand-offs: two seeks of the
				// driver's index, as for tickets' own.
				col = br.driver + ".ticket_active"
				br.seek.active = true
				br.from = br.drv.from(d, f.Sort, br.seek)
			case br.prefix.driven:
				split = append(split, br)
				continue
			}
			if values == nil {
				values = []string{q.arg(true), q.arg(false)}
			}
			for _, a := range values {
				c := col + " = " + a
				if br.cond != "" {
					c = br.cond + " AND " + c
				}
				split = append(split, listBranch{from: br.from, cond: c, prefix: br.prefix, driver: br.driver, drv: br.drv, seek: br.seek})
			}
		}
		out = split
		known = true
	}
	if d == SQLite && known {
		// Without statistics (Palier never runs ANALYZE) SQLite rates
		// every index whose first columns match about the same, and took
		// (team, active, updated_at) for a branch that fixes team and tier,
		// walking the team's other tiers: 130 ms a page at 200k tickets
		// instead of 1. Each branch names the index that serves it.
		for i, br := range out {
			if br.from == "tickets" {
				out[i].from = "tickets INDEXED BY " + br.prefix.index(f.Sort)
			}
		}
	}
	return base, out
}

// prefixIndexes names, for each equality prefix a branch can fix, the
// indexes (workspace_id, prefix…, active, sort key) serving each sort,
// in the order newest/oldest, priority, updated. The first entry whose
// columns the branch fixes serves it; what the branch fixes beyond them is
// read from the rows (see Filter.residual).
var prefixIndexes = []struct {
	prefix indexPrefix
	byID   string
	byPrio string
	byUpd  string
}{
	{indexPrefix{team: true, tier: true, owner: true}, "tickets_team_tier_owner_id", "tickets_team_tier_owner_priority", "tickets_team_tier_owner_updated"},
	{indexPrefix{tier: true, owner: true}, "tickets_tier_unassigned", "tickets_tier_unassigned_priority", "tickets_tier_unassigned_updated"},
	{indexPrefix{team: true, owner: true}, "tickets_team_unassigned", "tickets_team_owner_priority", "tickets_team_owner_updated"},
	{indexPrefix{team: true, tier: true}, "tickets_team_tier_id", "tickets_team_tier_priority", "tickets_team_tier_updated"},
	{indexPrefix{owner: true}, "tickets_owner", "tickets_owner_priority", "tickets_owner_updated"},
	{indexPrefix{team: true}, "tickets_team", "tickets_team_priority", "tickets_team_updated"},
	{indexPrefix{tier: true}, "tickets_tier", "tickets_tier_priority", "tickets_tier_updated"},
	{indexPrefix{kind: true}, "tickets_type", "tickets_type_priority", "tickets_type_updated"},
	{indexPrefix{}, "tickets_ws_active_id", "tickets_ws_priority", "tickets_ws_updated"},
}

// serving returns the entry of prefixIndexes that serves p.
func (p indexPrefix) serving() indexPrefix {
	for _, e := range prefixIndexes {
		x := e.prefix
		if (!x.tier || p.tier) && (!x.team || p.team) && (!x.owner || p.owner) && (!x.kind || p.kind) {
			return x
		}
	}
	return indexPrefix{}
}

// index names the index serving p in a sort order.
func (p indexPrefix) index(sort string) string {
	x := p.serving()
	for _, e := range prefixIndexes {
		if e.prefix != x {
			continue
		}
		switch sort {
		case "priority":
			return e.byPrio
		case "updated":
			return e.byUpd
		}
		return e.byID
	}
	return "tickets_ws_active_id"
}

// maxResidual is how many filters a branch may test on the rows its index
// yields in order. One is a filter of a few values (a request type beside
// a tier) whose matches are spread through the index; two multiply their
// rarity and a page could read most of the table: no index serves that.
const maxResidual = 1

// tooBroad refuses a page that one of its branches cannot read through an
// index holding all but maxResidual of its filters: the one rule for the
// API and the web list, which both list through Store.Tickets. It names
// the filters to add (a customer or hand-off filter reads a bounded set)
// or to drop.
func tooBroad(branches []listBranch) error {
	for _, br := range branches {
		if br.prefix.driven || br.prefix.residual() <= maxResidual {
			continue
		}
		var drop []string
		x := br.prefix.serving()
		for _, c := range []struct {
			name      string
			on, index bool
		}{{"tier", br.prefix.tier, x.tier}, {"team", br.prefix.team, x.team}, {"owner", br.prefix.owner, x.owner}, {"type", br.prefix.kind, x.kind}} {
			if c.on && !c.index {
				drop = append(drop, c.name)
			}
		}
		return problem.New(problem.BadRequest, CodeListTooBroad, "no index serves this list: add a customer or handed_off_by filter, or drop one of "+strings.Join(drop, ", ")).
			With("add", "customer, handed_off_by").With("drop", strings.Join(drop, ", "))
	}
	return nil
}

// residual counts the columns p fixes that its index does not hold: the
// rows the index yields in order are read and tested for them.
func (p indexPrefix) residual() int {
	x := p.serving()
	n := 0
	for _, extra := range []bool{p.tier && !x.tier, p.team && !x.team, p.owner && !x.owner, p.kind && !x.kind} {
		if extra {
			n++
		}
	}
	return n
}

type keysetClause struct {
	sql  string
	args []any
	// split, when set, replaces sql: the page is the union of two index
	// seeks, the rest of the cursor's level and the levels below it (see
	// Filter.order).
	split *[2]string
}

// order returns the ORDER BY for the filter's sort and the condition that
// starts the page after cursor.
//
// cols names the columns the order and condition use: the ticket's for a
// read of tickets, the driver's copies for a read that starts from an
// agent's swarms or hand-offs.
func (f Filter) order(cursor string, nargs int, cols orderCols) (string, keysetClause, error) {
	idCol, prio, upd := cols.id, cols.priority, cols.updated
	sort := f.Sort
	if sort == "" {
		sort = "newest"
	}
	if !slices.Contains(Sorts, sort) {
		return "", keysetClause{}, problem.New(problem.BadRequest, "bad_sort", "unknown sort order").With("value", sort)
	}
	key, id, err := decodeCursor(cursor, sort)
	if err != nil {
		return "", keysetClause{}, err
	}
	p := func(i int) string { return "$" + strconv.Itoa(nargs+i) }
	var order string
	var ks keysetClause
	switch sort {
	case "newest":
		order = idCol + " DESC"
		if cursor != "" {
			ks = keysetClause{sql: idCol + " < " + p(1), args: []any{id}}
		}
	case "oldest":
		order = idCol + " ASC"
		if cursor != "" {
			ks = keysetClause{sql: idCol + " > " + p(1), args: []any{id}}
		}
	case "updated":
		order = upd + " DESC, " + idCol + " DESC"
		if cursor != "" {
			// The leading "<=" repeats what the OR implies: PostgreSQL cannot
			// seek an index with the OR alone and would scan from the top.
			ks = keysetClause{sql: "(" + upd + " <= " + p(1) + " AND (" + upd + " < " + p(1) + " OR (" + upd + " = " + p(1) + " AND " + idCol + " < " + p(2) + ")))", args: []any{key, id}}
		}
	case "priority":
		order = prio + " DESC, " + idCol + " ASC"
		if cursor != "" {
			// "priority < p OR (priority = p AND id > i)" cannot be entered
			// in the middle of a priority level by either database, so a
			// deep page read every ticket of its level before the cursor.
			// Two seeks, unioned, start exactly at the cursor.
			ks = keysetClause{args: []any{key, id}, split: &[2]string{
				prio + " = " + p(1) + " AND " + idCol + " > " + p(2),
				prio + " < " + p(1),
			}}
		}
	}
	return order, ks, nil
}

// orderCols names the columns a branch is ordered by.
type orderCols struct{ id, priority, updated string }

// ticketCols orders a read of tickets by their own columns.
var ticketCols = orderCols{"id", "priority", "updated_at"}

// driverCols orders a read that starts from an agent's swarms or hand-offs
// (alias) by the copies of the ticket's keys they carry (migration 0053),
// which their indexes hold behind the agent.
func driverCols(alias string) orderCols {
	return orderCols{alias + ".ticket_id", alias + ".ticket_priority", alias + ".ticket_updated_at"}
}

func (f Filter) cursorAfter(t ticket.Ticket) string {
	var key int64
	switch f.Sort {
	case "updated":
		key = ms(t.UpdatedAt)
	case "priority":
		key = int64(t.Priority)
	}
	sort := f.Sort
	if sort == "" {
		sort = "newest"
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s:%d:%d", sort, key, t.ID))
}

var errBadCursor = problem.New(problem.BadRequest, "bad_cursor", "the page cursor is invalid or belongs to another sort order")

func decodeCursor(cursor, sort string) (key, id int64, err error) {
	if cursor == "" {
		return 0, 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, 0, errBadCursor
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != sort {
		return 0, 0, errBadCursor
	}
	key, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, errBadCursor
	}
	return key, id, nil
}

// AddCollaborator invites an agent to a ticket (swarming) and records it.
func (s *Store) AddCollaborator(ctx context.Context, wsID, ticketID, agentID, byID int64, guard Guard) error {
	_, err := s.AddCollaborators(ctx, wsID, ticketID, byID, Invitation{AgentIDs: []int64{agentID}}, guard)
	return err
}

// Invitation is who an owner pulls into a ticket's swarm, and why.
type Invitation struct {
	AgentIDs []int64
	// TeamID names the team the agents were invited as, recorded with each
	// of them. A team invitation leaves out the ticket's owner, who already
	// works it, and its agents who already take part.
	TeamID int64
	// Question is what the inviter asks, recorded on each swarm_joined
	// event so the timeline reads "Nadia invited Karim: « … »".
	Question string
	// Then, when set, runs last in the transaction with the ticket (its
	// new collaborators listed) and the swarm_joined events written.
	Then TxHook
}

// AddCollaborators invites agents to a ticket in one transaction: a team
// comes in whole or not at all. It returns the agents actually added;
// agents already in the swarm are skipped without a new event. Every
// agent must belong to the workspace.
func (s *Store) AddCollaborators(ctx context.Context, wsID, ticketID, byID int64, inv Invitation, guard Guard) ([]int64, error) {
	var added []int64
	var events []ticket.Event
	err := s.inTicketTx(ctx, wsID, ticketID, guard, func(tx *Tx, t ticket.Ticket) error {
		now := fromMS(ms(s.now()))
		for _, agentID := range dedupe(inv.AgentIDs) {
			if !exists(ctx, tx, `SELECT count(*) FROM agents WHERE id = $1 AND workspace_id = $2`, agentID, wsID) {
				f := problem.Fields{}
				f.Add("agent_id", "unknown_value", "unknown agent", "value", strconv.FormatInt(agentID, 10))
				return f.Err()
			}
			if slices.Contains(t.Collaborators, agentID) || (inv.TeamID != 0 && agentID == t.OwnerID) {
				continue
			}
			e, err := s.insertCollaborator(ctx, tx, wsID, ticketID, agentID, byID, inv, now)
			if err != nil {
				return err
			}
			added = append(added, agentID)
			events = append(events, e)
		}
		if inv.Then != nil && len(events) > 0 {
			t.Collaborators = append(slices.Clone(t.Collaborators), added...)
			return inv.Then(ctx, tx, t, events)
		}
		return nil
	})
	return added, err
}

func (s *Store) insertCollaborator(ctx context.Context, tx *Tx, wsID, ticketID, agentID, byID int64, inv Invitation, now time.Time) (ticket.Event, error) {
	// The row takes the ticket's sort keys, tier, team and owner as they
	// are (migrations 0053–0056; a trigger keeps them after).
	if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_collaborators (ticket_id, agent_id, added_by, added_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id, ticket_team_id, ticket_owner_id)
		SELECT id, $2, $3, $4, active, priority, updated_at, tier_id, team_id, owner_id FROM tickets WHERE id = $1`,
		ticketID, agentID, nullID(byID), ms(now)); err != nil {
		return ticket.Event{}, fmt.Errorf("add collaborator: %w", err)
	}
	data := event.SwarmJoin{AgentID: agentID, TeamID: inv.TeamID, Question: inv.Question}
	return s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: ticketID, Kind: ticket.SwarmJoined, ActorAgentID: byID, Data: data}, now)
}
