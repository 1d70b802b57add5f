package api

import (
	"context"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/workspace"
)

// The workspace's setup: tiers, teams, request types, custom fields and
// settings. Every member may read it (agents need the names to read
// tickets); only admins change it, which the desk enforces. Lists are small
// and bounded by nature, so each comes as one page.

func (a *API) directory(ctx context.Context, actor auth.Actor) (desk.Directory, error) {
	return a.desk.Directory(ctx, actor)
}

// find returns the element of list with the id, or a not-found problem.
func find[T any](list []T, id int64, idOf func(T) int64, object string) (T, error) {
	for _, v := range list {
		if idOf(v) == id {
			return v, nil
		}
	}
	var zero T
	return zero, problem.NotFoundf(object)
}

func onePage[T any](list []T) page[T] { return page[T]{Data: nonNil(list)} }

// Tiers.

// Tiers and teams have a name in each language (name_fr, name_en). For
// older callers, name is the name in the caller's language: on output the
// one Accept-Language asks for; on create it fills whichever of the two is
// missing; on update it replaces the caller's language's name only.

// bilingual applies a single name the way the comment above says.
func bilingual(lang, name string, fr, en *string, create bool) {
	if name == "" {
		return
	}
	if create {
		if *fr == "" {
			*fr = name
		}
		if *en == "" {
			*en = name
		}
		return
	}
	*i18n.Pick(lang, en, fr) = name
}

type tierBody struct {
	Name        string  `json:"name"`
	NameFR      string  `json:"name_fr"`
	NameEN      string  `json:"name_en"`
	Description string  `json:"description"`
	TargetShare float64 `json:"target_share"`
	Position    int     `json:"position"`
	External    bool    `json:"external"`
	VendorEmail string  `json:"vendor_email"`
}

func (b tierBody) tier(lang string, id int64, code string) workspace.Tier {
	bilingual(lang, b.Name, &b.NameFR, &b.NameEN, id == 0)
	return workspace.Tier{ID: id, Code: code, NameFR: b.NameFR, NameEN: b.NameEN, Description: b.Description, TargetShare: b.TargetShare,
		Position: b.Position, External: b.External, VendorEmail: b.VendorEmail}
}

func (a *API) listTiers(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return onePage(each(dir.Tiers, func(t workspace.Tier) tierJSON { return tierOut(c.lang, t) })), err
}

func (a *API) createTier(c *call) (any, error) {
	var in struct {
		Code string `json:"code"` // fixed once created
		tierBody
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t, err := a.desk.CreateTier(c.r.Context(), c.actor, in.tier(c.lang, 0, in.Code))
	if err != nil {
		return nil, err
	}
	c.created("")
	t.Normalize()
	return tierOut(c.lang, t), nil
}

func (a *API) updateTier(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	dir, err := a.directory(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	cur, err := find(dir.Tiers, id, func(t workspace.Tier) int64 { return t.ID }, "tier")
	if err != nil {
		return nil, err
	}
	in := tierBody{NameFR: cur.NameFR, NameEN: cur.NameEN, Description: cur.Description, TargetShare: cur.TargetShare, Position: cur.Position,
		External: cur.External, VendorEmail: cur.VendorEmail}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t := in.tier(c.lang, id, cur.Code)
	if err := a.desk.UpdateTier(ctx, c.actor, t); err != nil {
		return nil, err
	}
	t.Normalize()
	return tierOut(c.lang, t), nil
}

// Teams.

type teamBody struct {
	TierID      int64   `json:"tier_id"`
	Name        string  `json:"name"`
	NameFR      string  `json:"name_fr"`
	NameEN      string  `json:"name_en"`
	Description string  `json:"description"`
	SkillIDs    []int64 `json:"skill_ids"`
	MemberIDs   []int64 `json:"member_ids"`
}

func (b teamBody) team(lang string, id int64, create bool) workspace.Team {
	bilingual(lang, b.Name, &b.NameFR, &b.NameEN, create)
	return workspace.Team{ID: id, TierID: b.TierID, NameFR: b.NameFR, NameEN: b.NameEN, Description: b.Description,
		SkillIDs: nonNil(b.SkillIDs), MemberIDs: nonNil(b.MemberIDs)}
}

func (a *API) listTeams(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return onePage(each(dir.Teams, func(t workspace.Team) teamJSON { return teamOut(c.lang, t) })), err
}

func (a *API) createTeam(c *call) (any, error) {
	var in teamBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t, err := a.desk.CreateTeam(c.r.Context(), c.actor, in.team(c.lang, 0, true))
	if err != nil {
		return nil, err
	}
	c.created("")
	out := in.team(c.lang, t.ID, true)
	out.Normalize()
	return teamOut(c.lang, out), nil
}

func (a *API) updateTeam(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	dir, err := a.directory(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	cur, err := find(dir.Teams, id, func(t workspace.Team) int64 { return t.ID }, "team")
	if err != nil {
		return nil, err
	}
	in := teamBody{TierID: cur.TierID, NameFR: cur.NameFR, NameEN: cur.NameEN, Description: cur.Description, SkillIDs: cur.SkillIDs, MemberIDs: cur.MemberIDs}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	t := in.team(c.lang, id, false)
	if err := a.desk.UpdateTeam(ctx, c.actor, t); err != nil {
		return nil, err
	}
	t.Normalize()
	return teamOut(c.lang, t), nil
}

// Request types.

type requestTypeBody struct {
	NameFR string                 `json:"name_fr"`
	NameEN string                 `json:"name_en"`
	Active bool                   `json:"active"`
	Model  workspace.SupportModel `json:"model"`
}

func (a *API) listRequestTypes(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return onePage(each(dir.RequestTypes, requestTypeOut)), err
}

func (a *API) createRequestType(c *call) (any, error) {
	var in struct {
		Key string `json:"key"` // fixed once created: routing rules and filters name it
		requestTypeBody
	}
	in.Active = true
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	rt, err := a.desk.CreateRequestType(c.r.Context(), c.actor, workspace.RequestType{Key: in.Key, NameFR: in.NameFR, NameEN: in.NameEN,
		Active: in.Active, Model: in.Model})
	if err != nil {
		return nil, err
	}
	c.created("")
	return requestTypeOut(rt), nil
}

func (a *API) updateRequestType(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	dir, err := a.directory(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	cur, err := find(dir.RequestTypes, id, func(r workspace.RequestType) int64 { return r.ID }, "request_type")
	if err != nil {
		return nil, err
	}
	in := requestTypeBody{NameFR: cur.NameFR, NameEN: cur.NameEN, Active: cur.Active, Model: cur.Model}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	rt := workspace.RequestType{ID: id, Key: cur.Key, NameFR: in.NameFR, NameEN: in.NameEN, Active: in.Active, Model: in.Model}
	if err := a.desk.UpdateRequestType(ctx, c.actor, rt); err != nil {
		return nil, err
	}
	return requestTypeOut(rt), nil
}

// Custom fields.

type customFieldBody struct {
	LabelFR  string   `json:"label_fr"`
	LabelEN  string   `json:"label_en"`
	Options  []string `json:"options"`
	Position int      `json:"position"`
}

func (a *API) listCustomFields(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return onePage(each(dir.CustomFields, customFieldOut)), err
}

func (a *API) createCustomField(c *call) (any, error) {
	var in struct {
		Key  string              `json:"key"`  // fixed once created: tickets store values by key
		Kind workspace.FieldKind `json:"kind"` // fixed: stored values were checked against it
		customFieldBody
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	cf, err := a.desk.CreateCustomField(c.r.Context(), c.actor, workspace.CustomField{Key: in.Key, Kind: in.Kind,
		LabelFR: in.LabelFR, LabelEN: in.LabelEN, Options: in.Options, Position: in.Position})
	if err != nil {
		return nil, err
	}
	c.created("")
	return customFieldOut(cf), nil
}

func (a *API) updateCustomField(c *call) (any, error) {
	id, err := c.id("id")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	dir, err := a.directory(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	cur, err := find(dir.CustomFields, id, func(f workspace.CustomField) int64 { return f.ID }, "custom_field")
	if err != nil {
		return nil, err
	}
	in := customFieldBody{LabelFR: cur.LabelFR, LabelEN: cur.LabelEN, Options: cur.Options, Position: cur.Position}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	cf := workspace.CustomField{ID: id, Key: cur.Key, Kind: cur.Kind, LabelFR: in.LabelFR, LabelEN: in.LabelEN, Options: in.Options, Position: in.Position}
	if err := a.desk.UpdateCustomField(ctx, c.actor, cf); err != nil {
		return nil, err
	}
	return customFieldOut(cf), nil
}

// Workspace settings.

type workspaceBody struct {
	Name            string                 `json:"name"`
	SupportModel    workspace.SupportModel `json:"support_model"`
	Languages       []string               `json:"languages"`
	DefaultLanguage string                 `json:"default_language"`
	Timezone        string                 `json:"timezone"`
	BusinessHours   string                 `json:"business_hours"`
}

const businessHoursDoc = `Opening hours in the workspace's time zone, e.g. "mon-fri 09:00-18:00, sat 10:00-13:00"; "24/7" for always. Routing's business_hours condition uses them.`

func (a *API) getWorkspace(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return workspaceOut(dir.Workspace), err
}

func (a *API) updateWorkspace(c *call) (any, error) {
	ctx := c.r.Context()
	dir, err := a.directory(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	w := dir.Workspace
	in := workspaceBody{Name: w.Name, SupportModel: w.SupportModel, Languages: w.Languages, DefaultLanguage: w.DefaultLanguage, Timezone: w.Timezone,
		BusinessHours: w.BusinessHours}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	w.Name, w.SupportModel, w.Languages, w.DefaultLanguage, w.Timezone = in.Name, in.SupportModel, in.Languages, in.DefaultLanguage, in.Timezone
	w.BusinessHours = in.BusinessHours
	if err := a.desk.UpdateWorkspace(ctx, c.actor, w); err != nil {
		return nil, err
	}
	return workspaceOut(w), nil
}
