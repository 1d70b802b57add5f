package desk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// "Handed off by me" lists what the agent handed to another tier, solved
// ones included, the latest change first, with its count in the sidebar.
func TestHandedOffView(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		luc, dana := storetest.Actor(t, s, f.AgentL1), storetest.Actor(t, s, f.AgentL2)
		answers := map[string]string{"steps_tried": "Lien renvoyé", "error_message": "Lien expiré"}
		var moved []int64
		for _, key := range []string{"L1owned", "L1"} {
			tk, err := d.Escalate(ctx, luc, f.Ticket[key].ID, desk.EscalateInput{Reason: "Niveau 2", Answers: answers, FromTier: "L1"})
			if err != nil {
				t.Fatalf("escalate %s: %v", key, err)
			}
			moved = append(moved, tk.ID)
		}
		// Dana solves the first one: it comes first, solved.
		if _, _, err := d.Reply(ctx, dana, moved[0], "Réglé.", string(ticket.Solved)); err != nil {
			t.Fatal(err)
		}
		view := func(a desk.View) bool { return a.Key == "handed-off" }
		views, err := d.Views(ctx, luc, true)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(views, view)
		if i < 0 || views[i].Count != 2 || views[i].Label != "view.handed_off" {
			t.Fatalf("Luc's views = %+v, want handed-off with 2", views)
		}
		list, _, err := d.Tickets(ctx, luc, views[i].Filter, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != moved[0] || list[0].Status != ticket.Solved || list[1].ID != moved[1] {
			t.Errorf("handed off by Luc, latest change first: %+v", list)
		}
		views, err = d.Views(ctx, dana, true)
		if err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(views, view); i < 0 || views[i].Count != 0 {
			t.Errorf("Dana handed off nothing: %+v", views)
		}
	})
}
