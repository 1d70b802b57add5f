package desk_test

import (
	"context"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// A checklist item and the text custom field of the same key are one
// thing: the field saved on the ticket answers the item, an answer typed
// at hand-off fills the field, and a refused hand-off fills nothing.
func TestChecklistAnswersAreCustomFields(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		nadia := storetest.Actor(t, s, f.AgentL1)
		for _, cf := range []workspace.CustomField{
			{Key: "error_message", LabelFR: "Message d'erreur", LabelEN: "Error message", Kind: workspace.Text, Position: 1},
			{Key: "steps_tried", LabelFR: "Étapes déjà essayées", LabelEN: "Steps already tried", Kind: workspace.Text, Position: 2},
		} {
			if _, err := d.CreateCustomField(ctx, admin, cf); err != nil {
				t.Fatal(err)
			}
		}
		tk := f.Ticket["L1owned"]
		if _, err := d.UpdateTicket(ctx, nadia, tk.ID, desk.Update{CustomFields: map[string]string{"error_message": "Ce lien a expiré"}}); err != nil {
			t.Fatal(err)
		}

		// No reason: refused, naming the reason and nothing the field
		// already answers; the typed answer is not written.
		_, err := d.Escalate(ctx, nadia, tk.ID, desk.EscalateInput{Answers: map[string]string{"steps_tried": "Renvoyé le lien"}})
		p, ok := problem.As(err)
		if !ok || p.Code != "escalation_incomplete" {
			t.Fatalf("escalating without a reason = %v", err)
		}
		if _, named := p.Fields["answers.error_message"]; named {
			t.Error("the error message saved as a field is reported missing")
		}
		if cur, _ := s.Ticket(ctx, f.WS.ID, tk.ID); cur.CustomFields["steps_tried"] != "" || cur.TierID != f.Tier["L1"].ID {
			t.Fatalf("a refused hand-off wrote %q", cur.CustomFields)
		}

		moved, err := d.Escalate(ctx, nadia, tk.ID, desk.EscalateInput{Reason: "Le lien expire aussitôt",
			Answers: map[string]string{"steps_tried": "Renvoyé le lien", "error_message": ""}})
		if err != nil {
			t.Fatalf("escalate with the field filled in: %v", err)
		}
		cur, _ := s.Ticket(ctx, f.WS.ID, tk.ID)
		if moved.TierID != f.Tier["L2"].ID || cur.CustomFields["steps_tried"] != "Renvoyé le lien" || cur.CustomFields["error_message"] != "Ce lien a expiré" {
			t.Errorf("after the hand-off: tier %d, fields %q", cur.TierID, cur.CustomFields)
		}
	})
}
