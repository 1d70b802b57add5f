package desk_test

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/ticket"
)

// carole is a second customer of Globex, alice's organisation: their
// tickets may be merged, and neither may read the other's messages.
func (env deskTest) carole(t *testing.T) customer.Customer {
	t.Helper()
	c, err := env.s.CreateCustomer(env.ctx, env.f.WS.ID, customer.Customer{OrganisationID: env.f.Org.ID, Name: "Carole Dubois",
		Email: "carole@globex.example", Language: "fr", Segment: "b2b"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// timelineHas reports whether a ticket's timeline, as the lead reads it,
// holds a message with body.
func (env deskTest) timelineHas(t *testing.T, id int64, body string) bool {
	t.Helper()
	events, err := env.d.Timeline(env.ctx, env.lead, id, 0, 500)
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

// caroleMergedIntoAlice opens a ticket of carole's saying body and merges
// it into alice's #1000 (the fixture's "L1"), the lead doing both.
func (env deskTest) caroleMergedIntoAlice(t *testing.T, body string) (car customer.Customer, hers, target ticket.Ticket) {
	t.Helper()
	car, target = env.carole(t), env.f.Ticket["L1"]
	hers, err := env.d.CreateTicket(env.ctx, env.lead, desk.NewTicket{Subject: "Facture de mars aussi", Body: body,
		CustomerID: car.ID, RequestType: "billing", TierID: env.f.Tier["L1"].ID, TeamID: env.f.Team["L1"].ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{hers.ID}); err != nil {
		t.Fatal(err)
	}
	return car, hers, target
}

// aliceReads reports whether alice, in the help centre, reads text on her
// request tk.
func (env deskTest) aliceReads(t *testing.T, tk ticket.Ticket, text string) bool {
	t.Helper()
	req, err := env.d.CustomerRequest(env.ctx, env.alice, tk.Number, "fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range req.Entries {
		if strings.Contains(e.Body, text) {
			return true
		}
	}
	return false
}

// Two customers of one organisation, carole's ticket merged into alice's:
// carole's later messages (help centre, email, also from an address she
// keeps from a customer merge) never land on alice's
// ticket; each opens a ticket of carole's own, linked as related to
// alice's so that agents see the history, and alice is shown nothing.
func TestAMessageToATicketMergedIntoAnotherCustomersStaysWithTheSender(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		car, hers, target := env.caroleMergedIntoAlice(t, "Même souci de facture chez nous.")

		check := func(how string, got ticket.Ticket, body string) {
			t.Helper()
			if got.ID == target.ID || got.ID == hers.ID || got.CustomerID != car.ID || !got.Status.Active() {
				t.Fatalf("%s: the message went to %s (customer %d, %s); want a new active ticket of carole's (%d)", how, got.Reference, got.CustomerID, got.Status, car.ID)
			}
			if env.timelineHas(t, target.ID, body) {
				t.Errorf("%s: carole's message landed on alice's %s", how, target.Reference)
			}
			if !env.timelineHas(t, got.ID, body) {
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
			mine, err := env.d.CustomerRequests(env.ctx, env.alice)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range mine {
				if r.ID == got.ID {
					t.Errorf("%s: alice's requests list carole's new ticket", how)
				}
			}
			if env.aliceReads(t, target, body) {
				t.Errorf("%s: alice reads carole's message on %s", how, target.Reference)
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

		// By email from an address carole keeps from a customer merge (her
		// old record's), answering the same merged ticket.
		old, err := env.s.CreateCustomer(env.ctx, env.f.WS.ID, customer.Customer{Name: "Carole Dubois", Email: "carole.perso@example.fr", Language: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.MergeCustomers(env.ctx, env.lead, car.ID, old.ID); err != nil {
			t.Fatal(err)
		}
		in, err = env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "carole-3@example.fr", FromEmail: old.Email,
			Subject: "Re: [" + hers.Reference + "] Facture de mars aussi", Text: "Ancienne adresse : le RIB en pièce jointe.", TicketNumber: hers.Number})
		if err != nil {
			t.Fatal(err)
		}
		if mailed, err = env.s.Ticket(env.ctx, env.f.WS.ID, in.TicketID); err != nil {
			t.Fatal(err)
		}
		check("email from an old address", mailed, "le RIB en pièce jointe")

		// The same customer's merged ticket still leads to the kept one.
		dup := env.aliceDuplicate(t, "Toujours facturée deux fois.")
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		own, err := env.d.CustomerReply(env.ctx, env.alice, dup.Number, "Alice : merci !", nil)
		if err != nil {
			t.Fatal(err)
		}
		if own.ID != target.ID || !env.timelineHas(t, target.ID, "Alice : merci") {
			t.Errorf("alice's answer to her own merged ticket went to %s, want %s", own.Reference, target.Reference)
		}
	})
}

// Carole's ticket merged into alice's (one organisation): the agents read
// carole's messages on the ticket kept, but alice's help centre shows
// none of them, and the merge notice does not name carole's ticket (alice
// is told nothing: nothing of hers changed). Alice's own duplicate merged
// in afterwards is shown, and named in its notice.
func TestAMergeShowsEachCustomerOnlyTheirOwnMessages(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		_, hers, target := env.caroleMergedIntoAlice(t, "Carole : notre contrat 4471 est résilié.")
		if !env.timelineHas(t, target.ID, "contrat 4471") {
			t.Fatalf("the agents do not read carole's message on %s", target.Reference)
		}
		shown := func(text string) bool { t.Helper(); return env.aliceReads(t, target, text) }
		if shown("contrat 4471") {
			t.Errorf("alice reads carole's message on %s", target.Reference)
		}
		if shown(hers.Reference) {
			t.Errorf("alice is told about carole's %s", hers.Reference)
		}

		dup := env.aliceDuplicate(t, "Alice : toujours facturée deux fois.")
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		if !shown("toujours facturée deux fois") || !shown(dup.Reference) {
			t.Errorf("alice does not read her own merged message, or its notice naming %s", dup.Reference)
		}
		if shown("contrat 4471") || shown(hers.Reference) {
			t.Errorf("after alice's own merge, she reads carole's message or ticket number")
		}
	})
}
