package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
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

// adminCreate and adminUpdate are the setup writes whose only rule is
// who may make them: an admin, in their own workspace, recorded as the
// actor in the audit log (which the store writes with the change).
func adminCreate[T any](ctx context.Context, a auth.Actor, v T, create func(context.Context, int64, int64, T) (T, error)) (T, error) {
	if err := requireAdmin(a); err != nil {
		return v, err
	}
	return create(ctx, a.WorkspaceID, a.AgentID, v)
}

func adminUpdate[T any](ctx context.Context, a auth.Actor, v T, update func(context.Context, int64, int64, T) error) error {
	return updateIfAllowed(ctx, a, requireAdmin, v, update)
}

// updateIfAllowed is an audited update whose only rule is who may make it
// (allowed says): the admins' setup writes and support's customer writes
// differ in that rule alone.
func updateIfAllowed[T any](ctx context.Context, a auth.Actor, allowed func(auth.Actor) error, v T, update func(ctx context.Context, wsID, actorID int64, v T) error) error {
	if err := allowed(a); err != nil {
		return err
	}
	return update(ctx, a.WorkspaceID, a.AgentID, v)
}

// CreateTier adds a tier.
func (d *Service) CreateTier(ctx context.Context, a auth.Actor, t workspace.Tier) (workspace.Tier, error) {
	return adminCreate(ctx, a, t, d.store.CreateTier)
}

// UpdateTier saves a tier.
func (d *Service) UpdateTier(ctx context.Context, a auth.Actor, t workspace.Tier) error {
	return adminUpdate(ctx, a, t, d.store.UpdateTier)
}

// CreateTeam adds a team.
func (d *Service) CreateTeam(ctx context.Context, a auth.Actor, t workspace.Team) (workspace.Team, error) {
	return adminCreate(ctx, a, t, d.store.CreateTeam)
}

// UpdateTeam saves a team with its members and skills.
func (d *Service) UpdateTeam(ctx context.Context, a auth.Actor, t workspace.Team) error {
	return adminUpdate(ctx, a, t, d.store.UpdateTeam)
}

// CreateRequestType adds a request type.
func (d *Service) CreateRequestType(ctx context.Context, a auth.Actor, rt workspace.RequestType) (workspace.RequestType, error) {
	return adminCreate(ctx, a, rt, d.store.CreateRequestType)
}

// UpdateRequestType saves a request type. Deactivating one that routing
// rules name is refused (409) until the rules stop naming it.
func (d *Service) UpdateRequestType(ctx context.Context, a auth.Actor, rt workspace.RequestType) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	if !rt.Active {
		if err := d.refuseIfRulesUse(ctx, a, routing.RefRequestType, rt.ID); err != nil {
			return err
		}
	}
	return d.store.UpdateRequestType(ctx, a.WorkspaceID, a.AgentID, rt)
}

// CreateCustomField adds a custom field definition.
func (d *Service) CreateCustomField(ctx context.Context, a auth.Actor, cf workspace.CustomField) (workspace.CustomField, error) {
	return adminCreate(ctx, a, cf, d.store.CreateCustomField)
}

// UpdateCustomField saves a custom field definition.
func (d *Service) UpdateCustomField(ctx context.Context, a auth.Actor, cf workspace.CustomField) error {
	return adminUpdate(ctx, a, cf, d.store.UpdateCustomField)
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
// Deactivating a member whom routing rules assign tickets to is refused
// (409) until the rules stop naming them.
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
	if !m.Active {
		if err := d.refuseIfRulesUse(ctx, a, routing.RefAgent, m.ID); err != nil {
			return err
		}
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
	if a.IsCollaborator() && id != a.AgentID {
		// Only the people a collaborator meets (see Directory).
		ids, err := d.store.Coworkers(ctx, a.WorkspaceID, a.AgentID)
		if err != nil {
			return workspace.Member{}, err
		}
		if !slices.Contains(ids, id) {
			return workspace.Member{}, problem.NotFoundf("agent")
		}
	}
	return d.store.Member(ctx, a.WorkspaceID, id)
}

// AuditLog lists the workspace's audit log (leads and admins).
func (d *Service) AuditLog(ctx context.Context, a auth.Actor, before int64, limit int) ([]store.AuditEntry, error) {
	if err := requireLead(a); err != nil {
		return nil, err
	}
	return d.store.AuditLog(ctx, a.WorkspaceID, before, limit)
}

// refuseIfRulesUse refuses to deactivate what the saved routing rules
// name (kind and id as routing.Refs): the rules would stop compiling and
// every new ticket would follow the default route. The caller edits those
// rules first; the refusal lists them.
func (d *Service) refuseIfRulesUse(ctx context.Context, a auth.Actor, kind string, id int64) error {
	_, rs, err := d.rulesNow(ctx, a)
	if err != nil {
		return err
	}
	return usedByRules(rs.Uses(kind, id))
}

// usedByRules is the 409 that lists the rules using something, or nil.
func usedByRules(uses []routing.Use) error {
	if len(uses) == 0 {
		return nil
	}
	var names, ids []string
	fallback := false
	for _, u := range uses {
		if u.Index < 0 {
			fallback = true
			continue
		}
		names = append(names, fmt.Sprintf("%d (%s)", u.Index+1, u.Name))
		ids = append(ids, strconv.FormatInt(u.ID, 10))
	}
	code, msg := "used_by_routing_rules", "routing rules use it: "+strings.Join(names, ", ")+"; change those rules first"
	switch {
	case fallback && len(names) == 0:
		code, msg = "used_by_routing_fallback", "the default route uses it; change the default route first"
	case fallback:
		code, msg = "used_by_routing_rules_and_fallback", "routing rules use it ("+strings.Join(names, ", ")+") and the default route; change them first"
	}
	return &problem.Error{Kind: problem.Conflict, Code: code, Message: msg,
		Params: map[string]string{"rules": strings.Join(names, ", "), "rule_ids": strings.Join(ids, ",")}}
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
