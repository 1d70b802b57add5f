package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Password is the password of every member Seed creates.
const Password = "palier-test-password"

// Fixture is the small workspace Seed creates, with every object reachable
// by a readable name. Its shape is a contract other packages' tests rely on:
// add to it, but do not change what existing names mean.
//
// The main workspace "Acme Support" (tiered, fr+en, Europe/Paris):
//
//	Tier     "L0" self-service, "L1" front line (80%), "L2" (15%), "L3" experts (5%),
//	         "L4" external vendor
//	Type     "billing", "bug", "access"
//	Team     "L1" Support niveau 1 (tier L1; skills billing, access; Lead, AgentL1)
//	         "L2" Support niveau 2 (tier L2; skills billing, bug; Lead, AgentL2)
//	         "L3" Experts (tier L3; skill bug; AgentL3)
//	Admin    admin, no tier nor team
//	Lead     lead, direct tiers L1+L2, teams L1+L2
//	AgentL1  agent, direct tier L1, team L1
//	AgentL2  agent, no direct tier, team L2 (so tier L2 through the team only)
//	AgentL3  agent, direct tier L3, team L3
//	Org      "Globex" (b2b)
//	Customer "alice" (Globex, fr, b2b), "bob" (en, b2c), "victoria" (fr, vip)
//
// Tickets of the main workspace (all opened by the customer by email):
//
//	"L1"        #1000 new, tier L1, team L1, unassigned, billing, alice
//	"L1owned"   #1001 open, tier L1, team L1, owner AgentL1, access, bob
//	"L2"        #1002 open, tier L2, team L2, owner AgentL2, bug, alice, high
//	"L3"        #1003 open, tier L3, team L3, owner AgentL3, bug, victoria, urgent
//	"sensitive" #1004 open, tier L1, team L1, unassigned, sensitive, billing, victoria
//	"swarm"     #1005 open, tier L3, team L3, owner AgentL3, AgentL1 invited as collaborator
//	"solved"    #1006 solved, tier L1, team L1, owner AgentL1, billing, bob
//
// Other is a second tenant that must stay invisible from the first.
type Fixture struct {
	WS       workspace.Workspace
	Tier     map[string]workspace.Tier        // by code: "L0"…"L4"
	Team     map[string]workspace.Team        // by tier code: "L1", "L2", "L3"
	Type     map[string]workspace.RequestType // by key: "billing", "bug", "access"
	Admin    workspace.Member
	Lead     workspace.Member
	AgentL1  workspace.Member
	AgentL2  workspace.Member
	AgentL3  workspace.Member
	Org      customer.Organisation
	Customer map[string]customer.Customer // "alice", "bob", "victoria"
	Ticket   map[string]ticket.Ticket     // see the table above
	Other    Tenant
}

// Tenant is the second workspace of a Fixture: "Other Co" (tiered, en,
// UTC) with one tier L1, one agent in it, one customer and one ticket.
type Tenant struct {
	WS       workspace.Workspace
	Tier     workspace.Tier
	Agent    workspace.Member
	Customer customer.Customer
	Ticket   ticket.Ticket
}

// Members returns the main workspace's members by a readable name: "admin",
// "lead", "agentL1", "agentL2", "agentL3".
func (f Fixture) Members() map[string]workspace.Member {
	return map[string]workspace.Member{
		"admin": f.Admin, "lead": f.Lead, "agentL1": f.AgentL1, "agentL2": f.AgentL2, "agentL3": f.AgentL3,
	}
}

var (
	hashOnce sync.Once
	hash     string
	hashErr  error
)

// passwordHash hashes Password once per test binary: argon2id is slow on
// purpose, and every member may share the hash of the same password.
func passwordHash(t testing.TB) string {
	t.Helper()
	hashOnce.Do(func() { hash, hashErr = auth.HashPassword(Password) })
	if hashErr != nil {
		t.Fatalf("storetest: hash password: %v", hashErr)
	}
	return hash
}

// Seed fills an empty store with the Fixture's two workspaces. Call it once
// per store: member emails are unique across the database.
func Seed(t testing.TB, s *store.Store) Fixture {
	t.Helper()
	sd := seeder{t: t, s: s, ctx: context.Background(), hash: passwordHash(t)}
	f := Fixture{Tier: map[string]workspace.Tier{}, Team: map[string]workspace.Team{}, Type: map[string]workspace.RequestType{},
		Customer: map[string]customer.Customer{}, Ticket: map[string]ticket.Ticket{}}
	sd.workspace(&f)
	sd.people(&f)
	sd.customers(&f)
	sd.tickets(&f)
	f.Other = sd.otherTenant()
	return f
}

// seeder carries what every seeding step needs and fails the test on the
// first error, naming the step.
type seeder struct {
	t    testing.TB
	s    *store.Store
	ctx  context.Context
	hash string
}

func (sd seeder) check(what string, err error) {
	sd.t.Helper()
	if err != nil {
		sd.t.Fatalf("storetest: seed %s: %v", what, err)
	}
}

// DefaultTiers are the tiers of the Fixture's main workspace.
func DefaultTiers() []workspace.Tier {
	return []workspace.Tier{
		{Code: "L0", Name: "Libre-service", Description: "Help centre, FAQ and contact form", Position: 0},
		{Code: "L1", Name: "Niveau 1", Description: "Front line", TargetShare: 0.80, Position: 1},
		{Code: "L2", Name: "Niveau 2", Description: "Product specialists", TargetShare: 0.15, Position: 2},
		{Code: "L3", Name: "Niveau 3", Description: "Experts and engineering", TargetShare: 0.05, Position: 3},
		{Code: "L4", Name: "Éditeur", Description: "Outside vendor", Position: 4, External: true, VendorEmail: "support@vendor.example"},
	}
}

func (sd seeder) workspace(f *Fixture) {
	sd.t.Helper()
	ws, err := sd.s.CreateWorkspace(sd.ctx, workspace.Workspace{Name: "Acme Support", SupportModel: workspace.Tiered,
		Languages: []string{"fr", "en"}, DefaultLanguage: "fr", Timezone: "Europe/Paris",
		BusinessHours: workspace.DefaultBusinessHours}, DefaultTiers())
	sd.check("workspace", err)
	f.WS = ws
	tiers, err := sd.s.Tiers(sd.ctx, ws.ID)
	sd.check("tiers", err)
	for _, tr := range tiers {
		f.Tier[tr.Code] = tr
	}
	for _, rt := range []workspace.RequestType{
		{Key: "billing", NameFR: "Facturation", NameEN: "Billing", Active: true},
		{Key: "bug", NameFR: "Anomalie", NameEN: "Bug", Active: true},
		{Key: "access", NameFR: "Accès au compte", NameEN: "Account access", Active: true},
	} {
		rt, err := sd.s.CreateRequestType(sd.ctx, ws.ID, 0, rt)
		sd.check("request type "+rt.Key, err)
		f.Type[rt.Key] = rt
	}
}

func (sd seeder) people(f *Fixture) {
	sd.t.Helper()
	ws := f.WS.ID
	f.Admin = sd.member(ws, 0, workspace.Member{Email: "admin@acme.test", Name: "Ada Admin", Role: workspace.Admin, Language: "fr"})
	teams := []struct {
		tier, name string
		skills     []string
	}{
		{"L1", "Support niveau 1", []string{"billing", "access"}},
		{"L2", "Support niveau 2", []string{"billing", "bug"}},
		{"L3", "Experts", []string{"bug"}},
	}
	for _, tm := range teams {
		var skills []int64
		for _, k := range tm.skills {
			skills = append(skills, f.Type[k].ID)
		}
		team, err := sd.s.CreateTeam(sd.ctx, ws, f.Admin.ID, workspace.Team{TierID: f.Tier[tm.tier].ID, Name: tm.name, SkillIDs: skills})
		sd.check("team "+tm.name, err)
		f.Team[tm.tier] = team
	}
	tier, team := func(c string) int64 { return f.Tier[c].ID }, func(c string) int64 { return f.Team[c].ID }
	f.Lead = sd.member(ws, f.Admin.ID, workspace.Member{Email: "lead@acme.test", Name: "Léa Lead", Role: workspace.Lead, Language: "fr",
		TierIDs: []int64{tier("L1"), tier("L2")}, TeamIDs: []int64{team("L1"), team("L2")}})
	f.AgentL1 = sd.member(ws, f.Admin.ID, workspace.Member{Email: "l1@acme.test", Name: "Luc Premier", Role: workspace.Agent, Language: "fr",
		TierIDs: []int64{tier("L1")}, TeamIDs: []int64{team("L1")}})
	f.AgentL2 = sd.member(ws, f.Admin.ID, workspace.Member{Email: "l2@acme.test", Name: "Dana Second", Role: workspace.Agent, Language: "en",
		TeamIDs: []int64{team("L2")}})
	f.AgentL3 = sd.member(ws, f.Admin.ID, workspace.Member{Email: "l3@acme.test", Name: "Théo Troisième", Role: workspace.Agent, Language: "fr",
		TierIDs: []int64{tier("L3")}, TeamIDs: []int64{team("L3")}})
	// Reload the teams so their MemberIDs show who joined.
	all, err := sd.s.Teams(sd.ctx, ws)
	sd.check("teams", err)
	for _, tm := range all {
		for code, old := range f.Team {
			if old.ID == tm.ID {
				f.Team[code] = tm
			}
		}
	}
}

// member creates an active member with the test password and returns it as
// stored (tiers and teams filled in).
func (sd seeder) member(wsID, actorID int64, m workspace.Member) workspace.Member {
	sd.t.Helper()
	m.Active = true
	created, err := sd.s.CreateMember(sd.ctx, wsID, actorID, m, sd.hash)
	sd.check("member "+m.Email, err)
	stored, err := sd.s.Member(sd.ctx, wsID, created.ID)
	sd.check("member "+m.Email, err)
	return stored
}

func (sd seeder) customers(f *Fixture) {
	sd.t.Helper()
	ws := f.WS.ID
	org, err := sd.s.CreateOrganisation(sd.ctx, ws, customer.Organisation{Name: "Globex", Segment: "b2b", Domain: "globex.example"})
	sd.check("organisation", err)
	f.Org = org
	// A slice, not a map: ids must not depend on map order, so that two
	// stores seeded alike hold the same rows.
	for _, kc := range []struct {
		key string
		c   customer.Customer
	}{
		{"alice", customer.Customer{OrganisationID: org.ID, Name: "Alice Martin", Email: "alice@globex.example", Language: "fr", Segment: "b2b"}},
		{"bob", customer.Customer{Name: "Bob Smith", Email: "bob@example.com", Language: "en", Segment: "b2c", Phone: "+44 20 7946 0000"}},
		{"victoria", customer.Customer{Name: "Victoria Inès", Email: "victoria@example.fr", Language: "fr", Segment: "vip"}},
	} {
		key := kc.key
		c, err := sd.s.CreateCustomer(sd.ctx, ws, kc.c)
		sd.check("customer "+key, err)
		f.Customer[key] = c
	}
}

func (sd seeder) tickets(f *Fixture) {
	sd.t.Helper()
	type spec struct {
		key, subject, body, tier, typ, customer string
		owner                                   workspace.Member
		priority                                ticket.Priority
		sensitive                               bool
	}
	none := workspace.Member{}
	// Created in this order so that the numbers in the Fixture's
	// documentation hold.
	specs := []spec{
		{"L1", "Facture en double pour mars", "J'ai été facturée deux fois ce mois-ci.", "L1", "billing", "alice", none, ticket.Normal, false},
		{"L1owned", "Cannot log in after password reset", "The reset link says it expired.", "L1", "access", "bob", f.AgentL1, ticket.Normal, false},
		{"L2", "Export CSV vide", "L'export des factures produit un fichier vide.", "L2", "bug", "alice", f.AgentL2, ticket.High, false},
		{"L3", "Erreur 500 à l'import", "L'import de notre catalogue échoue avec une erreur 500.", "L3", "bug", "victoria", f.AgentL3, ticket.Urgent, false},
		{"sensitive", "Paiement frauduleux sur ma carte", "Un paiement que je n'ai pas fait apparaît.", "L1", "billing", "victoria", none, ticket.High, true},
		{"swarm", "Synchronisation bloquée", "Nos données ne se synchronisent plus depuis hier.", "L3", "bug", "alice", f.AgentL3, ticket.High, false},
		{"solved", "Change my billing address", "We moved; please update the invoice address.", "L1", "billing", "bob", f.AgentL1, ticket.Low, false},
	}
	for _, sp := range specs {
		status := ticket.Open
		if sp.owner.ID == 0 && !sp.sensitive {
			status = ticket.New
		}
		c := f.Customer[sp.customer]
		tk, err := sd.s.CreateTicket(sd.ctx, f.WS.ID, store.NewTicket{
			Ticket: ticket.Ticket{Subject: sp.subject, Status: status, Priority: sp.priority, RequestTypeID: f.Type[sp.typ].ID,
				Channel: "email", TierID: f.Tier[sp.tier].ID, TeamID: f.Team[sp.tier].ID, OwnerID: sp.owner.ID,
				CustomerID: c.ID, Language: c.Language, Sensitive: sp.sensitive},
			Body:            sp.body,
			FirstIsCustomer: true,
			Events:          []ticket.Event{{Kind: ticket.Routed, Data: event.Routed{Rule: "seed"}}},
		})
		sd.check("ticket "+sp.key, err)
		f.Ticket[sp.key] = tk
	}
	sd.check("swarm collaborator", sd.s.AddCollaborator(sd.ctx, f.WS.ID, f.Ticket["swarm"].ID, f.AgentL1.ID, f.AgentL3.ID, nil))
	solved := ticket.Solved
	_, err := sd.s.UpdateTicket(sd.ctx, f.WS.ID, f.Ticket["solved"].ID, f.AgentL1.ID, nil, store.Change{Status: &solved})
	sd.check("solve ticket", err)
	// Reload so every ticket is exactly as stored (collaborators, solved_at).
	for k, tk := range f.Ticket {
		tk, err := sd.s.Ticket(sd.ctx, f.WS.ID, tk.ID)
		sd.check("reload ticket "+k, err)
		f.Ticket[k] = tk
	}
}

func (sd seeder) otherTenant() Tenant {
	sd.t.Helper()
	var o Tenant
	ws, err := sd.s.CreateWorkspace(sd.ctx, workspace.Workspace{Name: "Other Co", SupportModel: workspace.Tiered,
		Languages: []string{"en"}, DefaultLanguage: "en", Timezone: "UTC", BusinessHours: "24/7"},
		[]workspace.Tier{{Code: "L1", Name: "Front line", TargetShare: 1, Position: 1}})
	sd.check("other workspace", err)
	o.WS = ws
	tiers, err := sd.s.Tiers(sd.ctx, ws.ID)
	sd.check("other tiers", err)
	o.Tier = tiers[0]
	o.Agent = sd.member(ws.ID, 0, workspace.Member{Email: "agent@other.test", Name: "Oscar Other", Role: workspace.Agent, Language: "en",
		TierIDs: []int64{o.Tier.ID}})
	o.Customer, err = sd.s.CreateCustomer(sd.ctx, ws.ID, customer.Customer{Name: "Carol Jones", Email: "carol@other.example", Language: "en", Segment: "b2c"})
	sd.check("other customer", err)
	tk, err := sd.s.CreateTicket(sd.ctx, ws.ID, store.NewTicket{
		Ticket:          ticket.Ticket{Subject: "Where is my order?", Channel: "email", TierID: o.Tier.ID, CustomerID: o.Customer.ID, Language: "en"},
		Body:            "It was due last week.",
		FirstIsCustomer: true,
	})
	sd.check("other ticket", err)
	o.Ticket, err = sd.s.Ticket(sd.ctx, ws.ID, tk.ID)
	sd.check("reload other ticket", err)
	return o
}

// Actor loads a member as the auth.Actor the store and the access rules
// check against (role, tiers including those of their teams, teams).
func Actor(t testing.TB, s *store.Store, m workspace.Member) auth.Actor {
	t.Helper()
	a, err := s.Actor(context.Background(), m.ID)
	if err != nil {
		t.Fatalf("storetest: actor %s: %v", m.Email, err)
	}
	return a
}
