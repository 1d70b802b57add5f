// Package macro holds the rules of macros: canned replies in French and
// English with placeholders, plus actions applied to the ticket with the
// reply (status, priority, request type, tags, assignment). Who may use
// and who may change a macro depends on its scope. A macro never moves a
// ticket to another tier: that is escalation, with its checklist.
package macro

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// Scope says who sees a macro.
type Scope string

const (
	Personal Scope = "personal" // its owner only
	Team     Scope = "team"     // the members of one team
	Shared   Scope = "shared"   // everyone in the workspace
)

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return s == Personal || s == Team || s == Shared }

// Limits of what a macro holds.
const (
	MaxName = 120
	MaxBody = 20000
)

// Assignment values besides an agent's id.
const (
	AssignMe   = "me"   // the agent applying the macro
	AssignNone = "none" // nobody
)

// Actions are the changes a macro makes; empty fields leave the ticket as
// it is.
type Actions struct {
	Status      string   `json:"status,omitempty"`
	Priority    string   `json:"priority,omitempty"`
	RequestType string   `json:"request_type,omitempty"` // a request type's key
	AddTags     []string `json:"add_tags,omitempty"`
	Assign      string   `json:"assign,omitempty"` // "me", "none" or an agent's id
}

// Empty reports whether the macro changes nothing on the ticket.
func (a Actions) Empty() bool {
	return a.Status == "" && a.Priority == "" && a.RequestType == "" && len(a.AddTags) == 0 && a.Assign == ""
}

// AssignTo resolves the assignment for the agent applying the macro:
// ok is false when the macro leaves the owner as it is; 0 unassigns.
func (a Actions) AssignTo(actorID int64) (id int64, ok bool) {
	switch a.Assign {
	case "":
		return 0, false
	case AssignMe:
		return actorID, true
	case AssignNone:
		return 0, true
	}
	id, err := strconv.ParseInt(a.Assign, 10, 64)
	return id, err == nil
}

// Macro is a canned reply with actions.
type Macro struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	Name        string    `json:"name"`
	Scope       Scope     `json:"scope"`
	OwnerID     int64     `json:"owner_id,omitempty"` // personal macros
	TeamID      int64     `json:"team_id,omitempty"`  // team macros
	BodyFR      string    `json:"body_fr"`
	BodyEN      string    `json:"body_en"`
	Actions     Actions   `json:"actions"`
	Usage       int64     `json:"usage"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Body is the text in the language asked for, else the other one: a
// macro written in one language still serves.
func (m Macro) Body(lang string) string { return i18n.Either(lang, m.BodyEN, m.BodyFR) }

// CanUse reports whether the actor sees and may apply the macro.
func CanUse(a auth.Actor, m Macro) bool {
	if a.WorkspaceID != m.WorkspaceID || a.IsCollaborator() {
		return false
	}
	switch m.Scope {
	case Personal:
		return m.OwnerID == a.AgentID
	case Team:
		return a.InTeam(m.TeamID) || a.IsLeadOrAdmin()
	}
	return true
}

// CanManage reports whether the actor may create, change or delete the
// macro: their own personal macros, and, for leads and admins, the team
// and shared ones everyone relies on.
func CanManage(a auth.Actor, m Macro) bool {
	if a.WorkspaceID != m.WorkspaceID || a.IsCollaborator() {
		return false
	}
	if m.Scope == Personal {
		return m.OwnerID == a.AgentID
	}
	return a.IsLeadOrAdmin()
}

// Check validates a macro's own fields (not the references to the
// workspace's teams, agents and request types, which the caller checks
// against its directory) and normalises them.
func Check(f problem.Fields, m *Macro) {
	m.Name = strings.TrimSpace(m.Name)
	switch n := utf8.RuneCountInString(m.Name); {
	case n == 0:
		f.Required("name")
	case n > MaxName:
		f.Add("name", "too_long", "is too long", "max", strconv.Itoa(MaxName))
	}
	if !m.Scope.Valid() {
		f.Add("scope", "unknown_value", "must be personal, team or shared", "value", string(m.Scope))
	}
	if m.Scope == Team && m.TeamID == 0 {
		f.Required("team_id")
	}
	if m.Scope != Team {
		m.TeamID = 0
	}
	m.BodyFR, m.BodyEN = strings.TrimSpace(m.BodyFR), strings.TrimSpace(m.BodyEN)
	checkBody(f, "body_fr", m.BodyFR)
	checkBody(f, "body_en", m.BodyEN)
	if m.BodyFR == "" && m.BodyEN == "" && m.Actions.Empty() {
		f.Add("body_fr", "empty_macro", "write a reply or choose at least one action")
	}
	checkActions(f, &m.Actions)
}

func checkBody(f problem.Fields, field, body string) {
	if utf8.RuneCountInString(body) > MaxBody {
		f.Add(field, "too_long", "is too long", "max", strconv.Itoa(MaxBody))
		return
	}
	for _, p := range Placeholders(body) {
		if _, ok := parsePlaceholder(p); !ok {
			f.Add(field, "unknown_placeholder", "unknown placeholder", "value", "{{"+p+"}}")
			return
		}
	}
}

func checkActions(f problem.Fields, a *Actions) {
	if a.Status != "" && !ticket.Status(a.Status).Valid() {
		f.Add("actions.status", "unknown_value", "unknown status", "value", a.Status)
	}
	if a.Priority != "" {
		if _, ok := ticket.ParsePriority(a.Priority); !ok {
			f.Add("actions.priority", "unknown_value", "must be low, normal, high or urgent", "value", a.Priority)
		}
	}
	if len(a.AddTags) > 0 {
		a.AddTags = ticket.NormalizeTags(f, "actions.add_tags", a.AddTags)
	}
	switch a.Assign {
	case "", AssignMe, AssignNone:
	default:
		if id, err := strconv.ParseInt(a.Assign, 10, 64); err != nil || id <= 0 {
			f.Add("actions.assign", "unknown_value", "must be me, none or an agent's id", "value", a.Assign)
		}
	}
}
