package demo

import (
	"fmt"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/ticket"
)

// The demo's merged pair and parent/child tickets, written through the
// service as the team would: Sylvie Martin writes twice about the same
// card terminal and the second mail is merged into the first; four
// shops report the same till outage and the first report becomes the
// parent of the three others.

type linkMail struct {
	key, customer, subject, text, typ string
	after                             time.Duration // after the story's start
}

var (
	duplicateMails = []linkMail{
		{"tpe-1", "Sylvie Martin", "Terminal de paiement hors ligne",
			"Bonjour,\n\nNotre terminal de paiement affiche « hors ligne » depuis ce matin, impossible d'encaisser par carte.\n\nSylvie Martin", "payment", 0},
		{"tpe-2", "Sylvie Martin", "TPE toujours hors ligne",
			"Re-bonjour, je n'ai pas eu de réponse : le TPE est toujours hors ligne. Pouvez-vous nous rappeler ?\n\nSylvie", "payment", 40 * time.Minute},
	}
	outageMails = []linkMail{
		{"sync-0", "Jean Martin", "Caisses bloquées à la synchronisation", "Bonjour, nos caisses restent bloquées sur « synchronisation en cours » depuis 10 h.", "bug", 2 * time.Hour},
		{"sync-1", "Hélène Delorme", "Synchronisation impossible", "Bonjour, la synchronisation de nos postes ne se termine plus depuis ce matin.", "bug", 2*time.Hour + 7*time.Minute},
		{"sync-2", "Philippe Garnier", "Caisse de l'hôtel figée", "Bonjour, la caisse de la réception est figée sur l'écran de synchronisation.", "bug", 2*time.Hour + 14*time.Minute},
		{"sync-3", "Lucas Perrin", "Synchro qui tourne en boucle", "Bonjour, la synchro tourne en boucle sur notre deuxième boutique.", "bug", 2*time.Hour + 21*time.Minute},
	}
)

// linkSubjects are the subjects of the tickets createLinks opens, in order.
func linkSubjects() []string {
	var out []string
	for _, m := range append(append([]linkMail{}, duplicateMails...), outageMails...) {
		out = append(out, m.subject)
	}
	return out
}

func (b *builder) createLinks() error {
	ctx, svc := b.ctx, b.svc
	sophie, marc := b.actors["sophie"], b.actors["marc"]
	start := b.now.Add(-5 * time.Hour)
	// Whoever works the tickets acts: Sophie in her tiers, Marc (admin)
	// when routing placed one elsewhere.
	actor := func(list ...ticket.Ticket) auth.Actor {
		for _, t := range list {
			if !ticket.CanWork(sophie, t) {
				return marc
			}
		}
		return sophie
	}
	// mail is a customer's email, typed by whoever reads it; take has
	// them take it too (a ticket worked has an owner).
	mail := func(m linkMail, take bool) (ticket.Ticket, error) {
		b.at(start.Add(m.after))
		c := b.customerNamed(m.customer)
		in, err := svc.ReceiveEmail(ctx, b.ws.ID, desk.InboundEmail{Recipient: InboundAddress, MessageID: "demo-links-" + m.key + "@nuagique.example",
			FromEmail: c.Email, FromName: c.Name, Subject: m.subject, Text: m.text})
		if err != nil {
			return ticket.Ticket{}, fmt.Errorf("mail %s: %w", m.key, err)
		}
		b.tickets++
		t, err := b.s.Ticket(ctx, b.ws.ID, in.TicketID)
		if err != nil {
			return t, err
		}
		b.at(start.Add(m.after + 5*time.Minute))
		a := actor(t)
		u := desk.Update{RequestType: &m.typ}
		if take {
			u.OwnerID = &a.AgentID
		}
		return svc.UpdateTicket(ctx, a, t.ID, u)
	}

	first, err := mail(duplicateMails[0], true)
	if err != nil {
		return err
	}
	second, err := mail(duplicateMails[1], true)
	if err != nil {
		return err
	}
	b.at(start.Add(55 * time.Minute))
	if _, err := svc.MergeTickets(ctx, actor(first, second), first.ID, []int64{second.ID}); err != nil {
		return fmt.Errorf("merge: %w", err)
	}

	var list []ticket.Ticket
	for _, m := range outageMails {
		t, err := mail(m, false)
		if err != nil {
			return err
		}
		list = append(list, t)
	}
	b.at(start.Add(3 * time.Hour))
	parent := list[0]
	for _, child := range list[1:] {
		if _, err := svc.LinkTickets(ctx, actor(child, parent), child.ID, parent.ID, string(ticket.Parent)); err != nil {
			return fmt.Errorf("link %s to %s: %w", child.Reference, parent.Reference, err)
		}
	}
	return nil
}

// customerNamed is a demo customer by name (customerSpecs).
func (b *builder) customerNamed(name string) customer.Customer {
	for i, s := range customerSpecs {
		if s.name == name {
			return b.customers[i]
		}
	}
	panic("demo: no customer " + name)
}
