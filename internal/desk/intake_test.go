package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// A new customer's first messages often arrive together (a form submitted
// twice, an email copied to two addresses). Every one of them must become a
// ticket of the same, single customer: none may be refused because another
// created the customer a moment before.
func TestConcurrentFirstMessagesOfANewCustomerAllBecomeTickets(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		const n = 12
		var wg sync.WaitGroup
		customers := make([]int64, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Facturé deux fois", Body: "Bonjour, deux prélèvements.",
					CustomerEmail: "Nouvelle.Cliente@example.fr", CustomerName: "Nouvelle Cliente"})
				customers[i], errs[i] = tk.CustomerID, err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("message %d refused: %v", i, err)
			}
			if customers[i] != customers[0] {
				t.Fatalf("message %d went to customer %d, message 0 to %d: one customer expected", i, customers[i], customers[0])
			}
		}
		c, err := env.s.CustomerByEmail(env.ctx, env.f.WS.ID, "nouvelle.cliente@example.fr")
		if err != nil || c.ID != customers[0] {
			t.Fatalf("stored customer = %+v, %v; want id %d", c, err, customers[0])
		}
	})
}

// Intake by email reads the setup and routing versions and the customer in
// one statement. Two instances share one database: what one changes (the
// routing rules, a request type, a customer) holds on the other's next
// ticket, and a known customer's address finds them rather than a copy.
func TestIntakeByEmailSeesAnotherInstancesChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		one, other := desk.New(s, nil), desk.New(s, nil)
		admin := storetest.Actor(t, s, f.Admin)
		alice := f.Customer["alice"]
		// Instance one caches the directory and the default route.
		first, err := one.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Un wombat", Body: "Bonjour", CustomerEmail: "  " + alice.Email + " "})
		if err != nil {
			t.Fatal(err)
		}
		if first.CustomerID != alice.ID || tierCode(f, first.TierID) != "L1" {
			t.Fatalf("first ticket: customer %d tier %s, want alice (%d) in L1", first.CustomerID, tierCode(f, first.TierID), alice.ID)
		}
		// Instance other changes the rules: the setup stays as it was.
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Wombats", Enabled: true,
			When: routing.Condition{Field: "text", Op: "contains_words", Value: "wombat"},
			Then: routing.Actions{Tier: "L2", Team: f.Team["L2"].Name}}}, Fallback: routing.Actions{Tier: "L1"}}
		if err := other.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatal(err)
		}
		tk, err := one.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Encore un wombat", Body: "Bonjour", CustomerEmail: alice.Email})
		if err != nil {
			t.Fatal(err)
		}
		if tierCode(f, tk.TierID) != "L2" || tk.CustomerID != alice.ID {
			t.Errorf("after the rules changed: tier %s customer %d, want L2 by the new rule, alice (%d)", tierCode(f, tk.TierID), tk.CustomerID, alice.ID)
		}
		// Instance other changes the setup: a new request type.
		if _, err := other.CreateRequestType(ctx, admin, workspace.RequestType{Key: "marsupial", NameFR: "Marsupial", NameEN: "Marsupial", Active: true}); err != nil {
			t.Fatal(err)
		}
		tk, err = one.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Un wombat encore", Body: "Bonjour", CustomerEmail: "nouvelle.wombat@new.example", RequestType: "marsupial"})
		if err != nil {
			t.Fatalf("after the setup changed: %v", err)
		}
		if tk.CustomerID == 0 || tk.CustomerID == alice.ID || tierCode(f, tk.TierID) != "L2" {
			t.Errorf("a new address: customer %d tier %s, want a new customer in L2", tk.CustomerID, tierCode(f, tk.TierID))
		}
	})
}

// What a customer tried alone reaches the next tier: a ticket opened from
// the contact form carries its journey into the hand-off summary's
// "self-service before contact" place.
func TestHandoffSummaryListsTheJourney(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		now := time.Now().UTC()
		env.s.SetClock(func() time.Time { return now })
		ws := env.f.WS.ID
		const tok = "HANDOFFAAAAAAAAAAAAAAAAAAA"
		for _, st := range []desk.JourneyStep{
			{Kind: desk.StepSearch, Detail: "lien expiré", Hits: 0},
			{Kind: desk.StepFormStarted},
		} {
			if err := env.d.RecordJourneyStep(env.ctx, ws, tok, st); err != nil {
				t.Fatal(err)
			}
		}
		stamp, err := env.d.ContactStamp(env.ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Second)
		tk, err := env.d.SubmitContact(env.ctx, ws, desk.ContactForm{Name: "Chloé", Email: "chloe@example.fr", Subject: "Lien expiré",
			Description: "Le lien de réinitialisation expire aussitôt.", Language: "fr", Journey: tok, Stamp: stamp, Address: "192.0.2.9"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != "web" {
			t.Errorf("channel %q", tk.Channel)
		}
		events, err := env.s.Events(env.ctx, ws, tk.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var fromCustomer bool
		for _, e := range events {
			if e.Kind == ticket.CustomerMessage && e.ActorCustomerID == tk.CustomerID && e.ActorAgentID == 0 {
				fromCustomer = true
			}
		}
		if !fromCustomer {
			t.Error("the form's description is not the customer's own message")
		}
		moved, err := env.d.Escalate(env.ctx, env.lead, tk.ID, desk.EscalateInput{Reason: "Le lien expire",
			Answers: map[string]string{"steps_tried": "Renvoyé le lien", "error_message": "Lien expiré"}})
		if err != nil {
			t.Fatal(err)
		}
		events, err = env.s.Events(env.ctx, ws, moved.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var summary string
		for _, e := range events {
			if sm, ok := desk.HandoffSummary(e); ok {
				summary = sm.Text("fr")
				if len(sm.SelfService) != 2 {
					t.Errorf("self-service %q, want the two steps", sm.SelfService)
				}
			}
		}
		for _, want := range []string{"Libre-service avant le contact", "A cherché « lien expiré » (0 résultats)", "A ouvert le formulaire de contact"} {
			if !strings.Contains(summary, want) {
				t.Errorf("summary lacks %q:\n%s", want, summary)
			}
		}
		// The agents' page reads the journey only where the ticket is readable.
		other := storetest.Actor(t, env.s, env.f.Other.Agent)
		if _, err := env.d.TicketJourney(env.ctx, other, tk.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("another workspace's agent reads the journey: %v", err)
		}
	})
}

// RecordJourneyStep refuses what is not a journey token or a step kind,
// and clips the detail.
func TestRecordJourneyStepValidates(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		for _, tok := range []string{"", "short", strings.Repeat("a", 65), "has space in it here 12345", "<script>alert(1)</script>xx"} {
			if err := env.d.RecordJourneyStep(env.ctx, env.f.WS.ID, tok, desk.JourneyStep{Kind: desk.StepSearch}); err == nil {
				t.Errorf("token %q accepted", tok)
			}
		}
		const tok = "VALIDAAAAAAAAAAAAAAAAAAAAA"
		for _, k := range []desk.StepKind{"", "Search", "drop table", desk.StepKind(strings.Repeat("a", 33))} {
			if err := env.d.RecordJourneyStep(env.ctx, env.f.WS.ID, tok, desk.JourneyStep{Kind: k}); err == nil {
				t.Errorf("kind %q accepted", k)
			}
		}
		if err := env.d.RecordJourneyStep(env.ctx, env.f.WS.ID, tok, desk.JourneyStep{Kind: desk.StepSearch, Detail: strings.Repeat("é", 500)}); err != nil {
			t.Fatal(err)
		}
		steps, _ := env.s.JourneySteps(env.ctx, env.f.WS.ID, tok)
		if len(steps) != 1 || len([]rune(steps[0].Detail)) != desk.MaxJourneyDetail {
			t.Errorf("steps %d, detail of %d runes", len(steps), len([]rune(steps[0].Detail)))
		}
	})
}

// A customer's answer handed to ReceiveCustomerMessage (how the demo's
// customers write) takes the channels' receive path: a solved ticket
// reopens by the product's rule, the message records its channel, and an
// empty message is refused and writes nothing.
func TestReceiveCustomerMessageFollowsTheIntakeRule(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		tk := env.f.Ticket["L1owned"]
		solved := string(ticket.Solved)
		if _, err := env.d.UpdateTicket(env.ctx, env.lead, tk.ID, desk.Update{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		before := env.timelineLen(t, env.lead, tk.ID)
		if _, err := env.d.ReceiveCustomerMessage(env.ctx, env.f.WS.ID, tk.ID, "portal", " \n"); !problem.Is(err, problem.Invalid) {
			t.Fatalf("an empty message = %v, want invalid", err)
		}
		if n := env.timelineLen(t, env.lead, tk.ID); n != before {
			t.Fatalf("a refused message wrote %d events", n-before)
		}
		got, err := env.d.ReceiveCustomerMessage(env.ctx, env.f.WS.ID, tk.ID, "portal", "Finalement le lien ne marche toujours pas.")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ticket.Open {
			t.Errorf("a customer's answer left the solved ticket %s, want open", got.Status)
		}
		events, err := env.d.Timeline(env.ctx, env.lead, tk.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var msg ticket.Event // the last customer message
		for _, e := range events {
			if e.Kind == ticket.CustomerMessage {
				msg = e
			}
		}
		if m, _ := event.As[event.Message](msg); msg.ActorCustomerID != tk.CustomerID || m.Channel != "portal" {
			t.Errorf("the answer is recorded as %+v, want the ticket's customer on channel portal", msg)
		}
		if _, err := env.d.ReceiveCustomerMessage(env.ctx, env.f.WS.ID, 1<<40, "portal", "Bonjour"); !problem.Is(err, problem.NotFound) {
			t.Errorf("a message to no ticket = %v, want not found", err)
		}
	})
}

// Tickets opened for a customer (the API by id or by address, an email)
// while that customer is merged into another all end on the customer
// kept: none is filed on the emptied record, whose tickets the merge
// moved already. An intake by id that starts once the merge is done is
// refused (the record is gone); every other one is accepted.
func TestIntakeRacingACustomerMergeFilesOnTheCustomerKept(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		kept := env.f.Customer["alice"]
		for round := range 3 {
			old, err := env.s.CreateCustomer(env.ctx, env.f.WS.ID, customer.Customer{Name: "Alice Martin (ancienne fiche)",
				Email: fmt.Sprintf("alice.ancienne.%d@example.fr", round), Language: "fr"})
			if err != nil {
				t.Fatal(err)
			}
			raceIntakesWithAMerge(t, round, 30, func(i int) error {
				in := desk.NewTicket{Subject: "Facture en double", Body: "Bonjour, deux prélèvements.", CustomerEmail: old.Email}
				switch i % 3 {
				case 0:
					in.CustomerID, in.CustomerEmail = old.ID, ""
					_, err := env.d.CreateTicket(env.ctx, env.admin, in)
					if p, ok := problem.As(err); ok && p.Fields["customer_id"].Code == "unknown_value" {
						return nil // started once the record was merged away
					}
					return err
				case 1:
					_, err := env.d.CreateTicket(env.ctx, env.admin, in)
					return err
				default:
					_, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: fmt.Sprintf("race-%d-%d@example.fr", round, i),
						FromEmail: old.Email, Subject: in.Subject, Text: in.Body})
					return err
				}
			}, func() error {
				_, err := env.d.MergeCustomers(env.ctx, env.admin, kept.ID, old.ID)
				return err
			})
			var left int
			if err := env.s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE customer_id = $1`, old.ID).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left != 0 {
				t.Fatalf("round %d: %d tickets filed on the merged-away customer %d", round, left, old.ID)
			}
		}
	})
}

// A customer merged into another (A into B) while that one is merged into
// a third (B into C): tickets opened for A meanwhile, by A's id, by A's
// address (kept by B, then C) and by mail from it, all end on C, the one
// record left, and so do those a channel opens by A's id with a hook in
// their transaction (the store's other intake path). The intake follows
// the merge pointers to their end with each record locked, so none is filed on A or B once the merge that
// emptied them committed (their tickets were moved already). Run it with
// -count=20 on both databases: the race is in the timing.
func TestIntakeRacingATwoLevelCustomerMergeFilesOnTheLastCustomer(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		for round := range 3 {
			var people [3]customer.Customer // A, B, C
			for i, who := range []string{"a", "b", "c"} {
				c, err := env.s.CreateCustomer(env.ctx, env.f.WS.ID, customer.Customer{Name: "Louise Petit (" + who + ")",
					Email: fmt.Sprintf("louise.%s.%d@example.fr", who, round), Language: "fr"})
				if err != nil {
					t.Fatal(err)
				}
				people[i] = c
			}
			a, b, c := people[0], people[1], people[2]
			if _, err := env.d.MergeCustomers(env.ctx, env.admin, b.ID, a.ID); err != nil {
				t.Fatalf("round %d: merge A into B: %v", round, err)
			}
			const n = 24
			raceIntakesWithAMerge(t, round, n, func(i int) error {
				in := desk.NewTicket{Subject: "Colis non reçu", Body: "Bonjour, mon colis n'est pas arrivé."}
				var err error
				switch i % 4 {
				case 0:
					in.CustomerID = a.ID
					_, err = env.d.CreateTicket(env.ctx, env.admin, in)
				case 3: // a channel's intake with a hook in its transaction: on PostgreSQL, not the one statement
					_, err = env.s.CreateTicket(env.ctx, env.f.WS.ID, store.NewTicket{Ticket: ticket.Ticket{Subject: in.Subject, Status: ticket.New,
						Channel: "email", TierID: env.f.Tier["L1"].ID, CustomerID: a.ID, Language: "fr"}, Body: in.Body, FirstIsCustomer: true,
						InTx: func(context.Context, *store.Tx, ticket.Ticket, []ticket.Event) error { return nil }})
				case 1:
					in.CustomerEmail = a.Email
					_, err = env.d.CreateTicket(env.ctx, env.admin, in)
				default:
					_, err = env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: fmt.Sprintf("chain-%d-%d@example.fr", round, i),
						FromEmail: a.Email, Subject: in.Subject, Text: in.Body})
				}
				return err
			}, func() error {
				_, err := env.d.MergeCustomers(env.ctx, env.admin, c.ID, b.ID)
				return err
			})
			for _, gone := range []customer.Customer{a, b} {
				var left int
				if err := env.s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE customer_id = $1`, gone.ID).Scan(&left); err != nil {
					t.Fatal(err)
				}
				if left != 0 {
					t.Errorf("round %d: %d tickets filed on the merged-away customer %s", round, left, gone.Name)
				}
			}
			var kept int
			if err := env.s.DB().QueryRow(`SELECT count(*) FROM tickets WHERE customer_id = $1`, c.ID).Scan(&kept); err != nil {
				t.Fatal(err)
			}
			if kept != n {
				t.Errorf("round %d: %d of the %d tickets are on the customer kept", round, kept, n)
			}
		}
	})
}

// raceIntakesWithAMerge runs n intakes (intake(i)) and a customer merge
// at the same moment, and fails the test when the merge or any intake
// failed.
func raceIntakesWithAMerge(t *testing.T, round, n int, intake func(i int) error, merge func() error) {
	t.Helper()
	errs := make([]error, n)
	var mergeErr error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = intake(i)
		})
	}
	wg.Go(func() {
		<-start
		mergeErr = merge()
	})
	close(start)
	wg.Wait()
	if mergeErr != nil {
		t.Fatalf("round %d: merge: %v", round, mergeErr)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("round %d: intake %d: %v", round, i, err)
		}
	}
}

// A callback entered for a customer takes a name of at most 200
// characters, as the public forms do (the help box's callback, the
// chat): a longer one is refused with the field named, its limit given
// for the message in either language, and nothing written; exactly 200
// is accepted.
func TestCallbackNameIsLimitedLikeThePublicForms(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		in := desk.Callback{Email: "zoe.rappel@example.test", Number: "06 12 34 56 78", Reason: "Question sur ma facture"}
		in.Name = strings.Repeat("é", 201)
		before := rowCounts(t, env.s, "tickets", "customers", "events")
		_, err := env.d.RequestCallback(env.ctx, env.l1, in)
		p, ok := problem.As(err)
		if !ok || p.Fields["name"].Code != "too_long" || p.Fields["name"].Params["max"] != "200" {
			t.Fatalf("a 201-character name = %v, want name too_long with max 200", err)
		}
		for lang, want := range map[string]string{"en": "maximum 200", "fr": "maximum 200"} {
			if got := i18n.T(lang, "field."+p.Fields["name"].Code, "max", p.Fields["name"].Params["max"]); !strings.Contains(got, want) {
				t.Errorf("the refusal in %s reads %q, want it to say %q", lang, got, want)
			}
		}
		if after := rowCounts(t, env.s, "tickets", "customers", "events"); !maps.Equal(before, after) {
			t.Fatalf("a refused callback wrote something: %v → %v", before, after)
		}
		in.Name = strings.Repeat("é", 200)
		if _, err := env.d.RequestCallback(env.ctx, env.l1, in); err != nil {
			t.Fatalf("a 200-character name: %v", err)
		}
	})
}

// A new ticket given to an agent tells that agent's pages (the
// notification) and the inboxes, in that order, once it is stored: the
// events are published together, none is left out.
func TestNewTicketTellsItsOwnerThenTheInboxes(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		owner := env.f.AgentL1.ID
		sub := env.d.Live().Subscribe(env.f.WS.ID, live.Agent(owner), live.Inbox)
		defer sub.Close()
		tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Colis jamais reçu", Body: "Toujours rien.",
			CustomerID: env.alice.Customer.ID, TierID: env.f.Tier["L1"].ID, OwnerID: owner})
		if err != nil {
			t.Fatal(err)
		}
		var topics []string
		deadline := time.After(10 * time.Second)
		for len(topics) < 2 {
			select {
			case e, ok := <-sub.C:
				if !ok {
					t.Fatalf("the subscription ended (%s) after %v", sub.Reason(), topics)
				}
				var data struct {
					TicketID int64 `json:"ticket_id"`
				}
				if err := json.Unmarshal(e.Data, &data); err != nil || data.TicketID != tk.ID {
					t.Errorf("%s event %s, want ticket %d", e.Topic, e.Data, tk.ID)
				}
				if e.Topic == live.Agent(owner) && e.Kind != desk.NotificationKind {
					t.Errorf("the owner's page heard %q, want a notification", e.Kind)
				}
				topics = append(topics, e.Topic)
			case <-deadline:
				t.Fatalf("heard %v within 10 s", topics)
			}
		}
		if topics[0] != live.Agent(owner) || topics[1] != live.Inbox {
			t.Errorf("heard %v, want the owner's notification, then the inbox", topics)
		}
	})
}

// Routing reads what its rules test of a returning customer, by id or by
// email: their open tickets, their organisation's name, its segment when
// the customer has none. Whether these are read depends on the rules in
// force, so a rule added later finds them read from its first ticket.
func TestIntakeRoutesOnWhatARuleTestsOfAReturningCustomer(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		f, ctx := env.f, env.ctx
		rules := func(rs ...routing.Rule) {
			t.Helper()
			for i := range rs {
				rs[i].ID, rs[i].Enabled = int64(i+1), true
			}
			if err := env.d.SaveRoutingRules(ctx, env.admin, routing.RuleSet{Rules: rs, Fallback: routing.Actions{Tier: "L1"}}); err != nil {
				t.Fatal(err)
			}
		}
		create := func(in desk.NewTicket) string {
			t.Helper()
			in.Subject, in.Body = "Bonjour", "Une question."
			tk, err := env.d.CreateTicket(ctx, env.admin, in)
			if err != nil {
				t.Fatal(err)
			}
			return tierCode(f, tk.TierID)
		}
		open := func(c customer.Customer) int {
			n, err := env.s.CountTickets(ctx, f.WS.ID, store.Filter{CustomerID: c.ID, ActiveOnly: true}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		bob := f.Customer["bob"] // no organisation
		// No rule tests anything of the customer: the fallback.
		rules(routing.Rule{Name: "Chat", When: routing.Condition{Field: routing.FieldChannel, Op: routing.OpIs, Value: "chat"}, Then: routing.Actions{Tier: "L3"}})
		if got := create(desk.NewTicket{CustomerID: bob.ID}); got != "L1" {
			t.Errorf("no rule on the customer: %s, want L1", got)
		}
		// Then a rule on open tickets: bob's next tickets count the earlier ones.
		rules(routing.Rule{Name: "Busy", When: routing.Condition{Field: routing.FieldOpenTickets, Op: routing.OpGte, Value: "3"}, Then: routing.Actions{Tier: "L2"}})
		for i, byEmail := range []bool{false, true, false, true} {
			want := "L1"
			if open(bob) >= 3 {
				want = "L2"
			}
			in := desk.NewTicket{CustomerID: bob.ID}
			if byEmail {
				in = desk.NewTicket{CustomerEmail: bob.Email}
			}
			if got := create(in); got != want {
				t.Errorf("bob's ticket %d (by email %v, %d open before): %s, want %s", i, byEmail, open(bob)-1, got, want)
			}
		}
		if open(bob) < 4 {
			t.Fatalf("bob has %d open tickets: the rule was never reached", open(bob))
		}
		// A rule on the organisation's name, and one on the segment a
		// customer without one takes from their organisation (Globex: b2b).
		zed := must(env.s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Zed Sans Segment", Email: "zed@globex.example", OrganisationID: f.Org.ID}))(t)
		rules(routing.Rule{Name: "B2B", When: routing.Condition{Field: routing.FieldSegment, Op: routing.OpIs, Value: "b2b"}, Then: routing.Actions{Tier: "L2"}})
		if got := create(desk.NewTicket{CustomerEmail: zed.Email}); got != "L2" {
			t.Errorf("a customer without a segment, of a b2b organisation: %s, want L2", got)
		}
		rules(routing.Rule{Name: "Globex", When: routing.Condition{Field: routing.FieldOrganisation, Op: routing.OpIs, Value: "Globex"}, Then: routing.Actions{Tier: "L3"}})
		if got := create(desk.NewTicket{CustomerID: zed.ID}); got != "L3" {
			t.Errorf("a customer of Globex: %s, want L3", got)
		}
		if got := create(desk.NewTicket{CustomerID: bob.ID}); got != "L1" {
			t.Errorf("a customer of no organisation: %s, want L1", got)
		}
	})
}
