package desk_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// Merging victoria (a duplicate) into alice: her tickets and notes move,
// her address becomes alice's extra address (a new ticket from it is
// alice's), her help-centre session ends, the merge is audited; agents
// and collaborators may not merge, and a refused merge writes nothing.
func TestMergeCustomers(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		lead := storetest.Actor(t, s, f.Lead)
		admin := storetest.Actor(t, s, f.Admin)
		alice, victoria := f.Customer["alice"], f.Customer["victoria"]
		if _, err := d.AddCustomerNote(ctx, lead, victoria.ID, "Appelle souvent le lundi."); err != nil {
			t.Fatal(err)
		}
		if err := s.OpenCustomerSession(ctx, f.WS.ID, victoria.ID, "victoria-secret", time.Hour); err != nil {
			t.Fatal(err)
		}

		before := peopleCounts(t, s)
		ticketsOf := func(id int64) []int64 {
			list, _, _, err := d.CustomerTickets(ctx, admin, id, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			return numbers(list)
		}
		refusals := []struct {
			name       string
			who        mergeBy
			into, from int64
			kind       problem.Kind
		}{
			{"an agent", mergeBy{f.AgentL1.ID}, alice.ID, victoria.ID, problem.Forbidden},
			{"into themselves", mergeBy{f.Lead.ID}, alice.ID, alice.ID, problem.Invalid},
			{"an unknown customer", mergeBy{f.Lead.ID}, alice.ID, 1 << 40, problem.NotFound},
			{"another workspace's customer", mergeBy{f.Lead.ID}, alice.ID, f.Other.Customer.ID, problem.NotFound},
			{"another workspace's agent", mergeBy{f.Other.Agent.ID}, alice.ID, victoria.ID, problem.Forbidden},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				a, err := s.Actor(ctx, c.who.id)
				if err != nil {
					t.Fatal(err)
				}
				_, err = d.MergeCustomers(ctx, a, c.into, c.from)
				if p, ok := problem.As(err); !ok || p.Kind != c.kind {
					t.Errorf("merge: %v, want %v", err, c.kind)
				}
			})
		}
		sameRows(t, "refused merges", before, peopleCounts(t, s))
		if got := ticketsOf(victoria.ID); len(got) != 2 {
			t.Fatalf("victoria's tickets after refusals: %v", got)
		}

		want := slices.Concat(ticketsOf(alice.ID), ticketsOf(victoria.ID))
		slices.Sort(want)
		res, err := d.MergeCustomers(ctx, lead, alice.ID, victoria.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Tickets != 2 || res.Notes != 1 || res.Email != victoria.Email {
			t.Errorf("merge result = %+v", res)
		}
		got := ticketsOf(alice.ID)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("alice's tickets %v, want %v", got, want)
		}
		// The emptied record answers with a pointer to alice.
		if _, _, _, err := d.CustomerTickets(ctx, admin, victoria.ID, "", 50); !problem.Is(err, problem.NotFound) {
			t.Errorf("victoria's tickets after the merge: %v, want not found (merged)", err)
		}
		notes, _ := d.CustomerNotes(ctx, lead, alice.ID, 0, 10)
		if len(notes) != 1 || notes[0].Body != "Appelle souvent le lundi." {
			t.Errorf("alice's notes = %+v", notes)
		}
		if extra, _ := d.CustomerEmails(ctx, lead, alice.ID); !slices.Equal(extra, []string{victoria.Email}) {
			t.Errorf("extra addresses = %v", extra)
		}
		if _, _, err := s.CustomerSession(ctx, "victoria-secret"); err == nil {
			t.Error("the merged customer's help-centre session still works")
		}
		// Her address now names alice: a new ticket from it is alice's.
		tk, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Encore moi", Body: "Bonjour", CustomerEmail: strings.ToUpper(victoria.Email)})
		if err != nil {
			t.Fatal(err)
		}
		if tk.CustomerID != alice.ID {
			t.Errorf("a ticket from the merged address went to customer %d, want alice %d", tk.CustomerID, alice.ID)
		}
		// A reply from her old address still threads onto her old tickets
		// (alice's now), and follows a ticket's merge pointer.
		kept, hers, merged := f.Ticket["L1"], f.Ticket["sensitive"], f.Ticket["L3"]
		if _, err := d.MergeTickets(ctx, admin, kept.ID, []int64{merged.ID}); err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct{ answers, lands ticket.Ticket }{{hers, hers}, {merged, kept}} {
			in, err := d.ReceiveEmail(ctx, f.WS.ID, desk.InboundEmail{MessageID: "victoria-reply-" + strconv.Itoa(i) + "@perso.example", FromEmail: victoria.Email,
				Subject: "Re: [" + c.answers.Reference + "] " + c.answers.Subject, Text: "Toujours moi.", TicketNumber: c.answers.Number})
			if err != nil {
				t.Fatal(err)
			}
			if in.NewTicket || in.TicketID != c.lands.ID {
				t.Errorf("a reply from the merged address to %s: %+v, want it on %s", c.answers.Reference, in, c.lands.Reference)
			}
		}
		entries, _ := s.AuditEntries(ctx, f.WS.ID, store.AuditFilter{TargetType: "customer"}, 5)
		found := false
		for _, e := range entries {
			if e.Action == "customer.merged" && e.ActorID == f.Lead.ID && e.TargetID == alice.ID && strings.Contains(string(e.Details), victoria.Email) {
				found = true
			}
		}
		if !found {
			t.Errorf("no merge audit entry in %+v", entries)
		}
		// The emptied record cannot be merged again.
		before = peopleCounts(t, s)
		if _, err := d.MergeCustomers(ctx, lead, alice.ID, victoria.ID); !problem.Is(err, problem.Conflict) {
			t.Errorf("second merge: %v", err)
		}
		sameRows(t, "a second merge", before, peopleCounts(t, s))
	})
}

type mergeBy struct{ id int64 }
