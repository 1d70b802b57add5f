package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// BulkSpec describes the synthetic tickets BulkLoad adds to a workspace
// (benchmarks, load tests, `palier bench-data`).
type BulkSpec struct {
	Tickets int // how many tickets to add
	// Customers is how many customers to create first (0 = one per 20
	// tickets, at least one). Tickets go to these and to the workspace's
	// existing customers, a few customers writing much more than others.
	Customers int
	// Organisations is how many organisations to create before the
	// customers (0 = none); one customer in four then belongs to one of
	// them (generator.customerOrg).
	Organisations int
	Seed          uint64        // the same seed on the same workspace gives the same data
	End           time.Time     // creation time of the newest ticket (zero = the store's clock)
	Span          time.Duration // tickets are spread evenly over [End-Span, End] (zero = 365 days)
	Batch         int           // tickets, customers or organisations per transaction (zero = 20,000)
	// Progress, when set, is called after each committed transaction with
	// the totals so far (organisations, then customers, then tickets).
	Progress func(BulkStats)
}

// BulkStats counts what BulkLoad wrote.
type BulkStats struct {
	Tickets       int64
	Events        int64
	Customers     int64
	Organisations int64
	Collaborators int64
	Handoffs      int64
	Elapsed       time.Duration
}

// BulkLoad generates spec.Tickets tickets in workspace wsID, spread over its
// tiers, teams, request types, customers and agents, each with a plausible
// timeline (created, customer message, routed, escalations, assignment,
// first reply, status changes). About 90% are solved or closed, the active
// ones being mostly recent, as in a real backlog.
//
// Rows go in with multi-row INSERTs inside large transactions: each
// transaction is complete on its own (ticket numbers reserved, timelines
// whole), so an interrupted load leaves a consistent, smaller data set.
// workspaces.next_ticket_number is advanced in the same transactions, so
// tickets created afterwards continue the numbering.
func (s *Store) BulkLoad(ctx context.Context, wsID int64, spec BulkSpec) (BulkStats, error) {
	started := time.Now()
	var st BulkStats
	if spec.Tickets <= 0 && spec.Customers <= 0 && spec.Organisations <= 0 {
		return st, nil
	}
	g, err := s.newGenerator(ctx, wsID, spec)
	if err != nil {
		return st, err
	}
	if g.spec.Batch <= 0 {
		g.spec.Batch = 20000
	}
	g.committed = func() {
		st.Elapsed = time.Since(started)
		if spec.Progress != nil {
			spec.Progress(st)
		}
	}
	if err := s.bulkOrganisations(ctx, g, &st); err != nil {
		return st, err
	}
	if spec.Tickets <= 0 && spec.Customers <= 0 { // organisations only (the organisation search benchmark)
		st.Elapsed = time.Since(started)
		return st, s.analyze(ctx, "organisations, organisation_terms, organisation_term_pairs")
	}
	if err := s.bulkCustomers(ctx, g, &st); err != nil {
		return st, err
	}
	if spec.Tickets <= 0 { // customers only (the customer search benchmark)
		st.Elapsed = time.Since(started)
		return st, s.analyze(ctx, "organisations, organisation_terms, customers, customer_terms")
	}
	if len(g.customers) == 0 {
		return st, fmt.Errorf("bulk load: workspace %d has no customer", wsID)
	}
	for done := 0; done < spec.Tickets; done += g.spec.Batch {
		n := min(g.spec.Batch, spec.Tickets-done)
		if err := s.inTx(ctx, func(tx *Tx) error { return s.bulkTickets(ctx, tx, g, done, n, &st) }); err != nil {
			return st, fmt.Errorf("bulk load tickets %d–%d: %w", done, done+n, err)
		}
		g.committed()
	}
	if err := s.analyze(ctx, "tickets, events, customers, organisations, ticket_collaborators, ticket_handoffs, ticket_search"); err != nil {
		return st, err
	}
	st.Elapsed = time.Since(started)
	return st, nil
}

// analyze refreshes PostgreSQL's statistics of the loaded tables.
// Autovacuum would analyse the new rows eventually; until it does the
// planner would price the inbox queries on an empty table.
func (s *Store) analyze(ctx context.Context, tables string) error {
	if s.dialect != Postgres {
		return nil
	}
	if _, err := s.write.ExecContext(ctx, `ANALYZE `+tables); err != nil {
		return fmt.Errorf("bulk load: analyze: %w", err)
	}
	return nil
}

// bulkTier is a tier with what tickets in it may be given.
type bulkTier struct {
	workspace.Tier
	weight int
	teams  []int64
	agents []int64 // members who may own its tickets
}

type bulkCustomer struct {
	id   int64
	lang string
}

// generator holds the workspace's shape and the random source; every
// choice goes through rng in a fixed order, which makes a load repeatable.
type generator struct {
	rng       *rand.Rand
	spec      BulkSpec
	wsID      int64
	lang      string
	end, step int64 // ms: newest creation time, spacing between tickets
	tiers     []bulkTier
	weightSum int
	types     []workspace.RequestType
	agents    []int64
	customers []bulkCustomer
	orgs      []int64 // the organisations this load created
	committed func()  // after each committed transaction: reports progress
}

// Typical shares of tickets per tier: most requests are settled at L1.
var tierWeights = map[string]int{"L0": 0, "L1": 70, "L2": 20, "L3": 7, "L4": 3}

func (s *Store) newGenerator(ctx context.Context, wsID int64, spec BulkSpec) (*generator, error) {
	w, err := s.Workspace(ctx, wsID)
	if err != nil {
		return nil, err
	}
	g := &generator{rng: rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9e3779b97f4a7c15)), spec: spec, wsID: wsID, lang: w.DefaultLanguage}
	end := spec.End
	if end.IsZero() {
		end = s.now()
	}
	span := spec.Span
	if span <= 0 {
		span = 365 * 24 * time.Hour
	}
	g.end, g.step = ms(end), max(1, span.Milliseconds()/int64(max(1, spec.Tickets)))
	if err := s.loadBulkShape(ctx, g); err != nil {
		return nil, fmt.Errorf("bulk load: %w", err)
	}
	return g, nil
}

func (s *Store) loadBulkShape(ctx context.Context, g *generator) error {
	tiers, err := s.Tiers(ctx, g.wsID)
	if err != nil {
		return err
	}
	if len(tiers) == 0 {
		return problem.New(problem.Invalid, "no_tier", "the workspace has no tier")
	}
	teams, err := s.Teams(ctx, g.wsID)
	if err != nil {
		return err
	}
	members, err := s.Members(ctx, g.wsID, 1000)
	if err != nil {
		return err
	}
	if g.types, err = s.RequestTypes(ctx, g.wsID); err != nil {
		return err
	}
	g.types = slices.DeleteFunc(g.types, func(rt workspace.RequestType) bool { return !rt.Active })
	teamTier := map[int64]int64{}
	for _, tr := range tiers {
		bt := bulkTier{Tier: tr, weight: 10}
		if w, ok := tierWeights[tr.Code]; ok {
			bt.weight = w
		}
		for _, tm := range teams {
			teamTier[tm.ID] = tm.TierID
			if tm.TierID == tr.ID {
				bt.teams = append(bt.teams, tm.ID)
			}
		}
		g.tiers = append(g.tiers, bt)
	}
	for _, m := range members {
		if !m.Active || m.Role == workspace.Admin {
			continue
		}
		g.agents = append(g.agents, m.ID)
		for i := range g.tiers {
			in := slices.Contains(m.TierIDs, g.tiers[i].ID) ||
				slices.ContainsFunc(m.TeamIDs, func(team int64) bool { return teamTier[team] == g.tiers[i].ID })
			if in {
				g.tiers[i].agents = append(g.tiers[i].agents, m.ID)
			}
		}
	}
	for _, tr := range g.tiers {
		g.weightSum += tr.weight
	}
	if g.weightSum == 0 { // only self-service tiers: spread evenly
		for i := range g.tiers {
			g.tiers[i].weight = 1
		}
		g.weightSum = len(g.tiers)
	}
	return nil
}

// bulkSearchable creates n records of ix.records, numbered on from the
// workspace's existing ones, with their search words and pairs of word
// heads written as their creation writes them (recordTerms, termPairs:
// customers_search.go has the one rule), g.spec.Batch records per
// transaction: an interrupted load leaves fewer records, each whole. row
// gives record k's columns after its id (columns names them) and the
// fields it is found by; counted is called after each commit with the
// records written so far. It returns the new records' ids.
func (s *Store) bulkSearchable(ctx context.Context, ix termIndex, g *generator, n int, columns string,
	row func(k int64) (values []any, fields []string), counted func(written int)) ([]int64, error) {
	var ids []int64
	existing := int64(-1)
	for from := 0; from < n; from += g.spec.Batch {
		count := min(g.spec.Batch, n-from)
		err := s.inTx(ctx, func(tx *Tx) error {
			if existing < 0 {
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+ix.records+` WHERE workspace_id = $1`, g.wsID).Scan(&existing); err != nil {
					return fmt.Errorf("count %s: %w", ix.records, err)
				}
			}
			chunk, err := s.reserveIDs(ctx, tx, ix.records, count)
			if err != nil {
				return err
			}
			all, err := s.newBulkInserts(ctx, tx,
				bulkTable{ix.records, "id, " + columns},
				bulkTable{ix.terms, "workspace_id, term, " + ix.ref},
				bulkTable{ix.pairs, "workspace_id, head_a, head_b, " + ix.ref})
			if err != nil {
				return err
			}
			defer all.close()
			ins, terms, pairs := all[0], all[1], all[2]
			for i, id := range chunk {
				values, fields := row(existing + int64(from+i) + 1)
				if err := ins.add(append([]any{id}, values...)...); err != nil {
					return err
				}
				words := recordTerms(fields...)
				for _, t := range words {
					if err := terms.add(g.wsID, t, id); err != nil {
						return err
					}
				}
				as, bs := termPairs(words)
				for j := range as {
					if err := pairs.add(g.wsID, as[j], bs[j], id); err != nil {
						return err
					}
				}
			}
			if err := all.flush(); err != nil {
				return err
			}
			ids = append(ids, chunk...)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("bulk load %s %d–%d: %w", ix.records, from, from+count, err)
		}
		counted(from + count)
	}
	return ids, nil
}

// bulkCustomers creates the spec's new customers and loads every customer
// of the workspace for the tickets to pick from.
func (s *Store) bulkCustomers(ctx context.Context, g *generator, st *BulkStats) error {
	n := g.spec.Customers
	if n <= 0 {
		n = max(1, g.spec.Tickets/20)
	}
	segments := []string{"b2c", "b2c", "b2c", "b2b", "b2b", "vip", "low_touch", "high_touch"}
	created := g.end - int64(g.spec.Tickets)*g.step // before the first ticket
	_, err := s.bulkSearchable(ctx, customerTerms, g, n, "workspace_id, organisation_id, name, email, language, segment, created_at",
		func(k int64) ([]any, []string) {
			lang := "fr"
			if g.rng.IntN(3) == 0 {
				lang = "en"
			}
			name, email := bulkCustomerName(k)
			return []any{g.wsID, g.customerOrg(k), name, email, lang, segments[g.rng.IntN(len(segments))], created}, []string{name, email}
		}, func(written int) {
			st.Customers = int64(written)
			g.committed()
		})
	if err != nil {
		return err
	}
	if g.spec.Tickets <= 0 {
		return nil
	}
	rows, err := s.write.QueryContext(ctx, `SELECT id, language FROM customers WHERE workspace_id = $1 ORDER BY id`, g.wsID)
	if err != nil {
		return fmt.Errorf("bulk load: list customers: %w", err)
	}
	g.customers, err = collect(rows, func(r *sql.Rows) (bulkCustomer, error) {
		var c bulkCustomer
		return c, r.Scan(&c.id, &c.lang)
	})
	return err
}

// bulkTickets writes tickets [from, from+n) of the load in transaction tx.
func (s *Store) bulkTickets(ctx context.Context, tx *Tx, g *generator, from, n int, st *BulkStats) error {
	var first int64
	err := tx.QueryRowContext(ctx, `UPDATE workspaces SET next_ticket_number = next_ticket_number + $1 WHERE id = $2 RETURNING next_ticket_number - $1`,
		int64(n), g.wsID).Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.NotFoundf("workspace")
	}
	if err != nil {
		return fmt.Errorf("reserve ticket numbers: %w", err)
	}
	ids, err := s.reserveIDs(ctx, tx, "tickets", n)
	if err != nil {
		return err
	}
	// Event ids are left to the database: nothing refers to them, and rows
	// inserted in timeline order get increasing ids on both databases.
	all, err := s.newBulkInserts(ctx, tx,
		bulkTable{"tickets", "id, workspace_id, number, subject, status, active, priority, request_type_id, channel, tier_id, team_id, " +
			"owner_id, customer_id, language, sensitive, tags, escalation_count, created_at, updated_at, first_response_at, solved_at"},
		bulkTable{"events", "workspace_id, ticket_id, kind, actor_agent_id, actor_customer_id, body, data, data_version, created_at"},
		bulkTable{"ticket_collaborators", "ticket_id, agent_id, added_by, added_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive"},
		bulkTable{"ticket_handoffs", "ticket_id, agent_id, handed_at, ticket_active, ticket_priority, ticket_updated_at, ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive"})
	if err != nil {
		return err
	}
	defer all.close()
	tickets, events, collabs, handoffs := all[0], all[1], all[2], all[3]
	// Generated first, written table by table: an event's ticket row must
	// be in before the event, and the INSERTs buffer rows.
	batch := make([]bulkTicket, n)
	for i := range batch {
		batch[i] = g.ticket(from+i, ids[i], first+int64(i))
	}
	for _, bt := range batch {
		if err := tickets.add(bt.row(g.wsID)...); err != nil {
			return err
		}
	}
	if err := tickets.flush(); err != nil {
		return err
	}
	if err := s.indexBulkTickets(ctx, tx, batch); err != nil {
		return err
	}
	for _, bt := range batch {
		for _, e := range bt.events {
			data, err := event.Encode(ticket.Event{Kind: e.kind, Data: e.data})
			if err != nil {
				return err
			}
			if err := events.add(g.wsID, bt.id, string(e.kind), nullID(e.agent), nullID(e.customer), e.body, data, event.Version, e.at); err != nil {
				return err
			}
		}
		// Swarm and hand-off rows carry the ticket's sort keys, tier, team,
		// owner, request type, status and sensitivity (migrations
		// 0053–0056, 0061, 0087), as the store's own inserts copy them.
		if bt.collaborator != 0 {
			if err := collabs.add(bt.id, bt.collaborator, bt.owner, bt.collabAt, bt.status.Active(), int(bt.priority), bt.updated, bt.tier, nullID(bt.team), nullID(bt.owner), nullID(bt.requestType), string(bt.status), bt.sensitive); err != nil {
				return err
			}
			st.Collaborators++
		}
		for _, h := range bt.handoffs {
			if err := handoffs.add(bt.id, h.agent, h.at, bt.status.Active(), int(bt.priority), bt.updated, bt.tier, nullID(bt.team), nullID(bt.owner), nullID(bt.requestType), string(bt.status), bt.sensitive); err != nil {
				return err
			}
			st.Handoffs++
		}
		st.Events += int64(len(bt.events))
	}
	if err := all.flush(); err != nil { // the tickets went in above: only events, collaborators and hand-offs wait
		return err
	}
	st.Tickets += int64(n)
	return nil
}

// reserveIDs returns n fresh primary keys for table. SQLite has one writer,
// so max(id)+1… is free until this transaction commits; on PostgreSQL the
// identity sequence hands them out, which is safe beside concurrent inserts.
func (s *Store) reserveIDs(ctx context.Context, tx *Tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if s.dialect == SQLite {
		var top int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(&top); err != nil {
			return nil, fmt.Errorf("reserve %s ids: %w", table, err)
		}
		for i := range int64(n) {
			ids = append(ids, top+1+i)
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	ids, err = collect(rows, scanID)
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	return ids, nil
}

// bulkEvent is one generated timeline entry.
type bulkEvent struct {
	kind            ticket.EventKind
	agent, customer int64
	body            string
	data            ticket.EventData
	at              int64
}

// bulkTicket is one generated ticket with its timeline.
type bulkTicket struct {
	id, number, customer, tier, team, owner, requestType int64
	subject, channel, lang, tags                         string
	status                                               ticket.Status
	priority                                             ticket.Priority
	sensitive                                            bool
	escalations                                          int
	created, updated                                     int64
	firstResponse, solved                                any
	events                                               []bulkEvent
	collaborator, collabAt                               int64
	handoffs                                             []bulkHandoff
}

// bulkHandoff is an agent who escalated a generated ticket, and when (the
// latest time when they did it more than once).
type bulkHandoff struct{ agent, at int64 }

func (t bulkTicket) row(wsID int64) []any {
	return []any{t.id, wsID, t.number, t.subject, string(t.status), t.status.Active(), int(t.priority), nullID(t.requestType), t.channel,
		t.tier, nullID(t.team), nullID(t.owner), t.customer, t.lang, t.sensitive, t.tags, t.escalations,
		t.created, t.updated, t.firstResponse, t.solved}
}

var (
	bulkPriorities = weighted[ticket.Priority]{{ticket.Low, 20}, {ticket.Normal, 55}, {ticket.High, 20}, {ticket.Urgent, 5}}
	bulkChannels   = weighted[string]{{"email", 40}, {"portal", 20}, {"widget", 12}, {"chat", 12}, {"phone", 8}, {"api", 5}, {"web", 3}}
	bulkActive     = weighted[ticket.Status]{{ticket.New, 30}, {ticket.Open, 45}, {ticket.Pending, 15}, {ticket.OnHold, 10}}
	bulkDone       = weighted[ticket.Status]{{ticket.Solved, 35}, {ticket.Closed, 65}}
	bulkTags       = []string{"refund", "mobile", "api", "onboarding", "invoice", "outage", "feature-request"}
)

// ticket generates the k-th ticket of the load. Tickets are created in id
// order, evenly spaced, so "newest first" is also "highest id first".
func (g *generator) ticket(k int, id, number int64) bulkTicket {
	r := g.rng
	t := bulkTicket{id: id, number: number}
	t.created = g.end - int64(g.spec.Tickets-1-k)*g.step - r.Int64N(g.step)
	c := g.customers[int(float64(len(g.customers))*r.Float64()*r.Float64())] // a few customers write a lot
	t.customer, t.lang = c.id, c.lang
	if t.lang == "" {
		t.lang = g.lang
	}
	tr := g.pickTier()
	t.tier = tr.ID
	if len(tr.teams) > 0 {
		t.team = tr.teams[r.IntN(len(tr.teams))]
	}
	key := ""
	if len(g.types) > 0 {
		rt := g.types[r.IntN(len(g.types))]
		t.requestType, key = rt.ID, rt.Key
	}
	t.subject, t.channel, t.priority = subjectFor(r, key, t.lang), bulkChannels.pick(r), bulkPriorities.pick(r)
	t.sensitive = r.IntN(100) == 0
	t.tags = "[]"
	if r.IntN(100) < 15 {
		t.tags = `["` + bulkTags[r.IntN(len(bulkTags))] + `"]`
	}
	// About 10% of the backlog is still active, nearly all of it recent.
	activeChance := 2
	if k >= g.spec.Tickets*85/100 {
		activeChance = 56
	}
	if r.IntN(100) < activeChance {
		t.status = bulkActive.pick(r)
	} else {
		t.status = bulkDone.pick(r)
	}
	if len(tr.agents) > 0 && t.status != ticket.New && (!t.status.Active() || r.IntN(100) < 75) {
		t.owner = tr.agents[r.IntN(len(tr.agents))]
	}
	g.timeline(&t, tr, body(key, t.lang)+" "+bulkDetail(g.spec.Seed, id, t.lang))
	return t
}

// timeline writes the ticket's events in order and derives the times the
// ticket row keeps (first response, solved, updated).
func (g *generator) timeline(t *bulkTicket, tr bulkTier, text string) {
	r := g.rng
	at := t.created
	add := func(e bulkEvent) {
		e.at = min(at, g.end)
		t.events = append(t.events, e)
	}
	later := func(maxMinutes int64) { at += 60_000 * (1 + r.Int64N(maxMinutes)) }
	add(bulkEvent{kind: ticket.Created, customer: t.customer, data: event.Created{Channel: t.channel}})
	add(bulkEvent{kind: ticket.CustomerMessage, customer: t.customer, body: text})
	add(bulkEvent{kind: ticket.Routed, data: event.Routed{Rule: "bulk", TierID: t.tier}})
	// Tickets above L1 were usually escalated through the tiers below.
	if tr.Position > 1 && r.IntN(100) < 60 {
		from := g.tierAt(1)
		for p := 2; p <= tr.Position; p++ {
			to := g.tierAt(p)
			if to == 0 {
				continue
			}
			later(240)
			by := g.anyAgent()
			add(bulkEvent{kind: ticket.Escalated, agent: by, data: event.Handoff{From: from, To: to, Direction: escalation.Up}})
			t.handedOffBy(by, min(at, g.end))
			t.escalations++
			from = to
		}
	}
	if t.owner != 0 {
		later(120)
		add(bulkEvent{kind: ticket.OwnerChanged, agent: t.owner, data: event.OwnerChange{To: t.owner}})
		later(480)
		add(bulkEvent{kind: ticket.AgentReply, agent: t.owner, body: reply(t.lang)})
		t.firstResponse = min(at, g.end)
		if tr.Position > 1 && r.IntN(100) < 5 {
			if other := g.anyAgent(); other != 0 && other != t.owner {
				later(60)
				t.collaborator, t.collabAt = other, min(at, g.end)
				add(bulkEvent{kind: ticket.SwarmJoined, agent: t.owner, data: event.SwarmJoin{AgentID: other}})
			}
		}
	}
	switch {
	case !t.status.Active():
		later(3 * 24 * 60)
		add(bulkEvent{kind: ticket.StatusChanged, agent: t.owner, data: event.Change{From: string(ticket.Open), To: string(t.status)}})
		t.solved = min(at, g.end)
	case t.status == ticket.Pending || t.status == ticket.OnHold:
		later(60)
		add(bulkEvent{kind: ticket.StatusChanged, agent: t.owner, data: event.Change{From: string(ticket.Open), To: string(t.status)}})
	}
	t.updated = min(at, g.end)
}

func (g *generator) pickTier() bulkTier {
	n := g.rng.IntN(g.weightSum)
	for _, tr := range g.tiers {
		if n < tr.weight {
			return tr
		}
		n -= tr.weight
	}
	return g.tiers[len(g.tiers)-1]
}

// tierAt returns the id of the tier at a position (0 when there is none).
func (g *generator) tierAt(position int) int64 {
	for _, tr := range g.tiers {
		if tr.Position == position {
			return tr.ID
		}
	}
	return 0
}

func (g *generator) anyAgent() int64 {
	if len(g.agents) == 0 {
		return 0
	}
	return g.agents[g.rng.IntN(len(g.agents))]
}

// weighted is a list of choices with integer weights.
type weighted[T any] []struct {
	v T
	w int
}

func (ws weighted[T]) pick(r *rand.Rand) T {
	total := 0
	for _, c := range ws {
		total += c.w
	}
	n := r.IntN(total)
	for _, c := range ws {
		if n < c.w {
			return c.v
		}
		n -= c.w
	}
	return ws[len(ws)-1].v
}

// Subjects per request type and language, so that search and reports see
// realistic text.
var bulkSubjects = map[string][2][]string{
	"billing": {
		{"Facture en double", "Remboursement non reçu", "Erreur sur le montant facturé", "Changer mon moyen de paiement", "Demande de facture pro forma"},
		{"Charged twice this month", "Refund not received", "Wrong amount on my invoice", "Update my payment method", "Need a VAT invoice"},
	},
	"bug": {
		{"L'export CSV est vide", "Erreur 500 à l'enregistrement", "L'application plante au démarrage", "Les notifications n'arrivent plus", "Synchronisation bloquée"},
		{"CSV export is empty", "Error 500 when saving", "App crashes on start", "Notifications stopped arriving", "Sync is stuck"},
	},
	"access": {
		{"Impossible de me connecter", "Lien de réinitialisation expiré", "Compte bloqué", "Ajouter un utilisateur", "Double authentification perdue"},
		{"Cannot log in", "Password reset link expired", "Account locked", "Add a user to our account", "Lost my two-factor device"},
	},
	"": {
		{"Question sur mon compte", "Demande d'information", "Problème avec ma commande", "Besoin d'aide", "Réclamation"},
		{"Question about my account", "Request for information", "Problem with my order", "Need help", "Complaint"},
	},
}

func subjectFor(r *rand.Rand, key, lang string) string {
	set, ok := bulkSubjects[key]
	if !ok {
		set = bulkSubjects[""]
	}
	list := i18n.Pick(lang, set[1], set[0])
	return list[r.IntN(len(list))]
}

func body(key, lang string) string {
	return i18n.Pick(lang, "Hello, I have had an issue ("+key+") since this morning. Could you help? Thanks in advance.",
		"Bonjour, j'ai un souci ("+key+") depuis ce matin. Pouvez-vous m'aider ? Merci d'avance.")
}

func reply(lang string) string {
	return i18n.Pick(lang, "Hello, thank you for your message. We are looking into it and will get back to you shortly.",
		"Bonjour, merci pour votre message. Nous regardons cela et revenons vers vous rapidement.")
}

// Most parameters one statement may bind.
var maxParams = map[Dialect]int{SQLite: 32766, Postgres: 65535}

// maxBulkRows bounds the rows of one INSERT: past a thousand rows bigger
// statements stop paying for their parsing and memory.
const maxBulkRows = 1000

// bulkInsert batches rows into multi-row INSERT statements; the full-size
// statement is prepared once and reused.
type bulkInsert struct {
	ctx      context.Context
	numbered bool // $N placeholders (PostgreSQL) rather than ? (SQLite)
	tx       *Tx
	head     string
	cols     int
	perStmt  int
	full     *sql.Stmt
	args     []any
}

func (s *Store) newBulkInsert(ctx context.Context, tx *Tx, table, columns string) (*bulkInsert, error) {
	cols := strings.Count(columns, ",") + 1
	b := &bulkInsert{ctx: ctx, tx: tx, numbered: s.dialect != SQLite, head: "INSERT INTO " + table + " (" + columns + ") VALUES ", cols: cols,
		perStmt: min(maxBulkRows, maxParams[s.dialect]/cols)}
	full, err := tx.PrepareContext(ctx, b.statement(b.perStmt))
	if err != nil {
		return nil, fmt.Errorf("prepare bulk insert into %s: %w", table, err)
	}
	b.full = full
	b.args = make([]any, 0, b.perStmt*cols)
	return b, nil
}

// statement spells an INSERT of rows rows: ($1, $2, …), ($n+1, …), ….
// SQLite gets anonymous ? instead: it keeps $N names in a list it searches
// linearly, once when parsing and again when the driver binds, which made a
// 20,000-parameter statement cost more than its rows.
func (b *bulkInsert) statement(rows int) string {
	var sb strings.Builder
	sb.Grow(len(b.head) + rows*b.cols*8)
	sb.WriteString(b.head)
	p := 1
	for r := range rows {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				sb.WriteString(", ")
			}
			if !b.numbered {
				sb.WriteByte('?')
				continue
			}
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(p))
			p++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// add queues one row, sending a full statement when enough rows wait.
func (b *bulkInsert) add(row ...any) error {
	if len(row) != b.cols {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(row), b.cols)
	}
	b.args = append(b.args, row...)
	if len(b.args) < b.perStmt*b.cols {
		return nil
	}
	if _, err := b.full.ExecContext(b.ctx, b.args...); err != nil {
		return fmt.Errorf("bulk insert: %w", err)
	}
	b.args = b.args[:0]
	return nil
}

// flush sends the rows still waiting.
func (b *bulkInsert) flush() error {
	if len(b.args) == 0 {
		return nil
	}
	if _, err := b.tx.ExecGenerated(b.ctx, b.statement(len(b.args)/b.cols), b.args...); err != nil {
		return fmt.Errorf("bulk insert: %w", err)
	}
	b.args = b.args[:0]
	return nil
}

func (b *bulkInsert) close() { _ = b.full.Close() }

// bulkTable names a table and the columns a bulk load writes in it.
type bulkTable struct{ name, columns string }

// bulkInserts are the bulk inserts of one transaction, in the order their
// rows must reach the database (a row before the rows referring to it).
type bulkInserts []*bulkInsert

// newBulkInserts prepares one bulkInsert per table, in the order given.
func (s *Store) newBulkInserts(ctx context.Context, tx *Tx, tables ...bulkTable) (bulkInserts, error) {
	all := make(bulkInserts, 0, len(tables))
	for _, t := range tables {
		b, err := s.newBulkInsert(ctx, tx, t.name, t.columns)
		if err != nil {
			all.close()
			return nil, err
		}
		all = append(all, b)
	}
	return all, nil
}

// flush sends the rows still waiting, table by table in order.
func (all bulkInserts) flush() error {
	for _, b := range all {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

func (all bulkInserts) close() {
	for _, b := range all {
		b.close()
	}
}

// handedOffBy records that agent escalated the ticket at a time: who
// hands a ticket off keeps reading it (ticket_handoffs), one row per
// agent, at their latest hand-off, as store.insertHandoff keeps it.
func (t *bulkTicket) handedOffBy(agent, at int64) {
	if agent == 0 {
		return
	}
	for i := range t.handoffs {
		if t.handoffs[i].agent == agent {
			t.handoffs[i].at = at
			return
		}
	}
	t.handoffs = append(t.handoffs, bulkHandoff{agent, at})
}
