package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

const ticketColumns = `id, number, subject, status, priority, COALESCE(request_type_id, 0), channel, tier_id, COALESCE(team_id, 0),
	COALESCE(owner_id, 0), customer_id, language, sensitive, tags, custom_fields, escalation_count, handoff_count,
	created_at, updated_at, first_response_at, solved_at, COALESCE(first_replier_id, 0), first_contact_resolved`

func scanTicket(r interface{ Scan(...any) error }) (ticket.Ticket, error) {
	return newTicketRow().scan(r)
}

// ticketRow is a scan destination of ticketColumns that a list reuses
// from row to row. Each destination passed to Scan escapes to the heap
// (through its ...any), so scanning into fresh locals allocated the
// ticket, its seven raw columns and the 23 destinations again for every
// row: with the page's slice growing as it filled, most of the garbage a
// list call made, and the garbage collector's stops preempt every
// request running meanwhile (bench/README.md, sqserved).
type ticketRow struct {
	t                    ticket.Ticket
	status, tags, fields string
	created, updated     int64
	firstResp, solved    sql.NullInt64
	dest                 []any
}

func newTicketRow() *ticketRow {
	r := &ticketRow{}
	t := &r.t
	r.dest = []any{&t.ID, &t.Number, &t.Subject, &r.status, &t.Priority, &t.RequestTypeID, &t.Channel, &t.TierID, &t.TeamID,
		&t.OwnerID, &t.CustomerID, &t.Language, &t.Sensitive, &r.tags, &r.fields, &t.EscalationCount, &t.HandoffCount,
		&r.created, &r.updated, &r.firstResp, &r.solved, &t.FirstReplierID, &t.FirstContactResolved}
	return r
}

// scan reads the current row into a new ticket.
func (r *ticketRow) scan(row interface{ Scan(...any) error }) (ticket.Ticket, error) {
	r.t = ticket.Ticket{}
	if err := row.Scan(r.dest...); err != nil {
		return r.t, err
	}
	t := r.t
	t.Status = ticket.Status(r.status)
	t.Reference = ticket.Ref(t.Number)
	t.CreatedAt, t.UpdatedAt = fromMS(r.created), fromMS(r.updated)
	t.FirstResponseAt, t.SolvedAt = optMS(r.firstResp), optMS(r.solved)
	var err error
	if t.Tags, err = decodeTags(r.tags); err != nil {
		return t, fmt.Errorf("ticket %d tags: %w", t.ID, err)
	}
	if t.CustomFields, err = decodeFields(r.fields); err != nil {
		return t, fmt.Errorf("ticket %d custom fields: %w", t.ID, err)
	}
	return t, nil
}

// decodeTags reads a ticket's stored tags. Most tickets have none: "[]"
// skips the JSON decoder, which allocated its state for every row.
func decodeTags(raw string) ([]string, error) {
	if raw == "[]" {
		return []string{}, nil
	}
	var tags []string
	err := json.Unmarshal([]byte(raw), &tags)
	return tags, err
}

// decodeFields reads a ticket's stored custom fields ("{}" for most, as
// decodeTags' "[]").
func decodeFields(raw string) (map[string]string, error) {
	if raw == "{}" {
		return map[string]string{}, nil
	}
	var fields map[string]string
	err := json.Unmarshal([]byte(raw), &fields)
	return fields, err
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
func (s *Store) createTicketOneStatement(ctx context.Context, wsID int64, n NewTicket, t ticket.Ticket, now time.Time) (_ ticket.Ticket, err error) {
	defer func() {
		if err == nil {
			s.ticketWritten() // fresh_pg.go
		}
	}()
	if n.Then == nil {
		return s.createTicketPiped(ctx, wsID, n, t, now)
	}
	in := t
	err = s.inBatch(ctx, func(ctx context.Context, tx *Tx) error {
		t = in // a batch that failed runs its jobs again, each alone
		customerID := t.CustomerID
		if n.NewCustomer != nil {
			customerID = customerOfTicket
		}
		events := firstEvents(n, customerID)
		if err := createTicketPG(ctx, tx, wsID, n, &t, events, now); err != nil {
			return err
		}
		// The statement indexed the first events; these join the document.
		then := n.Then(t)
		if err := insertEvents(ctx, tx, wsID, t.ID, then, now); err != nil {
			return err
		}
		if err := indexMessages(ctx, tx, t, then); err != nil {
			return err
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
// sort keys, tier, team, owner, request type, status and sensitivity as
// they are (migrations 0053–0056, 0061, 0087; a trigger keeps them after).
func insertHandoff(ctx context.Context, tx *Tx, ticketID, agentID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_handoffs (ticket_id, agent_id, handed_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id, ticket_team_id, ticket_owner_id,
		ticket_request_type_id, ticket_status, ticket_sensitive)
		SELECT id, $2, $3, active, priority, updated_at, tier_id, team_id, owner_id, request_type_id, status, sensitive FROM tickets WHERE id = $1
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
	// The row takes the ticket's sort keys, tier, team, owner, request
	// type, status and sensitivity as they are (migrations 0053–0056,
	// 0061, 0087; a trigger keeps them after).
	if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_collaborators (ticket_id, agent_id, added_by, added_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id,
		ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive)
		SELECT id, $2, $3, $4, active, priority, updated_at, tier_id, team_id, owner_id, request_type_id, status, sensitive FROM tickets WHERE id = $1`,
		ticketID, agentID, nullID(byID), ms(now)); err != nil {
		return ticket.Event{}, fmt.Errorf("add collaborator: %w", err)
	}
	data := event.SwarmJoin{AgentID: agentID, TeamID: inv.TeamID, Question: inv.Question}
	return s.insertEvent(ctx, tx, wsID, ticket.Event{TicketID: ticketID, Kind: ticket.SwarmJoined, ActorAgentID: byID, Data: data}, now)
}
