package api

import (
	"time"

	"github.com/palier/palier/internal/workspace"
)

// The API's own output types for the workspace's setup: the edge serves
// these, never the workspace package's types, so that renaming a field
// there cannot change the API (its schemas are in schemas.go).

type workspaceJSON struct {
	ID              int64                  `json:"id"`
	Name            string                 `json:"name"`
	SupportModel    workspace.SupportModel `json:"support_model"`
	Languages       []string               `json:"languages"`
	DefaultLanguage string                 `json:"default_language"`
	Timezone        string                 `json:"timezone"`
	BusinessHours   string                 `json:"business_hours"`
	CreatedAt       time.Time              `json:"created_at"`
}

func workspaceOut(w workspace.Workspace) workspaceJSON {
	return workspaceJSON{ID: w.ID, Name: w.Name, SupportModel: w.SupportModel, Languages: nonNil(w.Languages), DefaultLanguage: w.DefaultLanguage,
		Timezone: w.Timezone, BusinessHours: w.BusinessHours, CreatedAt: w.CreatedAt}
}

// tierJSON: name is the name in the caller's language (see bilingual).
type tierJSON struct {
	ID          int64   `json:"id"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	NameFR      string  `json:"name_fr"`
	NameEN      string  `json:"name_en"`
	Description string  `json:"description"`
	TargetShare float64 `json:"target_share"`
	Position    int     `json:"position"`
	External    bool    `json:"external"`
	VendorEmail string  `json:"vendor_email,omitempty"`
}

func tierOut(lang string, t workspace.Tier) tierJSON {
	return tierJSON{ID: t.ID, Code: t.Code, Name: t.NameIn(lang), NameFR: t.NameFR, NameEN: t.NameEN, Description: t.Description,
		TargetShare: t.TargetShare, Position: t.Position, External: t.External, VendorEmail: t.VendorEmail}
}

type teamJSON struct {
	ID          int64   `json:"id"`
	TierID      int64   `json:"tier_id"`
	Name        string  `json:"name"`
	NameFR      string  `json:"name_fr"`
	NameEN      string  `json:"name_en"`
	Description string  `json:"description"`
	SkillIDs    []int64 `json:"skill_ids"`
	MemberIDs   []int64 `json:"member_ids"`
}

func teamOut(lang string, t workspace.Team) teamJSON {
	return teamJSON{ID: t.ID, TierID: t.TierID, Name: t.NameIn(lang), NameFR: t.NameFR, NameEN: t.NameEN, Description: t.Description,
		SkillIDs: nonNil(t.SkillIDs), MemberIDs: nonNil(t.MemberIDs)}
}

type requestTypeJSON struct {
	ID     int64                  `json:"id"`
	Key    string                 `json:"key"`
	NameFR string                 `json:"name_fr"`
	NameEN string                 `json:"name_en"`
	Active bool                   `json:"active"`
	Model  workspace.SupportModel `json:"model"`
}

func requestTypeOut(r workspace.RequestType) requestTypeJSON {
	return requestTypeJSON{ID: r.ID, Key: r.Key, NameFR: r.NameFR, NameEN: r.NameEN, Active: r.Active, Model: r.Model}
}

type customFieldJSON struct {
	ID       int64               `json:"id"`
	Key      string              `json:"key"`
	LabelFR  string              `json:"label_fr"`
	LabelEN  string              `json:"label_en"`
	Kind     workspace.FieldKind `json:"kind"`
	Options  []string            `json:"options,omitempty"` // select fields
	Position int                 `json:"position"`
}

func customFieldOut(cf workspace.CustomField) customFieldJSON {
	return customFieldJSON{ID: cf.ID, Key: cf.Key, LabelFR: cf.LabelFR, LabelEN: cf.LabelEN, Kind: cf.Kind, Options: cf.Options, Position: cf.Position}
}
