package macro

import (
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

func TestRender(t *testing.T) {
	v := Values{CustomerName: "Élise Moreau", TicketRef: "#1042", AgentName: "Nadia Benali",
		Article: func(id int64) (string, string, bool) {
			if id == 7 {
				return "Réinitialiser son mot de passe", "https://help.example/help/articles/7", true
			}
			return "", "", false
		}}
	cases := []struct {
		name, in, want string
		missing        []string
	}{
		{"plain text", "Bonjour", "Bonjour", nil},
		{"every field", "Bonjour {{customer_first_name}} ({{customer_name}}), {{ticket_ref}} — {{agent_first_name}} / {{ agent_name }}",
			"Bonjour Élise (Élise Moreau), #1042 — Nadia / Nadia Benali", nil},
		{"article link", "Voir {{article:7}}.", "Voir Réinitialiser son mot de passe : https://help.example/help/articles/7.", nil},
		{"unpublished article", "Voir {{article:8}}.", "Voir .", []string{"{{article:8}}"}},
		{"unknown name", "{{nope}}!", "!", []string{"{{nope}}"}},
		{"unclosed braces stay", "a {{customer_name", "a {{customer_name", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, missing := Render(c.in, v)
			if got != c.want || !slices.Equal(missing, c.missing) {
				t.Errorf("Render(%q) = %q, %v; want %q, %v", c.in, got, missing, c.want, c.missing)
			}
		})
	}
	// A customer without a name: the agent is told, the customer never
	// reads a raw placeholder.
	got, missing := Render("Bonjour {{customer_first_name}},", Values{})
	if got != "Bonjour ," || !slices.Equal(missing, []string{"{{customer_first_name}}"}) {
		t.Errorf("no name: %q %v", got, missing)
	}
}

func TestCheck(t *testing.T) {
	long := strings.Repeat("x", MaxName+1)
	cases := []struct {
		name  string
		m     Macro
		codes map[string]string // field → code; empty means valid
	}{
		{"valid shared", Macro{Name: "Mot de passe", Scope: Shared, BodyFR: "Bonjour {{customer_first_name}}"}, nil},
		{"actions only", Macro{Name: "Clore", Scope: Personal, Actions: Actions{Status: "solved"}}, nil},
		{"missing name", Macro{Scope: Shared, BodyFR: "x"}, map[string]string{"name": "required"}},
		{"long name", Macro{Name: long, Scope: Shared, BodyFR: "x"}, map[string]string{"name": "too_long"}},
		{"bad scope", Macro{Name: "a", Scope: "everyone", BodyFR: "x"}, map[string]string{"scope": "unknown_value"}},
		{"team without team", Macro{Name: "a", Scope: Team, BodyFR: "x"}, map[string]string{"team_id": "required"}},
		{"empty", Macro{Name: "a", Scope: Shared}, map[string]string{"body_fr": "empty_macro"}},
		{"unknown placeholder", Macro{Name: "a", Scope: Shared, BodyEN: "Hi {{customer}}"}, map[string]string{"body_en": "unknown_placeholder"}},
		{"bad article id", Macro{Name: "a", Scope: Shared, BodyFR: "{{article:x}}"}, map[string]string{"body_fr": "unknown_placeholder"}},
		{"bad actions", Macro{Name: "a", Scope: Shared, Actions: Actions{Status: "done", Priority: "asap", Assign: "someone"}},
			map[string]string{"actions.status": "unknown_value", "actions.priority": "unknown_value", "actions.assign": "unknown_value"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := problem.Fields{}
			m := c.m
			Check(f, &m)
			err := f.Err()
			if len(c.codes) == 0 {
				if err != nil {
					t.Fatalf("refused a valid macro: %v", err)
				}
				return
			}
			p, ok := problem.As(err)
			if !ok {
				t.Fatalf("accepted: %+v", m)
			}
			got := map[string]string{}
			for field, fe := range p.Fields {
				got[field] = fe.Code
			}
			for field, code := range c.codes {
				if got[field] != code {
					t.Errorf("field %s: code %q, want %q (all: %v)", field, got[field], code, got)
				}
			}
		})
	}
}

func TestCheckNormalises(t *testing.T) {
	m := Macro{Name: "  Relance  ", Scope: Personal, TeamID: 4, BodyFR: " Bonjour ", Actions: Actions{AddTags: []string{"Relance", "relance"}}}
	f := problem.Fields{}
	Check(f, &m)
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Relance" || m.BodyFR != "Bonjour" || m.TeamID != 0 || !slices.Equal(m.Actions.AddTags, []string{"relance"}) {
		t.Errorf("not normalised: %+v", m)
	}
}

func TestWhoMayUseAndManage(t *testing.T) {
	agent := auth.Actor{AgentID: 1, WorkspaceID: 9, Role: workspace.Agent, TeamIDs: []int64{5}}
	other := auth.Actor{AgentID: 2, WorkspaceID: 9, Role: workspace.Agent}
	lead := auth.Actor{AgentID: 3, WorkspaceID: 9, Role: workspace.Lead}
	collab := auth.Actor{AgentID: 4, WorkspaceID: 9, Role: workspace.Collaborator, TeamIDs: []int64{5}}
	stranger := auth.Actor{AgentID: 1, WorkspaceID: 8, Role: workspace.Admin}
	mine := Macro{WorkspaceID: 9, Scope: Personal, OwnerID: 1}
	team := Macro{WorkspaceID: 9, Scope: Team, TeamID: 5}
	shared := Macro{WorkspaceID: 9, Scope: Shared}
	cases := []struct {
		name        string
		a           auth.Actor
		m           Macro
		use, manage bool
	}{
		{"owner, personal", agent, mine, true, true},
		{"another agent, personal", other, mine, false, false},
		{"lead, someone's personal", lead, mine, false, false},
		{"team member, team", agent, team, true, false},
		{"outside the team", other, team, false, false},
		{"lead, team", lead, team, true, true},
		{"agent, shared", other, shared, true, false},
		{"lead, shared", lead, shared, true, true},
		{"collaborator", collab, team, false, false},
		{"another workspace", stranger, shared, false, false},
	}
	for _, c := range cases {
		if got := CanUse(c.a, c.m); got != c.use {
			t.Errorf("%s: CanUse = %v, want %v", c.name, got, c.use)
		}
		if got := CanManage(c.a, c.m); got != c.manage {
			t.Errorf("%s: CanManage = %v, want %v", c.name, got, c.manage)
		}
	}
}

func TestBodyFallsBackToTheOtherLanguage(t *testing.T) {
	both := Macro{BodyFR: "Bonjour", BodyEN: "Hello"}
	fr := Macro{BodyFR: "Bonjour"}
	en := Macro{BodyEN: "Hello"}
	for _, c := range []struct {
		m          Macro
		lang, want string
	}{{both, "fr", "Bonjour"}, {both, "en", "Hello"}, {fr, "en", "Bonjour"}, {en, "fr", "Hello"}} {
		if got := c.m.Body(c.lang); got != c.want {
			t.Errorf("Body(%s) of %+v = %q, want %q", c.lang, c.m, got, c.want)
		}
	}
}

func TestAssignTo(t *testing.T) {
	for _, c := range []struct {
		assign string
		id     int64
		ok     bool
	}{{"", 0, false}, {"me", 42, true}, {"none", 0, true}, {"17", 17, true}} {
		id, ok := Actions{Assign: c.assign}.AssignTo(42)
		if id != c.id || ok != c.ok {
			t.Errorf("AssignTo(%q) = %d, %v; want %d, %v", c.assign, id, ok, c.id, c.ok)
		}
	}
}

// A macro answers in the reader's language, and in the other one when it
// has no text in theirs; any French tag reads the French text.
func TestBodyInTheReadersLanguage(t *testing.T) {
	both := Macro{BodyFR: "Bonjour", BodyEN: "Hello"}
	for _, c := range []struct {
		m          Macro
		lang, want string
	}{
		{both, "fr", "Bonjour"},
		{both, "fr-CA", "Bonjour"},
		{both, "en", "Hello"},
		{both, "de", "Hello"},
		{Macro{BodyFR: "Bonjour"}, "en", "Bonjour"},
		{Macro{BodyEN: "Hello"}, "fr", "Hello"},
	} {
		if got := c.m.Body(c.lang); got != c.want {
			t.Errorf("Body(%q) of %+v = %q, want %q", c.lang, c.m, got, c.want)
		}
	}
}
