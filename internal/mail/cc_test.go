package mail_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

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
		cust, _ := s.CustomerByEmail(ctx, h.f.WS.ID, "claire.vasseur@exemple.fr")
		list, _, _ := s.Tickets(ctx, h.f.WS.ID, store.Filter{CustomerID: cust.ID}, "", 10)
		if len(list) != 1 {
			t.Fatalf("%d tickets", len(list))
		}
		tk := list[0]
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
