package ticket

import (
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/workspace"
)

// Tiers 1, 2, 3 with teams 11, 12, 13 (team 1x belongs to tier x).
var (
	admin    = auth.Actor{AgentID: 1, Role: workspace.Admin}
	lead     = auth.Actor{AgentID: 2, Role: workspace.Lead, TierIDs: []int64{1, 2}, TeamIDs: []int64{11, 12}}
	agentL1  = auth.Actor{AgentID: 3, Role: workspace.Agent, TierIDs: []int64{1}, TeamIDs: []int64{11}}
	agentL1b = auth.Actor{AgentID: 4, Role: workspace.Agent, TierIDs: []int64{1}, TeamIDs: []int64{11}}
	agentL2  = auth.Actor{AgentID: 5, Role: workspace.Agent, TierIDs: []int64{2}, TeamIDs: []int64{12}}
	agentL3  = auth.Actor{AgentID: 6, Role: workspace.Agent, TierIDs: []int64{3}, TeamIDs: []int64{13}}
	outsider = auth.Actor{AgentID: 7, Role: workspace.Collaborator, TierIDs: []int64{1}, TeamIDs: []int64{11}}
)

func TestCanSetSensitive(t *testing.T) {
	owned := Ticket{TierID: 1, TeamID: 11, OwnerID: agentL1.AgentID, Collaborators: []int64{agentL2.AgentID, outsider.AgentID}}
	secret := owned
	secret.Sensitive, secret.OwnerID = true, agentL1b.AgentID
	cases := []struct {
		name string
		a    auth.Actor
		t    Ticket
		want bool
	}{
		{"owner", agentL1, owned, true},
		{"owner of a sensitive ticket", agentL1b, secret, true},
		{"lead in scope", lead, owned, true},
		{"admin", admin, owned, true},
		{"colleague of the tier", agentL1b, owned, false},
		{"colleague who cannot read the sensitive ticket", agentL1, secret, false},
		{"invited agent", agentL2, owned, false},
		{"invited collaborator", outsider, owned, false},
		{"agent of another tier", agentL3, owned, false},
		{"lead out of scope", lead, Ticket{TierID: 3, TeamID: 13}, false},
		{"who handed it off", agentL1, Ticket{TierID: 2, TeamID: 12, HandedOffBy: []int64{agentL1.AgentID}}, false},
	}
	for _, c := range cases {
		if got := CanSetSensitive(c.a, c.t); got != c.want {
			t.Errorf("%s: CanSetSensitive = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCanPlace(t *testing.T) {
	cases := []struct {
		name     string
		a        auth.Actor
		tier     int64
		team     int64
		teamTier int64
		want     bool
	}{
		{"own tier, own team", agentL1, 1, 11, 1, true},
		{"own tier, no team", agentL1, 1, 0, 0, true},
		{"own tier, another tier's team", agentL1, 1, 12, 2, false},
		{"another tier", agentL1, 3, 13, 3, false},
		{"another tier, no team", agentL1, 2, 0, 0, false},
		{"lead anywhere", lead, 3, 13, 3, true},
		{"lead, mismatched team", lead, 1, 13, 3, true},
		{"admin anywhere", admin, 3, 12, 2, true},
		{"collaborator, even in their tier", outsider, 1, 11, 1, false},
	}
	for _, c := range cases {
		if got := CanPlace(c.a, Ticket{TierID: c.tier, TeamID: c.team}, c.teamTier); got != c.want {
			t.Errorf("%s: CanPlace = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCanAssignTo(t *testing.T) {
	l1 := Ticket{TierID: 1, TeamID: 11}
	l2ByTeamL1 := Ticket{TierID: 2, TeamID: 11}
	cases := []struct {
		name  string
		a, to auth.Actor
		t     Ticket
		want  bool
	}{
		{"a colleague of the tier", agentL1, agentL1b, l1, true},
		{"themself", agentL1, agentL1, l1, true},
		{"a lead of the tier", agentL1, lead, l1, true},
		{"an agent of another tier", agentL1, agentL3, l1, false},
		{"an agent of L2 for an L1 ticket", agentL1, agentL2, l1, false},
		{"by team: a team L1 ticket in L2, to an L2 agent", agentL1, agentL2, l2ByTeamL1, true},
		{"an agent outside the ticket gives it to someone", agentL3, agentL1, l1, false},
		{"a collaborator never owns", agentL1, outsider, l1, false},
		{"a collaborator never assigns", outsider, agentL1, l1, false},
		{"a lead across tiers", lead, agentL3, l1, true},
		{"an admin across tiers", admin, agentL3, l1, true},
		{"nobody is not someone", agentL1, auth.Actor{}, l1, false},
	}
	for _, c := range cases {
		if got := CanAssignTo(c.a, c.t, c.to); got != c.want {
			t.Errorf("%s: CanAssignTo = %v, want %v", c.name, got, c.want)
		}
	}
}

// Who handed a ticket off reads and notes it, never works it; a sensitive
// one stays with its assignees and leads.
func TestHandedOffSight(t *testing.T) {
	escalated := Ticket{TierID: 2, TeamID: 12, HandedOffBy: []int64{agentL1.AgentID}}
	secret := escalated
	secret.Sensitive = true
	if !CanView(agentL1, escalated) || !CanNote(agentL1, escalated) || CanWork(agentL1, escalated) {
		t.Error("the agent who handed it off must read and note it, not work it")
	}
	if CanView(agentL1, secret) || CanNote(agentL1, secret) {
		t.Error("a sensitive ticket handed off stays with its assignees and leads")
	}
	if CanView(outsider, Ticket{TierID: 2, HandedOffBy: []int64{outsider.AgentID}}) {
		t.Error("the collaborator role sees only what it is invited to")
	}
	if !CanWork(agentL2, escalated) || !CanView(lead, secret) {
		t.Error("the receiving tier works it; its lead reads it sensitive or not")
	}
}
