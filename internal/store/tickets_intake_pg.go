package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Intake on PostgreSQL in one statement. Each round trip to PostgreSQL
// costs CPU on both sides, and a ticket held the workspace's numbering row
// locked across its round trips and its commit: seven round trips per
// ticket (begin, customer, references, number, ticket, events, commit)
// capped intake near 400 tickets/s at 8 clients. Here one statement checks
// the references, creates the new customer, its search words and their
// pairs of heads, takes the number, and writes the ticket, its events, its hand-off and its search
// document; with the group commit (batch.go) several tickets share one
// transaction and one flush. A refused ticket (unknown reference) writes nothing: every write
// of the statement depends on the references being found.

// intakeStatement is that statement. $1 workspace; $2 existing customer id
// (0 for a new one); $3 tier, $4 team, $5 owner, $6 request type (0 = none);
// new customer $7 email (empty: none), $8 name, $9 phone, $10 language,
// $11 segment, $12 its search words; ticket $13 subject, $14 status,
// $15 active, $16 priority, $17 channel, $18 language, $19 sensitive,
// $20 tags, $21 custom fields, $22 time; events as parallel arrays $23 kind,
// $24 agent (0 = none), $25 customer (0 = none, -1 = the ticket's), $26 body,
// $27 data (event.Encode); $28 agent who handed the ticket off (0 = none);
// $29 the data's encoding version (event.Version); the ticket's search
// document (tickets_search_index.go) $30 its subject's terms, $31 its
// messages' terms, with its access key (migration 0058: the ticket row is
// not visible to the view within this statement, so the key is made from
// the same values); the new customer's pairs of word heads (termPairs) $32
// the smaller heads, $33 the larger. The hand-off row carries the ticket's
// sort keys, tier, team and owner ($15, $16, $22, $3, $4, $5: migrations
// 0053–0056).
//
// An existing customer ($2) is followed to the customer it was merged
// into (kept), locked, and kept only when it is not merged itself: see
// keptCustomerForIntake, whose rule this is. Locking it waits for a merge
// of it under way, and the row is then checked again as that merge left
// it: when it was merged meanwhile (A into B read, B being merged into
// C), nothing is written and the caller runs the statement again, as for
// a new customer (errCustomerRace), which reads A's new pointer to C.
// The ticket's first message is then that customer's too ($25 -1).
//
// A new customer's row is read back through the statement's snapshot: when
// a concurrent transaction created the same customer after that snapshot
// was taken, the INSERT skips it and the SELECT does not see it yet; then
// nothing is written and the caller runs the statement again (a new
// statement, a new snapshot).
const intakeStatement = `WITH ok AS (
  SELECT ($2::bigint = 0 OR EXISTS (SELECT 1 FROM customers WHERE id = $2 AND workspace_id = $1)) AS customer,
         ($3::bigint = 0 OR EXISTS (SELECT 1 FROM tiers WHERE id = $3 AND workspace_id = $1)) AS tier,
         ($4::bigint = 0 OR EXISTS (SELECT 1 FROM teams WHERE id = $4 AND workspace_id = $1)) AS team,
         ($5::bigint = 0 OR EXISTS (SELECT 1 FROM agents WHERE id = $5 AND workspace_id = $1)) AS owner,
         ($6::bigint = 0 OR EXISTS (SELECT 1 FROM request_types WHERE id = $6 AND workspace_id = $1)) AS rtype
), go AS (
  SELECT 1 FROM ok WHERE customer AND tier AND team AND owner AND rtype
), nc AS (
  INSERT INTO customers (workspace_id, name, email, phone, language, segment, created_at)
  SELECT $1, $8, $7, $9, $10, $11, $22 FROM go WHERE $7::text <> ''
  ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id
), nct AS (
  INSERT INTO customer_terms (workspace_id, term, customer_id) SELECT $1, w, nc.id FROM nc, unnest($12::text[]) w
), ncp AS (
  INSERT INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id) SELECT $1, p.a, p.b, nc.id FROM nc, unnest($32::text[], $33::text[]) p(a, b)
), kept AS (
  SELECT m.id FROM customers c JOIN customers m ON m.id = COALESCE(c.merged_into_id, c.id) AND m.workspace_id = c.workspace_id
  WHERE $7::text = '' AND c.id = $2 AND c.workspace_id = $1 AND m.merged_into_id IS NULL FOR KEY SHARE OF m
), cust AS (
  SELECT id FROM nc
  UNION ALL SELECT id FROM customers WHERE $7::text <> '' AND workspace_id = $1 AND email = $7
  UNION ALL SELECT id FROM kept
), num AS (
  UPDATE workspaces SET next_ticket_number = next_ticket_number + 1
  WHERE id = $1 AND EXISTS (SELECT 1 FROM go) AND EXISTS (SELECT 1 FROM cust)
  RETURNING next_ticket_number - 1 AS n
), t AS (
  INSERT INTO tickets (workspace_id, number, subject, status, active, priority, request_type_id, channel, tier_id, team_id,
    owner_id, customer_id, language, sensitive, tags, custom_fields, created_at, updated_at)
  SELECT $1, num.n, $13, $14, $15, $16, NULLIF($6, 0), $17, $3, NULLIF($4, 0), NULLIF($5, 0), c.id, $18, $19, $20, $21, $22, $22
  FROM num, (SELECT id FROM cust LIMIT 1) c
  RETURNING id, number, customer_id
), ev AS (
  INSERT INTO events (workspace_id, ticket_id, kind, actor_agent_id, actor_customer_id, body, data, data_version, created_at)
  SELECT $1, t.id, e.kind, NULLIF(e.agent, 0), CASE WHEN e.cust = -1 THEN t.customer_id ELSE NULLIF(e.cust, 0) END, e.body, e.data, $29, $22
  FROM t, unnest($23::text[], $24::bigint[], $25::bigint[], $26::text[], $27::text[]) WITH ORDINALITY AS e(kind, agent, cust, body, data, ord)
  ORDER BY e.ord
), ho AS (
  INSERT INTO ticket_handoffs (ticket_id, agent_id, handed_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id, ticket_team_id, ticket_owner_id,
    ticket_request_type_id, ticket_status, ticket_sensitive)
  SELECT t.id, $28, $22, $15, $16, $22, $3, NULLIF($4, 0), NULLIF($5, 0), NULLIF($6, 0), $14, $19 FROM t WHERE $28::bigint <> 0
), doc AS (
  INSERT INTO ticket_search (ticket_id, search, access)
  SELECT t.id, setweight(to_tsvector('simple', $30), 'A') || setweight(to_tsvector('simple', $31), 'B'),
    ticket_access_key($3, NULLIF($4, 0), NULLIF($5, 0), $19, '{}', CASE WHEN $28::bigint <> 0 THEN ARRAY[$28::bigint] ELSE '{}' END)
  FROM t
)
SELECT ok.customer, ok.tier, ok.team, ok.owner, ok.rtype,
  COALESCE((SELECT id FROM t), 0), COALESCE((SELECT number FROM t), 0), COALESCE((SELECT customer_id FROM t), 0)
FROM ok`

// errCustomerRace says the new customer was created by a concurrent
// transaction after the statement's snapshot (see intakeStatement).
var errCustomerRace = errors.New("new customer created concurrently")

// createTicketPG writes ticket t and its events (the ticket's customer
// marked by theirs) in one statement; see intakeStatement. It fills t's id,
// number, reference and customer. The statement also writes the ticket's
// search document, the one writeTicketDoc writes (same expression: keep
// them together), so that the group commit's one connection makes one
// round trip per ticket, not two.
func createTicketPG(ctx context.Context, tx *Tx, wsID int64, n NewTicket, t *ticket.Ticket, events []ticket.Event, now time.Time) error {
	args, err := intakeArgs(wsID, n, t, events, now)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		var r intakeRow
		if err := r.scan(tx.QueryRowContext(ctx, intakeStatement, args...)); err != nil {
			return err
		}
		err := r.outcome(t)
		if errors.Is(err, errCustomerRace) && attempt < 3 {
			continue // the new customer was not visible yet: a new statement sees it
		}
		return err
	}
}

// intakeArgs are intakeStatement's arguments for ticket t and its events.
// For a new customer it sets t.CustomerID to 0 (the statement creates them).
func intakeArgs(wsID int64, n NewTicket, t *ticket.Ticket, events []ticket.Event, now time.Time) ([]any, error) {
	var email, name, phone, lang, segment string
	var words, headsA, headsB []string
	if c := n.NewCustomer; c != nil {
		email, name, phone, lang, segment = c.Email, c.Name, c.Phone, c.Language, c.Segment
		words = recordTerms(c.Name, c.Email)
		headsA, headsB = termPairs(words)
		t.CustomerID = 0
	} else if t.CustomerID == 0 {
		f := problem.Fields{}
		f.Required("customer_id")
		return nil, f.Err()
	}
	if words == nil {
		words = []string{}
	}
	if headsA == nil { // no new customer, or fewer than two heads: no pairs
		headsA, headsB = []string{}, []string{}
	}
	kinds := make([]string, len(events))
	agents := make([]int64, len(events))
	custs := make([]int64, len(events))
	bodies := make([]string, len(events))
	datas := make([]string, len(events))
	for i, e := range events {
		data, err := event.Encode(e)
		if err != nil {
			return nil, err
		}
		kinds[i], agents[i], bodies[i], datas[i] = string(e.Kind), e.ActorAgentID, e.Body, data
		custs[i] = e.ActorCustomerID
		if e.ActorCustomerID == customerOfTicket || e.ActorCustomerID != 0 && e.ActorCustomerID == t.CustomerID {
			custs[i] = -1 // the ticket's customer, who may be the one kept by a merge (kept)
		}
	}
	var handedBy int64
	if n.HandedOff {
		handedBy = n.ActorAgentID
	}
	tags, _ := json.Marshal(t.Tags)
	fields, _ := json.Marshal(t.CustomFields)
	return []any{wsID, t.CustomerID, t.TierID, t.TeamID, t.OwnerID, t.RequestTypeID,
		email, name, phone, lang, segment, words,
		t.Subject, string(t.Status), t.Status.Active(), int(t.Priority), t.Channel, t.Language, t.Sensitive, string(tags), string(fields), ms(now),
		kinds, agents, custs, bodies, datas, handedBy, event.Version,
		searchTerms(t.Language, t.Subject), messageTerms(t.Language, events), headsA, headsB}, nil
}

// intakeRow is intakeStatement's one row: which references were found,
// then the ticket written (0 when nothing was).
type intakeRow struct {
	ok                     [5]bool
	id, number, customerID int64
}

func (r *intakeRow) scan(row interface{ Scan(...any) error }) error {
	if err := row.Scan(&r.ok[0], &r.ok[1], &r.ok[2], &r.ok[3], &r.ok[4], &r.id, &r.number, &r.customerID); err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	return nil
}

// outcome fills t from the row, or says why nothing was written: the
// references not found (invalid), or errCustomerRace.
func (r *intakeRow) outcome(t *ticket.Ticket) error {
	f := problem.Fields{}
	for i, ref := range []struct {
		field, what string
		id          int64
	}{{"customer_id", "customer", t.CustomerID}, {"tier_id", "tier", t.TierID}, {"team_id", "team", t.TeamID},
		{"owner_id", "agent", t.OwnerID}, {"request_type_id", "request_type", t.RequestTypeID}} {
		if !r.ok[i] {
			f.Add(ref.field, "unknown_value", "unknown "+ref.what, "value", strconv.FormatInt(ref.id, 10))
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	if r.id == 0 {
		return errCustomerRace
	}
	t.ID, t.Number, t.CustomerID, t.Reference = r.id, r.number, r.customerID, ticket.Ref(r.number)
	return nil
}

// createTicketPiped is createTicketOneStatement for a ticket whose only
// write is the intake statement (no events added after it): the group
// commit sends such tickets' statements together, in one round trip, and
// their commit with them (batch_pg.go). A ticket the pipeline could not
// write (its new customer created concurrently, or the pipeline failed)
// is written alone, by createTicketPG.
func (s *Store) createTicketPiped(ctx context.Context, wsID int64, n NewTicket, t ticket.Ticket, now time.Time) (ticket.Ticket, error) {
	in := t
	customerID := t.CustomerID
	if n.NewCustomer != nil {
		customerID = customerOfTicket
	}
	events := firstEvents(n, customerID)
	args, err := intakeArgs(wsID, n, &in, events, now)
	if err != nil {
		return t, err
	}
	job := pipedJob{sql: intakeStatement, args: args,
		row: func(row interface{ Scan(...any) error }) (outcome, err error) {
			t = in
			var r intakeRow
			if err := r.scan(row); err != nil {
				return nil, err
			}
			return r.outcome(&t), nil
		},
		alone: func(ctx context.Context, tx *Tx) error {
			t = in
			return createTicketPG(ctx, tx, wsID, n, &t, events, now)
		}}
	err = s.inPipeline(ctx, job)
	if err == nil && n.HandedOff && n.ActorAgentID != 0 {
		t.HandedOffBy = []int64{n.ActorAgentID}
	}
	return t, err
}

// customerOfTicket marks, in an event given to createTicketPG, an actor who
// is the ticket's customer, known only once the statement has created them.
const customerOfTicket = -1
