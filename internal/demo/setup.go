package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/palier/palier/internal/workspace"
)

const day = 24 * time.Hour

// The setup is dated well before the first ticket, as if Marc had set
// Palier up a few weeks before the period the tickets cover.
const (
	setupAge   = 80 * day
	membersAge = 78 * day
)

// tierSpecs are Nuagique's support levels: the classic 80/15/5 split, with
// the payment processor as an outside L4.
var tierSpecs = []workspace.Tier{
	{Code: "L0", NameFR: "Libre-service", NameEN: "Self-service", Description: "Centre d'aide, FAQ et assistant du widget : le client trouve seul la réponse.", TargetShare: 0, Position: 0},
	{Code: "L1", NameFR: "Support de niveau 1", NameEN: "Level 1 support", Description: "Première ligne : qualification, réponses connues, résolution au premier contact.", TargetShare: 0.80, Position: 1},
	{Code: "L2", NameFR: "Support de niveau 2", NameEN: "Level 2 support", Description: "Spécialistes facturation et produit : diagnostics, corrections de données.", TargetShare: 0.15, Position: 2},
	{Code: "L3", NameFR: "Experts (niveau 3)", NameEN: "Experts (level 3)", Description: "Ingénieurs de la plateforme : anomalies, API, performances.", TargetShare: 0.05, Position: 3},
	{Code: "L4", NameFR: "PayBridge (prestataire)", NameEN: "PayBridge (vendor)", Description: "Notre prestataire de paiement, pour ce qui se passe chez lui (prélèvements, virements, litiges).",
		Position: 4, External: true, VendorEmail: "escalade@paybridge.example"},
}

var requestTypeSpecs = []workspace.RequestType{
	{Key: "billing", NameFR: "Facturation", NameEN: "Billing", Active: true},
	{Key: "payment", NameFR: "Paiement", NameEN: "Payment", Active: true},
	{Key: "bug", NameFR: "Anomalie", NameEN: "Bug", Active: true},
	{Key: "access", NameFR: "Accès et compte", NameEN: "Access & account", Active: true},
	// Integration problems cross the API, the customer's own code and the
	// platform: the owner keeps them and pulls the engineers in (swarming)
	// rather than passing them up tier by tier.
	{Key: "integration", NameFR: "Intégration API", NameEN: "API integration", Active: true, Model: workspace.Swarming},
	{Key: "data_export", NameFR: "Export de données", NameEN: "Data export", Active: true},
	{Key: "fraud", NameFR: "Fraude", NameEN: "Fraud", Active: true},
	{Key: "how_to", NameFR: "Question d'usage", NameEN: "How-to", Active: true},
}

var customFieldSpecs = []workspace.CustomField{
	{Key: "error_message", LabelFR: "Message d'erreur", LabelEN: "Error message", Kind: workspace.Text, Position: 1},
	{Key: "steps_tried", LabelFR: "Étapes déjà essayées", LabelEN: "Steps already tried", Kind: workspace.Text, Position: 2},
	{Key: "plan", LabelFR: "Formule", LabelEN: "Plan", Kind: workspace.Select, Options: []string{"free", "pro", "enterprise"}, Position: 3},
	{Key: "amount_eur", LabelFR: "Montant (€)", LabelEN: "Amount (€)", Kind: workspace.Number, Position: 4},
	{Key: "incident_date", LabelFR: "Date de l'incident", LabelEN: "Incident date", Kind: workspace.Date, Position: 5},
}

type teamSpec struct {
	// name is the English name, which routing rules use; nameFR the French.
	key, tier, name, nameFR, description string
	skills                               []string // request type keys
}

var teamSpecs = []teamSpec{
	{"front", "L1", "Front line", "Première ligne", "Première ligne, en français et en anglais, 8 h – 19 h.",
		[]string{"billing", "payment", "bug", "access", "integration", "data_export", "how_to"}},
	{"billing", "L2", "Billing experts", "Experts facturation", "Factures, prélèvements, remboursements, litiges et fraude.",
		[]string{"billing", "payment", "fraud", "data_export"}},
	{"product", "L2", "Product specialists", "Spécialistes produit", "Diagnostic des anomalies, des accès et des intégrations avant la plateforme.",
		[]string{"bug", "access", "integration", "how_to"}},
	{"platform", "L3", "Platform engineering", "Ingénierie plateforme", "Ingénieurs de la plateforme : API, webhooks, exports, performances.",
		[]string{"bug", "integration", "data_export"}},
	{"paybridge", "L4", "PayBridge escalation", "Escalade PayBridge", "Liaison avec le support de PayBridge ; le ticket reste suivi chez nous.",
		[]string{"payment", "fraud"}},
}

type memberSpec struct {
	key, email, name string
	role             workspace.Role
	language         string
	tiers            []string // direct tiers
	teams            []string // team keys
	label            string   // the tiers they work in, as printed
}

// memberSpecs are the people of JOURNEYS.md and their colleagues. Karim is
// the L2/L3 expert who also talks to PayBridge.
var memberSpecs = []memberSpec{
	{"marc", "marc@nuagique.example", "Marc Lefèvre", workspace.Admin, "fr", nil, nil, ""},
	{"sophie", "sophie@nuagique.example", "Sophie Marchand", workspace.Lead, "fr", []string{"L1", "L2"}, []string{"front", "billing"}, "L1+L2"},
	{"nadia", "nadia@nuagique.example", "Nadia Benali", workspace.Agent, "fr", []string{"L1"}, []string{"front"}, "L1"},
	{"thomas", "thomas@nuagique.example", "Thomas Girard", workspace.Agent, "fr", []string{"L1"}, []string{"front"}, "L1"},
	{"camille", "camille@nuagique.example", "Camille Rousseau", workspace.Agent, "fr", []string{"L1"}, []string{"front"}, "L1"},
	{"emily", "emily@nuagique.example", "Emily Carter", workspace.Agent, "en", []string{"L1"}, []string{"front"}, "L1"},
	{"karim", "karim@nuagique.example", "Karim Haddad", workspace.Agent, "fr", []string{"L2", "L3"}, []string{"billing", "product", "paybridge"}, "L2+L3+L4"},
	{"julie", "julie@nuagique.example", "Julie Fontaine", workspace.Agent, "fr", []string{"L2"}, []string{"billing", "product"}, "L2"},
	{"antoine", "antoine@nuagique.example", "Antoine Mercier", workspace.Agent, "fr", []string{"L3"}, []string{"platform"}, "L3"},
	{"priya", "priya@nuagique.example", "Priya Natarajan", workspace.Agent, "en", []string{"L3"}, []string{"platform"}, "L3"},
}

// workspace creates the workspace with L0–L3, then, as the admin would,
// the outside L4, the request types and the custom fields.
func (b *builder) workspace() error {
	b.at(b.now.Add(-setupAge))
	var err error
	b.ws, err = b.s.CreateWorkspace(b.ctx, workspace.Workspace{Name: "Nuagique — Support", SupportModel: workspace.Hybrid,
		Languages: []string{"fr", "en"}, DefaultLanguage: "fr", Timezone: "Europe/Paris",
		BusinessHours: workspace.DefaultBusinessHours}, tierSpecs[:4])
	if err != nil {
		return err
	}
	if b.loc, err = time.LoadLocation(b.ws.Timezone); err != nil {
		return err
	}
	// The admin comes first: the rest of the setup is audited as theirs.
	admin := memberSpecs[0]
	if err := b.createMember(admin, 0); err != nil {
		return err
	}
	marc := b.members[admin.key].ID
	if _, err := b.s.CreateTier(b.ctx, b.ws.ID, marc, tierSpecs[4]); err != nil {
		return fmt.Errorf("tier L4: %w", err)
	}
	tiers, err := b.s.Tiers(b.ctx, b.ws.ID)
	if err != nil {
		return err
	}
	b.tiers = map[string]workspace.Tier{}
	for _, t := range tiers {
		b.tiers[t.Code] = t
	}
	b.types = map[string]workspace.RequestType{}
	for _, rt := range requestTypeSpecs {
		created, err := b.s.CreateRequestType(b.ctx, b.ws.ID, marc, rt)
		if err != nil {
			return fmt.Errorf("request type %s: %w", rt.Key, err)
		}
		b.types[rt.Key] = created
	}
	for _, cf := range customFieldSpecs {
		if _, err := b.s.CreateCustomField(b.ctx, b.ws.ID, marc, cf); err != nil {
			return fmt.Errorf("custom field %s: %w", cf.Key, err)
		}
	}
	return nil
}

// createTeams creates the teams with their skills; people join them when
// their accounts are created.
func (b *builder) createTeams() error {
	marc := b.members["marc"].ID
	for _, ts := range teamSpecs {
		skills := make([]int64, 0, len(ts.skills))
		for _, k := range ts.skills {
			skills = append(skills, b.types[k].ID)
		}
		team, err := b.s.CreateTeam(b.ctx, b.ws.ID, marc, workspace.Team{TierID: b.tiers[ts.tier].ID, NameEN: ts.name, NameFR: ts.nameFR,
			Description: ts.description, SkillIDs: skills})
		if err != nil {
			return fmt.Errorf("team %s: %w", ts.name, err)
		}
		b.teams[ts.key] = team
	}
	return nil
}

func (b *builder) createMembers() error {
	b.at(b.now.Add(-membersAge))
	marc := b.members["marc"].ID
	for _, m := range memberSpecs[1:] {
		if err := b.createMember(m, marc); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) createMember(m memberSpec, actorID int64) error {
	tiers := make([]int64, 0, len(m.tiers))
	for _, c := range m.tiers {
		tiers = append(tiers, b.tiers[c].ID)
	}
	teams := make([]int64, 0, len(m.teams))
	for _, k := range m.teams {
		teams = append(teams, b.teams[k].ID)
	}
	created, err := b.s.CreateMember(b.ctx, b.ws.ID, actorID, workspace.Member{Email: m.email, Name: m.name, Role: m.role,
		Language: m.language, Timezone: "Europe/Paris", Active: true, TierIDs: tiers, TeamIDs: teams}, b.hash)
	if err != nil {
		return fmt.Errorf("member %s: %w", m.email, err)
	}
	b.members[m.key] = created
	// Read once, as the service sees them signed in: the demo writes
	// through the service as they would (their account does not change).
	if b.actors[m.key], err = b.s.Actor(b.ctx, created.ID); err != nil {
		return fmt.Errorf("member %s: %w", m.email, err)
	}
	return nil
}

// firstName is how agents sign their replies.
func firstName(name string) string {
	first, _, _ := strings.Cut(name, " ")
	return first
}
