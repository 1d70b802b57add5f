package demo

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/desk"
)

// checkPeople: the demo's hotel group is an organisation with several
// customers, open tickets and a note, and Élise has notes, as a newcomer
// opening their pages should see.
func (l loaded) checkPeople(t *testing.T) {
	ctx := context.Background()
	d := desk.New(l.s, nil)
	_, adminID, _, err := l.s.Credentials(ctx, "marc@nuagique.example")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := l.s.Actor(ctx, adminID)
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := d.Organisations(ctx, admin, "Azur", 0, 5)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("organisation Azur: %v %v", orgs, err)
	}
	azur := orgs[0]
	members, err := d.Customers(ctx, admin, "", azur.ID, 0, 50)
	if err != nil || len(members) < 3 {
		t.Errorf("Azur's customers: %d (%v)", len(members), err)
	}
	ov, err := d.OrganisationOpenTickets(ctx, admin, azur.ID, 50)
	if err != nil || len(ov.Open) < 2 {
		t.Errorf("Azur's open tickets: %d (%v)", len(ov.Open), err)
	}
	if notes, err := d.OrganisationNotes(ctx, admin, azur.ID, 0, 10); err != nil || len(notes) != 1 {
		t.Errorf("Azur's notes: %v %v", notes, err)
	}
	elise, err := d.Customers(ctx, admin, "Élise Moreau", 0, 0, 5)
	if err != nil || len(elise) != 1 {
		t.Fatalf("Élise: %v %v", elise, err)
	}
	if notes, err := d.CustomerNotes(ctx, admin, elise[0].ID, 0, 10); err != nil || len(notes) != 2 {
		t.Errorf("Élise's notes: %v %v", notes, err)
	}
}
