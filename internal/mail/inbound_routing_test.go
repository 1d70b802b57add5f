package mail_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The envelope recipient is a value routing rules test: mail to
// facturation@ follows the billing rule, mail to support@ does not; and a
// message with payment data is seen sensitive by the rules.
func TestInboundAddressRoutesMail(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		if err := s.AddInboundAddress(ctx, h.f.WS.ID, "facturation@acme.example"); err != nil {
			t.Fatal(err)
		}
		admin := storetest.Actor(t, s, h.f.Admin)
		rs, err := h.d.RoutingRules(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		rs.Rules = append([]routing.Rule{
			{Name: "Données bancaires", Enabled: true, When: routing.Condition{Field: routing.FieldSensitive, Op: routing.OpIs, Value: "true"},
				Then: routing.Actions{Tier: "L3"}},
			{Name: "Facturation", Enabled: true, When: routing.Condition{Field: routing.FieldInboundAddress, Op: routing.OpIs, Value: "facturation@acme.example"},
				Then: routing.Actions{Tier: "L2"}},
		}, rs.Rules...)
		if err := h.d.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct {
			to, body, tier, rule string
		}{
			{"facturation@acme.example", "Bonjour, ma facture de mars est en double.", "L2", "Facturation"},
			{"Facturation@Acme.example", "Bonjour, encore une question de facture.", "L2", "Facturation"},
			{"support@acme.example", "Bonjour, l'application plante au démarrage.", "", ""},
			{"facturation@acme.example", "Remboursez-moi sur FR76 3000 6000 0112 3456 7890 189 svp.", "L3", "Données bancaires"},
		} {
			from := fmt.Sprintf("client.route%d@exemple.fr", i)
			raw := fmt.Sprintf("From: %s\nTo: %s\nSubject: Question %d\nMessage-ID: <route-%d@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
				from, c.to, i, i, c.body)
			if err := h.send(from, []string{c.to}, raw); err != nil {
				t.Fatal(err)
			}
			_, tk := h.ticketOf(t, from)
			evs, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 100)
			var rule string
			for _, e := range evs {
				if e.Kind == "routed" {
					r, _ := event.As[event.Routed](e)
					rule = r.Rule
				}
			}
			if c.rule != "" && (rule != c.rule || tk.TierID != h.f.Tier[c.tier].ID) {
				t.Errorf("mail to %s: rule %q tier %d, want %q and %s", c.to, rule, tk.TierID, c.rule, c.tier)
			}
			if c.rule == "" && (rule == "Facturation" || rule == "Données bancaires") {
				t.Errorf("mail to %s matched %q", c.to, rule)
			}
		}
	})
}

// Someone copied on a ticket's mail may answer onto the ticket; anyone
// else using its reference opens a ticket of their own.
func TestCopiedAddressesMayAnswer(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		first := `From: Claire Vasseur <claire.vasseur@exemple.fr>
To: support@acme.example
Cc: Marc Dupont <Marc.Dupont@exemple.fr>, support@acme.example
Subject: Accès bloqué pour toute l'équipe
Message-ID: <cc-1@exemple.fr>
Content-Type: text/plain; charset=utf-8

Bonjour, plus personne ne peut se connecter depuis ce matin. Marc, en copie, peut vous donner les détails.
`
		if err := h.send("claire.vasseur@exemple.fr", []string{"support@acme.example"}, first); err != nil {
			t.Fatal(err)
		}
		_, tk := h.ticketOf(t, "claire.vasseur@exemple.fr")
		if n := h.count("ticket_cc"); n != 1 {
			t.Fatalf("%d copied addresses kept, want Marc's only (not the desk's own address)", n)
		}
		answer := func(from, id string) string {
			return fmt.Sprintf("From: %s\nTo: support@acme.example\nSubject: Re: [#%d] Accès bloqué pour toute l'équipe\nMessage-ID: <%s@exemple.fr>\nIn-Reply-To: <cc-1@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\nLe message d'erreur est « compte verrouillé ».\n",
				from, tk.Number, id)
		}
		tickets := h.count("tickets")
		if err := h.send("marc.dupont@exemple.fr", []string{"support@acme.example"}, answer("marc.dupont@exemple.fr", "cc-2")); err != nil {
			t.Fatal(err)
		}
		if h.count("tickets") != tickets {
			t.Fatal("the copied colleague's answer opened a ticket")
		}
		evs, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 100)
		last := evs[len(evs)-1]
		if last.Kind != ticket.CustomerMessage || fromCc(last) != "marc.dupont@exemple.fr" || last.ActorCustomerID != 0 {
			t.Fatalf("the answer was stored as %+v", last)
		}
		// Someone never copied gets a ticket of their own.
		if err := h.send("intrus@ailleurs.example", []string{"support@acme.example"}, answer("intrus@ailleurs.example", "cc-3")); err != nil {
			t.Fatal(err)
		}
		if h.count("tickets") != tickets+1 {
			t.Fatal("a stranger wrote into the ticket")
		}
		evs2, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 100)
		if len(evs2) != len(evs) {
			t.Fatal("the stranger's message reached the ticket")
		}
	})
}

// fromCc is who, copied on the ticket's mail, wrote a customer message.
func fromCc(e ticket.Event) string {
	m, _ := event.As[event.Message](e)
	return m.FromCc
}

// Payment data arriving by email makes the ticket sensitive (routing sees
// it so, and only its assignees and leads may read it), on a new ticket
// and on an answer to an existing one.
func TestPaymentDataByEmailMakesTheTicketSensitive(t *testing.T) {
	eachHarness(t, func(t *testing.T, ctx context.Context, s *store.Store, h *harness) {
		agentL1 := storetest.Actor(t, s, h.f.AgentL1)
		lead := storetest.Actor(t, s, h.f.Lead)
		for i, c := range []struct {
			name, subject, body string
			sensitive           bool
		}{
			{"IBAN for a refund", "Remboursement de ma commande", "Bonjour,\n\nPouvez-vous me rembourser sur mon compte FR76 3000 6000 0112 3456 7890 189 ?\n\nMerci,\nJulien Roux", true},
			{"card number in the subject", "Prélèvement 4970 1012 3456 7890 ? non : 4111 1111 1111 1111", "Voir l'objet.", true},
			{"card with expiry", "Paiement refusé", "Ma carte 5555555555554444 exp 03/28 est refusée depuis hier.", true},
			{"company numbers only", "Changement d'adresse", "Notre SIRET est 732 829 320 00074, le numéro de TVA FR12732829320.\nCommande n° 1234567890123456.", false},
			{"wrong IBAN checksum", "Virement", "J'ai fait le virement depuis FR76 3000 6000 0112 3456 7890 188 hier.", false},
		} {
			t.Run(c.name, func(t *testing.T) {
				from := fmt.Sprintf("client.sensible%d@exemple.fr", i)
				raw := fmt.Sprintf("From: %s\nTo: support@acme.example\nSubject: %s\nMessage-ID: <sensible-%d@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
					from, c.subject, i, c.body)
				if err := h.send(from, []string{"support@acme.example"}, raw); err != nil {
					t.Fatal(err)
				}
				_, tk := h.ticketOf(t, from)
				if tk.Sensitive != c.sensitive {
					t.Fatalf("sensitive = %v, want %v", tk.Sensitive, c.sensitive)
				}
				if !c.sensitive {
					return
				}
				if tk.OwnerID == h.f.AgentL1.ID {
					t.Fatal("the fixture's L1 agent owns the ticket: the access check below proves nothing")
				}
				if _, err := h.d.Ticket(ctx, agentL1, tk.ID); !problem.Is(err, problem.NotFound) {
					t.Fatalf("an agent who is neither assignee nor lead reads the ticket: %v", err)
				}
				if tk.TierID == h.f.Tier["L1"].ID {
					if _, err := h.d.Ticket(ctx, lead, tk.ID); err != nil {
						t.Fatalf("the lead cannot read it: %v", err)
					}
				}
			})
		}

		// An answer with a card number on a ticket that was not sensitive.
		tk := h.f.Ticket["L1"]
		alice := h.f.Customer["alice"]
		before, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 1000)
		raw := fmt.Sprintf("From: %s\nTo: support@acme.example\nSubject: Re: [#%d] %s\nMessage-ID: <alice-carte@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\nVoici ma nouvelle carte : 4012 8888 8888 1881, expiration 09/29.\n",
			alice.Email, tk.Number, tk.Subject)
		if err := h.send(alice.Email, []string{"support@acme.example"}, raw); err != nil {
			t.Fatal(err)
		}
		after, err := s.Ticket(ctx, h.f.WS.ID, tk.ID)
		if err != nil || !after.Sensitive {
			t.Fatalf("the ticket answered with a card number is not sensitive: %v", err)
		}
		evs, _ := s.Events(ctx, h.f.WS.ID, tk.ID, 0, 1000)
		var kinds []ticket.EventKind
		for _, e := range evs[len(before):] {
			kinds = append(kinds, e.Kind)
		}
		if fmt.Sprint(kinds) != fmt.Sprint([]ticket.EventKind{ticket.CustomerMessage, ticket.SensitiveChanged}) {
			t.Fatalf("new events %v, want the message and sensitive_changed", kinds)
		}
		if _, err := h.d.Ticket(ctx, agentL1, tk.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("the L1 agent still reads the ticket once sensitive: %v", err)
		}
	})
}
