package desk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// carole is a second customer of Globex, alice's organisation: their
// tickets may be merged, and neither may read the other's messages.
func carole(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture) customer.Customer {
	t.Helper()
	c, err := s.CreateCustomer(ctx, f.WS.ID, customer.Customer{OrganisationID: f.Org.ID, Name: "Carole Dubois",
		Email: "carole@globex.example", Language: "fr", Segment: "b2b"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// timelineHas reports whether a ticket's timeline holds a message with body.
func timelineHas(t *testing.T, ctx context.Context, d *desk.Service, a auth.Actor, id int64, body string) bool {
	t.Helper()
	events, err := d.Timeline(ctx, a, id, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Kind.Message() && strings.Contains(e.Body, body) {
			return true
		}
	}
	return false
}

// Two customers of one organisation, carole's ticket merged into alice's:
// carole's later messages (help centre or email) never land on alice's
// ticket; each opens a ticket of carole's own, linked as related to
// alice's so that agents see the history, and alice is shown nothing.
func TestAMessageToATicketMergedIntoAnotherCustomersStaysWithTheSender(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		car := carole(t, env.ctx, env.s, env.f)
		alice := env.f.Customer["alice"]
		target := env.f.Ticket["L1"] // alice's #1000
		hers, err := env.d.CreateTicket(env.ctx, env.lead, desk.NewTicket{Subject: "Facture de mars aussi", Body: "Même souci de facture chez nous.",
			CustomerID: car.ID, RequestType: "billing", TierID: env.f.Tier["L1"].ID, TeamID: env.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{hers.ID}); err != nil {
			t.Fatal(err)
		}

		check := func(how string, got ticket.Ticket, body string) {
			t.Helper()
			if got.ID == target.ID || got.ID == hers.ID || got.CustomerID != car.ID || !got.Status.Active() {
				t.Fatalf("%s: the message went to %s (customer %d, %s); want a new active ticket of carole's (%d)", how, got.Reference, got.CustomerID, got.Status, car.ID)
			}
			if timelineHas(t, env.ctx, env.d, env.lead, target.ID, body) {
				t.Errorf("%s: carole's message landed on alice's %s", how, target.Reference)
			}
			if !timelineHas(t, env.ctx, env.d, env.lead, got.ID, body) {
				t.Errorf("%s: the new ticket %s lacks carole's message", how, got.Reference)
			}
			links, err := env.d.TicketLinks(env.ctx, env.lead, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(links) != 1 || links[0].Link.OtherID != target.ID || links[0].Link.Relation != ticket.Related {
				t.Errorf("%s: the new ticket's links are %+v, want one related link to %s", how, links, target.Reference)
			}
			// Alice, in the help centre, sees neither the message nor the
			// new ticket.
			mine, err := env.d.CustomerRequests(env.ctx, desk.Customer{WorkspaceID: env.f.WS.ID, Customer: alice})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range mine {
				if r.ID == got.ID {
					t.Errorf("%s: alice's requests list carole's new ticket", how)
				}
			}
			req, err := env.d.CustomerRequest(env.ctx, desk.Customer{WorkspaceID: env.f.WS.ID, Customer: alice}, target.Number, "fr")
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range req.Entries {
				if strings.Contains(e.Body, body) {
					t.Errorf("%s: alice reads carole's message on %s", how, target.Reference)
				}
			}
		}

		// From the help centre, on her merged ticket.
		got, err := env.d.CustomerReply(env.ctx, desk.Customer{WorkspaceID: env.f.WS.ID, Customer: car}, hers.Number, "Portail : notre IBAN a changé.", nil)
		if err != nil {
			t.Fatal(err)
		}
		check("help centre", got, "notre IBAN a changé")

		// By email, answering her merged ticket.
		in, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "carole-2@globex.example", FromEmail: car.Email,
			Subject: "Re: [" + hers.Reference + "] Facture de mars aussi", Text: "Courriel : voici le nouveau RIB.", TicketNumber: hers.Number})
		if err != nil {
			t.Fatal(err)
		}
		mailed, err := env.s.Ticket(env.ctx, env.f.WS.ID, in.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		check("email", mailed, "voici le nouveau RIB")

		// The same customer's merged ticket still leads to the kept one.
		dup := aliceDuplicate(t, env.ctx, env.d, env.lead, env.f, "Toujours facturée deux fois.")
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		own, err := env.d.CustomerReply(env.ctx, desk.Customer{WorkspaceID: env.f.WS.ID, Customer: alice}, dup.Number, "Alice : merci !", nil)
		if err != nil {
			t.Fatal(err)
		}
		if own.ID != target.ID || !timelineHas(t, env.ctx, env.d, env.lead, target.ID, "Alice : merci") {
			t.Errorf("alice's answer to her own merged ticket went to %s, want %s", own.Reference, target.Reference)
		}
	})
}
