package store_test

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// newTicket is a valid ticket of the Fixture's main workspace, from bob,
// in tier L1.
func newTicket(f storetest.Fixture, subject string) store.NewTicket {
	return store.NewTicket{
		Ticket: ticket.Ticket{Subject: subject, Channel: "portal", TierID: f.Tier["L1"].ID, TeamID: f.Team["L1"].ID,
			CustomerID: f.Customer["bob"].ID, Language: "en", Priority: ticket.Normal},
		Body:            "Hello, something is wrong.",
		FirstIsCustomer: true,
	}
}

func TestCreateTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		n := newTicket(f, "Invoice missing")
		n.Ticket.Tags = []string{"invoice"}
		n.Ticket.CustomFields = map[string]string{"order": "42"}
		n.Events = []ticket.Event{{Kind: ticket.Routed, Data: event.Routed{Rule: "billing words"}}}
		tk := must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		if tk.Number != 1007 || tk.Reference != "#1007" || tk.Status != ticket.New {
			t.Errorf("created %s number %d status %s, want #1007 new", tk.Reference, tk.Number, tk.Status)
		}
		if !tk.CreatedAt.Equal(c.now) {
			t.Errorf("created at %v, want the store clock %v", tk.CreatedAt, c.now)
		}
		stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if stored.Subject != "Invoice missing" || stored.Reference != "#1007" || !slices.Equal(stored.Tags, []string{"invoice"}) ||
			stored.CustomFields["order"] != "42" || stored.FirstResponseAt != nil || stored.SolvedAt != nil {
			t.Errorf("stored ticket = %+v", stored)
		}
		if byNumber := must(s.TicketByNumber(ctx, f.WS.ID, 1007))(t); byNumber.ID != tk.ID {
			t.Errorf("TicketByNumber(1007) = %d, want %d", byNumber.ID, tk.ID)
		}

		evs := eventsOf(t, s, f.WS.ID, tk.ID)
		if got := kinds(evs); !slices.Equal(got, []ticket.EventKind{ticket.Created, ticket.CustomerMessage, ticket.Routed}) {
			t.Fatalf("timeline = %v, want created, customer_message, routed", got)
		}
		if evs[0].ActorCustomerID != f.Customer["bob"].ID || evs[0].Data != (event.Created{Channel: "portal"}) {
			t.Errorf("created event = %+v", evs[0])
		}
		if evs[1].ActorCustomerID != f.Customer["bob"].ID || evs[1].Body != "Hello, something is wrong." || evs[1].ActorAgentID != 0 {
			t.Errorf("first message = %+v, want bob's words", evs[1])
		}
		if !reflect.DeepEqual(evs[2].Data, event.Routed{Rule: "billing words"}) {
			t.Errorf("routed event = %+v", evs[2])
		}

		// Numbers are per workspace: the other tenant continues its own.
		o := must(s.CreateTicket(ctx, f.Other.WS.ID, store.NewTicket{Ticket: ticket.Ticket{Subject: "Hi", Channel: "email",
			TierID: f.Other.Tier.ID, CustomerID: f.Other.Customer.ID}}))(t)
		if o.Number != 1001 {
			t.Errorf("other workspace's second ticket is #%d, want #1001", o.Number)
		}
		if next := must(s.CreateTicket(ctx, f.WS.ID, newTicket(f, "Next")))(t); next.Number != 1008 {
			t.Errorf("next ticket is #%d, want #1008", next.Number)
		}
	})
}

// Tickets arriving at once (email, portal, API on several instances) get
// distinct numbers with no gap.
func TestConcurrentTicketNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		const writers, each = 8, 10
		numbers := make(chan int64, writers*each)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					tk, err := s.CreateTicket(t.Context(), f.WS.ID, newTicket(f, fmt.Sprintf("writer %d ticket %d", w, i)))
					if err != nil {
						t.Error(err)
						return
					}
					numbers <- tk.Number
				}
			})
		}
		wg.Wait()
		close(numbers)
		var got []int64
		for n := range numbers {
			got = append(got, n)
		}
		slices.Sort(got)
		first := f.Ticket["solved"].Number + 1
		for i, n := range got {
			if n != first+int64(i) {
				t.Fatalf("numbers %v, want %d…%d each once", got, first, first+writers*each-1)
			}
		}
		if len(got) != writers*each {
			t.Errorf("%d tickets created, want %d", len(got), writers*each)
		}
	})
}

// An agent logging a phone call creates the ticket on the customer's
// behalf: the first message is then the agent's.
func TestCreateTicketByAnAgent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		n := newTicket(f, "Phone call")
		n.FirstIsCustomer, n.ActorAgentID, n.Ticket.Channel = false, f.AgentL1.ID, "phone"
		tk := must(s.CreateTicket(t.Context(), f.WS.ID, n))(t)
		evs := eventsOf(t, s, f.WS.ID, tk.ID)
		if evs[0].ActorAgentID != f.AgentL1.ID || evs[0].ActorCustomerID != 0 || evs[1].ActorAgentID != f.AgentL1.ID {
			t.Errorf("events = %+v, want the agent as actor", evs)
		}
	})
}

// Ids of another workspace's objects are refused as if they did not exist,
// and its tickets cannot be read or changed.
func TestTicketsStayInTheirWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		refs := []struct {
			field string
			set   func(*ticket.Ticket)
		}{
			{"customer_id", func(tk *ticket.Ticket) { tk.CustomerID = f.Other.Customer.ID }},
			{"tier_id", func(tk *ticket.Ticket) { tk.TierID = f.Other.Tier.ID }},
			{"owner_id", func(tk *ticket.Ticket) { tk.OwnerID = f.Other.Agent.ID }},
			{"team_id", func(tk *ticket.Ticket) { tk.TeamID = 987654 }},
			{"request_type_id", func(tk *ticket.Ticket) { tk.RequestTypeID = 987654 }},
		}
		for _, r := range refs {
			n := newTicket(f, "Cross-tenant")
			r.set(&n.Ticket)
			_, err := s.CreateTicket(ctx, f.WS.ID, n)
			wantField(t, err, r.field, "unknown_value")
		}
		n := newTicket(f, "No customer")
		n.Ticket.CustomerID = 0
		_, err := s.CreateTicket(ctx, f.WS.ID, n)
		wantField(t, err, "customer_id", "required")

		theirs := f.Other.Ticket.ID
		_, err = s.Ticket(ctx, f.WS.ID, theirs)
		wantProblem(t, err, problem.NotFound, "ticket_not_found")
		if mine := must(s.TicketByNumber(ctx, f.WS.ID, f.Other.Ticket.Number))(t); mine.ID == theirs {
			t.Error("TicketByNumber returned another workspace's ticket")
		}
		_, err = s.UpdateTicket(ctx, f.WS.ID, theirs, f.Admin.ID, nil, store.Change{Priority: ptr(ticket.Urgent)})
		wantProblem(t, err, problem.NotFound, "ticket_not_found")
		_, _, err = s.AddMessage(ctx, f.WS.ID, theirs, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.Admin.ID, Body: "peek"}, "")
		wantProblem(t, err, problem.NotFound, "ticket_not_found")
		wantProblem(t, s.AddCollaborator(ctx, f.WS.ID, theirs, f.AgentL1.ID, f.Admin.ID, nil), problem.NotFound, "ticket_not_found")
		if evs := must(s.Events(ctx, f.WS.ID, theirs, 0, 100))(t); len(evs) != 0 {
			t.Errorf("Events listed %d events of another workspace's ticket", len(evs))
		}
		// Moving one's own ticket to another tenant's tier or owner is refused too.
		_, err = s.UpdateTicket(ctx, f.WS.ID, f.Ticket["L1"].ID, f.Admin.ID, nil, store.Change{OwnerID: ptr(f.Other.Agent.ID)})
		wantField(t, err, "owner_id", "unknown_value")
		wantField(t, s.AddCollaborator(ctx, f.WS.ID, f.Ticket["L1"].ID, f.Other.Agent.ID, f.Admin.ID, nil), "agent_id", "unknown_value")
		if after := must(s.Ticket(ctx, f.Other.WS.ID, theirs))(t); after.Priority != f.Other.Ticket.Priority {
			t.Error("another workspace's ticket changed")
		}
	})
}

func TestUpdateTicketWritesOneEventPerChangedField(t *testing.T) {
	type want struct {
		kind ticket.EventKind
		data ticket.EventData
	}
	cases := []struct {
		name   string
		change func(f storetest.Fixture) store.Change
		want   func(f storetest.Fixture) []want
	}{
		{"status", func(f storetest.Fixture) store.Change { return store.Change{Status: ptr(ticket.Pending)} },
			func(f storetest.Fixture) []want {
				return []want{{ticket.StatusChanged, event.Change{From: "new", To: "pending"}}}
			}},
		{"priority", func(f storetest.Fixture) store.Change { return store.Change{Priority: ptr(ticket.Urgent)} },
			func(f storetest.Fixture) []want {
				return []want{{ticket.PriorityChanged, event.Change{From: "normal", To: "urgent"}}}
			}},
		{"request type", func(f storetest.Fixture) store.Change { return store.Change{RequestTypeID: ptr(f.Type["bug"].ID)} },
			func(f storetest.Fixture) []want {
				return []want{{ticket.TypeChanged, event.TypeChange{To: f.Type["bug"].ID}}}
			}},
		{"tier and team", func(f storetest.Fixture) store.Change {
			return store.Change{TierID: ptr(f.Tier["L2"].ID), TeamID: ptr(f.Team["L2"].ID)}
		}, func(f storetest.Fixture) []want {
			return []want{{ticket.TierChanged, event.TierChange{From: f.Tier["L1"].ID, To: f.Tier["L2"].ID}},
				{ticket.TeamChanged, event.TeamChange{From: f.Team["L1"].ID, To: f.Team["L2"].ID}}}
		}},
		{"owner", func(f storetest.Fixture) store.Change { return store.Change{OwnerID: ptr(f.AgentL1.ID)} },
			func(f storetest.Fixture) []want {
				return []want{{ticket.OwnerChanged, event.OwnerChange{To: f.AgentL1.ID}}}
			}},
		{"sensitive", func(f storetest.Fixture) store.Change { return store.Change{Sensitive: ptr(true)} },
			func(f storetest.Fixture) []want {
				return []want{{ticket.SensitiveChanged, event.SensitiveChange{Sensitive: true}}}
			}},
		{"tags", func(f storetest.Fixture) store.Change { return store.Change{Tags: &[]string{"refund", "vip"}} },
			func(f storetest.Fixture) []want {
				return []want{{ticket.TagsChanged, event.TagsChange{To: []string{"refund", "vip"}}}}
			}},
		{"custom fields, one event each", func(f storetest.Fixture) store.Change {
			return store.Change{CustomFields: map[string]string{"plan": "pro", "order": "17"}}
		}, func(f storetest.Fixture) []want {
			return []want{{ticket.FieldChanged, event.Change{Field: "order", To: "17"}}, {ticket.FieldChanged, event.Change{Field: "plan", To: "pro"}}}
		}},
		{"values equal to the current ones", func(f storetest.Fixture) store.Change {
			return store.Change{Status: ptr(ticket.New), Priority: ptr(ticket.Normal), TierID: ptr(f.Tier["L1"].ID), OwnerID: ptr(int64(0)),
				Sensitive: ptr(false), Tags: &[]string{}}
		}, func(f storetest.Fixture) []want { return nil }},
		{"nothing", func(f storetest.Fixture) store.Change { return store.Change{} },
			func(f storetest.Fixture) []want { return nil }},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		c := newClock(s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx := t.Context()
				tk := must(s.CreateTicket(ctx, f.WS.ID, newTicket(f, tc.name)))(t)
				before := eventsOf(t, s, f.WS.ID, tk.ID)
				c.advance(time.Minute)
				got := must(s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.Lead.ID, nil, tc.change(f)))(t)
				stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
				if !got.UpdatedAt.Equal(stored.UpdatedAt) || got.Status != stored.Status || got.OwnerID != stored.OwnerID {
					t.Errorf("UpdateTicket returned %+v, stored %+v", got, stored)
				}
				added := eventsOf(t, s, f.WS.ID, tk.ID)[len(before):]
				wants := tc.want(f)
				if len(added) != len(wants) {
					t.Fatalf("events written = %v, want %d", kinds(added), len(wants))
				}
				for i, w := range wants {
					e := added[i]
					if e.Kind != w.kind || !reflect.DeepEqual(e.Data, w.data) || e.ActorAgentID != f.Lead.ID {
						t.Errorf("event %d = %s %+v by %d, want %s %+v by the lead", i, e.Kind, e.Data, e.ActorAgentID, w.kind, w.data)
					}
				}
				if len(wants) == 0 && !stored.UpdatedAt.Equal(tk.UpdatedAt) {
					t.Errorf("a no-op update moved updated_at from %v to %v", tk.UpdatedAt, stored.UpdatedAt)
				}
				if len(wants) > 0 && !stored.UpdatedAt.Equal(c.now) {
					t.Errorf("updated_at = %v, want %v", stored.UpdatedAt, c.now)
				}
			})
		}
	})
}

func TestUpdateTicketStatusTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		tk := must(s.CreateTicket(ctx, f.WS.ID, newTicket(f, "Solve me")))(t)
		c.advance(time.Hour)
		solvedAt := c.now
		got := must(s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.AgentL1.ID, nil, store.Change{Status: ptr(ticket.Solved)}))(t)
		stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if stored.SolvedAt == nil || !stored.SolvedAt.Equal(solvedAt) {
			t.Fatalf("stored solved_at = %v, want %v", stored.SolvedAt, solvedAt)
		}
		if got.SolvedAt == nil || !got.SolvedAt.Equal(solvedAt) {
			t.Errorf("UpdateTicket returned solved_at %v, stored %v", got.SolvedAt, solvedAt)
		}
		// Closing keeps the time it was solved.
		c.advance(time.Hour)
		must(s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.AgentL1.ID, nil, store.Change{Status: ptr(ticket.Closed)}))(t)
		if stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t); stored.SolvedAt == nil || !stored.SolvedAt.Equal(solvedAt) {
			t.Errorf("after closing, solved_at = %v, want %v", stored.SolvedAt, solvedAt)
		}
		// Reopening clears it.
		got = must(s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.AgentL1.ID, nil, store.Change{Status: ptr(ticket.Open)}))(t)
		if stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t); stored.SolvedAt != nil || got.SolvedAt != nil {
			t.Errorf("after reopening, solved_at stored %v returned %v, want none", stored.SolvedAt, got.SolvedAt)
		}
	})
}

func TestHandoffCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := must(s.CreateTicket(ctx, f.WS.ID, newTicket(f, "Pass it on")))(t)
		steps := []struct {
			owner int64
			want  int
		}{
			{f.AgentL1.ID, 0}, // picked up from the queue: not a hand-off
			{f.AgentL1.ID, 0}, // same owner
			{f.AgentL2.ID, 1}, // agent to agent
			{f.AgentL3.ID, 2},
			{0, 2},            // back to the queue
			{f.AgentL1.ID, 2}, // picked up again
		}
		for i, st := range steps {
			got := must(s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.Lead.ID, nil, store.Change{OwnerID: ptr(st.owner)}))(t)
			stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
			if stored.HandoffCount != st.want || got.HandoffCount != st.want || stored.OwnerID != st.owner {
				t.Errorf("step %d: owner %d hand-offs %d (returned %d), want owner %d hand-offs %d", i, stored.OwnerID, stored.HandoffCount, got.HandoffCount, st.owner, st.want)
			}
		}
	})
}

// The guard sees the ticket as it is inside the transaction; its refusal
// leaves no trace.
func TestUpdateTicketGuard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := f.Ticket["L2"]
		before := eventsOf(t, s, f.WS.ID, tk.ID)
		var seen ticket.Ticket
		refuse := func(cur ticket.Ticket) error {
			seen = cur
			return problem.New(problem.Forbidden, "not_yours", "you may not change this ticket")
		}
		_, err := s.UpdateTicket(ctx, f.WS.ID, tk.ID, f.AgentL1.ID, refuse, store.Change{Priority: ptr(ticket.Low), OwnerID: ptr(f.AgentL1.ID)})
		wantProblem(t, err, problem.Forbidden, "not_yours")
		if seen.ID != tk.ID || seen.OwnerID != f.AgentL2.ID {
			t.Errorf("guard saw %+v", seen)
		}
		_, _, err = s.AddMessage(ctx, f.WS.ID, tk.ID, refuse, ticket.Event{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "hi"}, ticket.Solved)
		wantProblem(t, err, problem.Forbidden, "not_yours")
		wantProblem(t, s.AddCollaborator(ctx, f.WS.ID, tk.ID, f.AgentL1.ID, f.AgentL1.ID, refuse), problem.Forbidden, "not_yours")

		after := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if after.Priority != tk.Priority || after.OwnerID != tk.OwnerID || after.Status != tk.Status || len(after.Collaborators) != 0 {
			t.Errorf("refused changes were written: %+v", after)
		}
		if evs := eventsOf(t, s, f.WS.ID, tk.ID); len(evs) != len(before) {
			t.Errorf("refused changes wrote events: %v", kinds(evs[len(before):]))
		}
	})
}

func TestAddMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		tk := must(s.CreateTicket(ctx, f.WS.ID, newTicket(f, "Help")))(t)
		last := func() []ticket.EventKind {
			evs := eventsOf(t, s, f.WS.ID, tk.ID)
			return kinds(evs[2:]) // after created, customer_message
		}

		// An internal note is not a response and changes no status.
		c.advance(time.Minute)
		_, got := must2(t)(s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.AgentL1.ID, Body: "looking"}, ""))
		if got.FirstResponseAt != nil || got.Status != ticket.New {
			t.Errorf("after a note: first response %v status %s", got.FirstResponseAt, got.Status)
		}

		// The first public reply sets the first-response time and opens a new ticket.
		c.advance(time.Minute)
		firstReply := c.now
		e, got := must2(t)(s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "On it"}, ""))
		if e.ID == 0 || !e.CreatedAt.Equal(firstReply) {
			t.Errorf("reply event = %+v", e)
		}
		stored := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if stored.FirstResponseAt == nil || !stored.FirstResponseAt.Equal(firstReply) || stored.Status != ticket.Open || got.Status != ticket.Open {
			t.Errorf("after the first reply: %+v", stored)
		}
		// A later reply that also solves keeps the first-response time.
		c.advance(time.Minute)
		must2(t)(s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "Fixed"}, ticket.Solved))
		stored = must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if !stored.FirstResponseAt.Equal(firstReply) || stored.Status != ticket.Solved || stored.SolvedAt == nil {
			t.Errorf("after solving: %+v", stored)
		}
		// The customer writing again reopens it.
		c.advance(time.Minute)
		_, got = must2(t)(s.AddMessage(ctx, f.WS.ID, tk.ID, nil, ticket.Event{Kind: ticket.CustomerMessage, ActorCustomerID: f.Customer["bob"].ID, Body: "Still broken"}, ""))
		stored = must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if stored.Status != ticket.Open || stored.SolvedAt != nil || got.Status != ticket.Open || got.SolvedAt != nil {
			t.Errorf("after the customer wrote again: stored %+v returned %+v", stored, got)
		}
		want := []ticket.EventKind{ticket.InternalNote, ticket.AgentReply, ticket.StatusChanged, ticket.AgentReply, ticket.StatusChanged,
			ticket.CustomerMessage, ticket.StatusChanged}
		if got := last(); !slices.Equal(got, want) {
			t.Errorf("timeline = %v, want %v", got, want)
		}
		evs := eventsOf(t, s, f.WS.ID, tk.ID)
		if reopen := evs[len(evs)-1]; reopen.Data != (event.Change{From: "solved", To: "open"}) {
			t.Errorf("reopening event = %+v", reopen)
		}
		if !stored.UpdatedAt.Equal(c.now) {
			t.Errorf("updated_at = %v, want %v", stored.UpdatedAt, c.now)
		}
	})
}

func must2(t *testing.T) func(ticket.Event, ticket.Ticket, error) (ticket.Event, ticket.Ticket) {
	return func(e ticket.Event, tk ticket.Ticket, err error) (ticket.Event, ticket.Ticket) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return e, tk
	}
}

// The timeline is append-only in the database itself, not just in Go.
func TestEventsAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		id := f.Ticket["L1"].ID
		if _, err := s.DB().ExecContext(ctx, `UPDATE events SET body = 'rewritten' WHERE ticket_id = $1`, id); err == nil {
			t.Error("UPDATE of timeline events succeeded")
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM events WHERE ticket_id = $1`, id); err == nil {
			t.Error("DELETE of timeline events succeeded")
		}
		if evs := eventsOf(t, s, f.WS.ID, id); len(evs) != 3 || evs[1].Body == "rewritten" {
			t.Errorf("timeline after the attempts = %+v", evs)
		}
	})
}

func TestAddCollaborator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := f.Ticket["L3"]
		for range 2 { // inviting twice is harmless
			if err := s.AddCollaborator(ctx, f.WS.ID, tk.ID, f.AgentL2.ID, f.AgentL3.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		got := must(s.Ticket(ctx, f.WS.ID, tk.ID))(t)
		if !slices.Equal(got.Collaborators, []int64{f.AgentL2.ID}) {
			t.Errorf("collaborators = %v", got.Collaborators)
		}
		evs := eventsOf(t, s, f.WS.ID, tk.ID)
		joined := 0
		for _, e := range evs {
			if e.Kind == ticket.SwarmJoined {
				joined++
				if e.Data != (event.SwarmJoin{AgentID: f.AgentL2.ID}) || e.ActorAgentID != f.AgentL3.ID {
					t.Errorf("swarm event = %+v", e)
				}
			}
		}
		if joined != 1 {
			t.Errorf("%d swarm_joined events, want 1", joined)
		}
	})
}

// A team comes into a swarm in one transaction: its members who are not
// the owner nor already in, each recorded with the team and the question;
// one unknown agent and nobody joins.
func TestAddCollaboratorsAsATeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tk := f.Ticket["L3"] // owned by AgentL3
		must(s.AddCollaborators(ctx, f.WS.ID, tk.ID, f.AgentL3.ID, store.Invitation{AgentIDs: []int64{f.Lead.ID}}, nil))(t)
		before := len(eventsOf(t, s, f.WS.ID, tk.ID))
		inv := store.Invitation{AgentIDs: []int64{f.AgentL3.ID, f.Lead.ID, f.AgentL2.ID, f.AgentL1.ID}, TeamID: f.Team["L2"].ID,
			Question: "Le webhook renvoie 500, une idée ?"}
		added := must(s.AddCollaborators(ctx, f.WS.ID, tk.ID, f.AgentL3.ID, inv, nil))(t)
		if !slices.Equal(added, []int64{f.AgentL2.ID, f.AgentL1.ID}) {
			t.Errorf("added %v, want AgentL2 and AgentL1 (not the owner, not the lead already in)", added)
		}
		evs := eventsOf(t, s, f.WS.ID, tk.ID)[before:]
		if len(evs) != 2 {
			t.Fatalf("%d new events, want 2: %+v", len(evs), evs)
		}
		for i, e := range evs {
			if e.Data != (event.SwarmJoin{AgentID: added[i], TeamID: f.Team["L2"].ID, Question: inv.Question}) || e.ActorAgentID != f.AgentL3.ID {
				t.Errorf("event %d = %+v", i, e)
			}
		}
		// An unknown agent refuses the whole invitation.
		other := f.Ticket["L2"]
		_, err := s.AddCollaborators(ctx, f.WS.ID, other.ID, f.AgentL2.ID, store.Invitation{AgentIDs: []int64{f.AgentL1.ID, f.Other.Agent.ID}}, nil)
		wantField(t, err, "agent_id", "unknown_value")
		if got := must(s.Ticket(ctx, f.WS.ID, other.ID))(t); len(got.Collaborators) != 0 {
			t.Errorf("a refused invitation left collaborators %v", got.Collaborators)
		}
	})
}

// Every sort order, read page by page through cursors, gives each ticket
// exactly once and in order, even where sort keys tie.
func TestTicketPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := newClock(s)
		for i := range 23 {
			n := newTicket(f, fmt.Sprintf("Page test %d", i))
			n.Ticket.Priority = ticket.Priority(i % 4)
			if i%5 == 0 {
				n.Ticket.Status = ticket.Solved
			}
			if i%3 != 0 { // every third shares its updated_at with the one before
				c.advance(time.Second)
			}
			must(s.CreateTicket(ctx, f.WS.ID, n))(t)
		}
		for _, filter := range []store.Filter{{}, {ActiveOnly: true}, {TierIDs: []int64{f.Tier["L1"].ID}}} {
			var all []ticket.Ticket
			for _, page := range pages(t, s, f.WS.ID, store.Filter{Sort: "oldest", ActiveOnly: filter.ActiveOnly, TierIDs: filter.TierIDs}, 200) {
				all = append(all, page...)
			}
			for _, sort := range store.Sorts {
				filter.Sort = sort
				t.Run(fmt.Sprintf("%s/active=%v/tiers=%d", sort, filter.ActiveOnly, len(filter.TierIDs)), func(t *testing.T) {
					want := slices.Clone(all)
					slices.SortFunc(want, orderOf(sort))
					var got []int64
					for _, page := range pages(t, s, f.WS.ID, filter, 4) {
						if len(page) > 4 {
							t.Fatalf("page of %d tickets, want at most 4", len(page))
						}
						for _, tk := range page {
							got = append(got, tk.ID)
						}
					}
					if !slices.Equal(got, ids(want)) {
						t.Errorf("pages gave %v, want %v", got, ids(want))
					}
				})
			}
		}
	})
}

// pages reads a whole list through its cursors.
func pages(t *testing.T, s *store.Store, wsID int64, f store.Filter, size int) [][]ticket.Ticket {
	t.Helper()
	var out [][]ticket.Ticket
	cursor := ""
	for range 1000 {
		list, next := mustPage(t)(s.Tickets(t.Context(), wsID, f, cursor, size))
		out = append(out, list)
		if next == "" {
			return out
		}
		cursor = next
	}
	t.Fatal("pagination never ends")
	return nil
}

func mustPage(t *testing.T) func([]ticket.Ticket, string, error) ([]ticket.Ticket, string) {
	return func(l []ticket.Ticket, next string, err error) ([]ticket.Ticket, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l, next
	}
}

// orderOf is each sort order written in Go, as the reference for the SQL.
func orderOf(sort string) func(a, b ticket.Ticket) int {
	return func(a, b ticket.Ticket) int {
		switch sort {
		case "oldest":
			return cmp.Compare(a.ID, b.ID)
		case "updated":
			return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(b.ID, a.ID))
		case "priority":
			return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(a.ID, b.ID))
		}
		return cmp.Compare(b.ID, a.ID)
	}
}

func TestTicketPaginationRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		_, next, err := s.Tickets(ctx, f.WS.ID, store.Filter{Sort: "updated"}, "", 2)
		if err != nil || next == "" {
			t.Fatalf("first page: next %q, %v", next, err)
		}
		for name, c := range map[string]struct {
			sort, cursor string
			code         string
		}{
			"garbage":            {"newest", "!!not base64!!", "bad_cursor"},
			"base64 of nonsense": {"newest", "bm9uc2Vuc2U", "bad_cursor"},
			"another sort's":     {"priority", next, "bad_cursor"},
			"unknown sort":       {"random", "", "bad_sort"},
		} {
			_, _, err := s.Tickets(ctx, f.WS.ID, store.Filter{Sort: c.sort}, c.cursor, 2)
			if p, ok := problem.As(err); !ok || p.Kind != problem.BadRequest || p.Code != c.code {
				t.Errorf("%s cursor: error %v, want BadRequest %s", name, err, c.code)
			}
		}
	})
}

func TestTicketFilters(t *testing.T) {
	cases := []struct {
		name   string
		filter func(f storetest.Fixture) store.Filter
		want   []string // Fixture ticket keys
	}{
		{"everything", func(f storetest.Fixture) store.Filter { return store.Filter{} },
			[]string{"L1", "L1owned", "L2", "L3", "sensitive", "swarm", "solved"}},
		{"tier L1", func(f storetest.Fixture) store.Filter { return store.Filter{TierIDs: []int64{f.Tier["L1"].ID}} },
			[]string{"L1", "L1owned", "sensitive", "solved"}},
		{"tiers L2 and L3", func(f storetest.Fixture) store.Filter {
			return store.Filter{TierIDs: []int64{f.Tier["L2"].ID, f.Tier["L3"].ID}}
		}, []string{"L2", "L3", "swarm"}},
		{"team L3", func(f storetest.Fixture) store.Filter { return store.Filter{TeamID: f.Team["L3"].ID} },
			[]string{"L3", "swarm"}},
		{"owner", func(f storetest.Fixture) store.Filter { return store.Filter{OwnerID: f.AgentL1.ID} },
			[]string{"L1owned", "solved"}},
		{"unassigned", func(f storetest.Fixture) store.Filter { return store.Filter{Unassigned: true} },
			[]string{"L1", "sensitive"}},
		{"active", func(f storetest.Fixture) store.Filter { return store.Filter{ActiveOnly: true} },
			[]string{"L1", "L1owned", "L2", "L3", "sensitive", "swarm"}},
		{"status new", func(f storetest.Fixture) store.Filter { return store.Filter{Statuses: []ticket.Status{ticket.New}} },
			[]string{"L1"}},
		{"status solved or closed", func(f storetest.Fixture) store.Filter {
			return store.Filter{Statuses: []ticket.Status{ticket.Solved, ticket.Closed}}
		}, []string{"solved"}},
		{"collaborator", func(f storetest.Fixture) store.Filter { return store.Filter{CollaboratorID: f.AgentL1.ID} },
			[]string{"swarm"}},
		{"customer", func(f storetest.Fixture) store.Filter { return store.Filter{CustomerID: f.Customer["alice"].ID} },
			[]string{"L1", "L2", "swarm"}},
		{"request type", func(f storetest.Fixture) store.Filter { return store.Filter{RequestTypeID: f.Type["bug"].ID} },
			[]string{"L2", "L3", "swarm"}},
		{"unassigned active in tier L1", func(f storetest.Fixture) store.Filter {
			return store.Filter{TierIDs: []int64{f.Tier["L1"].ID}, ActiveOnly: true, Unassigned: true}
		}, []string{"L1", "sensitive"}},
		{"another tenant's customer", func(f storetest.Fixture) store.Filter { return store.Filter{CustomerID: f.Other.Customer.ID} },
			nil},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				filter := c.filter(f)
				got := keysOf(f, listAll(t, s, f.WS.ID, filter))
				if !slices.Equal(got, sortedKeys(c.want)) {
					t.Errorf("tickets = %v, want %v", got, sortedKeys(c.want))
				}
				if n := must(s.CountTickets(t.Context(), f.WS.ID, filter, 1000))(t); n != len(c.want) {
					t.Errorf("CountTickets = %d, want %d", n, len(c.want))
				}
			})
		}
	})
}

// Sidebar counts stop at the cap instead of counting a whole backlog.
func TestCountTicketsCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		for _, c := range []struct{ max, want int }{{3, 3}, {7, 7}, {100, 7}} {
			if n := must(s.CountTickets(t.Context(), f.WS.ID, store.Filter{}, c.max))(t); n != c.want {
				t.Errorf("CountTickets(max %d) = %d, want %d", c.max, n, c.want)
			}
		}
	})
}

// listAll reads every page of a list.
func listAll(t *testing.T, s *store.Store, wsID int64, f store.Filter) []ticket.Ticket {
	t.Helper()
	var out []ticket.Ticket
	for _, p := range pages(t, s, wsID, f, 200) {
		out = append(out, p...)
	}
	return out
}

// keysOf names tickets by their Fixture key (or #number), sorted.
func keysOf(f storetest.Fixture, list []ticket.Ticket) []string {
	var out []string
	for _, tk := range list {
		name := tk.Reference
		for k, ft := range f.Ticket {
			if ft.ID == tk.ID {
				name = k
			}
		}
		if tk.ID == f.Other.Ticket.ID {
			name = "OTHER TENANT"
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func sortedKeys(keys []string) []string {
	out := slices.Clone(keys)
	slices.Sort(out)
	return out
}

func ids(list []ticket.Ticket) []int64 {
	out := make([]int64, len(list))
	for i, tk := range list {
		out[i] = tk.ID
	}
	return out
}

func id(v int64) string { return fmt.Sprint(v) }
