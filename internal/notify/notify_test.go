package notify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// The team below: tier 1 (team 11) and tier 2 (teams 21, 22).
var (
	nadia  = Member{Actor: auth.Actor{AgentID: 1, Role: workspace.Agent, TierIDs: []int64{1}, TeamIDs: []int64{11}}, Name: "Nadia Benali", Active: true}
	thomas = Member{Actor: auth.Actor{AgentID: 2, Role: workspace.Agent, TierIDs: []int64{1}, TeamIDs: []int64{11}}, Name: "Thomas Roux", Active: true}
	julie  = Member{Actor: auth.Actor{AgentID: 3, Role: workspace.Agent, TierIDs: []int64{2}, TeamIDs: []int64{21}}, Name: "Julie Martin", Active: true}
	karim  = Member{Actor: auth.Actor{AgentID: 4, Role: workspace.Agent, TierIDs: []int64{2}, TeamIDs: []int64{22}}, Name: "Karim Haddad", Active: true}
	sophie = Member{Actor: auth.Actor{AgentID: 5, Role: workspace.Lead, TierIDs: []int64{1, 2}}, Name: "Sophie Laurent", Active: true}
	gone   = Member{Actor: auth.Actor{AgentID: 6, Role: workspace.Agent, TierIDs: []int64{1}}, Name: "Gone Away", Active: false}
	guest  = Member{Actor: auth.Actor{AgentID: 7, Role: workspace.Collaborator, TierIDs: []int64{1}}, Name: "Guest Expert", Active: true}
	team   = []Member{nadia, thomas, julie, karim, sophie, gone, guest}
)

// ev is an event of a kind with its data given as name, value pairs, typed
// as package event records that kind.
func ev(kind ticket.EventKind, data ...string) ticket.Event {
	v := map[string]string{}
	for i := 0; i+1 < len(data); i += 2 {
		v[data[i]] = data[i+1]
	}
	id := func(k string) int64 { n, _ := strconv.ParseInt(v[k], 10, 64); return n }
	e := ticket.Event{ID: 100, Kind: kind}
	switch kind {
	case ticket.OwnerChanged:
		e.Data = event.OwnerChange{From: id("from"), To: id("to")}
	case ticket.SwarmJoined:
		e.Data = event.SwarmJoin{AgentID: id("agent_id")}
	case ticket.StatusChanged:
		e.Data = event.Change{From: v["from"], To: v["to"]}
	}
	return e
}

func note(body string) ticket.Event {
	return ticket.Event{ID: 100, Kind: ticket.InternalNote, Body: body}
}

func TestDecide(t *testing.T) {
	l1 := ticket.Ticket{ID: 9, TierID: 1, TeamID: 11}
	l2 := ticket.Ticket{ID: 9, TierID: 2, TeamID: 21, HandedOffBy: []int64{1}}
	l2sensitive := l2
	l2sensitive.Sensitive = true
	backDown := ticket.Ticket{ID: 9, TierID: 1, TeamID: 11, HandedOffBy: []int64{1, 3}}
	customerMsg := ticket.Event{ID: 100, Kind: ticket.CustomerMessage, ActorCustomerID: 50}
	tests := []struct {
		name   string
		change Change
		want   []string // "agent:kind"
	}{
		{"assigned: the new owner", Change{ActorID: 5, Ticket: l1, Events: []ticket.Event{ev(ticket.OwnerChanged, "from", "", "to", "2")}}, []string{"2:assigned"}},
		{"assigning oneself tells nobody", Change{ActorID: 2, Ticket: l1, Events: []ticket.Event{ev(ticket.OwnerChanged, "from", "", "to", "2")}}, nil},
		{"unassigning tells nobody", Change{ActorID: 5, Ticket: l1, Events: []ticket.Event{ev(ticket.OwnerChanged, "from", "2", "to", "")}}, nil},
		{"assigned to someone who may not read it", Change{ActorID: 5, Ticket: l1, Events: []ticket.Event{ev(ticket.OwnerChanged, "to", "3")}}, nil},
		{"created with an owner", Change{ActorID: 5, Ticket: ticket.Ticket{ID: 9, TierID: 1, OwnerID: 2}, Events: []ticket.Event{ev(ticket.Created)}}, []string{"2:assigned"}},
		{"escalated: the receiving team, not the one who escalated", Change{ActorID: 1, Ticket: l2, Events: []ticket.Event{ev(ticket.Escalated)}},
			[]string{"3:handoff_received"}},
		{"escalated without a team: the whole tier, leads too", Change{ActorID: 1, Ticket: ticket.Ticket{ID: 9, TierID: 2, HandedOffBy: []int64{1}}, Events: []ticket.Event{ev(ticket.Escalated)}},
			[]string{"3:handoff_received", "4:handoff_received", "5:handoff_received"}},
		{"sensitive hand-off: agents of the team may not read it", Change{ActorID: 1, Ticket: ticket.Ticket{ID: 9, TierID: 2, Sensitive: true}, Events: []ticket.Event{ev(ticket.Escalated)}},
			[]string{"5:handoff_received"}},
		{"came back down: who handed it off first, then the tier", Change{ActorID: 3, Ticket: backDown, Events: []ticket.Event{ev(ticket.DeEscalated)}},
			[]string{"1:handoff_returned", "2:handoff_received"}},
		{"moved on: who handed it off, elsewhere now, is not told", Change{ActorID: 3, Ticket: ticket.Ticket{ID: 9, TierID: 3, HandedOffBy: []int64{1, 3}}, Events: []ticket.Event{ev(ticket.Escalated)}}, nil},
		{"solved: who handed it off", Change{ActorID: 3, Ticket: l2, Events: []ticket.Event{ev(ticket.StatusChanged, "from", "open", "to", "solved")}}, []string{"1:handoff_solved"}},
		{"solved sensitive: who handed it off may not read it any more", Change{ActorID: 3, Ticket: l2sensitive, Events: []ticket.Event{ev(ticket.StatusChanged, "from", "open", "to", "solved")}}, nil},
		{"pending is not solved", Change{ActorID: 3, Ticket: l2, Events: []ticket.Event{ev(ticket.StatusChanged, "from", "open", "to", "pending")}}, nil},
		{"invited to a swarm: the ticket after the change lists them", Change{ActorID: 1, Ticket: ticket.Ticket{ID: 9, TierID: 1, Collaborators: []int64{4, 7}},
			Events: []ticket.Event{ev(ticket.SwarmJoined, "agent_id", "4"), ev(ticket.SwarmJoined, "agent_id", "7")}}, []string{"4:swarm_invited", "7:swarm_invited"}},
		{"invited, but the ticket does not list them", Change{ActorID: 1, Ticket: l1, Events: []ticket.Event{ev(ticket.SwarmJoined, "agent_id", "4")}}, nil},
		{"mentioned in a note", Change{ActorID: 1, Ticket: l1, Events: []ticket.Event{note("@Thomas can you look? cc @Sophie Laurent and @nadia")}},
			[]string{"2:mentioned", "5:mentioned"}},
		{"mentioned but may not read it", Change{ActorID: 1, Ticket: l1, Events: []ticket.Event{note("@Julie any idea?")}}, nil},
		{"mentioned while inactive", Change{ActorID: 1, Ticket: l1, Events: []ticket.Event{note("@Gone")}}, nil},
		{"the customer answered: the owner", Change{Ticket: ticket.Ticket{ID: 9, TierID: 1, OwnerID: 2}, Events: []ticket.Event{customerMsg}}, []string{"2:customer_replied"}},
		{"the customer answered an unowned ticket", Change{Ticket: l1, Events: []ticket.Event{customerMsg}}, nil},
		{"one notice per agent: the first that applies", Change{ActorID: 5, Ticket: ticket.Ticket{ID: 9, TierID: 1, OwnerID: 2},
			Events: []ticket.Event{ev(ticket.OwnerChanged, "to", "2"), note("@Thomas")}}, []string{"2:assigned"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, n := range Decide(tc.change, team) {
				if n.TicketID != 9 || n.EventID != 100 || n.ActorID != tc.change.ActorID {
					t.Errorf("notice %+v does not carry the change's ticket, event and actor", n)
				}
				got = append(got, fmt.Sprintf("%d:%s", n.AgentID, n.Kind))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The two rules hold for every kind: whatever the change, the actor and
// anyone who may not read the ticket are never told.
func TestDecideNeverTellsTheActorOrAnOutsider(t *testing.T) {
	events := []ticket.Event{ev(ticket.Created), ev(ticket.OwnerChanged, "to", "1"), ev(ticket.Escalated), ev(ticket.DeEscalated),
		ev(ticket.SwarmJoined, "agent_id", "1"), note("@Nadia @Thomas @Julie @Karim @Sophie"), {Kind: ticket.CustomerMessage, ActorCustomerID: 3},
		ev(ticket.StatusChanged, "from", "open", "to", "solved")}
	tickets := []ticket.Ticket{{ID: 9, TierID: 1, OwnerID: 1, HandedOffBy: []int64{2, 3}}, {ID: 9, TierID: 2, TeamID: 22, Sensitive: true, HandedOffBy: []int64{1}},
		{ID: 9, TierID: 2, OwnerID: 4, Collaborators: []int64{1}}}
	for _, tk := range tickets {
		for _, actor := range team {
			for _, e := range events {
				for _, n := range Decide(Change{ActorID: actor.Actor.AgentID, Ticket: tk, Events: []ticket.Event{e}}, team) {
					var m Member
					for _, x := range team {
						if x.Actor.AgentID == n.AgentID {
							m = x
						}
					}
					if n.AgentID == actor.Actor.AgentID {
						t.Errorf("%s told %s of their own %s", n.Kind, m.Name, e.Kind)
					}
					if !ticket.CanView(m.Actor, tk) {
						t.Errorf("%s told %s about a ticket they may not read (%+v)", n.Kind, m.Name, tk)
					}
				}
			}
		}
	}
}

func TestMentions(t *testing.T) {
	julien := Member{Actor: auth.Actor{AgentID: 8}, Name: "Julien  Petit", Active: true}
	julie2 := Member{Actor: auth.Actor{AgentID: 9}, Name: "Julie Bernard", Active: true}
	tests := []struct {
		body    string
		members []Member
		want    []int64
	}{
		{"@Julie can you check?", team, []int64{3}},
		{"@julie martin, then @JULIE", team, []int64{3}},
		{"@Julien Petit", append(slices.Clone(team), julien), []int64{8}},
		{"@Julien", append(slices.Clone(team), julien), []int64{8}},
		{"@Juliette", team, nil},
		{"write to julie@example.com", team, nil},
		{"two Julies: @Julie is ambiguous", append(slices.Clone(team), julie2), nil},
		{"two Julies: @Julie Bernard is not", append(slices.Clone(team), julie2), []int64{9}},
		{"(@Karim) and @Thomas.", team, []int64{4, 2}},
		{"@", team, nil},
		{"no mention at all", team, nil},
		{"@Gone Away is inactive", team, nil},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			if got := Mentions(tc.body, tc.members); !slices.Equal(got, tc.want) {
				t.Errorf("Mentions(%q) = %v, want %v", tc.body, got, tc.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	for _, k := range Kinds {
		p := Default(k)
		if !p.InApp {
			t.Errorf("%s is not shown in the app by default", k)
		}
		if want := k == Assigned || k == HandoffSolved; p.Email != want {
			t.Errorf("%s by email by default = %v, want %v", k, p.Email, want)
		}
		if !k.Valid() || strings.TrimSpace(string(k)) == "" {
			t.Errorf("kind %q is not valid", k)
		}
	}
	if Kind("everything").Valid() {
		t.Error("an unknown kind is valid")
	}
}

// TestOnCreateMatchesDecide: intake skips the notification step when
// OnCreate says a new ticket tells nobody; Decide must agree on every
// event a new ticket is written with.
func TestOnCreateMatchesDecide(t *testing.T) {
	created := []ticket.Event{ev(ticket.Created), {Kind: ticket.CustomerMessage, ActorCustomerID: 3}, ev(ticket.Routed), ev(ticket.AutoReply)}
	for _, tk := range []ticket.Ticket{{ID: 9, TierID: 1}, {ID: 9, TierID: 2, TeamID: 2}, {ID: 9, TierID: 1, OwnerID: 2}, {ID: 9, TierID: 1, OwnerID: 2, Sensitive: true}} {
		got := Decide(Change{ActorID: 5, Ticket: tk, Events: created}, team)
		if !OnCreate(tk) && len(got) > 0 {
			t.Errorf("ticket %+v: OnCreate says nobody, Decide tells %v", tk, got)
		}
	}
	if !OnCreate(ticket.Ticket{OwnerID: 2}) || len(Decide(Change{ActorID: 5, Ticket: ticket.Ticket{ID: 9, TierID: 1, OwnerID: 2}, Events: created}, team)) == 0 {
		t.Error("a ticket created with an owner must tell the owner")
	}
}
