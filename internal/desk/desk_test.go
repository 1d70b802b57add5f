package desk_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestRoutingRulesPlaceNewTicketsFirstMatchWins(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		rs := routing.RuleSet{
			Rules: []routing.Rule{
				{ID: 1, Name: "Facturation urgente", Enabled: true,
					When: routing.Condition{Field: "text", Op: "contains_words", Value: "facturé deux fois"},
					Then: routing.Actions{Tier: "L2", Team: f.Team["L2"].Name, Priority: "urgent", AddTags: []string{"double-billing"}}},
				{ID: 2, Name: "Everything billing", Enabled: true,
					When: routing.Condition{Field: "request_type", Op: "is", Value: "billing"},
					Then: routing.Actions{Tier: "L1", Team: f.Team["L1"].Name}},
			},
			Fallback: routing.Actions{Tier: "L1"},
		}
		if err := d.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatalf("save rules: %v", err)
		}
		cases := []struct {
			name, subject, body, typ string
			wantTier, wantRule       string
			wantPriority             ticket.Priority
		}{
			{"accents and plurals match the first rule", "Facture en double", "On m'a facturee deux fois en mars", "billing", "L2", "Facturation urgente", ticket.Urgent},
			{"second rule when the first does not hold", "Question sur ma facture", "Où trouver la facture ?", "billing", "L1", "Everything billing", ticket.Normal},
			{"fallback", "Login broken", "Cannot sign in", "access", "L1", "default", ticket.Normal},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				tk, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: c.subject, Body: c.body, RequestType: c.typ, CustomerID: f.Customer["alice"].ID})
				if err != nil {
					t.Fatal(err)
				}
				if got := tierCode(f, tk.TierID); got != c.wantTier || tk.Priority != c.wantPriority {
					t.Errorf("placed in %s with %s, want %s with %s", got, tk.Priority, c.wantTier, c.wantPriority)
				}
				events, err := d.Timeline(ctx, admin, tk.ID, 0, 100)
				if err != nil {
					t.Fatal(err)
				}
				e := find(events, ticket.Routed)
				if e == nil {
					t.Fatalf("no routed event, want rule %q", c.wantRule)
				}
				routed, _ := event.As[event.Routed](*e)
				if routed.Rule != c.wantRule || routed.TierID != tk.TierID {
					t.Fatalf("routed event = %+v, want rule %q and tier %d", routed, c.wantRule, tk.TierID)
				}
				if c.wantRule == "Facturation urgente" && !slices.ContainsFunc(routed.Reasons, func(r routing.Reason) bool { return strings.Contains(r.String(), "factur") }) {
					t.Errorf("the timeline should say why the rule matched, got %+v", routed.Reasons)
				}
			})
		}
	})
}

func TestBadRulesAreRefusedWithThePathOfTheFaultyCondition(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "x", Enabled: true,
			When: routing.Condition{All: []routing.Condition{{Field: "channel", Op: "is", Value: "email"}, {Field: "colour", Op: "is", Value: "red"}}},
			Then: routing.Actions{Team: "No such team"}}}, Fallback: routing.Actions{Tier: "L1"}}
		err := d.SaveRoutingRules(context.Background(), admin, rs)
		p, ok := problem.As(err)
		if !ok || p.Code != "invalid_rules" {
			t.Fatalf("got %v, want invalid_rules", err)
		}
		if _, ok := p.Fields["rules[0].when.all[1].field"]; !ok {
			t.Errorf("the unknown field should be named by its path, got %v", p.Fields)
		}
		if err := d.SaveRoutingRules(context.Background(), storetest.Actor(t, s, f.AgentL1), DefaultRules()); !problem.Is(err, problem.Forbidden) {
			t.Errorf("an agent must not change routing rules, got %v", err)
		}
	})
}

func DefaultRules() routing.RuleSet { return desk.DefaultRuleSet() }

// eachDesk runs a test on each database with the documented fixture
// seeded and a desk over it: the setup most desk tests share.
func eachDesk(t *testing.T, test func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		test(t, context.Background(), s, storetest.Seed(t, s), desk.New(s, nil))
	})
}

func TestEscalationNeedsTheChecklistThenHandsOver(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		nadia := storetest.Actor(t, s, f.AgentL1)
		karim := storetest.Actor(t, s, f.AgentL2)
		tk := f.Ticket["L1owned"]

		_, err := d.Escalate(ctx, nadia, tk.ID, desk.EscalateInput{Reason: "needs an expert"})
		p, ok := problem.As(err)
		if !ok || p.Code != "escalation_incomplete" || len(p.Fields) == 0 {
			t.Fatalf("escalating without the checklist = %v, want escalation_incomplete naming the items", err)
		}
		if cur, _ := s.Ticket(ctx, f.WS.ID, tk.ID); cur.TierID != f.Tier["L1"].ID || cur.EscalationCount != 0 {
			t.Fatalf("a refused escalation must change nothing, ticket is now %+v", cur)
		}
		answers := map[string]string{}
		for name := range p.Fields {
			if key, ok := strings.CutPrefix(name, "answers."); ok {
				answers[key] = "Cleared the cache\nTried another browser"
			}
		}
		moved, err := d.Escalate(ctx, nadia, tk.ID, desk.EscalateInput{Reason: "needs an expert", Answers: answers})
		if err != nil {
			t.Fatalf("escalate with the checklist: %v", err)
		}
		if moved.TierID != f.Tier["L2"].ID || moved.EscalationCount != 1 || moved.OwnerID != 0 || moved.HandoffCount != 1 {
			t.Errorf("after escalation: tier %d esc %d owner %d handoffs %d", moved.TierID, moved.EscalationCount, moved.OwnerID, moved.HandoffCount)
		}
		// She let go of it but keeps sight: she reads it, may note, not work it.
		if seen, err := d.Ticket(ctx, nadia, tk.ID); err != nil || ticket.CanWork(nadia, seen) {
			t.Errorf("the L1 agent should read, not work, the ticket she handed off: %v", err)
		}
		events, err := d.Timeline(ctx, karim, tk.ID, 0, 100)
		if err != nil {
			t.Fatalf("the L2 agent should see the escalated ticket: %v", err)
		}
		e := find(events, ticket.Escalated)
		if e == nil {
			t.Fatal("no escalated event")
		}
		sum, ok := desk.HandoffSummary(*e)
		if !ok || !strings.Contains(sum.Text("fr"), "Cleared the cache") || sum.From != "L1" || sum.To != "L2" {
			t.Errorf("hand-off summary = %+v", sum)
		}
	})
}

func TestSwarmInviteeCanNoteButNotReply(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		owner := storetest.Actor(t, s, f.AgentL3)
		expert := storetest.Actor(t, s, f.AgentL2)
		tk := f.Ticket["L3"]
		if _, err := d.Ticket(ctx, expert, tk.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("before the invitation the L2 agent must not see the L3 ticket: %v", err)
		}
		if err := d.Invite(ctx, owner, tk.ID, expert.AgentID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.Note(ctx, expert, tk.ID, "Looks like the known webhook bug; see KB-12."); err != nil {
			t.Errorf("an invitee may post an internal note: %v", err)
		}
		if _, _, err := d.Reply(ctx, expert, tk.ID, "Hello", ""); !problem.Is(err, problem.Forbidden) {
			t.Errorf("an invitee must not reply to the customer, got %v", err)
		}
		list, _, err := d.Tickets(ctx, expert, store.Filter{CollaboratorID: expert.AgentID}, "", 50)
		if err != nil || len(list) == 0 {
			t.Errorf("'Swarms I'm in' should list the ticket: %v %v", list, err)
		}
	})
}

func TestFirstContactResolutionIsStored(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		nadia := storetest.Actor(t, s, f.AgentL1)
		tk, err := d.CreateTicket(ctx, nadia, desk.NewTicket{Subject: "Mot de passe oublié", Body: "Je ne peux plus me connecter", CustomerID: f.Customer["bob"].ID, OwnerID: nadia.AgentID})
		if err != nil {
			t.Fatal(err)
		}
		_, solved, err := d.Reply(ctx, nadia, tk.ID, "Voici le lien de réinitialisation.", "solved")
		if err != nil {
			t.Fatal(err)
		}
		if !solved.FirstContactResolved || solved.FirstReplierID != nadia.AgentID {
			t.Errorf("solved by the first replier without escalation should count as first contact: %+v", solved)
		}
	})
}

func tierCode(f storetest.Fixture, id int64) string {
	for code, t := range f.Tier {
		if t.ID == id {
			return code
		}
	}
	return ""
}

func find(events []ticket.Event, kind ticket.EventKind) *ticket.Event {
	for i := range events {
		if events[i].Kind == kind {
			return &events[i]
		}
	}
	return nil
}

func TestDeEscalationWithoutTargetGoesOneTierDown(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		karim := storetest.Actor(t, s, f.AgentL2)
		moved, err := d.Escalate(ctx, karim, f.Ticket["L2"].ID, desk.EscalateInput{Direction: "down", Reason: "Known fix: clear the export cache; L1 can deliver it."})
		if err != nil {
			t.Fatal(err)
		}
		if moved.TierID != f.Tier["L1"].ID || moved.EscalationCount != 0 {
			t.Errorf("de-escalated to tier %d (escalations %d), want L1 (%d) and no escalation counted", moved.TierID, moved.EscalationCount, f.Tier["L1"].ID)
		}
	})
}

func TestAutoReplyIsRecordedWithTheTicketReference(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Accusé de réception", Enabled: true,
			When: routing.Condition{Field: "channel", Op: "is", Value: "email"},
			Then: routing.Actions{AutoReply: "Bonjour {{customer.name}}, nous avons bien reçu votre demande {{ticket.reference}}."}}},
			Fallback: routing.Actions{Tier: "L1"}}
		if err := d.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatal(err)
		}
		tk, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Question", Body: "Bonjour", Channel: "email", CustomerID: f.Customer["alice"].ID})
		if err != nil {
			t.Fatal(err)
		}
		events, err := d.Timeline(ctx, admin, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		e := find(events, ticket.AutoReply)
		want := "Bonjour " + f.Customer["alice"].Name + ", nous avons bien reçu votre demande " + tk.Reference + "."
		if e == nil || e.Body != want {
			t.Fatalf("auto-reply = %+v, want body %q", e, want)
		}
		if tk.FirstResponseAt != nil {
			t.Error("an automatic reply is not a first response")
		}
		other, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Par téléphone", Body: "Appel", Channel: "phone", CustomerID: f.Customer["bob"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if evs, _ := d.Timeline(ctx, admin, other.ID, 0, 100); find(evs, ticket.AutoReply) != nil {
			t.Error("a ticket the rule does not match gets no auto-reply")
		}
	})
}

func TestBusinessHoursConditionFollowsTheWorkspaceSetting(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Hors heures ouvrées", Enabled: true,
			When: routing.Condition{Field: "business_hours", Op: "is", Value: "outside"},
			Then: routing.Actions{AddTags: []string{"after-hours"}}}}, Fallback: routing.Actions{Tier: "L1"}}
		if err := d.SaveRoutingRules(ctx, admin, rs); err != nil {
			t.Fatal(err)
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		tomorrow := time.Now().In(paris).Add(24 * time.Hour).Weekday()
		days := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
		for _, c := range []struct {
			hours     string
			afterHour bool
		}{
			{"24/7", false},
			{days[tomorrow] + " 00:00-24:00", true}, // open only tomorrow: now is outside
		} {
			ws := f.WS
			ws.BusinessHours = c.hours
			if err := d.UpdateWorkspace(ctx, admin, ws); err != nil {
				t.Fatal(err)
			}
			tk, err := d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Question", Body: "Bonjour", CustomerID: f.Customer["bob"].ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(tk.Tags, "after-hours"); got != c.afterHour {
				t.Errorf("hours %q: tagged after-hours = %v, want %v", c.hours, got, c.afterHour)
			}
		}
		ws := f.WS
		ws.BusinessHours = "lun-ven 9h-18h"
		if err := d.UpdateWorkspace(ctx, admin, ws); !problem.Is(err, problem.Invalid) {
			t.Errorf("unreadable hours must be refused, got %v", err)
		}
	})
}

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
