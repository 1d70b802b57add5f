package desk_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Every checklist item of the built-in procedure, so that an escalation
// that the model allows goes through.
var allAnswers = map[string]string{"steps_tried": "Lien renvoyé", "error_message": "HTTP 500", "reproduction_steps": "Importer le catalogue",
	"impact": "Toute l'équipe", "vendor_context": "Version 4.2"}

// setModels sets the workspace's support model and the model of the "bug"
// request type.
func setModels(t *testing.T, s *store.Store, f storetest.Fixture, ws, bug workspace.SupportModel) {
	t.Helper()
	ctx := context.Background()
	w := f.WS
	w.SupportModel = ws
	if err := s.UpdateWorkspace(ctx, f.Admin.ID, w); err != nil {
		t.Fatal(err)
	}
	rt := f.Type["bug"]
	rt.Model = bug
	if err := s.UpdateRequestType(ctx, f.WS.ID, f.Admin.ID, rt); err != nil {
		t.Fatal(err)
	}
}

// bugTicket opens a "bug" ticket owned by the lead in a tier.
func bugTicket(t *testing.T, s *store.Store, f storetest.Fixture, tier string) ticket.Ticket {
	t.Helper()
	tk, err := s.CreateTicket(context.Background(), f.WS.ID, store.NewTicket{Ticket: ticket.Ticket{Subject: "Erreur 500 à l'import", Status: ticket.Open,
		RequestTypeID: f.Type["bug"].ID, Channel: "email", TierID: f.Tier[tier].ID, TeamID: f.Team[tier].ID, OwnerID: f.Lead.ID,
		CustomerID: f.Customer["alice"].ID, Language: "fr"}, Body: "L'import échoue.", FirstIsCustomer: true})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// The support model decides whether a ticket may go up: never under
// swarming (the workspace's, or in hybrid its request type's), as usual
// otherwise. Going down stays possible.
func TestEscalationFollowsTheSupportModel(t *testing.T) {
	cases := []struct {
		name          string
		ws, bug       workspace.SupportModel
		tier          string // where the ticket is
		in            desk.EscalateInput
		refused       bool // with swarming_model
		wantNextStep  bool // NextStep offers a step up
		wantMovedTier string
	}{
		{"tiered workspace, up", workspace.Tiered, "", "L1", desk.EscalateInput{}, false, true, "L2"},
		{"tiered workspace ignores a swarming type", workspace.Tiered, workspace.Swarming, "L1", desk.EscalateInput{}, false, true, "L2"},
		{"swarming workspace, up", workspace.Swarming, "", "L1", desk.EscalateInput{}, true, false, ""},
		{"swarming workspace ignores a tiered type", workspace.Swarming, workspace.Tiered, "L1", desk.EscalateInput{}, true, false, ""},
		{"swarming workspace, down", workspace.Swarming, "", "L2", desk.EscalateInput{Direction: "down"}, false, false, "L1"},
		{"hybrid, swarming type, up", workspace.Hybrid, workspace.Swarming, "L1", desk.EscalateInput{}, true, false, ""},
		{"hybrid, swarming type, straight to L3", workspace.Hybrid, workspace.Swarming, "L1", desk.EscalateInput{TargetTier: "L3"}, true, false, ""},
		{"hybrid, swarming type, return above", workspace.Hybrid, workspace.Swarming, "L1", desk.EscalateInput{Direction: "return", TargetTier: "L2"}, true, false, ""},
		{"hybrid, swarming type, return below", workspace.Hybrid, workspace.Swarming, "L2", desk.EscalateInput{Direction: "return", TargetTier: "L1"}, false, false, "L1"},
		{"hybrid, tiered type, up", workspace.Hybrid, workspace.Tiered, "L1", desk.EscalateInput{}, false, true, "L2"},
		{"hybrid, type following the workspace, up", workspace.Hybrid, "", "L1", desk.EscalateInput{}, false, true, "L2"},
	}
	eachDesk(t, func(t *testing.T, env deskTest) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				setModels(t, env.s, env.f, c.ws, c.bug)
				tk := bugTicket(t, env.s, env.f, c.tier)
				if _, ok, err := env.d.NextStep(env.ctx, env.lead, tk); err != nil || ok != c.wantNextStep {
					t.Errorf("NextStep ok = %v (%v), want %v", ok, err, c.wantNextStep)
				}
				in := c.in
				in.Reason, in.Answers = "Besoin d'un expert", allAnswers
				moved, err := env.d.Escalate(env.ctx, env.lead, tk.ID, in)
				if c.refused {
					p, ok := problem.As(err)
					if !ok || p.Code != "swarming_model" || p.Kind != problem.Conflict {
						t.Fatalf("escalate = %v, want a swarming_model conflict", err)
					}
					if cur, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID); cur.TierID != tk.TierID || cur.EscalationCount != 0 || cur.OwnerID != tk.OwnerID {
						t.Errorf("a refused escalation changed the ticket: %+v", cur)
					}
					return
				}
				if err != nil {
					t.Fatalf("escalate: %v", err)
				}
				if got := tierCode(env.f, moved.TierID); got != c.wantMovedTier {
					t.Errorf("moved to %s, want %s", got, c.wantMovedTier)
				}
			})
		}
	})
}

// An owner invites a whole team with a question: its active members join,
// not the owner nor those already in, each recorded with the question.
func TestInviteTeam(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		tk := env.f.Ticket["L3"] // owned by AgentL3; team L2 is the lead and AgentL2
		question := "Le webhook renvoie 500, une idée ?"
		added, err := env.d.Swarm(env.ctx, env.l3, tk.ID, desk.Invitation{TeamID: env.f.Team["L2"].ID, Question: "  " + question + "\n"})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(added)
		want := []int64{env.f.Lead.ID, env.f.AgentL2.ID}
		slices.Sort(want)
		if !slices.Equal(added, want) {
			t.Errorf("joined %v, want the lead and AgentL2", added)
		}
		events, err := env.d.Timeline(env.ctx, env.l3, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if j, ok := event.As[event.SwarmJoin](e); e.Kind == ticket.SwarmJoined && (!ok || j.Question != question || j.TeamID == 0 || e.ActorAgentID != env.l3.AgentID) {
				t.Errorf("swarm_joined = %+v, want the trimmed question, the team and the owner as actor", e)
			}
		}
		// The invited agent of another tier now reads the ticket.
		if _, err := env.d.Ticket(env.ctx, env.l2, tk.ID); err != nil {
			t.Errorf("an invited team member cannot read the ticket: %v", err)
		}
		if err := env.d.InviteTeam(env.ctx, env.l3, env.f.Ticket["swarm"].ID, env.f.Team["L1"].ID); err != nil {
			t.Errorf("InviteTeam: %v", err)
		}

		refusals := []struct {
			name  string
			who   auth.Actor
			in    desk.Invitation
			kind  problem.Kind
			field string // the field named, for validation failures
		}{
			{"nobody left in the team", env.l3, desk.Invitation{TeamID: env.f.Team["L2"].ID}, problem.Invalid, "team_id"},
			{"only the owner in the team", env.l3, desk.Invitation{TeamID: env.f.Team["L3"].ID}, problem.Invalid, "team_id"},
			{"unknown team", env.l3, desk.Invitation{TeamID: 999999}, problem.Invalid, "team_id"},
			{"another workspace's agent", env.l3, desk.Invitation{AgentID: env.f.Other.Agent.ID}, problem.Invalid, "agent_id"},
			{"nobody named", env.l3, desk.Invitation{Question: "?"}, problem.Invalid, "agent_id"},
			{"an agent and a team", env.l3, desk.Invitation{AgentID: env.f.AgentL1.ID, TeamID: env.f.Team["L1"].ID}, problem.Invalid, "team_id"},
			{"a question too long", env.l3, desk.Invitation{AgentID: env.f.AgentL1.ID, Question: strings.Repeat("a", desk.MaxQuestion+1)}, problem.Invalid, "question"},
			{"someone who cannot see the ticket", env.l1, desk.Invitation{TeamID: env.f.Team["L1"].ID}, problem.NotFound, ""},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				before, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID)
				_, err := env.d.Swarm(env.ctx, c.who, tk.ID, c.in)
				p, ok := problem.As(err)
				if !ok || p.Kind != c.kind {
					t.Fatalf("got %v, want kind %d", err, c.kind)
				}
				if _, named := p.Fields[c.field]; c.field != "" && !named {
					t.Errorf("fields = %v, want %s named", p.Fields, c.field)
				}
				if after, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID); !slices.Equal(after.Collaborators, before.Collaborators) {
					t.Errorf("a refused invitation changed the swarm: %v → %v", before.Collaborators, after.Collaborators)
				}
			})
		}
	})
}

// newCollaborator adds a member with the collaborator role, given a tier
// and a team by mistake, to prove neither gives them anything.
func (env deskTest) newCollaborator(t *testing.T) auth.Actor {
	t.Helper()
	m, err := env.s.CreateMember(env.ctx, env.f.WS.ID, env.f.Admin.ID, workspace.Member{Email: "po@acme.test", Name: "Paul Produit",
		Role: workspace.Collaborator, Active: true, TierIDs: []int64{env.f.Tier["L1"].ID}, TeamIDs: []int64{env.f.Team["L3"].ID}}, "")
	if err != nil {
		t.Fatal(err)
	}
	return storetest.Actor(t, env.s, m)
}

// A collaborator from outside support sees only the tickets they were
// invited to and posts internal notes there; everything else is refused on
// the server.
func TestCollaboratorRole(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		po := env.newCollaborator(t)
		tk := env.f.Ticket["L3"]
		if err := env.d.Invite(env.ctx, env.l3, tk.ID, po.AgentID); err != nil {
			t.Fatal(err)
		}

		list, _, err := env.d.Tickets(env.ctx, po, store.Filter{}, "", 50)
		if err != nil || len(list) != 1 || list[0].ID != tk.ID {
			t.Errorf("a collaborator lists %v (%v), want only the ticket they were invited to", ids(list), err)
		}
		views, err := env.d.Views(env.ctx, po, true)
		if err != nil || len(views) != 1 || views[0].Key != "swarms" || views[0].Count != 1 {
			t.Errorf("views = %+v (%v), want only \"Swarms I'm in\" with one ticket", views, err)
		}
		if _, _, err := env.d.Note(env.ctx, po, tk.ID, "Côté produit : régression connue de la 4.2, correctif demain."); err != nil {
			t.Errorf("a collaborator may post a note: %v", err)
		}
		if _, err := env.d.Customer(env.ctx, po, env.f.Customer["victoria"].ID); err != nil {
			t.Errorf("a collaborator reads the customer of their ticket: %v", err)
		}

		status, owned := "solved", po.AgentID
		refused := []struct {
			name string
			do   func() error
			kind problem.Kind
		}{
			{"read an L1 ticket through a tier given by mistake", func() error { _, err := env.d.Ticket(env.ctx, po, env.f.Ticket["L1"].ID); return err }, problem.NotFound},
			{"read a ticket of their team", func() error { _, err := env.d.Ticket(env.ctx, po, env.f.Ticket["swarm"].ID); return err }, problem.NotFound},
			{"reply", func() error { _, _, err := env.d.Reply(env.ctx, po, tk.ID, "Bonjour", ""); return err }, problem.Forbidden},
			{"change a field", func() error {
				_, err := env.d.UpdateTicket(env.ctx, po, tk.ID, desk.Update{Status: &status})
				return err
			}, problem.Forbidden},
			{"escalate", func() error {
				_, err := env.d.Escalate(env.ctx, po, tk.ID, desk.EscalateInput{Direction: "down", Reason: "x"})
				return err
			}, problem.Forbidden},
			{"invite", func() error { return env.d.Invite(env.ctx, po, tk.ID, env.f.AgentL2.ID) }, problem.Forbidden},
			{"invite a team", func() error { return env.d.InviteTeam(env.ctx, po, tk.ID, env.f.Team["L2"].ID) }, problem.Forbidden},
			{"create a ticket", func() error {
				_, err := env.d.CreateTicket(env.ctx, po, desk.NewTicket{Subject: "x", Body: "x", CustomerID: env.f.Customer["bob"].ID})
				return err
			}, problem.Forbidden},
			{"list customers", func() error { _, err := env.d.Customers(env.ctx, po, "", 0, 0, 10); return err }, problem.Forbidden},
			{"record a customer", func() error {
				_, err := env.d.CreateCustomer(env.ctx, po, env.f.Customer["bob"])
				return err
			}, problem.Forbidden},
			{"read another ticket's customer", func() error { _, err := env.d.Customer(env.ctx, po, env.f.Customer["bob"].ID); return err }, problem.NotFound},
			{"be made the owner", func() error {
				_, err := env.d.UpdateTicket(env.ctx, env.l3, tk.ID, desk.Update{OwnerID: &owned})
				return wantField(err, "owner_id", "collaborator_owner")
			}, problem.Invalid},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				if err := c.do(); !problem.Is(err, c.kind) {
					t.Errorf("got %v, want kind %d", err, c.kind)
				}
			})
		}
		if cur, _ := env.s.Ticket(env.ctx, env.f.WS.ID, tk.ID); cur.Status != tk.Status || cur.OwnerID != tk.OwnerID || len(cur.Collaborators) != 1 {
			t.Errorf("the refusals changed the ticket: %+v", cur)
		}
	})
}

// Routing never gives a ticket to a collaborator, even one in the team it
// assigns within.
func TestRoutingNeverAssignsACollaborator(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		po := env.newCollaborator(t) // in team L3, with no ticket: the least loaded
		for _, then := range []routing.Actions{
			{Tier: "L3", Team: env.f.Team["L3"].Name, AssignStrategy: routing.AssignLeastLoaded},
			{Tier: "L3", Team: env.f.Team["L3"].Name, AssignAgent: po.AgentID},
		} {
			rs := routing.RuleSet{Rules: []routing.Rule{{ID: 1, Name: "Experts", Enabled: true,
				When: routing.Condition{Field: "channel", Op: "is", Value: "phone"}, Then: then}}, Fallback: routing.Actions{Tier: "L1"}}
			if err := env.d.SaveRoutingRules(env.ctx, env.admin, rs); err != nil {
				t.Fatal(err)
			}
			tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Import", Body: "Erreur", Channel: "phone", CustomerID: env.f.Customer["bob"].ID})
			if err != nil {
				t.Fatal(err)
			}
			if tk.OwnerID == po.AgentID {
				t.Errorf("routing (%+v) gave the ticket to a collaborator", then)
			}
		}
	})
}

// wantField passes err through when it is a validation failure naming
// field with code, and otherwise turns it into a plain error that no kind
// check accepts.
func wantField(err error, field, code string) error {
	if p, ok := problem.As(err); ok && p.Fields[field].Code == code {
		return err
	}
	return fmt.Errorf("got %v, want field %s with %s", err, field, code)
}

func ids(list []ticket.Ticket) []int64 {
	out := make([]int64, len(list))
	for i, t := range list {
		out[i] = t.ID
	}
	return out
}
