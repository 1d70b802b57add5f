// Package workspace owns the shape of a support organisation: its support
// model, tiers (L0…L4), teams, agents, request types and custom fields.
package workspace

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// SupportModel is how a workspace organises its agents.
type SupportModel string

// The support models (seed articles 000 and 001).
const (
	Tiered   SupportModel = "tiered"   // tickets escalate L1 → L2 → L3 → L4
	Swarming SupportModel = "swarming" // one owner end to end who pulls experts in
	Hybrid   SupportModel = "hybrid"   // chosen per request type
)

// SupportModels lists the valid models in display order.
var SupportModels = []SupportModel{Tiered, Swarming, Hybrid}

// RequestTypeModels lists what a request type may say about its model: ""
// follows the workspace, the others apply when the workspace is hybrid. A
// request type cannot itself be hybrid: that is a choice between types.
var RequestTypeModels = []SupportModel{"", Tiered, Swarming}

// ModelFor returns how tickets of a request type are worked. A tiered or a
// swarming workspace works every type its own way; a hybrid one follows the
// type, and a type that says nothing is tiered there, the familiar default
// (seed 000: tiers suit the basic, high-volume requests). An unknown
// workspace model reads as tiered, which keeps escalation available.
func (w Workspace) ModelFor(rt RequestType) SupportModel {
	switch w.SupportModel {
	case Swarming:
		return Swarming
	case Hybrid:
		if rt.Model == Swarming {
			return Swarming
		}
	}
	return Tiered
}

// Languages Palier speaks.
var Languages = []string{"fr", "en"}

// Workspace is one support organisation.
type Workspace struct {
	ID              int64        `json:"id"`
	Name            string       `json:"name"`
	SupportModel    SupportModel `json:"support_model"`
	Languages       []string     `json:"languages"`
	DefaultLanguage string       `json:"default_language"`
	Timezone        string       `json:"timezone"`
	// BusinessHours are the opening hours in the workspace's time zone
	// (see ParseHours), e.g. "mon-fri 09:00-18:00"; routing rules and SLA
	// clocks use them.
	BusinessHours string    `json:"business_hours"`
	CreatedAt     time.Time `json:"created_at"`
}

// Validate checks a workspace's settings.
func (w Workspace) Validate() error {
	f := problem.Fields{}
	checkName(f, "name", w.Name, 120)
	if !slices.Contains(SupportModels, w.SupportModel) {
		f.Add("support_model", "unknown_value", "must be tiered, swarming or hybrid")
	}
	if len(w.Languages) == 0 {
		f.Required("languages")
	}
	for _, l := range w.Languages {
		if !slices.Contains(Languages, l) {
			f.Add("languages", "unknown_value", "unsupported language", "value", l)
		}
	}
	if !slices.Contains(w.Languages, w.DefaultLanguage) {
		f.Add("default_language", "unknown_value", "must be one of the workspace languages")
	}
	if _, err := time.LoadLocation(w.Timezone); err != nil || w.Timezone == "" {
		f.Add("timezone", "unknown_value", "unknown time zone", "value", w.Timezone)
	}
	if _, err := ParseHours(w.BusinessHours); err != nil || len(w.BusinessHours) > 200 {
		f.Add("business_hours", "bad_hours", "write opening hours like mon-fri 09:00-18:00, sat 10:00-13:00")
	}
	return f.Err()
}

// Tier codes, lowest first. L0 is self-service and has no agents; L4 may be
// an outside vendor.
var TierCodes = []string{"L0", "L1", "L2", "L3", "L4"}

// Tier is one support level.
type Tier struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	// Name is the tier's name in the reader's language once localised (see
	// In); in storage it is a reference name that follows the English name.
	Name        string  `json:"name"`
	NameFR      string  `json:"name_fr"`
	NameEN      string  `json:"name_en"`
	Description string  `json:"description"`
	TargetShare float64 `json:"target_share"` // share of resolutions aimed for, 0…1
	Position    int     `json:"position"`
	External    bool    `json:"external"` // an outside vendor's support
	VendorEmail string  `json:"vendor_email,omitempty"`
}

// NameIn returns the tier's name in a language (the other language's when
// that one is missing, the reference name for a tier made before names
// were bilingual).
func (t Tier) NameIn(lang string) string { return nameIn(lang, t.NameEN, t.NameFR, t.Name) }

// In returns the tier with Name in lang, the shape the API serves.
func (t Tier) In(lang string) Tier { t.Name = t.NameIn(lang); return t }

// Normalize fills the bilingual names from a single name (callers that
// know only one: a Name that is neither bilingual name replaces both) and
// the reference name from the bilingual ones. Callers that set the
// bilingual names leave Name empty.
func (t *Tier) Normalize() { normalizeNames(&t.Name, &t.NameFR, &t.NameEN) }

// SelfService reports whether the tier is L0, which has no agents.
func (t Tier) SelfService() bool { return t.Code == "L0" }

// Validate checks a tier.
func (t Tier) Validate() error {
	f := problem.Fields{}
	if !slices.Contains(TierCodes, t.Code) {
		f.Add("code", "unknown_value", "must be one of L0, L1, L2, L3, L4")
	}
	checkBilingual(f, "name", t.NameFR, t.NameEN, 80)
	checkLen(f, "description", t.Description, 2000)
	if t.TargetShare < 0 || t.TargetShare > 1 {
		f.Add("target_share", "out_of_range", "must be between 0 and 1")
	}
	if t.External && t.VendorEmail != "" && !strings.Contains(t.VendorEmail, "@") {
		f.Add("vendor_email", "bad_email", "is not an email address")
	}
	return f.Err()
}

// Team is a group of agents in one tier, with skills (request types).
type Team struct {
	ID     int64 `json:"id"`
	TierID int64 `json:"tier_id"`
	// Name is the team's name in the reader's language once localised (see
	// In); in storage it is a reference name that follows the English name.
	// Routing rules may name a team by any of its names (see Named).
	Name        string  `json:"name"`
	NameFR      string  `json:"name_fr"`
	NameEN      string  `json:"name_en"`
	Description string  `json:"description"`
	SkillIDs    []int64 `json:"skill_ids"` // request types the team handles
	MemberIDs   []int64 `json:"member_ids"`
}

// NameIn returns the team's name in a language.
func (t Team) NameIn(lang string) string { return nameIn(lang, t.NameEN, t.NameFR, t.Name) }

// In returns the team with Name in lang, the shape the API serves.
func (t Team) In(lang string) Team { t.Name = t.NameIn(lang); return t }

// Normalize fills the bilingual names from a single name and the reference
// name from the bilingual ones.
func (t *Team) Normalize() { normalizeNames(&t.Name, &t.NameFR, &t.NameEN) }

// Names lists every name the team answers to, for routing rules written
// in either language or before names were bilingual.
func (t Team) Names() []string {
	out := []string{}
	for _, n := range []string{t.Name, t.NameFR, t.NameEN} {
		if n != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, n) }) {
			out = append(out, n)
		}
	}
	return out
}

// Named reports whether the team answers to name (any language, any case).
func (t Team) Named(name string) bool {
	return slices.ContainsFunc(t.Names(), func(n string) bool { return strings.EqualFold(n, name) })
}

func nameIn(lang, en, fr, ref string) string {
	if s := i18n.Either(lang, en, fr); s != "" {
		return s
	}
	return ref
}

func normalizeNames(ref, fr, en *string) {
	// A reference name that is neither of the bilingual ones was set by a
	// caller that knows one name (a rename before names were bilingual):
	// it becomes the name in both languages rather than being dropped.
	if *ref != "" && *ref != *fr && *ref != *en {
		*fr, *en = *ref, *ref
	}
	if *fr == "" && *en == "" {
		*fr, *en = *ref, *ref
	}
	if *en != "" {
		*ref = *en
	} else if *ref == "" {
		*ref = *fr
	}
}

// Validate checks a team's own fields (references are checked by the store).
func (t Team) Validate() error {
	f := problem.Fields{}
	checkBilingual(f, "name", t.NameFR, t.NameEN, 120)
	checkLen(f, "description", t.Description, 2000)
	if t.TierID == 0 {
		f.Required("tier_id")
	}
	return f.Err()
}

// Role is what an agent may do.
type Role string

// The roles.
const (
	Admin Role = "admin" // everything
	Lead  Role = "lead"  // their teams and tiers, sensitive tickets, reports
	Agent Role = "agent" // tickets of the tiers and teams they belong to
	// Collaborator is someone outside support (a product owner, an
	// engineer) whom owners invite into swarms: they belong to no tier, see
	// only the tickets they were invited to and post internal notes there.
	// Their teams only serve to invite them together.
	Collaborator Role = "collaborator"
)

// Roles lists the valid roles.
var Roles = []Role{Admin, Lead, Agent, Collaborator}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// Member is a person who works tickets (an agent, a lead or an admin).
type Member struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Language  string    `json:"language"` // "" = from the browser
	Timezone  string    `json:"timezone"` // "" = the workspace's
	Active    bool      `json:"active"`
	TierIDs   []int64   `json:"tier_ids"` // tiers the member belongs to directly
	TeamIDs   []int64   `json:"team_ids"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a member's fields.
func (m Member) Validate() error {
	f := problem.Fields{}
	checkName(f, "name", m.Name, 120)
	CheckEmail(f, "email", m.Email)
	if !ValidRole(m.Role) {
		f.Add("role", "unknown_value", "must be admin, lead, agent or collaborator")
	}
	if m.Language != "" && !slices.Contains(Languages, m.Language) {
		f.Add("language", "unknown_value", "unsupported language", "value", m.Language)
	}
	if m.Timezone != "" {
		if _, err := time.LoadLocation(m.Timezone); err != nil {
			f.Add("timezone", "unknown_value", "unknown time zone", "value", m.Timezone)
		}
	}
	return f.Err()
}

// RequestType is a category of request (billing, bug, access…).
type RequestType struct {
	ID     int64  `json:"id"`
	Key    string `json:"key"`
	NameFR string `json:"name_fr"`
	NameEN string `json:"name_en"`
	Active bool   `json:"active"`
	// Model is how its tickets are worked in a hybrid workspace: tiered or
	// swarming; "" follows the workspace (see Workspace.ModelFor).
	Model SupportModel `json:"model"`
}

// Name returns the request type's name in a language.
func (r RequestType) Name(lang string) string {
	return i18n.Either(lang, r.NameEN, r.NameFR)
}

// Validate checks a request type.
func (r RequestType) Validate() error {
	f := problem.Fields{}
	CheckKey(f, "key", r.Key)
	checkBilingual(f, "name", r.NameFR, r.NameEN, 120)
	if !slices.Contains(RequestTypeModels, r.Model) {
		f.Add("model", "unknown_value", `must be "", tiered or swarming`, "value", string(r.Model))
	}
	return f.Err()
}

// FieldKind is the type of a custom field.
type FieldKind string

// Custom field kinds.
const (
	Text   FieldKind = "text"
	Number FieldKind = "number"
	Select FieldKind = "select"
	Date   FieldKind = "date"
)

// FieldKinds lists the custom field kinds.
var FieldKinds = []FieldKind{Text, Number, Select, Date}

// CustomField defines a typed field every ticket may carry.
type CustomField struct {
	ID       int64     `json:"id"`
	Key      string    `json:"key"`
	LabelFR  string    `json:"label_fr"`
	LabelEN  string    `json:"label_en"`
	Kind     FieldKind `json:"kind"`
	Options  []string  `json:"options,omitempty"` // for select
	Position int       `json:"position"`
}

// Label returns the field's label in a language.
func (c CustomField) Label(lang string) string {
	return i18n.Either(lang, c.LabelEN, c.LabelFR)
}

// Validate checks a custom field definition.
func (c CustomField) Validate() error {
	f := problem.Fields{}
	CheckKey(f, "key", c.Key)
	checkBilingual(f, "label", c.LabelFR, c.LabelEN, 120)
	if !slices.Contains(FieldKinds, c.Kind) {
		f.Add("kind", "unknown_value", "must be text, number, select or date")
	}
	if c.Kind == Select && len(c.Options) == 0 {
		f.Add("options", "required", "a select field needs options")
	}
	return f.Err()
}

// Show is a stored value as a reader of lang reads it: numbers and dates
// in the reader's locale ("49,90", "03/12/2026" in French).
func (c CustomField) Show(lang, v string) string {
	switch c.Kind {
	case Number:
		return i18n.FormatDecimal(lang, v)
	case Date:
		return i18n.FormatDate(lang, v)
	}
	return v
}

// Read turns what a reader of lang typed into the stored form; ok is false
// when a number or a date cannot be read (the caller says so in the
// reader's terms). Other kinds and empty values pass unchanged.
func (c CustomField) Read(lang, typed string) (stored string, ok bool) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", true
	}
	switch c.Kind {
	case Number:
		return i18n.ParseDecimal(lang, typed)
	case Date:
		return i18n.ParseDate(lang, typed)
	}
	return typed, true
}

// CheckValue validates a value for the field, returning a field problem code
// and message, or "" when the value is acceptable. Empty values are allowed.
func (c CustomField) CheckValue(v string) (code, message string) {
	if v == "" {
		return "", ""
	}
	if !utf8.ValidString(v) || len(v) > 2000 {
		return "too_long", "is too long or not valid text"
	}
	switch c.Kind {
	case Number:
		if !i18n.Canonical(v) {
			return "not_a_number", "must be a number"
		}
	case Select:
		if !slices.Contains(c.Options, v) {
			return "unknown_value", "is not one of the options"
		}
	case Date:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "not_a_date", "must be a date (YYYY-MM-DD)"
		}
	}
	return "", ""
}

// CheckKey validates a machine key: lower-case letters, digits, _ and -.
func CheckKey(f problem.Fields, name, key string) {
	if key == "" {
		f.Required(name)
		return
	}
	if len(key) > 64 {
		f.Add(name, "too_long", "is too long", "max", "64")
		return
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			f.Add(name, "bad_key", "may contain only a-z, 0-9, _ and -")
			return
		}
	}
}

// CheckEmail validates an email address loosely (something@domain).
func CheckEmail(f problem.Fields, name, email string) {
	if email == "" {
		f.Required(name)
		return
	}
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 || len(email) > 254 || strings.ContainsAny(email, " <>\r\n") || !utf8.ValidString(email) {
		f.Add(name, "bad_email", "is not an email address")
	}
}

// checkBilingual checks a text every reader sees in their language (a
// tier's or team's name, a field's label): both languages are required,
// each at most max characters; the fields are named field_fr and field_en.
func checkBilingual(f problem.Fields, field, fr, en string, max int) {
	checkName(f, field+"_fr", fr, max)
	checkName(f, field+"_en", en, max)
}

func checkName(f problem.Fields, name, v string, max int) {
	if strings.TrimSpace(v) == "" {
		f.Required(name)
		return
	}
	checkLen(f, name, v, max)
}

func checkLen(f problem.Fields, name, v string, max int) {
	if !utf8.ValidString(v) {
		f.Add(name, "bad_utf8", "is not valid UTF-8 text")
		return
	}
	if utf8.RuneCountInString(v) > max {
		f.Add(name, "too_long", "is too long", "max", strconv.Itoa(max))
	}
}
