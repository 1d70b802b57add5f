package api

import (
	"context"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/workspace"
)

// meOut is who the bearer token speaks for, with what they may see.
type meOut struct {
	AgentID     int64          `json:"agent_id"`
	WorkspaceID int64          `json:"workspace_id"`
	Name        string         `json:"name"`
	Email       string         `json:"email"`
	Role        workspace.Role `json:"role"`
	Language    string         `json:"language"`
	Timezone    string         `json:"timezone"`
	TierIDs     []int64        `json:"tier_ids"`
	TeamIDs     []int64        `json:"team_ids"`
}

func (a *API) me(c *call) (any, error) {
	x := c.actor
	return meOut{AgentID: x.AgentID, WorkspaceID: x.WorkspaceID, Name: x.Name, Email: x.Email, Role: x.Role,
		Language: x.Language, Timezone: x.Timezone, TierIDs: nonNil(x.TierIDs), TeamIDs: nonNil(x.TeamIDs)}, nil
}

// agentBody is what an admin may set on a member.
type agentBody struct {
	Email    string         `json:"email"`
	Name     string         `json:"name"`
	Role     workspace.Role `json:"role"`
	Language string         `json:"language"` // "" = from the browser
	Timezone string         `json:"timezone"` // "" = the workspace's
	Active   bool           `json:"active"`
	TierIDs  []int64        `json:"tier_ids"`
	TeamIDs  []int64        `json:"team_ids"`
}

func agentBodyOf(m workspace.Member) agentBody {
	return agentBody{Email: m.Email, Name: m.Name, Role: m.Role, Language: m.Language, Timezone: m.Timezone,
		Active: m.Active, TierIDs: m.TierIDs, TeamIDs: m.TeamIDs}
}

func (b agentBody) member(id int64) workspace.Member {
	return workspace.Member{ID: id, Email: b.Email, Name: b.Name, Role: b.Role, Language: b.Language, Timezone: b.Timezone,
		Active: b.Active, TierIDs: b.TierIDs, TeamIDs: b.TeamIDs}
}

// agentJSON is a member as the API serves it (schema Agent): its own type,
// so what the workspace package adds to a member does not appear in the
// API unannounced. What an admin sets is declared once, in agentBody.
type agentJSON struct {
	ID int64 `json:"id"`
	agentBody
	CreatedAt time.Time `json:"created_at"`
}

func agentOut(m workspace.Member) agentJSON {
	b := agentBodyOf(m)
	b.TierIDs, b.TeamIDs = nonNil(m.TierIDs), nonNil(m.TeamIDs)
	return agentJSON{ID: m.ID, agentBody: b, CreatedAt: m.CreatedAt}
}

// listAgents lists every member: a workspace has tens to a few hundred, and
// the desk bounds the list (1000), so it comes as one page.
func (a *API) listAgents(c *call) (any, error) {
	dir, err := a.desk.DirectoryFor(c.r.Context(), c.actor)
	if err != nil {
		return nil, err
	}
	return page[agentJSON]{Data: each(dir.Members, agentOut)}, nil
}

func (a *API) getAgent(c *call) (any, error) { return byID(c, a.desk.Member, render(agentOut)) }

func (a *API) createAgent(c *call) (any, error) {
	var in struct {
		agentBody
		Password string `json:"password"`
	}
	in.Active = true // a new account works unless said otherwise
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	m, err := a.desk.CreateMember(ctx, c.actor, in.member(0), in.Password)
	if err != nil {
		return nil, err
	}
	if m, err = a.desk.Member(ctx, c.actor, m.ID); err != nil {
		return nil, err
	}
	c.created(pathOf("/agents", m.ID))
	return agentOut(m), nil
}

func (a *API) updateAgent(c *call) (any, error) {
	return patch(c, a.desk.Member, agentBodyOf, func(ctx context.Context, actor auth.Actor, id int64, in agentBody) error {
		return a.desk.UpdateMember(ctx, actor, in.member(id))
	}, agentOut)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
