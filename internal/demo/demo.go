// Package demo fills an empty database with a realistic workspace so that
// `palier serve --demo` shows a support team at work: Nuagique, a software
// company selling a SaaS invoicing and payment product, with its tiers,
// teams, agents, French- and English-speaking customers and a few hundred
// tickets spread over the last two months.
//
// Everything goes through the store's own methods, never raw SQL, so the
// demo data obeys exactly the rules real data obeys (validation, timeline
// events, hand-off and escalation counts, first-response and solved
// times). The routing rules and escalation procedures are saved through
// the service, which validates them; tickets are then routed by those
// rules and escalated along those procedures, with the same timeline data
// the service records (routing decisions, hand-off summaries).
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// Password is the password of every demo account. It is printed on start,
// so it protects nothing: the demo is for trying Palier, not for real data.
const Password = "palier-demo-2026"

// Login is one demo account, as printed for whoever tries the demo.
type Login struct {
	Email, Password, Name string
	Role                  workspace.Role
	Tiers                 string // the tiers the member works in, e.g. "L1" or "L1+L2"; "" for the admin
}

// Info describes the loaded demo workspace.
type Info struct {
	WorkspaceID int64
	Logins      []Login
	Tickets     int
	// HelpBoxKey is the demo's help-box key (see helpbox.go).
	HelpBoxKey string
}

// ErrNotEmpty is returned by Load when the database already holds a
// workspace: the demo never mixes with real data.
var ErrNotEmpty = problem.New(problem.Conflict, "demo_not_empty", "the database already holds a workspace; the demo needs an empty database")

// Load creates the demo workspace on an empty database and returns how to
// sign in to it. The content (people, ticket subjects and their order,
// timelines) depends only on seed; dates are relative to the time of the
// call. Load moves the store's clock while it writes, to date each object
// in the past, and puts time.Now back before returning: call it before the
// store serves requests. It is not atomic: on error, the database holds a
// partial demo and should be discarded.
func Load(ctx context.Context, s *store.Store, seed uint64) (Info, error) {
	if err := ensureEmpty(ctx, s); err != nil {
		return Info{}, err
	}
	// Hashing is deliberately slow; every demo account shares the one hash.
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return Info{}, fmt.Errorf("demo: hash password: %w", err)
	}
	b := &builder{ctx: ctx, s: s, hash: hash, now: time.Now().UTC().Truncate(time.Second),
		teams: map[string]workspace.Team{}, members: map[string]workspace.Member{}, actors: map[string]auth.Actor{}, orgs: map[string]customer.Organisation{},
		history: map[int][]span{}}
	defer s.SetClock(time.Now)
	if err := b.build(seed); err != nil {
		return Info{}, fmt.Errorf("demo: %w", err)
	}
	return Info{WorkspaceID: b.ws.ID, Logins: b.logins(), Tickets: b.tickets, HelpBoxKey: HelpBoxKey}, nil
}

func ensureEmpty(ctx context.Context, s *store.Store) error {
	_, err := s.FirstWorkspace(ctx)
	switch {
	case err == nil:
		return ErrNotEmpty
	case problem.Is(err, problem.NotFound):
		return nil
	default:
		return fmt.Errorf("demo: check the database is empty: %w", err)
	}
}

// builder carries what every loading step needs: the objects created so
// far, by readable key, so later steps never query the store for them.
type builder struct {
	ctx  context.Context
	s    *store.Store
	hash string
	now  time.Time      // the moment the demo "ends"; nothing is dated after it
	loc  *time.Location // the workspace's time zone: office hours

	ws        workspace.Workspace
	tiers     map[string]workspace.Tier        // by code
	types     map[string]workspace.RequestType // by key
	teams     map[string]workspace.Team        // by key (see teamSpecs)
	members   map[string]workspace.Member      // by key (see memberSpecs)
	actors    map[string]auth.Actor            // the members as the service sees them signed in, by key
	orgs      map[string]customer.Organisation // by key (see orgSpecs)
	customers []customer.Customer              // in customerSpecs order
	tickets   int

	svc     *desk.Service           // the service users go through (see configure)
	engine  *routing.Engine         // the saved routing rules, compiled
	procs   []escalation.Procedure  // the saved escalation procedures
	history map[int][]span          // by customer index: their tickets so far
	kb      map[string]KBArticleIDs // the help centre's articles, by key
}

// at sets the store's clock to t: the next write is dated t.
// InboundAddress is where the demo workspace receives customers' mail.
const InboundAddress = "support@nuagique.example"

func (b *builder) at(t time.Time) { b.s.SetClock(func() time.Time { return t }) }

func (b *builder) build(seed uint64) error {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"workspace", b.workspace},
		{"teams", b.createTeams},
		{"routing and escalation", b.configure},
		{"members", b.createMembers},
		{"customers", b.createCustomers},
		{"tickets", func() error { return b.createTickets(seed) }},
		{"inbound address", func() error { return b.s.AddInboundAddress(b.ctx, b.ws.ID, InboundAddress) }},
		{"knowledge base", b.createKnowledgeBase},
		{"self-service journeys", b.createJourneys},
		{"help box", b.createHelpBox},
		{"macros", b.createMacros},
		{"customer notes", b.createPeopleNotes},
		{"merged and linked tickets", b.createLinks},
		{"saved views", b.createViews},
	}
	for _, st := range steps {
		if err := st.fn(); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return nil
}

// logins lists every demo account in the order of memberSpecs.
func (b *builder) logins() []Login {
	out := make([]Login, 0, len(memberSpecs))
	for _, m := range memberSpecs {
		out = append(out, Login{Email: m.email, Password: Password, Name: m.name, Role: m.role, Tiers: m.label})
	}
	return out
}

// errStop is not an error: a ticket's story ends early because the ticket
// is still being worked.
var errStop = errors.New("story ends here")
