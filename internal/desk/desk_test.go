package desk_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
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
	eachDesk(t, func(t *testing.T, env deskTest) {
		rs := routing.RuleSet{
			Rules: []routing.Rule{
				{ID: 1, Name: "Facturation urgente", Enabled: true,
					When: routing.Condition{Field: "text", Op: "contains_words", Value: "facturé deux fois"},
					Then: routing.Actions{Tier: "L2", Team: env.f.Team["L2"].Name, Priority: "urgent", AddTags: []string{"double-billing"}}},
				{ID: 2, Name: "Everything billing", Enabled: true,
					When: routing.Condition{Field: "request_type", Op: "is", Value: "billing"},
					Then: routing.Actions{Tier: "L1", Team: env.f.Team["L1"].Name}},
			},
			Fallback: routing.Actions{Tier: "L1"},
		}
		if err := env.d.SaveRoutingRules(env.ctx, env.admin, rs); err != nil {
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
				tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: c.subject, Body: c.body, RequestType: c.typ, CustomerID: env.f.Customer["alice"].ID})
				if err != nil {
					t.Fatal(err)
				}
				if got := tierCode(env.f, tk.TierID); got != c.wantTier || tk.Priority != c.wantPriority {
					t.Errorf("placed in %s with %s, want %s with %s", got, tk.Priority, c.wantTier, c.wantPriority)
				}
				events, err := env.d.Timeline(env.ctx, env.admin, tk.ID, 0, 100)
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
	eachDesk(t, func(t *testing.T, env deskTest) {
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "x", Enabled: true,
			When: routing.Condition{All: []routing.Condition{{Field: "channel", Op: "is", Value: "email"}, {Field: "colour", Op: "is", Value: "red"}}},
			Then: routing.Actions{Team: "No such team"}}}, Fallback: routing.Actions{Tier: "L1"}}
		err := env.d.SaveRoutingRules(context.Background(), env.admin, rs)
		p, ok := problem.As(err)
		if !ok || p.Code != "invalid_rules" {
			t.Fatalf("got %v, want invalid_rules", err)
		}
		if _, ok := p.Fields["rules[0].when.all[1].field"]; !ok {
			t.Errorf("the unknown field should be named by its path, got %v", p.Fields)
		}
		if err := env.d.SaveRoutingRules(context.Background(), env.l1, DefaultRules()); !problem.Is(err, problem.Forbidden) {
			t.Errorf("an agent must not change routing rules, got %v", err)
		}
	})
}

func DefaultRules() routing.RuleSet { return desk.DefaultRuleSet() }

// deskTest is what a desk test starts from: one database seeded with the
// documented fixture, a desk over it, and the fixture's people already
// signed in, so that each test begins with what it checks.
type deskTest struct {
	ctx context.Context
	s   *store.Store
	f   storetest.Fixture
	d   *desk.Service
	// The fixture's members, signed in to the desk.
	admin, lead, l1, l2, l3 auth.Actor
	// alice, the fixture's French customer, signed in to the help centre.
	alice desk.Customer
}

// eachDesk runs a test on each database with a fresh deskTest.
func eachDesk(t *testing.T, test func(t *testing.T, env deskTest)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.Seed(t, s)
		test(t, deskTest{
			ctx: context.Background(), s: s, f: f, d: desk.New(s, nil),
			admin: storetest.Actor(t, s, f.Admin), lead: storetest.Actor(t, s, f.Lead),
			l1: storetest.Actor(t, s, f.AgentL1), l2: storetest.Actor(t, s, f.AgentL2), l3: storetest.Actor(t, s, f.AgentL3),
			alice: desk.Customer{WorkspaceID: f.WS.ID, Customer: f.Customer["alice"]},
		})
	})
}

// timelineLen counts the events of a ticket's timeline as a reads it: a
// refusal must not add one.
func (env deskTest) timelineLen(t *testing.T, a auth.Actor, id int64) int {
	t.Helper()
	events, err := env.d.Timeline(env.ctx, a, id, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

// rowCounts counts the rows of each table (a table name, or one with a
// WHERE clause): a refusal must leave every count as it was.
func rowCounts(t *testing.T, s *store.Store, tables ...string) map[string]int {
	t.Helper()
	out := make(map[string]int, len(tables))
	for _, table := range tables {
		var n int
		if err := s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func TestEscalationNeedsTheChecklistThenHandsOver(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		tk := env.f.Ticket["L1owned"]

		_, err := env.d.Escalate(env.ctx, env.l1, tk.ID, desk.EscalateInput{Reason: "needs an expert"})
		p, ok := problem.As(err)
		if !ok || p.Code != "escalation_incomplete" || len(p.Fields) == 0 {
			t.Fatalf("escalating without the checklist = %v, want escalation_incomplete naming the items", err)
		}
		if cur, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID); cur.TierID != env.f.Tier["L1"].ID || cur.EscalationCount != 0 {
			t.Fatalf("a refused escalation must change nothing, ticket is now %+v", cur)
		}
		answers := map[string]string{}
		for name := range p.Fields {
			if key, ok := strings.CutPrefix(name, "answers."); ok {
				answers[key] = "Cleared the cache\nTried another browser"
			}
		}
		moved, err := env.d.Escalate(env.ctx, env.l1, tk.ID, desk.EscalateInput{Reason: "needs an expert", Answers: answers})
		if err != nil {
			t.Fatalf("escalate with the checklist: %v", err)
		}
		if moved.TierID != env.f.Tier["L2"].ID || moved.EscalationCount != 1 || moved.OwnerID != 0 || moved.HandoffCount != 1 {
			t.Errorf("after escalation: tier %d esc %d owner %d handoffs %d", moved.TierID, moved.EscalationCount, moved.OwnerID, moved.HandoffCount)
		}
		// She let go of it but keeps sight: she reads it, may note, not work it.
		if seen, err := env.d.Ticket(env.ctx, env.l1, tk.ID); err != nil || ticket.CanWork(env.l1, seen) {
			t.Errorf("the L1 agent should read, not work, the ticket she handed off: %v", err)
		}
		events, err := env.d.Timeline(env.ctx, env.l2, tk.ID, 0, 100)
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
	eachDesk(t, func(t *testing.T, env deskTest) {
		tk := env.f.Ticket["L3"]
		if _, err := env.d.Ticket(env.ctx, env.l2, tk.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("before the invitation the L2 agent must not see the L3 ticket: %v", err)
		}
		if err := env.d.Invite(env.ctx, env.l3, tk.ID, env.l2.AgentID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := env.d.Note(env.ctx, env.l2, tk.ID, "Looks like the known webhook bug; see KB-12."); err != nil {
			t.Errorf("an invitee may post an internal note: %v", err)
		}
		if _, _, err := env.d.Reply(env.ctx, env.l2, tk.ID, "Hello", ""); !problem.Is(err, problem.Forbidden) {
			t.Errorf("an invitee must not reply to the customer, got %v", err)
		}
		list, _, err := env.d.Tickets(env.ctx, env.l2, store.Filter{CollaboratorID: env.l2.AgentID}, "", 50)
		if err != nil || len(list) == 0 {
			t.Errorf("'Swarms I'm in' should list the ticket: %v %v", list, err)
		}
	})
}

func TestFirstContactResolutionIsStored(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		tk, err := env.d.CreateTicket(env.ctx, env.l1, desk.NewTicket{Subject: "Mot de passe oublié", Body: "Je ne peux plus me connecter", CustomerID: env.f.Customer["bob"].ID, OwnerID: env.l1.AgentID})
		if err != nil {
			t.Fatal(err)
		}
		_, solved, err := env.d.Reply(env.ctx, env.l1, tk.ID, "Voici le lien de réinitialisation.", "solved")
		if err != nil {
			t.Fatal(err)
		}
		if !solved.FirstContactResolved || solved.FirstReplierID != env.l1.AgentID {
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
	eachDesk(t, func(t *testing.T, env deskTest) {
		moved, err := env.d.Escalate(env.ctx, env.l2, env.f.Ticket["L2"].ID, desk.EscalateInput{Direction: "down", Reason: "Known fix: clear the export cache; L1 can deliver it."})
		if err != nil {
			t.Fatal(err)
		}
		if moved.TierID != env.f.Tier["L1"].ID || moved.EscalationCount != 0 {
			t.Errorf("de-escalated to tier %d (escalations %d), want L1 (%d) and no escalation counted", moved.TierID, moved.EscalationCount, env.f.Tier["L1"].ID)
		}
	})
}

func TestAutoReplyIsRecordedWithTheTicketReference(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Accusé de réception", Enabled: true,
			When: routing.Condition{Field: "channel", Op: "is", Value: "email"},
			Then: routing.Actions{AutoReply: "Bonjour {{customer.name}}, nous avons bien reçu votre demande {{ticket.reference}}."}}},
			Fallback: routing.Actions{Tier: "L1"}}
		if err := env.d.SaveRoutingRules(env.ctx, env.admin, rs); err != nil {
			t.Fatal(err)
		}
		tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Question", Body: "Bonjour", Channel: "email", CustomerID: env.f.Customer["alice"].ID})
		if err != nil {
			t.Fatal(err)
		}
		events, err := env.d.Timeline(env.ctx, env.admin, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		e := find(events, ticket.AutoReply)
		want := "Bonjour " + env.f.Customer["alice"].Name + ", nous avons bien reçu votre demande " + tk.Reference + "."
		if e == nil || e.Body != want {
			t.Fatalf("auto-reply = %+v, want body %q", e, want)
		}
		if tk.FirstResponseAt != nil {
			t.Error("an automatic reply is not a first response")
		}
		other, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Par téléphone", Body: "Appel", Channel: "phone", CustomerID: env.f.Customer["bob"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if evs, _ := env.d.Timeline(env.ctx, env.admin, other.ID, 0, 100); find(evs, ticket.AutoReply) != nil {
			t.Error("a ticket the rule does not match gets no auto-reply")
		}
	})
}

func TestBusinessHoursConditionFollowsTheWorkspaceSetting(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Hors heures ouvrées", Enabled: true,
			When: routing.Condition{Field: "business_hours", Op: "is", Value: "outside"},
			Then: routing.Actions{AddTags: []string{"after-hours"}}}}, Fallback: routing.Actions{Tier: "L1"}}
		if err := env.d.SaveRoutingRules(env.ctx, env.admin, rs); err != nil {
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
			ws := env.f.WS
			ws.BusinessHours = c.hours
			if err := env.d.UpdateWorkspace(env.ctx, env.admin, ws); err != nil {
				t.Fatal(err)
			}
			tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Question", Body: "Bonjour", CustomerID: env.f.Customer["bob"].ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(tk.Tags, "after-hours"); got != c.afterHour {
				t.Errorf("hours %q: tagged after-hours = %v, want %v", c.hours, got, c.afterHour)
			}
		}
		ws := env.f.WS
		ws.BusinessHours = "lun-ven 9h-18h"
		if err := env.d.UpdateWorkspace(env.ctx, env.admin, ws); !problem.Is(err, problem.Invalid) {
			t.Errorf("unreadable hours must be refused, got %v", err)
		}
	})
}

// A checklist item and the text custom field of the same key are one
// thing: the field saved on the ticket answers the item, an answer typed
// at hand-off fills the field, and a refused hand-off fills nothing.
func TestChecklistAnswersAreCustomFields(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		for _, cf := range []workspace.CustomField{
			{Key: "error_message", LabelFR: "Message d'erreur", LabelEN: "Error message", Kind: workspace.Text, Position: 1},
			{Key: "steps_tried", LabelFR: "Étapes déjà essayées", LabelEN: "Steps already tried", Kind: workspace.Text, Position: 2},
		} {
			if _, err := env.d.CreateCustomField(env.ctx, env.admin, cf); err != nil {
				t.Fatal(err)
			}
		}
		tk := env.f.Ticket["L1owned"]
		if _, err := env.d.UpdateTicket(env.ctx, env.l1, tk.ID, desk.Update{CustomFields: map[string]string{"error_message": "Ce lien a expiré"}}); err != nil {
			t.Fatal(err)
		}

		// No reason: refused, naming the reason and nothing the field
		// already answers; the typed answer is not written.
		_, err := env.d.Escalate(env.ctx, env.l1, tk.ID, desk.EscalateInput{Answers: map[string]string{"steps_tried": "Renvoyé le lien"}})
		p, ok := problem.As(err)
		if !ok || p.Code != "escalation_incomplete" {
			t.Fatalf("escalating without a reason = %v", err)
		}
		if _, named := p.Fields["answers.error_message"]; named {
			t.Error("the error message saved as a field is reported missing")
		}
		if cur, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID); cur.CustomFields["steps_tried"] != "" || cur.TierID != env.f.Tier["L1"].ID {
			t.Fatalf("a refused hand-off wrote %q", cur.CustomFields)
		}

		moved, err := env.d.Escalate(env.ctx, env.l1, tk.ID, desk.EscalateInput{Reason: "Le lien expire aussitôt",
			Answers: map[string]string{"steps_tried": "Renvoyé le lien", "error_message": ""}})
		if err != nil {
			t.Fatalf("escalate with the field filled in: %v", err)
		}
		cur, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID)
		if moved.TierID != env.f.Tier["L2"].ID || cur.CustomFields["steps_tried"] != "Renvoyé le lien" || cur.CustomFields["error_message"] != "Ce lien a expiré" {
			t.Errorf("after the hand-off: tier %d, fields %q", cur.TierID, cur.CustomFields)
		}
	})
}
