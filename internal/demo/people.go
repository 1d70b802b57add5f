package demo

import (
	"fmt"
	"time"
)

// personNote is a note about a customer or an organisation in
// content/people_notes.json, written by the member keyed by.
type personNote struct {
	By           string `json:"by"`
	Customer     string `json:"customer,omitempty"`     // a customer's name
	Organisation string `json:"organisation,omitempty"` // an orgSpecs key, when Customer is ""
	Body         string `json:"body"`
}

// peopleNotes are what support learnt about Élise (the customer of
// JOURNEYS.md), about the hotel group's IT manager, and about the group
// itself, a VIP organisation with several customers and open tickets, so
// its page shows everything at a glance.
var peopleNotes = mustLoadContent[[]personNote]("people_notes.json")

// createPeopleNotes writes the notes through the service as agents would,
// a day or so apart.
func (b *builder) createPeopleNotes() error {
	byName := map[string]int64{}
	for _, c := range b.customers {
		byName[c.Name] = c.ID
	}
	for i, n := range peopleNotes {
		b.at(b.now.Add(-time.Duration(len(peopleNotes)-i) * 26 * time.Hour))
		if err := b.addPersonNote(n, byName); err != nil {
			return err
		}
	}
	return nil
}

// addPersonNote writes one note; a member, customer or organisation the
// demo does not have is an error, not a note filed nowhere.
func (b *builder) addPersonNote(n personNote, byName map[string]int64) error {
	by, ok := b.actors[n.By]
	if !ok {
		return fmt.Errorf("note by %q: no such member", n.By)
	}
	if n.Customer == "" {
		org, ok := b.orgs[n.Organisation]
		if !ok {
			return fmt.Errorf("note about organisation %q: no such organisation", n.Organisation)
		}
		if _, err := b.svc.AddOrganisationNote(b.ctx, by, org.ID, n.Body); err != nil {
			return fmt.Errorf("organisation note: %w", err)
		}
		return nil
	}
	id, ok := byName[n.Customer]
	if !ok {
		return fmt.Errorf("note about %q: no such customer", n.Customer)
	}
	if _, err := b.svc.AddCustomerNote(b.ctx, by, id, n.Body); err != nil {
		return fmt.Errorf("note about %s: %w", n.Customer, err)
	}
	return nil
}
