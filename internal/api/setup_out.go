package api

import (
	"time"

	"github.com/palier/palier/internal/workspace"
)

// The API's own output types for the workspace's setup: the edge serves
// these, never the workspace package's types, so that renaming a field
// there cannot change the API (its schemas are in schemas.go). An object
// is served as its id, the fields an admin writes (the body types of
// setup.go, so a writable field is declared once) and what the server sets.

type workspaceJSON struct {
	ID int64 `json:"id"`
	workspaceBody
	CreatedAt time.Time `json:"created_at"`
}

func workspaceOut(w workspace.Workspace) workspaceJSON {
	b := workspaceBodyOf(w)
	b.Languages = nonNil(b.Languages)
	return workspaceJSON{ID: w.ID, workspaceBody: b, CreatedAt: w.CreatedAt}
}

// tierJSON: name is the name in the caller's language (see bilingual).
type tierJSON struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	tierBody
}

func tierOut(lang string, t workspace.Tier) tierJSON {
	b := tierBodyOf(t)
	b.Name = t.NameIn(lang)
	return tierJSON{ID: t.ID, Code: t.Code, tierBody: b}
}

type teamJSON struct {
	ID int64 `json:"id"`
	teamBody
}

func teamOut(lang string, t workspace.Team) teamJSON {
	b := teamBodyOf(t)
	b.Name, b.SkillIDs, b.MemberIDs = t.NameIn(lang), nonNil(t.SkillIDs), nonNil(t.MemberIDs)
	return teamJSON{ID: t.ID, teamBody: b}
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
