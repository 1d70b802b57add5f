package desk

import (
	"context"
	"encoding/json"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// The workspace's setup is changed by admins only; every change is written
// to the audit log in the same transaction (see the store).

// UpdateWorkspace saves the workspace settings (support model, languages…).
func (d *Service) UpdateWorkspace(ctx context.Context, a auth.Actor, w workspace.Workspace) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	w.ID = a.WorkspaceID
	return d.store.UpdateWorkspace(ctx, a.AgentID, w)
}

// CreateTier adds a tier.
func (d *Service) CreateTier(ctx context.Context, a auth.Actor, t workspace.Tier) (workspace.Tier, error) {
	if err := requireAdmin(a); err != nil {
		return t, err
	}
	return d.store.CreateTier(ctx, a.WorkspaceID, a.AgentID, t)
}

// UpdateTier saves a tier.
func (d *Service) UpdateTier(ctx context.Context, a auth.Actor, t workspace.Tier) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.UpdateTier(ctx, a.WorkspaceID, a.AgentID, t)
}

// CreateTeam adds a team.
func (d *Service) CreateTeam(ctx context.Context, a auth.Actor, t workspace.Team) (workspace.Team, error) {
	if err := requireAdmin(a); err != nil {
		return t, err
	}
	return d.store.CreateTeam(ctx, a.WorkspaceID, a.AgentID, t)
}

// UpdateTeam saves a team with its members and skills.
func (d *Service) UpdateTeam(ctx context.Context, a auth.Actor, t workspace.Team) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.UpdateTeam(ctx, a.WorkspaceID, a.AgentID, t)
}

// CreateRequestType adds a request type.
func (d *Service) CreateRequestType(ctx context.Context, a auth.Actor, rt workspace.RequestType) (workspace.RequestType, error) {
	if err := requireAdmin(a); err != nil {
		return rt, err
	}
	return d.store.CreateRequestType(ctx, a.WorkspaceID, a.AgentID, rt)
}

// UpdateRequestType saves a request type.
func (d *Service) UpdateRequestType(ctx context.Context, a auth.Actor, rt workspace.RequestType) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.UpdateRequestType(ctx, a.WorkspaceID, a.AgentID, rt)
}

// CreateCustomField adds a custom field definition.
func (d *Service) CreateCustomField(ctx context.Context, a auth.Actor, cf workspace.CustomField) (workspace.CustomField, error) {
	if err := requireAdmin(a); err != nil {
		return cf, err
	}
	return d.store.CreateCustomField(ctx, a.WorkspaceID, a.AgentID, cf)
}

// UpdateCustomField saves a custom field definition.
func (d *Service) UpdateCustomField(ctx context.Context, a auth.Actor, cf workspace.CustomField) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return d.store.UpdateCustomField(ctx, a.WorkspaceID, a.AgentID, cf)
}

// CreateMember adds an agent, lead or admin. A password shorter than
// auth.MinPasswordLength is refused; an empty one leaves the account unable
// to sign in until a password is set.
func (d *Service) CreateMember(ctx context.Context, a auth.Actor, m workspace.Member, password string) (workspace.Member, error) {
	if err := requireAdmin(a); err != nil {
		return m, err
	}
	hash, err := hashNewPassword(password)
	if err != nil {
		return m, err
	}
	return d.store.CreateMember(ctx, a.WorkspaceID, a.AgentID, m, hash)
}

// UpdateMember saves a member's profile, role, tiers and teams.
func (d *Service) UpdateMember(ctx context.Context, a auth.Actor, m workspace.Member) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	if m.ID == a.AgentID && (m.Role != workspace.Admin || !m.Active) {
		// An admin cannot lock themselves out by mistake.
		f := problem.Fields{}
		f.Add("role", "self_demotion", "you cannot remove your own administrator access")
		return f.Err()
	}
	return d.store.UpdateMember(ctx, a.WorkspaceID, a.AgentID, m)
}

// SetPassword sets a member's password: their own, or anyone's for admins.
func (d *Service) SetPassword(ctx context.Context, a auth.Actor, agentID int64, password string) error {
	if agentID != a.AgentID {
		if err := requireAdmin(a); err != nil {
			return err
		}
	}
	if password == "" {
		f := problem.Fields{}
		f.Required("password")
		return f.Err()
	}
	hash, err := hashNewPassword(password)
	if err != nil {
		return err
	}
	return d.store.SetPassword(ctx, a.WorkspaceID, a.AgentID, agentID, hash)
}

func hashNewPassword(password string) (string, error) {
	if password == "" {
		return "", nil
	}
	if len([]rune(password)) < auth.MinPasswordLength {
		f := problem.Fields{}
		f.Add("password", "too_short", "is too short", "min", "10")
		return "", f.Err()
	}
	return auth.HashPassword(password)
}

// Member returns a member of the actor's workspace.
func (d *Service) Member(ctx context.Context, a auth.Actor, id int64) (workspace.Member, error) {
	return d.store.Member(ctx, a.WorkspaceID, id)
}

// AuditLog lists the workspace's audit log (leads and admins).
func (d *Service) AuditLog(ctx context.Context, a auth.Actor, before int64, limit int) ([]store.AuditEntry, error) {
	if err := requireLead(a); err != nil {
		return nil, err
	}
	return d.store.AuditLog(ctx, a.WorkspaceID, before, limit)
}

// AuditEntries lists the audit log through a filter, each entry with the
// state before it (leads and admins).
func (d *Service) AuditEntries(ctx context.Context, a auth.Actor, f store.AuditFilter, limit int) ([]store.AuditEntry, map[int64]json.RawMessage, error) {
	if err := requireLead(a); err != nil {
		return nil, nil, err
	}
	list, err := d.store.AuditEntries(ctx, a.WorkspaceID, f, limit)
	if err != nil {
		return nil, nil, err
	}
	before, err := d.store.AuditBefore(ctx, a.WorkspaceID, list)
	return list, before, err
}
