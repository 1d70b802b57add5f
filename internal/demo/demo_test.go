package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const testSeed = 42

// loaded is a demo loaded once per database, shared by the checks below:
// loading is the expensive part and the checks only read.
type loaded struct {
	s       *store.Store
	info    Info
	tickets []ticket.Ticket // by number
	tiers   map[int64]string
}

func load(t *testing.T, s *store.Store) loaded {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	info, err := Load(ctx, s, testSeed)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Logf("%s: loaded %d tickets in %v", s.Dialect(), info.Tickets, time.Since(start).Round(time.Millisecond))
	l := loaded{s: s, info: info, tiers: map[int64]string{}, tickets: allTickets(t, s, info.WorkspaceID)}
	tiers, err := s.Tiers(ctx, info.WorkspaceID)
	if err != nil {
		t.Fatalf("tiers: %v", err)
	}
	for _, tr := range tiers {
		l.tiers[tr.ID] = tr.Code
	}
	return l
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		l := load(t, s)
		t.Run("workspace", l.checkWorkspace)
		t.Run("counts", l.checkCounts)
		t.Run("statuses", l.checkStatuses)
		t.Run("rising topic", l.checkRisingTopic)
		t.Run("timelines", l.checkTimelines)
		t.Run("swarms", l.checkSwarms)
		t.Run("swarming type never escalates", l.checkSwarmingType)
		t.Run("escalations", l.checkEscalations)
		t.Run("routing rules", l.checkRoutingRules)
		t.Run("routed as the rules say", l.checkRouted)
		t.Run("its saved rules move nothing on a dry run", l.checkOwnRulesMoveNothing)
		t.Run("escalation procedures", l.checkProcedures)
		t.Run("logins", l.checkLogins)
		t.Run("same subjects as planned", l.checkPlanned)
		t.Run("macros", l.checkMacros)
		t.Run("customer and organisation pages", l.checkPeople)
		t.Run("merged and linked", l.checkLinks)
		t.Run("saved views", l.checkViews)
		t.Run("refused on a non-empty database", func(t *testing.T) {
			_, err := Load(context.Background(), s, testSeed)
			if !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("second Load: got %v, want ErrNotEmpty", err)
			}
		})
		t.Run("clock restored", func(t *testing.T) {
			c, err := s.CreateCustomer(context.Background(), l.info.WorkspaceID, customer.Customer{Name: "Clock Check", Email: "clock@check.example", Language: "fr"})
			if err != nil {
				t.Fatal(err)
			}
			if time.Since(c.CreatedAt) > time.Minute {
				t.Errorf("a write after Load is dated %v: the store's clock was not put back", c.CreatedAt)
			}
		})
	})
}

func (l loaded) checkWorkspace(t *testing.T) {
	ws, err := l.s.Workspace(context.Background(), l.info.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	if ws.SupportModel != workspace.Hybrid || !slices.Equal(ws.Languages, []string{"fr", "en"}) || ws.DefaultLanguage != "fr" || ws.Timezone != "Europe/Paris" {
		t.Errorf("workspace = %+v, want hybrid, fr+en, default fr, Europe/Paris", ws)
	}
	if got := len(l.tiers); got != 5 {
		t.Errorf("%d tiers, want L0–L4", got)
	}
}

func (l loaded) checkCounts(t *testing.T) {
	if len(l.tickets) < 300 || len(l.tickets) != l.info.Tickets {
		t.Fatalf("%d tickets stored, Info says %d; want ≥ 300 and equal", len(l.tickets), l.info.Tickets)
	}
	perTier := map[string]int{}
	types := map[int64]bool{}
	langs := map[string]int{}
	sensitive := 0
	for _, tk := range l.tickets {
		perTier[l.tiers[tk.TierID]]++
		types[tk.RequestTypeID] = true
		langs[tk.Language]++
		if tk.Sensitive {
			sensitive++
		}
	}
	for _, code := range []string{"L1", "L2", "L3", "L4"} {
		if perTier[code] == 0 {
			t.Errorf("no ticket in %s (per tier: %v)", code, perTier)
		}
	}
	if perTier["L1"]*2 < len(l.tickets) || perTier["L4"] > 3 {
		t.Errorf("per tier %v: want most in L1 and at most 3 at the vendor", perTier)
	}
	if len(types) != len(requestTypeSpecs) {
		t.Errorf("%d request types used, want all %d", len(types), len(requestTypeSpecs))
	}
	if langs["fr"] <= langs["en"] || langs["en"] == 0 {
		t.Errorf("languages %v: want mostly French, some English", langs)
	}
	if sensitive == 0 {
		t.Error("no sensitive ticket")
	}
}

func (l loaded) checkStatuses(t *testing.T) {
	count := map[ticket.Status]int{}
	active := 0
	for _, tk := range l.tickets {
		count[tk.Status]++
		if tk.Status.Active() {
			active++
		}
		if tk.Status != ticket.New && tk.OwnerID == 0 {
			t.Errorf("ticket %s is %s without an owner", tk.Reference, tk.Status)
		}
		if !tk.Status.Active() && tk.SolvedAt == nil {
			t.Errorf("ticket %s is %s without a solved time", tk.Reference, tk.Status)
		}
	}
	for _, st := range ticket.Statuses {
		if count[st] == 0 {
			t.Errorf("no ticket is %s (%v)", st, count)
		}
	}
	share := float64(active) / float64(len(l.tickets))
	if share < 0.15 || share > 0.4 {
		t.Errorf("%.0f%% of tickets active, want about a quarter (%v)", share*100, count)
	}
}

// checkRisingTopic: the double-debit tickets must be visibly more frequent
// in the last ten days than in the ten before.
func (l loaded) checkRisingTopic(t *testing.T) {
	recent, before := 0, 0
	now := time.Now()
	for _, tk := range l.tickets {
		if !slices.Contains(tk.Tags, "prelevement-double") {
			continue
		}
		switch age := now.Sub(tk.CreatedAt); {
		case age < 10*day:
			recent++
		case age < 20*day:
			before++
		}
	}
	if recent < 8 || recent < 3*before {
		t.Errorf("double debits: %d in the last 10 days, %d in the 10 before; want a clear rise", recent, before)
	}
}

// checkTimelines: every timeline starts with the ticket's creation and the
// customer's message, runs forward in time, ends before now, and escalated
// tickets show their moves.
func (l loaded) checkTimelines(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	moves, notes, replies, answers := 0, 0, 0, 0
	for _, tk := range l.tickets {
		events, err := l.s.Events(ctx, l.info.WorkspaceID, tk.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) < 3 || events[0].Kind != ticket.Created || events[1].Kind != ticket.CustomerMessage || events[2].Kind != ticket.Routed {
			t.Fatalf("ticket %s starts with %v, want created, customer_message, routed", tk.Reference, kinds(events))
		}
		// A merge copies the other ticket's messages, as they were.
		merged := slices.ContainsFunc(events, func(e ticket.Event) bool { return e.Kind == ticket.Merged })
		for i, e := range events {
			if i > 0 && e.CreatedAt.Before(events[i-1].CreatedAt) {
				t.Errorf("ticket %s: event %d (%s) is dated before the previous one", tk.Reference, i, e.Kind)
			}
			if e.CreatedAt.After(now) {
				t.Errorf("ticket %s: event %s is in the future", tk.Reference, e.Kind)
			}
			switch e.Kind {
			case ticket.Escalated, ticket.DeEscalated:
				moves++
			case ticket.InternalNote:
				notes++
			case ticket.AgentReply:
				replies++
			case ticket.CustomerMessage:
				// A customer's later answer comes in through the service's
				// intake, which records the channel it came by.
				if m, _ := event.As[event.Message](e); i > 1 && !merged && m.Channel != tk.Channel {
					t.Errorf("ticket %s: customer message %d came by %q, want the ticket's channel %q (the service's intake)", tk.Reference, i, m.Channel, tk.Channel)
				} else if i > 1 {
					answers++
				}
			}
		}
		if tk.CreatedAt.Before(now.Add(-(periodDays+1)*day)) || !tk.UpdatedAt.Equal(events[len(events)-1].CreatedAt) {
			t.Errorf("ticket %s: created %v, updated %v, last event %v", tk.Reference, tk.CreatedAt, tk.UpdatedAt, events[len(events)-1].CreatedAt)
		}
	}
	if moves == 0 || notes == 0 || replies == 0 || answers == 0 {
		t.Errorf("escalations %d, notes %d, replies %d, customer answers %d: want some of each", moves, notes, replies, answers)
	}
}

func (l loaded) checkSwarms(t *testing.T) {
	ctx := context.Background()
	swarms, handoffs := 0, 0
	for _, m := range memberSpecs {
		_, member, err := l.s.MemberByEmail(ctx, m.email)
		if err != nil {
			t.Fatal(err)
		}
		n, err := l.s.CountTickets(ctx, l.info.WorkspaceID, store.Filter{CollaboratorID: member.ID}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		swarms += n
	}
	for _, tk := range l.tickets {
		handoffs += tk.HandoffCount
	}
	if swarms == 0 || handoffs == 0 {
		t.Errorf("%d swarm invitations, %d hand-offs: want some of each", swarms, handoffs)
	}
}

// checkSwarmingType: a ticket of a swarming request type never escalates
// (the service refuses it); its owner invites engineers with a question
// instead, and one of them answers in an internal note.
func (l loaded) checkSwarmingType(t *testing.T) {
	ctx := context.Background()
	types, err := l.s.RequestTypes(ctx, l.info.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := l.s.Workspace(ctx, l.info.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	swarming := map[int64]bool{}
	for _, rt := range types {
		if ws.ModelFor(rt) == workspace.Swarming {
			swarming[rt.ID] = true
		}
	}
	if len(swarming) != 1 {
		t.Fatalf("%d swarming request types, want 1 (integration)", len(swarming))
	}
	seen, answered, teams := 0, 0, 0
	for _, tk := range l.tickets {
		if !swarming[tk.RequestTypeID] {
			continue
		}
		seen++
		if tk.EscalationCount != 0 {
			t.Errorf("ticket %s of a swarming type escalated %d times", tk.Reference, tk.EscalationCount)
		}
		events, err := l.s.Events(ctx, l.info.WorkspaceID, tk.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		invited := map[int64]bool{}
		asked, team := false, false
		for _, e := range events {
			switch e.Kind {
			case ticket.Escalated, ticket.DeEscalated:
				t.Errorf("ticket %s of a swarming type has a %s event", tk.Reference, e.Kind)
			case ticket.SwarmJoined:
				j, _ := event.As[event.SwarmJoin](e)
				invited[j.AgentID] = true
				asked = asked || j.Question != ""
				team = team || j.TeamID != 0
			case ticket.InternalNote:
				if asked && invited[e.ActorAgentID] && e.Body != "" {
					answered++
					if team {
						teams++
					}
					asked = false // count each ticket once
				}
			}
		}
	}
	t.Logf("%d tickets of a swarming type, %d answered by an invited engineer (%d invited as a team)", seen, answered, teams)
	if seen == 0 || answered < 3 || teams == 0 {
		t.Errorf("%d swarming tickets, %d with a question answered by a collaborator, %d by a team: want some of each", seen, answered, teams)
	}
}

func (l loaded) checkLogins(t *testing.T) {
	ctx := context.Background()
	if len(l.info.Logins) != len(memberSpecs) {
		t.Fatalf("%d logins, want %d", len(l.info.Logins), len(memberSpecs))
	}
	roles := map[workspace.Role]int{}
	for _, lg := range l.info.Logins {
		roles[lg.Role]++
		wsID, agentID, hash, err := l.s.Credentials(ctx, lg.Email)
		if err != nil {
			t.Fatalf("credentials of %s: %v", lg.Email, err)
		}
		if ok, err := auth.CheckPassword(hash, lg.Password); err != nil || !ok {
			t.Errorf("%s cannot sign in with %q (%v)", lg.Email, lg.Password, err)
		}
		a, err := l.s.Actor(ctx, agentID)
		if err != nil || wsID != l.info.WorkspaceID || a.Role != lg.Role || a.Name != lg.Name {
			t.Errorf("%s: actor %+v (%v), want %s in workspace %d", lg.Email, a, err, lg.Role, l.info.WorkspaceID)
		}
		if lg.Role != workspace.Admin && len(a.TierIDs) == 0 {
			t.Errorf("%s works in no tier", lg.Email)
		}
	}
	if roles[workspace.Admin] != 1 || roles[workspace.Lead] != 1 {
		t.Errorf("roles %v: want one admin and one lead", roles)
	}
	if len(Password) < auth.MinPasswordLength {
		t.Errorf("demo password %q is shorter than the minimum", Password)
	}
}

// checkPlanned: what the store holds is exactly the seed's plan, in order.
func (l loaded) checkPlanned(t *testing.T) {
	// The plan's tickets, then those the contact form's visitors opened,
	// then the merged and linked ones (links.go).
	if got, want := subjects(l.tickets), append(append(plannedSubjects(testSeed), contactSubjects()...), linkSubjects()...); !slices.Equal(got, want) {
		t.Errorf("stored subjects differ from the plan of seed %d", testSeed)
	}
}

func TestPlansDependOnTheSeedOnly(t *testing.T) {
	a, b := plannedSubjects(7), plannedSubjects(7)
	if !slices.Equal(a, b) {
		t.Fatal("two plans of the same seed differ")
	}
	if slices.Equal(a, plannedSubjects(8)) {
		t.Error("seeds 7 and 8 give the same tickets")
	}
	if n := len(a); n < 300 {
		t.Errorf("%d tickets planned, want ≥ 300", n)
	}
}

func TestSameSeedSameTickets(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo twice")
	}
	ctx := context.Background()
	var runs [][]string
	for range 2 {
		s := storetest.Open(t, store.SQLite)
		info, err := Load(ctx, s, 3)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, paths(t, s, info.WorkspaceID))
	}
	if !slices.Equal(runs[0], runs[1]) {
		t.Error("two loads with the same seed stored different tickets")
	}
}

// paths describes each ticket by what does not depend on the time of the
// load: its subject, where routing sent it, and each move with its reason
// and hand-off summary.
func paths(t *testing.T, s *store.Store, wsID int64) []string {
	t.Helper()
	var out []string
	for _, tk := range allTickets(t, s, wsID) {
		events, err := s.Events(context.Background(), wsID, tk.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		routed, _ := event.As[event.Routed](events[2])
		p := fmt.Sprintf("%s → %d %d", tk.Subject, routed.TierID, routed.TeamID)
		for _, e := range events {
			if h, ok := event.As[event.Handoff](e); ok {
				raw, _ := json.Marshal(h)
				p += " → " + string(raw)
			}
		}
		out = append(out, fmt.Sprintf("%s (%d escalations)", p, tk.EscalationCount))
	}
	return out
}

func TestCalendarIsIncreasingAndBounded(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC) // a Sunday, the night of the DST change
	cal := newCalendar(now, loc, periodDays)
	prev := now
	for age := 0.0; age <= periodDays; age += 0.01 {
		at := cal.time(age)
		if at.After(prev) {
			t.Fatalf("age %.2f gives %v, later than a younger age's %v", age, at, prev)
		}
		prev = at
	}
	if oldest := cal.time(periodDays); now.Sub(oldest) > periodDays*day {
		t.Errorf("oldest time %v is beyond the period", oldest)
	}
	night, office := 0, 0
	for age := 0.0; age < periodDays; age += 0.05 {
		switch h := cal.time(age).In(loc).Hour(); {
		case h < 7 || h >= 22:
			night++
		case h >= 9 && h < 17:
			office++
		}
	}
	if night*5 > office {
		t.Errorf("%d night arrivals for %d in office hours: want office hours to dominate", night, office)
	}
}

// allTickets lists a workspace's tickets oldest first, page by page.
func allTickets(t *testing.T, s *store.Store, wsID int64) []ticket.Ticket {
	t.Helper()
	var out []ticket.Ticket
	cursor := ""
	for {
		page, next, err := s.Tickets(context.Background(), wsID, store.Filter{Sort: "oldest"}, cursor, 200)
		if err != nil {
			t.Fatalf("list tickets: %v", err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		cursor = next
	}
}

func subjects(ts []ticket.Ticket) []string {
	out := make([]string, len(ts))
	for i, tk := range ts {
		out[i] = tk.Subject
	}
	return out
}

func plannedSubjects(seed uint64) []string {
	var out []string
	for _, p := range makePlans(seed) {
		out = append(out, p.msg.Subject)
	}
	return out
}

func kinds(es []ticket.Event) []ticket.EventKind {
	out := make([]ticket.EventKind, len(es))
	for i, e := range es {
		out[i] = e.Kind
	}
	return out
}

// The demo's macros exist, each seen by those it is for: Nadia (front
// line) has the shared one and her own, not the billing team's.
func (l loaded) checkMacros(t *testing.T) {
	ctx := context.Background()
	var nadiaID int64
	for _, lg := range l.info.Logins {
		if lg.Email == "nadia@nuagique.example" {
			_, nadiaID, _, _ = l.s.Credentials(ctx, lg.Email)
		}
	}
	nadia, err := l.s.Actor(ctx, nadiaID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := desk.New(l.s, nil).Macros(ctx, nadia)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range list {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Mot de passe oublié", "Relance sans réponse"}) {
		t.Errorf("Nadia's macros: %v", names)
	}
}

// checkLinks: the demo shows a merged pair and a parent with three
// children, each readable from the ticket's links.
func (l loaded) checkLinks(t *testing.T) {
	ctx := context.Background()
	var merged, parent []ticket.Ticket
	for _, tk := range l.tickets {
		full, err := l.s.Ticket(ctx, l.info.WorkspaceID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.MergedIntoID != 0 {
			merged = append(merged, full)
		}
		links, err := l.s.TicketLinks(ctx, l.info.WorkspaceID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		children := 0
		for _, ln := range links {
			if ln.Link.Relation == ticket.Child {
				children++
			}
		}
		if children == 3 {
			parent = append(parent, full)
		}
	}
	if len(merged) != 1 || merged[0].Status != ticket.Closed {
		t.Errorf("merged tickets: %+v, want one, closed", merged)
	}
	if len(parent) != 1 {
		t.Errorf("%d tickets with three children, want 1", len(parent))
	}
}

// The demo's saved views: Nadia has the shared billing one and her own,
// each with a count; Thomas (front line too) has only the shared one.
func (l loaded) checkViews(t *testing.T) {
	ctx := context.Background()
	actor := func(email string) auth.Actor {
		_, id, _, _ := l.s.Credentials(ctx, email)
		a, err := l.s.Actor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	d := desk.New(l.s, nil)
	for email, want := range map[string][]string{
		"nadia@nuagique.example":  {"Factures en retard", "En attente du client"},
		"thomas@nuagique.example": {"Factures en retard"},
	} {
		views, err := d.Views(ctx, actor(email), true)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range views {
			if v.Saved != nil {
				names = append(names, v.Label)
				if v.Label == "Factures en retard" && v.Count == 0 {
					t.Errorf("%s: the billing view counts nothing", email)
				}
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s's saved views: %v, want %v", email, names, want)
		}
	}
}
