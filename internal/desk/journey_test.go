package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// What a customer tried alone reaches the next tier: a ticket opened from
// the contact form carries its journey into the hand-off summary's
// "self-service before contact" place.
func TestHandoffSummaryListsTheJourney(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		now := time.Now().UTC()
		s.SetClock(func() time.Time { return now })
		ws := f.WS.ID
		const tok = "HANDOFFAAAAAAAAAAAAAAAAAAA"
		for _, st := range []desk.JourneyStep{
			{Kind: desk.StepSearch, Detail: "lien expiré", Hits: 0},
			{Kind: desk.StepFormStarted},
		} {
			if err := d.RecordJourneyStep(ctx, ws, tok, st); err != nil {
				t.Fatal(err)
			}
		}
		stamp, err := d.ContactStamp(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Second)
		tk, err := d.SubmitContact(ctx, ws, desk.ContactForm{Name: "Chloé", Email: "chloe@example.fr", Subject: "Lien expiré",
			Description: "Le lien de réinitialisation expire aussitôt.", Language: "fr", Journey: tok, Stamp: stamp, Address: "192.0.2.9"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != "web" {
			t.Errorf("channel %q", tk.Channel)
		}
		events, err := s.Events(ctx, ws, tk.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var fromCustomer bool
		for _, e := range events {
			if e.Kind == ticket.CustomerMessage && e.ActorCustomerID == tk.CustomerID && e.ActorAgentID == 0 {
				fromCustomer = true
			}
		}
		if !fromCustomer {
			t.Error("the form's description is not the customer's own message")
		}
		lead := storetest.Actor(t, s, f.Lead)
		moved, err := d.Escalate(ctx, lead, tk.ID, desk.EscalateInput{Reason: "Le lien expire",
			Answers: map[string]string{"steps_tried": "Renvoyé le lien", "error_message": "Lien expiré"}})
		if err != nil {
			t.Fatal(err)
		}
		events, err = s.Events(ctx, ws, moved.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var summary string
		for _, e := range events {
			if sm, ok := desk.HandoffSummary(e); ok {
				summary = sm.Text("fr")
				if len(sm.SelfService) != 2 {
					t.Errorf("self-service %q, want the two steps", sm.SelfService)
				}
			}
		}
		for _, want := range []string{"Libre-service avant le contact", "A cherché « lien expiré » (0 résultats)", "A ouvert le formulaire de contact"} {
			if !strings.Contains(summary, want) {
				t.Errorf("summary lacks %q:\n%s", want, summary)
			}
		}
		// The agents' page reads the journey only where the ticket is readable.
		other := storetest.Actor(t, s, f.Other.Agent)
		if _, err := d.TicketJourney(ctx, other, tk.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("another workspace's agent reads the journey: %v", err)
		}
	})
}

// RecordJourneyStep refuses what is not a journey token or a step kind,
// and clips the detail.
func TestRecordJourneyStepValidates(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		for _, tok := range []string{"", "short", strings.Repeat("a", 65), "has space in it here 12345", "<script>alert(1)</script>xx"} {
			if err := d.RecordJourneyStep(ctx, f.WS.ID, tok, desk.JourneyStep{Kind: desk.StepSearch}); err == nil {
				t.Errorf("token %q accepted", tok)
			}
		}
		const tok = "VALIDAAAAAAAAAAAAAAAAAAAAA"
		for _, k := range []desk.StepKind{"", "Search", "drop table", desk.StepKind(strings.Repeat("a", 33))} {
			if err := d.RecordJourneyStep(ctx, f.WS.ID, tok, desk.JourneyStep{Kind: k}); err == nil {
				t.Errorf("kind %q accepted", k)
			}
		}
		if err := d.RecordJourneyStep(ctx, f.WS.ID, tok, desk.JourneyStep{Kind: desk.StepSearch, Detail: strings.Repeat("é", 500)}); err != nil {
			t.Fatal(err)
		}
		steps, _ := s.JourneySteps(ctx, f.WS.ID, tok)
		if len(steps) != 1 || len([]rune(steps[0].Detail)) != desk.MaxJourneyDetail {
			t.Errorf("steps %d, detail of %d runes", len(steps), len([]rune(steps[0].Detail)))
		}
	})
}
