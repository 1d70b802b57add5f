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
	VendorEmail string  `json:"vendor_email,omitempty"` // omitted from answers when empty
}

func tierBodyOf(t workspace.Tier) tierBody {
	return tierBody{code: t.Code, NameFR: t.NameFR, NameEN: t.NameEN, Description: t.Description, TargetShare: t.TargetShare,
		Position: t.Position, External: t.External, VendorEmail: t.VendorEmail}
}

func (b tierBody) tier(lang string, id int64, code string) workspace.Tier {
	bilingual(lang, b.Name, &b.NameFR, &b.NameEN, id == 0)
	return workspace.Tier{ID: id, Code: code, NameFR: b.NameFR, NameEN: b.NameEN, Description: b.Description, TargetShare: b.TargetShare,
		Position: b.Position, External: b.External, VendorEmail: b.VendorEmail}
}

// tiersIn converts tiers for output in the caller's language.
func tiersIn(lang string) func(workspace.Tier) tierJSON {
	return func(t workspace.Tier) tierJSON { return tierOut(lang, t) }
}

func (a *API) listTiers(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return onePage(each(dir.Tiers, tiersIn(c.lang))), err
}

type tierCreate struct {
	Code string `json:"code"` // fixed once created
	tierBody
}

func (a *API) createTier(c *call) (any, error) {
	return fromBody(c, tierCreate{}, func(ctx context.Context, actor auth.Actor, in tierCreate) (workspace.Tier, error) {
		t, err := a.desk.CreateTier(ctx, actor, in.tier(c.lang, 0, in.Code))
		t.Normalize()
		return t, err
	}, createdAt(c, tiersIn(c.lang), noLocation))
}

func (a *API) updateTier(c *call) (any, error) {
	get := setupItem(a, func(d desk.Directory) []workspace.Tier { return d.Tiers }, func(t workspace.Tier) int64 { return t.ID }, "tier")
	return patch(c, get, tierBodyOf, func(ctx context.Context, actor auth.Actor, id int64, in tierBody) error {
		return a.desk.UpdateTier(ctx, actor, in.tier(c.lang, id, in.code))
	}, tiersIn(c.lang))
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

func teamBodyOf(t workspace.Team) teamBody {
	return teamBody{TierID: t.TierID, NameFR: t.NameFR, NameEN: t.NameEN, Description: t.Description, SkillIDs: t.SkillIDs, MemberIDs: t.MemberIDs}
}

func (b teamBody) team(lang string, id int64, create bool) workspace.Team {
	bilingual(lang, b.Name, &b.NameFR, &b.NameEN, create)
	return workspace.Team{ID: id, TierID: b.TierID, NameFR: b.NameFR, NameEN: b.NameEN, Description: b.Description,
		SkillIDs: nonNil(b.SkillIDs), MemberIDs: nonNil(b.MemberIDs)}
}

// teamsIn converts teams for output in the caller's language.
func teamsIn(lang string) func(workspace.Team) teamJSON {
	return func(t workspace.Team) teamJSON { return teamOut(lang, t) }
}

func (a *API) listTeams(c *call) (any, error) {
	dir, err := a.directory(c.r.Context(), c.actor)
	return onePage(each(dir.Teams, teamsIn(c.lang))), err
}

// createTeam answers the team as sent, with its new id.
func (a *API) createTeam(c *call) (any, error) {
	return fromBody(c, teamBody{}, func(ctx context.Context, actor auth.Actor, in teamBody) (workspace.Team, error) {
		t, err := a.desk.CreateTeam(ctx, actor, in.team(c.lang, 0, true))
		out := in.team(c.lang, t.ID, true)
		out.Normalize()
		return out, err
	}, createdAt(c, teamsIn(c.lang), noLocation))
}

func (a *API) updateTeam(c *call) (any, error) {
	get := setupItem(a, func(d desk.Directory) []workspace.Team { return d.Teams }, func(t workspace.Team) int64 { return t.ID }, "team")
	return patch(c, get, teamBodyOf, func(ctx context.Context, actor auth.Actor, id int64, in teamBody) error {
		return a.desk.UpdateTeam(ctx, actor, in.team(c.lang, id, false))
	}, teamsIn(c.lang))
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

type requestTypeCreate struct {
	Key string `json:"key"` // fixed once created: routing rules and filters name it
	requestTypeBody
}

func (a *API) createRequestType(c *call) (any, error) {
	in := requestTypeCreate{requestTypeBody: requestTypeBody{Active: true}}
	return fromBody(c, in, func(ctx context.Context, actor auth.Actor, in requestTypeCreate) (workspace.RequestType, error) {
		return a.desk.CreateRequestType(ctx, actor, workspace.RequestType{Key: in.Key, NameFR: in.NameFR, NameEN: in.NameEN,
			Active: in.Active, Model: in.Model})
	}, createdAt(c, requestTypeOut, noLocation))
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

type customFieldCreate struct {
	Key  string              `json:"key"`  // fixed once created: tickets store values by key
	Kind workspace.FieldKind `json:"kind"` // fixed: stored values were checked against it
	customFieldBody
}

func (a *API) createCustomField(c *call) (any, error) {
	return fromBody(c, customFieldCreate{}, func(ctx context.Context, actor auth.Actor, in customFieldCreate) (workspace.CustomField, error) {
		return a.desk.CreateCustomField(ctx, actor, workspace.CustomField{Key: in.Key, Kind: in.Kind,
			LabelFR: in.LabelFR, LabelEN: in.LabelEN, Options: in.Options, Position: in.Position})
	}, createdAt(c, customFieldOut, noLocation))
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

func workspaceBodyOf(w workspace.Workspace) workspaceBody {
	return workspaceBody{Name: w.Name, SupportModel: w.SupportModel, Languages: w.Languages, DefaultLanguage: w.DefaultLanguage, Timezone: w.Timezone,
		BusinessHours: w.BusinessHours}
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
	in := workspaceBodyOf(w)
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
