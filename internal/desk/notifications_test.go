package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/notify"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/workspace"
)

// told lists an agent's notifications as "kind #ref", newest first.
func told(t *testing.T, d *desk.Service, s *store.Store, m workspace.Member) []string {
	t.Helper()
	list, err := d.Notifications(context.Background(), storetest.Actor(t, s, m), 0, false, 50)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range list {
		out = append(out, fmt.Sprintf("%s #%d", n.Kind, n.TicketNumber))
	}
	return out
}

// Notifications are produced where the change happens, whoever makes it
// (an agent, a customer's email), and emailed in the agent's language
// when their preference says so; a refused change tells nobody.
func TestNotificationsFollowTheChanges(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		env.d.EnableEmailReplies(desk.Outbound{Domain: "acme.test", From: "support@acme.test"})

		// A refused change: Luc may not give Dana's L2 ticket to himself.
		me := env.f.AgentL1.ID
		if _, err := env.d.UpdateTicket(env.ctx, env.l1, env.f.Ticket["L2"].ID, desk.Update{OwnerID: &me}); err == nil {
			t.Fatal("Luc assigned himself an L2 ticket")
		}
		for _, m := range []workspace.Member{env.f.Admin, env.f.Lead, env.f.AgentL1, env.f.AgentL2, env.f.AgentL3} {
			if n, _ := env.s.CountNotifications(env.ctx, env.f.WS.ID, m.ID); n != 0 {
				t.Errorf("the refused change told %s", m.Name)
			}
		}
		if n, _ := env.s.CountJobs(env.ctx, desk.EmailSendJob, ""); n != 0 {
			t.Errorf("the refused change queued %d emails", n)
		}

		// Assigned: in the app and, by default, by email in Luc's French.
		l1 := env.f.Ticket["L1"]
		if _, err := env.d.UpdateTicket(env.ctx, env.lead, l1.ID, desk.Update{OwnerID: &me}); err != nil {
			t.Fatal(err)
		}
		jobs, err := env.s.ClaimJobs(env.ctx, time.Now().Add(time.Hour), time.Minute, 10, []string{desk.EmailSendJob})
		if err != nil || len(jobs) != 1 {
			t.Fatalf("emails queued: %d (%v), want 1", len(jobs), err)
		}
		var mail desk.EmailJob
		if err := json.Unmarshal(jobs[0].Payload, &mail); err != nil {
			t.Fatal(err)
		}
		if mail.To != env.f.AgentL1.Email || mail.Language != "fr" || mail.Subject != "Léa Lead vous a attribué #1000 : "+l1.Subject || mail.TicketID != l1.ID ||
			mail.Footer != "Vous recevez ce message selon vos préférences de notification dans Palier. Ouvrez le ticket dans Palier pour y répondre ; ne répondez pas à ce message." {
			t.Errorf("assignment email: %+v", mail)
		}

		// The customer answers Luc's ticket by email: Luc is told.
		owned := env.f.Ticket["L1owned"]
		if _, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "answer-1@example.com", FromEmail: env.f.Customer["bob"].Email,
			Subject: "Re: [#1001] " + owned.Subject, TicketNumber: owned.Number, Text: "Toujours bloqué."}); err != nil {
			t.Fatal(err)
		}

		// Hand-off up, then back down: the receiving tier hears each, and
		// Luc hears his ticket came back.
		tk, err := env.d.CreateTicket(env.ctx, env.l1, desk.NewTicket{Subject: "Connexion impossible", Body: "Je ne peux plus me connecter.",
			CustomerID: env.f.Customer["bob"].ID, RequestType: "access", OwnerID: env.f.AgentL1.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.Escalate(env.ctx, env.l1, tk.ID, desk.EscalateInput{Reason: "Niveau 2", Answers: map[string]string{"steps_tried": "Lien renvoyé", "error_message": "Lien expiré"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.Escalate(env.ctx, env.l2, tk.ID, desk.EscalateInput{Direction: "down", Reason: "Correctif connu"}); err != nil {
			t.Fatal(err)
		}
		ref := fmt.Sprintf("#%d", tk.Number)
		want := map[string][]string{
			"Luc":  {"handoff_returned " + ref, "customer_replied #1001", "assigned #1000"},
			"Dana": {"handoff_received " + ref},
			"Léa":  {"handoff_received " + ref, "handoff_received " + ref}, // L1 and L2
		}
		for name, m := range map[string]workspace.Member{"Luc": env.f.AgentL1, "Dana": env.f.AgentL2, "Léa": env.f.Lead} {
			if got := told(t, env.d, env.s, m); !slices.Equal(got, want[name]) {
				t.Errorf("%s was told %v, want %v", name, got, want[name])
			}
		}
		// Only the assignment asked for an email (the others are off by default).
		if n, _ := env.s.CountJobs(env.ctx, desk.EmailSendJob, ""); n != 1 {
			t.Errorf("%d emails queued, want 1", n)
		}
		// Dana asks to be emailed when a ticket she handed off comes back:
		// Luc's return to L2 is.
		yes := true
		if _, err := env.d.SetNotificationPrefs(env.ctx, env.l2, map[string]desk.PrefChange{string(notify.HandoffReturned): {Email: &yes}}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.Escalate(env.ctx, env.l1, tk.ID, desk.EscalateInput{Direction: "return", TargetTier: "L2", Reason: "Le correctif ne marche pas"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := env.s.CountJobs(env.ctx, desk.EmailSendJob, ""); n != 2 {
			t.Errorf("%d emails queued after Dana's choice, want 2", n)
		}
	})
}
