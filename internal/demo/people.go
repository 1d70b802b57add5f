package demo

import (
	"fmt"
	"time"

	"github.com/palier/palier/internal/auth"
)

// The demo's notes about customers and organisations, written through the
// service as agents would: what support learnt about Élise (the customer
// of JOURNEYS.md), about the hotel group's IT manager, and about the
// group itself, a VIP organisation with several customers and open
// tickets, so its page shows everything at a glance.
func (b *builder) createPeopleNotes() error {
	ctx, svc := b.ctx, b.svc
	sophie, nadia := b.actors["sophie"], b.actors["nadia"]
	byName := map[string]int64{}
	for _, c := range b.customers {
		byName[c.Name] = c.ID
	}
	notes := []struct {
		by       auth.Actor
		customer string // "" for the organisation below
		body     string
	}{
		{nadia, "Élise Moreau", "Préfère être rappelée en fin de journée (après 17 h). A déjà essayé le centre d'aide avant d'écrire : ne pas lui renvoyer les mêmes articles."},
		{sophie, "Élise Moreau", "Cliente depuis 2019, très fidèle. Geste commercial accordé en octobre après le double prélèvement."},
		{sophie, "Philippe Garnier", "DSI du groupe : interlocuteur technique pour les 12 hôtels. Toujours le mettre en copie des incidents."},
		{sophie, "", "Contrat entreprise renouvelé jusqu'en 2027. Compte suivi par Sophie : prévenir avant toute escalade vers L3."},
	}
	for i, n := range notes {
		b.at(b.now.Add(-time.Duration(len(notes)-i) * 26 * time.Hour))
		if n.customer == "" {
			if _, err := svc.AddOrganisationNote(ctx, n.by, b.orgs["azur"].ID, n.body); err != nil {
				return fmt.Errorf("organisation note: %w", err)
			}
			continue
		}
		if _, err := svc.AddCustomerNote(ctx, n.by, byName[n.customer], n.body); err != nil {
			return fmt.Errorf("note about %s: %w", n.customer, err)
		}
	}
	return nil
}
