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

// setupItem reads one item of the workspace's setup by id, for patch: the
// directory holds them all.
func setupItem[T any](a *API, list func(desk.Directory) []T, idOf func(T) int64, object string) func(context.Context, auth.Actor, int64) (T, error) {
	return func(ctx context.Context, actor auth.Actor, id int64) (T, error) {
		dir, err := a.directory(ctx, actor)
		if err != nil {
			var zero T
			return zero, err
		}
		return find(list(dir), id, idOf, object)
	}
}

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
	code        string  // fixed once created: carried from the current value, not read
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
	get := setupItem(a, func(d desk.Directory) []workspace.Tier { return d.Tiers }, func(t workspace.Tier) int64 { return t.ID }, "tier")
	bodyOf := func(t workspace.Tier) tierBody {
		return tierBody{code: t.Code, NameFR: t.NameFR, NameEN: t.NameEN, Description: t.Description, TargetShare: t.TargetShare,
			Position: t.Position, External: t.External, VendorEmail: t.VendorEmail}
	}
	return patch(c, get, bodyOf, func(ctx context.Context, actor auth.Actor, id int64, in tierBody) error {
		return a.desk.UpdateTier(ctx, actor, in.tier(c.lang, id, in.code))
	}, func(t workspace.Tier) tierJSON { return tierOut(c.lang, t) })
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
	get := setupItem(a, func(d desk.Directory) []workspace.Team { return d.Teams }, func(t workspace.Team) int64 { return t.ID }, "team")
	bodyOf := func(t workspace.Team) teamBody {
		return teamBody{TierID: t.TierID, NameFR: t.NameFR, NameEN: t.NameEN, Description: t.Description, SkillIDs: t.SkillIDs, MemberIDs: t.MemberIDs}
	}
	return patch(c, get, bodyOf, func(ctx context.Context, actor auth.Actor, id int64, in teamBody) error {
		return a.desk.UpdateTeam(ctx, actor, in.team(c.lang, id, false))
	}, func(t workspace.Team) teamJSON { return teamOut(c.lang, t) })
}

// Request types.

type requestTypeBody struct {
	key    string                 // fixed once created: carried from the current value, not read
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
	get := setupItem(a, func(d desk.Directory) []workspace.RequestType { return d.RequestTypes },
		func(r workspace.RequestType) int64 { return r.ID }, "request_type")
	bodyOf := func(r workspace.RequestType) requestTypeBody {
		return requestTypeBody{key: r.Key, NameFR: r.NameFR, NameEN: r.NameEN, Active: r.Active, Model: r.Model}
	}
	return patch(c, get, bodyOf, func(ctx context.Context, actor auth.Actor, id int64, in requestTypeBody) error {
		return a.desk.UpdateRequestType(ctx, actor, workspace.RequestType{ID: id, Key: in.key, NameFR: in.NameFR, NameEN: in.NameEN,
			Active: in.Active, Model: in.Model})
	}, requestTypeOut)
}

// Custom fields.

type customFieldBody struct {
	key      string              // fixed once created: carried from the current value, not read
	kind     workspace.FieldKind // fixed too
	LabelFR  string              `json:"label_fr"`
	LabelEN  string              `json:"label_en"`
	Options  []string            `json:"options"`
	Position int                 `json:"position"`
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
	get := setupItem(a, func(d desk.Directory) []workspace.CustomField { return d.CustomFields },
		func(f workspace.CustomField) int64 { return f.ID }, "custom_field")
	bodyOf := func(f workspace.CustomField) customFieldBody {
		return customFieldBody{key: f.Key, kind: f.Kind, LabelFR: f.LabelFR, LabelEN: f.LabelEN, Options: f.Options, Position: f.Position}
	}
	return patch(c, get, bodyOf, func(ctx context.Context, actor auth.Actor, id int64, in customFieldBody) error {
		return a.desk.UpdateCustomField(ctx, actor, workspace.CustomField{ID: id, Key: in.key, Kind: in.kind, LabelFR: in.LabelFR,
			LabelEN: in.LabelEN, Options: in.Options, Position: in.Position})
	}, customFieldOut)
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
