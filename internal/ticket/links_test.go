package ticket

import (
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
)

func TestCheckMerge(t *testing.T) {
	mine := func(id, customer, org int64) MergeParty {
		return MergeParty{Ticket: Ticket{ID: id, Reference: Ref(id), TierID: 1, TeamID: 11, CustomerID: customer}, OrganisationID: org}
	}
	target := mine(1, 100, 9)
	merged := mine(2, 100, 9)
	merged.Ticket.MergedIntoID = 7
	l3 := mine(3, 100, 9)
	l3.Ticket.TierID, l3.Ticket.TeamID = 3, 13
	swarmed := l3
	swarmed.Ticket.Collaborators = []int64{agentL1.AgentID}
	cases := []struct {
		name    string
		a       auth.Actor
		target  MergeParty
		sources []MergeParty
		code    string // "" accepted
	}{
		{"same customer", agentL1, target, []MergeParty{mine(4, 100, 9)}, ""},
		{"same organisation, other customer", agentL1, target, []MergeParty{mine(4, 101, 9)}, ""},
		{"several sources", lead, target, []MergeParty{mine(4, 100, 9), mine(5, 101, 9)}, ""},
		{"another customer, no organisation", agentL1, mine(1, 100, 0), []MergeParty{mine(4, 101, 0)}, "merge_other_customer"},
		{"another organisation", agentL1, target, []MergeParty{mine(4, 101, 8)}, "merge_other_customer"},
		{"into itself", agentL1, target, []MergeParty{target}, "merge_into_itself"},
		{"a source already merged", agentL1, target, []MergeParty{merged}, "already_merged"},
		{"into a merged ticket", agentL1, merged, []MergeParty{target}, "already_merged"},
		{"a source the agent cannot see", agentL1, target, []MergeParty{l3}, "ticket_not_found"},
		{"a target the agent cannot see", agentL1, l3, []MergeParty{target}, "ticket_not_found"},
		{"a source the agent only reads (swarm)", agentL1, target, []MergeParty{swarmed}, "forbidden"},
		{"a collaborator", outsider, target, []MergeParty{mine(4, 100, 9)}, "ticket_not_found"},
		{"nothing", agentL1, target, nil, "nothing_to_merge"},
		{"admin anywhere", admin, l3, []MergeParty{target}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckMerge(c.a, c.target, c.sources)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if p, ok := problem.As(err); !ok || p.Code != c.code {
				t.Fatalf("CheckMerge = %v, want %s", err, c.code)
			}
		})
	}
}

func TestCheckParent(t *testing.T) {
	cases := []struct {
		name                   string
		child, parent, current int64
		ancestors              []int64
		code                   string
	}{
		{"a first parent", 1, 2, 0, nil, ""},
		{"a parent with its own parent", 1, 2, 0, []int64{3, 4}, ""},
		{"a second parent", 1, 2, 5, nil, "already_has_parent"},
		{"itself", 1, 1, 0, nil, "link_cycle"},
		{"its own grandchild", 1, 2, 0, []int64{3, 1}, "link_cycle"},
	}
	for _, c := range cases {
		err := CheckParent(c.child, c.parent, c.current, c.ancestors)
		if p, _ := problem.As(err); (c.code == "" && err != nil) || (c.code != "" && (p == nil || p.Code != c.code)) {
			t.Errorf("%s: CheckParent = %v, want %q", c.name, err, c.code)
		}
	}
}

func TestRelationReverse(t *testing.T) {
	for r, want := range map[Relation]Relation{Related: Related, Parent: Child, Child: Parent} {
		if got := r.Reverse(); got != want || got.Reverse() != r {
			t.Errorf("%s reversed = %s, want %s", r, got, want)
		}
	}
	if Relation("sibling").Valid() {
		t.Error("an unknown relation is valid")
	}
}

func TestMergeIntoClosesAndPoints(t *testing.T) {
	src := Ticket{ID: 4, Status: Solved, FirstContactResolved: true}
	got := src.MergeInto(1)
	if got.Status != Closed || got.MergedIntoID != 1 || got.FirstContactResolved {
		t.Errorf("merged = %+v, want closed, pointing at 1, not counted as resolved at first contact", got)
	}
}
