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
// pairs of heads, takes the number, and writes the ticket, its events, its
// hand-off and its search document; with the group commit (batch.go)
// several tickets share one transaction and one flush. A refused ticket
// (unknown reference) writes nothing: every write of the statement depends
// on the references being found.
//
// The statement takes a list of tickets of one workspace, not one ticket:
// the group commit sends the tickets of a batch together (batch_pg.go).
// PostgreSQL's fixed cost per statement (taking the cached plan's locks,
// starting and ending the executor over the statement's ten parts, opening
// the tickets table's 34 indexes) was a fifth of its CPU per ticket when
// each ticket was a statement of its own. Alone, a ticket is a list of one.

// intakeStatement is that statement. $1 is the workspace; every other
// parameter is an array: $2–$24 hold one value per ticket, in the order of
// intakeTicket's fields (ticketArrays); $25–$36 are flat lists whose items
// each name their ticket by its position, counted from 1 (ord): the new
// customers' search words $25 (ord $26) and pairs of word heads $27, $28
// (ord $29), the events $30–$34 (ord $36), and $35 the events' encoding
// version (event.Version). It answers one row per ticket, in their order:
// which references were found, then the ticket written (0 when nothing
// was). The hand-off row carries the ticket's sort keys and tier
// (migrations 0053–0054).
//
// An existing customer is read locked, and followed to the customer it was
// merged into (kept): see keptCustomerForIntake, whose rule this is. The
// ticket's first message is then that customer's too (event customer -1).
//
// A new customer is created by the first ticket of the list that names
// them; the others find them through the INSERT's rows (firsts, nc). A
// customer created before the statement is read back through its
// snapshot: when a concurrent transaction created the same customer after
// that snapshot was taken, the INSERT skips it and the SELECT does not see
// it yet; then nothing is written for that ticket and the caller runs it
// again (a new statement, a new snapshot). The numbers follow the list's
// order, without gaps: only the tickets written take one.
const intakeStatement = `WITH inp AS (
  SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
    $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
    $12::text[], $13::text[], $14::boolean[], $15::integer[], $16::text[], $17::text[], $18::boolean[], $19::text[], $20::text[],
    $21::bigint[], $22::bigint[], $23::text[], $24::text[])
  WITH ORDINALITY AS i(customer, tier, team, owner, rtype, email, name, phone, clang, segment,
    subject, status, active, priority, channel, lang, sensitive, tags, fields, at, handed, sterms, mterms, ord)
), ok AS (
  SELECT i.ord,
         (i.customer = 0 OR EXISTS (SELECT 1 FROM customers WHERE id = i.customer AND workspace_id = $1)) AS customer,
         (i.tier = 0 OR EXISTS (SELECT 1 FROM tiers WHERE id = i.tier AND workspace_id = $1)) AS tier,
         (i.team = 0 OR EXISTS (SELECT 1 FROM teams WHERE id = i.team AND workspace_id = $1)) AS team,
         (i.owner = 0 OR EXISTS (SELECT 1 FROM agents WHERE id = i.owner AND workspace_id = $1)) AS owner,
         (i.rtype = 0 OR EXISTS (SELECT 1 FROM request_types WHERE id = i.rtype AND workspace_id = $1)) AS rtype
  FROM inp i
), go AS (
  SELECT i.* FROM inp i JOIN ok USING (ord) WHERE ok.customer AND ok.tier AND ok.team AND ok.owner AND ok.rtype
), firsts AS (
  SELECT DISTINCT ON (email) ord, email FROM go WHERE email <> '' ORDER BY email, ord
), nc AS (
  INSERT INTO customers (workspace_id, name, email, phone, language, segment, created_at)
  SELECT $1, g.name, g.email, g.phone, g.clang, g.segment, g.at FROM go g JOIN firsts USING (ord) ORDER BY g.ord
  ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id, email
), nct AS (
  INSERT INTO customer_terms (workspace_id, term, customer_id)
  SELECT $1, w.term, nc.id FROM unnest($25::text[], $26::bigint[]) w(term, ord) JOIN firsts f USING (ord) JOIN nc USING (email)
), ncp AS (
  INSERT INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id)
  SELECT $1, p.a, p.b, nc.id FROM unnest($27::text[], $28::text[], $29::bigint[]) p(a, b, ord) JOIN firsts f USING (ord) JOIN nc USING (email)
), kept AS (
  SELECT g.ord, COALESCE(c.merged_into_id, c.id) AS id FROM go g JOIN customers c ON c.id = g.customer AND c.workspace_id = $1
  WHERE g.email = '' FOR KEY SHARE OF c
), cust AS (
  SELECT g.ord, COALESCE(nc.id, c.id, k.id) AS id FROM go g
  LEFT JOIN nc ON nc.email = g.email
  LEFT JOIN customers c ON g.email <> '' AND c.workspace_id = $1 AND c.email = g.email
  LEFT JOIN kept k ON k.ord = g.ord
), placed AS (
  SELECT g.*, cust.id AS customer_id, row_number() OVER (ORDER BY g.ord) AS rn FROM go g JOIN cust USING (ord) WHERE cust.id IS NOT NULL
), num AS (
  UPDATE workspaces SET next_ticket_number = next_ticket_number + (SELECT count(*) FROM placed)
  WHERE id = $1 AND EXISTS (SELECT 1 FROM placed)
  RETURNING next_ticket_number - (SELECT count(*) FROM placed) AS first
), t AS (
  INSERT INTO tickets (workspace_id, number, subject, status, active, priority, request_type_id, channel, tier_id, team_id,
    owner_id, customer_id, language, sensitive, tags, custom_fields, created_at, updated_at)
  SELECT $1, num.first + p.rn - 1, p.subject, p.status, p.active, p.priority, NULLIF(p.rtype, 0), p.channel, p.tier, NULLIF(p.team, 0),
    NULLIF(p.owner, 0), p.customer_id, p.lang, p.sensitive, p.tags, p.fields, p.at, p.at
  FROM num, placed p ORDER BY p.rn
  RETURNING id, number, customer_id
), tp AS (
  SELECT t.id, t.number, t.customer_id AS cust, p.* FROM t, num, placed p WHERE p.rn = t.number - num.first + 1
), ev AS (
  INSERT INTO events (workspace_id, ticket_id, kind, actor_agent_id, actor_customer_id, body, data, data_version, created_at)
  SELECT $1, tp.id, e.kind, NULLIF(e.agent, 0), CASE WHEN e.cust = -1 THEN tp.cust ELSE NULLIF(e.cust, 0) END, e.body, e.data, $35, tp.at
  FROM unnest($30::text[], $31::bigint[], $32::bigint[], $33::text[], $34::text[], $36::bigint[]) WITH ORDINALITY AS e(kind, agent, cust, body, data, tord, ord)
  JOIN tp ON tp.ord = e.tord
  ORDER BY e.ord
), ho AS (
  INSERT INTO ticket_handoffs (ticket_id, agent_id, handed_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id)
  SELECT tp.id, tp.handed, tp.at, tp.active, tp.priority, tp.at, tp.tier FROM tp WHERE tp.handed <> 0
), doc AS (
  INSERT INTO ticket_search (ticket_id, search)
  SELECT tp.id, setweight(to_tsvector('simple', tp.sterms), 'A') || setweight(to_tsvector('simple', tp.mterms), 'B') FROM tp
)
SELECT ok.customer, ok.tier, ok.team, ok.owner, ok.rtype, COALESCE(tp.id, 0), COALESCE(tp.number, 0), COALESCE(tp.cust, 0)
FROM ok LEFT JOIN tp USING (ord) ORDER BY ok.ord`

// errCustomerRace says the new customer was created by a concurrent
// transaction after the statement's snapshot (see intakeStatement).
var errCustomerRace = errors.New("new customer created concurrently")

// createTicketPG writes ticket t and its events (the ticket's customer
// marked by theirs) with intakeStatement, as a list of one. It fills t's
// id, number, reference and customer. The statement also writes the
// ticket's search document, the one writeTicketDoc writes (same
// expression: keep them together), so that the group commit's one
// connection makes one round trip per ticket, not two.
func createTicketPG(ctx context.Context, tx *Tx, wsID int64, n NewTicket, t *ticket.Ticket, events []ticket.Event, now time.Time) error {
	it, err := newIntakeTicket(n, *t, events, now)
	if err != nil {
		return err
	}
	if n.NewCustomer != nil {
		t.CustomerID = 0 // the statement creates them, or finds them by email
	}
	args := intakeArgs(wsID, []intakeTicket{it})
	for attempt := 0; ; attempt++ {
		rows, err := tx.QueryContext(ctx, intakeStatement, args...)
		if err != nil {
			return fmt.Errorf("insert ticket: %w", err)
		}
		r, err := readIntakeRows(rows, 1)
		_ = rows.Close() // read to the end, or failed: nothing left to report
		if err != nil {
			return err
		}
		err = r[0].outcome(t)
		if errors.Is(err, errCustomerRace) && attempt < 3 {
			continue // the new customer was not visible yet: a new statement sees it
		}
		return err
	}
}

// intakeTicket is one ticket of intakeStatement's list, as its parameters.
type intakeTicket struct {
	customer, tier, team, owner, requestType int64
	// The new customer (email empty: none), their search words and pairs.
	email, name, phone, customerLanguage, segment string
	words, headsA, headsB                         []string
	subject, status                               string
	active                                        bool
	priority                                      int32
	channel, language                             string
	sensitive                                     bool
	tags, fields                                  string // JSON
	at, handedBy                                  int64
	subjectTerms, messageTerms                    string // the search document's
	events                                        []intakeEvent
}

// intakeEvent is one event of a new ticket, as intakeStatement's parameters.
type intakeEvent struct {
	kind        string
	agent, cust int64 // 0 = none; cust -1 = the ticket's customer
	body, data  string
}

// newIntakeTicket is ticket t (before it is stored) and its events as
// intakeStatement's parameters.
func newIntakeTicket(n NewTicket, t ticket.Ticket, events []ticket.Event, now time.Time) (intakeTicket, error) {
	it := intakeTicket{customer: t.CustomerID, tier: t.TierID, team: t.TeamID, owner: t.OwnerID, requestType: t.RequestTypeID,
		subject: t.Subject, status: string(t.Status), active: t.Status.Active(), priority: int32(t.Priority),
		channel: t.Channel, language: t.Language, sensitive: t.Sensitive, at: ms(now),
		subjectTerms: searchTerms(t.Language, t.Subject), messageTerms: messageTerms(t.Language, events)}
	if c := n.NewCustomer; c != nil {
		it.email, it.name, it.phone, it.customerLanguage, it.segment = c.Email, c.Name, c.Phone, c.Language, c.Segment
		it.words = recordTerms(c.Name, c.Email)
		it.headsA, it.headsB = termPairs(it.words)
		it.customer = 0
	} else if t.CustomerID == 0 {
		f := problem.Fields{}
		f.Required("customer_id")
		return it, f.Err()
	}
	for _, e := range events {
		data, err := event.Encode(e)
		if err != nil {
			return it, err
		}
		cust := e.ActorCustomerID
		if e.ActorCustomerID == customerOfTicket || e.ActorCustomerID != 0 && e.ActorCustomerID == it.customer {
			cust = -1 // the ticket's customer, who may be the one kept by a merge (kept)
		}
		it.events = append(it.events, intakeEvent{kind: string(e.Kind), agent: e.ActorAgentID, cust: cust, body: e.Body, data: data})
	}
	if n.HandedOff {
		it.handedBy = n.ActorAgentID
	}
	tags, _ := json.Marshal(t.Tags)
	fields, _ := json.Marshal(t.CustomFields)
	it.tags, it.fields = string(tags), string(fields)
	return it, nil
}

// intakeArgs are intakeStatement's parameters for the tickets of workspace
// wsID, in their order (see intakeStatement).
func intakeArgs(wsID int64, tickets []intakeTicket) []any {
	n := len(tickets)
	var (
		customer, tier, team, owner, rtype, at, handed = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		email, name, phone, clang, segment             = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		subject, status, channel, lang, tags, fields   = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		sterms, mterms                                 = make([]string, n), make([]string, n)
		active, sensitive                              = make([]bool, n), make([]bool, n)
		priority                                       = make([]int32, n)
		words, headsA, headsB, kinds, bodies, datas    = []string{}, []string{}, []string{}, []string{}, []string{}, []string{}
		wordOrd, pairOrd, agents, custs, eventOrd      = []int64{}, []int64{}, []int64{}, []int64{}, []int64{}
	)
	for i, t := range tickets {
		ord := int64(i + 1)
		customer[i], tier[i], team[i], owner[i], rtype[i] = t.customer, t.tier, t.team, t.owner, t.requestType
		email[i], name[i], phone[i], clang[i], segment[i] = t.email, t.name, t.phone, t.customerLanguage, t.segment
		subject[i], status[i], active[i], priority[i], channel[i] = t.subject, t.status, t.active, t.priority, t.channel
		lang[i], sensitive[i], tags[i], fields[i], at[i], handed[i] = t.language, t.sensitive, t.tags, t.fields, t.at, t.handedBy
		sterms[i], mterms[i] = t.subjectTerms, t.messageTerms
		for _, w := range t.words {
			words, wordOrd = append(words, w), append(wordOrd, ord)
		}
		for j := range t.headsA {
			headsA, headsB, pairOrd = append(headsA, t.headsA[j]), append(headsB, t.headsB[j]), append(pairOrd, ord)
		}
		for _, e := range t.events {
			kinds, agents, custs, bodies, datas = append(kinds, e.kind), append(agents, e.agent), append(custs, e.cust), append(bodies, e.body), append(datas, e.data)
			eventOrd = append(eventOrd, ord)
		}
	}
	return []any{wsID, customer, tier, team, owner, rtype,
		email, name, phone, clang, segment,
		subject, status, active, priority, channel, lang, sensitive, tags, fields,
		at, handed, sterms, mterms,
		words, wordOrd, headsA, headsB, pairOrd,
		kinds, agents, custs, bodies, datas, event.Version, eventOrd}
}

// intakeRow is one row of intakeStatement: which references of its ticket
// were found, then the ticket written (0 when nothing was).
type intakeRow struct {
	ok                     [5]bool
	id, number, customerID int64
}

// readIntakeRows reads the n rows of intakeStatement (database/sql's or
// pgx's rows; the caller closes them).
func readIntakeRows(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}, n int) ([]intakeRow, error) {
	out := make([]intakeRow, 0, n)
	for rows.Next() {
		var r intakeRow
		if err := rows.Scan(&r.ok[0], &r.ok[1], &r.ok[2], &r.ok[3], &r.ok[4], &r.id, &r.number, &r.customerID); err != nil {
			return nil, fmt.Errorf("insert ticket: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert ticket: %w", err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("insert ticket: %d rows for %d tickets", len(out), n)
	}
	return out, nil
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
// commit sends such tickets together, one statement per workspace, in one
// round trip, and their commit with them (batch_pg.go). A ticket the
// pipeline could not write (its new customer created concurrently, or the
// pipeline failed) is written alone, by createTicketPG.
func (s *Store) createTicketPiped(ctx context.Context, wsID int64, n NewTicket, t ticket.Ticket, now time.Time) (ticket.Ticket, error) {
	in := t
	if n.NewCustomer != nil {
		in.CustomerID = 0 // the statement creates them, or finds them by email
	}
	customerID := t.CustomerID
	if n.NewCustomer != nil {
		customerID = customerOfTicket
	}
	events := firstEvents(n, customerID)
	it, err := newIntakeTicket(n, t, events, now)
	if err != nil {
		return t, err
	}
	job := pipedJob{workspace: wsID, ticket: it,
		outcome: func(r intakeRow) error {
			t = in
			return r.outcome(&t)
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
