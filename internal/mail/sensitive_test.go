package mail_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

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
				cust, err := s.CustomerByEmail(ctx, h.f.WS.ID, from)
				if err != nil {
					t.Fatal(err)
				}
				list, _, err := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
				if err != nil || len(list) != 1 {
					t.Fatalf("%d tickets, %v", len(list), err)
				}
				tk := list[0]
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
