package desk_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// peopleCounts counts the rows of the tables a customer page may write.
func peopleCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	return rowCounts(t, s, "customer_notes", "customers", "organisations", "audit_log", "customer_sessions")
}

func sameRows(t *testing.T, what string, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s wrote %s: %d → %d", what, k, v, after[k])
		}
	}
}

func wantCode(t *testing.T, err error, kind problem.Kind, code string) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != kind || p.Code != code {
		t.Fatalf("error = %v, want %v %s", err, kind, code)
	}
}

func numbers(list []ticket.Ticket) []int64 {
	out := make([]int64, len(list))
	for i, tk := range list {
		out[i] = tk.Number
	}
	return out
}

func TestCustomerNotesAreSupportsOwn(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		alice := env.f.Customer["alice"]
		n1, err := env.d.AddCustomerNote(env.ctx, env.l1, alice.ID, "Prefers to be called after 14:00.")
		if err != nil {
			t.Fatal(err)
		}
		if n1.AuthorName != env.f.AgentL1.Name || n1.CreatedAt.IsZero() || n1.CustomerID != alice.ID {
			t.Errorf("note = %+v", n1)
		}
		if _, err := env.d.AddCustomerNote(env.ctx, env.lead, alice.ID, "Renewal in March."); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.AddOrganisationNote(env.ctx, env.lead, env.f.Org.ID, "Globex: key account."); err != nil {
			t.Fatal(err)
		}
		notes, err := env.d.CustomerNotes(env.ctx, env.l1, alice.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 2 || notes[0].Body != "Renewal in March." || notes[0].AuthorName != env.f.Lead.Name || notes[1].ID != n1.ID {
			t.Errorf("customer notes, newest first = %+v", notes)
		}
		// Paged: before the newest, only the older one.
		if older, _ := env.d.CustomerNotes(env.ctx, env.l1, alice.ID, notes[0].ID, 10); len(older) != 1 || older[0].ID != n1.ID {
			t.Errorf("notes before %d = %+v", notes[0].ID, older)
		}
		orgNotes, err := env.d.OrganisationNotes(env.ctx, env.l1, env.f.Org.ID, 0, 10)
		if err != nil || len(orgNotes) != 1 || orgNotes[0].Body != "Globex: key account." {
			t.Errorf("organisation notes = %+v, %v", orgNotes, err)
		}

		ext, err := env.d.CreateMember(env.ctx, env.admin, workspace.Member{Name: "Ext", Email: "ext@vendor.test", Role: workspace.Collaborator, Active: true}, storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		collab := storetest.Actor(t, env.s, ext)
		other := storetest.Actor(t, env.s, env.f.Other.Agent)
		before := peopleCounts(t, env.s)
		refusals := []struct {
			name string
			err  func() error
			kind problem.Kind
			code string
		}{
			{"an empty note", func() error { _, err := env.d.AddCustomerNote(env.ctx, env.l1, alice.ID, "  \n"); return err }, problem.Invalid, "validation_failed"},
			{"a note too long", func() error {
				_, err := env.d.AddCustomerNote(env.ctx, env.l1, alice.ID, strings.Repeat("é", customer.MaxNote+1))
				return err
			}, problem.Invalid, "validation_failed"},
			{"not UTF-8", func() error { _, err := env.d.AddCustomerNote(env.ctx, env.l1, alice.ID, "caf\xe9"); return err }, problem.Invalid, "validation_failed"},
			{"a collaborator writes one", func() error { _, err := env.d.AddCustomerNote(env.ctx, collab, alice.ID, "x"); return err }, problem.Forbidden, "forbidden"},
			{"a collaborator reads them", func() error { _, err := env.d.CustomerNotes(env.ctx, collab, alice.ID, 0, 10); return err }, problem.Forbidden, "forbidden"},
			{"another workspace's agent", func() error { _, err := env.d.AddCustomerNote(env.ctx, other, alice.ID, "x"); return err }, problem.NotFound, "customer_not_found"},
			{"another workspace's agent reads", func() error { _, err := env.d.CustomerNotes(env.ctx, other, alice.ID, 0, 10); return err }, problem.NotFound, "customer_not_found"},
			{"an unknown organisation", func() error { _, err := env.d.AddOrganisationNote(env.ctx, env.l1, 1<<40, "x"); return err }, problem.NotFound, "organisation_not_found"},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) { wantCode(t, c.err(), c.kind, c.code) })
		}
		sameRows(t, "refused notes", before, peopleCounts(t, env.s))
	})
}

// The customer page lists only the tickets the agent may see, and says how
// many others exist as a number only.
func TestCustomerTicketsFollowTheAccessRule(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		victoria := env.f.Customer["victoria"] // #1003 L3-only, #1004 sensitive in L1
		cases := []struct {
			who    workspace.Member
			cust   string
			want   []int64
			hidden int
		}{
			{env.f.AgentL1, "victoria", nil, 2},
			{env.f.AgentL3, "victoria", []int64{env.f.Ticket["L3"].Number}, 1},
			{env.f.Lead, "victoria", []int64{env.f.Ticket["sensitive"].Number}, 1}, // leads read sensitive tickets of their tiers
			{env.f.Admin, "victoria", []int64{env.f.Ticket["sensitive"].Number, env.f.Ticket["L3"].Number}, 0},
			{env.f.AgentL1, "alice", []int64{env.f.Ticket["swarm"].Number, env.f.Ticket["L1"].Number}, 1}, // invited to the swarm; not L2
		}
		for _, c := range cases {
			a := storetest.Actor(t, env.s, c.who)
			list, _, hidden, err := env.d.CustomerTickets(env.ctx, a, env.f.Customer[c.cust].ID, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			if got := numbers(list); !slices.Equal(got, c.want) || hidden != c.hidden {
				t.Errorf("%s on %s: tickets %v hidden %d, want %v hidden %d", c.who.Email, c.cust, got, hidden, c.want, c.hidden)
			}
			for _, tk := range list {
				if !ticket.CanView(a, tk) {
					t.Errorf("%s is shown #%d, which ticket.CanView refuses", c.who.Email, tk.Number)
				}
			}
		}
		// Paged newest first: one per page, the cursor leads to the next.
		first, next, _, err := env.d.CustomerTickets(env.ctx, env.admin, victoria.ID, "", 1)
		if err != nil || len(first) != 1 || next == "" {
			t.Fatalf("first page %v next %q %v", numbers(first), next, err)
		}
		second, _, hidden, err := env.d.CustomerTickets(env.ctx, env.admin, victoria.ID, next, 1)
		if err != nil || len(second) != 1 || second[0].ID >= first[0].ID || hidden != 0 {
			t.Errorf("second page %v after %v (%v)", numbers(second), numbers(first), err)
		}
	})
}

// An organisation's open tickets: active tickets of all its customers the
// agent may see, most urgent first, and counts by status of the same.
func TestOrganisationOpenTicketsAtAGlance(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		// Bob joins Globex: his open ticket joins the organisation's; his
		// solved one does not (not active).
		bob := env.f.Customer["bob"]
		bob.OrganisationID = env.f.Org.ID
		if err := env.d.UpdateCustomer(env.ctx, env.admin, bob); err != nil {
			t.Fatal(err)
		}
		T := env.f.Ticket
		cases := []struct {
			who    workspace.Member
			want   []int64
			counts map[ticket.Status]int
		}{
			// alice: L1 new normal, L2 open high, swarm open high (L3, L1 invited); bob: L1owned open (L1).
			{env.f.Admin, []int64{T["L2"].Number, T["swarm"].Number, T["L1"].Number, T["L1owned"].Number}, map[ticket.Status]int{ticket.New: 1, ticket.Open: 3}},
			{env.f.AgentL1, []int64{T["swarm"].Number, T["L1"].Number, T["L1owned"].Number}, map[ticket.Status]int{ticket.New: 1, ticket.Open: 2}},
			{env.f.AgentL3, []int64{T["swarm"].Number}, map[ticket.Status]int{ticket.Open: 1}},
			{env.f.AgentL2, []int64{T["L2"].Number}, map[ticket.Status]int{ticket.Open: 1}},
		}
		for _, c := range cases {
			a := storetest.Actor(t, env.s, c.who)
			ov, err := env.d.OrganisationOpenTickets(env.ctx, a, env.f.Org.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			got := numbers(ov.Open)
			// Same priority: oldest first (lowest number).
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: open %v, want %v", c.who.Email, got, c.want)
			}
			if len(ov.Counts) != len(c.counts) {
				t.Errorf("%s: counts %v, want %v", c.who.Email, ov.Counts, c.counts)
			}
			for st, n := range c.counts {
				if ov.Counts[st] != n {
					t.Errorf("%s: counts %v, want %v", c.who.Email, ov.Counts, c.counts)
				}
			}
			for _, tk := range ov.Open {
				if !ticket.CanView(a, tk) || !tk.Status.Active() {
					t.Errorf("%s is shown #%d (%s)", c.who.Email, tk.Number, tk.Status)
				}
			}
		}
		if _, err := env.d.OrganisationOpenTickets(env.ctx, storetest.Actor(t, env.s, env.f.Other.Agent), env.f.Org.ID, 50); !problem.Is(err, problem.NotFound) {
			t.Errorf("another workspace's agent: %v", err)
		}
	})
}

// Edits go through the API's desk call: validated field by field, audited
// with the member who made them, refused to collaborators, and a refused
// edit writes nothing.
func TestCustomerEditsAreAuditedAndRefusalsWriteNothing(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		alice := env.f.Customer["alice"]
		alice.Segment = "vip"
		if err := env.d.UpdateCustomer(env.ctx, env.l1, alice); err != nil {
			t.Fatal(err)
		}
		entries, err := env.s.AuditEntries(env.ctx, env.f.WS.ID, store.AuditFilter{TargetType: "customer"}, 5)
		if err != nil || len(entries) == 0 || entries[0].Action != "customer.updated" || entries[0].ActorID != env.f.AgentL1.ID ||
			entries[0].TargetID != alice.ID || !strings.Contains(string(entries[0].Details), `"segment":"vip"`) {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
		org := env.f.Org
		org.Segment = "vip"
		if err := env.d.UpdateOrganisation(env.ctx, env.l1, org); err != nil {
			t.Fatal(err)
		}
		if e, _ := env.s.AuditEntries(env.ctx, env.f.WS.ID, store.AuditFilter{TargetType: "organisation"}, 1); len(e) != 1 || e[0].Action != "organisation.updated" || e[0].ActorID != env.f.AgentL1.ID {
			t.Errorf("organisation audit = %+v", e)
		}

		ext, err := env.d.CreateMember(env.ctx, env.admin, workspace.Member{Name: "Ext", Email: "ext@vendor.test", Role: workspace.Collaborator, Active: true}, storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		collab := storetest.Actor(t, env.s, ext)
		before := peopleCounts(t, env.s)
		byCollaborator, orgByCollaborator := alice, org
		byCollaborator.Name, orgByCollaborator.Name = "Renamed by a collaborator", "Renamed by a collaborator"
		wantCode(t, env.d.UpdateCustomer(env.ctx, collab, byCollaborator), problem.Forbidden, "forbidden")
		wantCode(t, env.d.UpdateOrganisation(env.ctx, collab, orgByCollaborator), problem.Forbidden, "forbidden")
		bad := alice
		bad.Name, bad.Email, bad.Segment = "", "not an address", "gold"
		p, ok := problem.As(env.d.UpdateCustomer(env.ctx, env.l1, bad))
		if !ok || p.Fields["name"].Code != "required" || p.Fields["email"].Code == "" || p.Fields["segment"].Code != "unknown_value" {
			t.Errorf("refusal = %+v", p)
		}
		taken := alice
		taken.Email = env.f.Customer["bob"].Email
		if p, _ := problem.As(env.d.UpdateCustomer(env.ctx, env.l1, taken)); p == nil || p.Fields["email"].Code != "taken" {
			t.Errorf("taken email: %+v", p)
		}
		sameRows(t, "refused edits", before, peopleCounts(t, env.s))
		if got, _ := env.d.Customer(env.ctx, env.l1, alice.ID); got.Segment != "vip" || got.Name != alice.Name || got.Email != alice.Email {
			t.Errorf("a refused edit changed the customer: %+v", got)
		}
	})
}

// Merging victoria (a duplicate) into alice: her tickets and notes move,
// her address becomes alice's extra address (a new ticket from it is
// alice's), her help-centre session ends, the merge is audited; agents
// and collaborators may not merge, and a refused merge writes nothing.
func TestMergeCustomers(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		alice, victoria := env.f.Customer["alice"], env.f.Customer["victoria"]
		if _, err := env.d.AddCustomerNote(env.ctx, env.lead, victoria.ID, "Appelle souvent le lundi."); err != nil {
			t.Fatal(err)
		}
		if err := env.s.OpenCustomerSession(env.ctx, env.f.WS.ID, victoria.ID, "victoria-secret", time.Hour); err != nil {
			t.Fatal(err)
		}

		before := peopleCounts(t, env.s)
		ticketsOf := func(id int64) []int64 {
			list, _, _, err := env.d.CustomerTickets(env.ctx, env.admin, id, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			return numbers(list)
		}
		refusals := []struct {
			name       string
			who        mergeBy
			into, from int64
			kind       problem.Kind
		}{
			{"an agent", mergeBy{env.f.AgentL1.ID}, alice.ID, victoria.ID, problem.Forbidden},
			{"into themselves", mergeBy{env.f.Lead.ID}, alice.ID, alice.ID, problem.Invalid},
			{"an unknown customer", mergeBy{env.f.Lead.ID}, alice.ID, 1 << 40, problem.NotFound},
			{"another workspace's customer", mergeBy{env.f.Lead.ID}, alice.ID, env.f.Other.Customer.ID, problem.NotFound},
			{"another workspace's agent", mergeBy{env.f.Other.Agent.ID}, alice.ID, victoria.ID, problem.Forbidden},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				a, err := env.s.Actor(env.ctx, c.who.id)
				if err != nil {
					t.Fatal(err)
				}
				_, err = env.d.MergeCustomers(env.ctx, a, c.into, c.from)
				if p, ok := problem.As(err); !ok || p.Kind != c.kind {
					t.Errorf("merge: %v, want %v", err, c.kind)
				}
			})
		}
		sameRows(t, "refused merges", before, peopleCounts(t, env.s))
		if got := ticketsOf(victoria.ID); len(got) != 2 {
			t.Fatalf("victoria's tickets after refusals: %v", got)
		}

		want := slices.Concat(ticketsOf(alice.ID), ticketsOf(victoria.ID))
		slices.Sort(want)
		res, err := env.d.MergeCustomers(env.ctx, env.lead, alice.ID, victoria.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Tickets != 2 || res.Notes != 1 || res.Email != victoria.Email {
			t.Errorf("merge result = %+v", res)
		}
		got := ticketsOf(alice.ID)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("alice's tickets %v, want %v", got, want)
		}
		// The emptied record answers with a pointer to alice.
		if _, _, _, err := env.d.CustomerTickets(env.ctx, env.admin, victoria.ID, "", 50); !problem.Is(err, problem.NotFound) {
			t.Errorf("victoria's tickets after the merge: %v, want not found (merged)", err)
		}
		notes, _ := env.d.CustomerNotes(env.ctx, env.lead, alice.ID, 0, 10)
		if len(notes) != 1 || notes[0].Body != "Appelle souvent le lundi." {
			t.Errorf("alice's notes = %+v", notes)
		}
		if extra, _ := env.d.CustomerEmails(env.ctx, env.lead, alice.ID); !slices.Equal(extra, []string{victoria.Email}) {
			t.Errorf("extra addresses = %v", extra)
		}
		if _, _, err := env.s.CustomerSession(env.ctx, "victoria-secret"); err == nil {
			t.Error("the merged customer's help-centre session still works")
		}
		// Her address now names alice: a new ticket from it is alice's.
		tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Encore moi", Body: "Bonjour", CustomerEmail: strings.ToUpper(victoria.Email)})
		if err != nil {
			t.Fatal(err)
		}
		if tk.CustomerID != alice.ID {
			t.Errorf("a ticket from the merged address went to customer %d, want alice %d", tk.CustomerID, alice.ID)
		}
		// A reply from her old address still threads onto her old tickets
		// (alice's now), and follows a ticket's merge pointer.
		kept, hers, merged := env.f.Ticket["L1"], env.f.Ticket["sensitive"], env.f.Ticket["L3"]
		if _, err := env.d.MergeTickets(env.ctx, env.admin, kept.ID, []int64{merged.ID}); err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct{ answers, lands ticket.Ticket }{{hers, hers}, {merged, kept}} {
			in, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "victoria-reply-" + strconv.Itoa(i) + "@perso.example", FromEmail: victoria.Email,
				Subject: "Re: [" + c.answers.Reference + "] " + c.answers.Subject, Text: "Toujours moi.", TicketNumber: c.answers.Number})
			if err != nil {
				t.Fatal(err)
			}
			if in.NewTicket || in.TicketID != c.lands.ID {
				t.Errorf("a reply from the merged address to %s: %+v, want it on %s", c.answers.Reference, in, c.lands.Reference)
			}
		}
		entries, _ := env.s.AuditEntries(env.ctx, env.f.WS.ID, store.AuditFilter{TargetType: "customer"}, 5)
		found := false
		for _, e := range entries {
			if e.Action == "customer.merged" && e.ActorID == env.f.Lead.ID && e.TargetID == alice.ID && strings.Contains(string(e.Details), victoria.Email) {
				found = true
			}
		}
		if !found {
			t.Errorf("no merge audit entry in %+v", entries)
		}
		// The emptied record cannot be merged again.
		before = peopleCounts(t, env.s)
		if _, err := env.d.MergeCustomers(env.ctx, env.lead, alice.ID, victoria.ID); !problem.Is(err, problem.Conflict) {
			t.Errorf("second merge: %v", err)
		}
		sameRows(t, "a second merge", before, peopleCounts(t, env.s))
	})
}

type mergeBy struct{ id int64 }

// Once victoria's record is merged into alice's (one person, two
// addresses), victoria's address signs in to the help centre as alice:
// with the password alice set, and with a link sent to the address typed.
// An address nobody has still gets nothing, and a link made for the
// address stops working once the address is no longer alice's.
func TestAMergedAddressSignsInToTheCustomerKept(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		alice, victoria := env.f.Customer["alice"], env.f.Customer["victoria"]
		if _, err := env.d.MergeCustomers(env.ctx, env.lead, alice.ID, victoria.ID); err != nil {
			t.Fatal(err)
		}
		hash, err := auth.HashPasswordContext(env.ctx, "le mot de passe d'alice")
		if err != nil {
			t.Fatal(err)
		}
		if err := env.s.SetCustomerPassword(env.ctx, env.f.WS.ID, alice.ID, hash); err != nil {
			t.Fatal(err)
		}
		signedIn := func(how, secret string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", how, err)
			}
			c, err := env.d.CustomerSession(env.ctx, secret)
			if err != nil || c.ID != alice.ID {
				t.Errorf("%s: signed in as %d (%v), want alice %d", how, c.ID, err, alice.ID)
			}
		}

		secret, err := env.d.SignInWithPassword(env.ctx, env.f.WS.ID, strings.ToUpper(victoria.Email), "le mot de passe d'alice", "192.0.2.1")
		signedIn("password with the merged address", secret, err)
		if _, err := env.d.SignInWithPassword(env.ctx, env.f.WS.ID, victoria.Email, "pas le bon", "192.0.2.1"); err == nil {
			t.Error("a wrong password signed in")
		}

		mail, ok, err := env.d.SignInLinkMail(env.ctx, desk.SignInJob{WorkspaceID: env.f.WS.ID, Email: victoria.Email, Selector: "sel-victoria", BaseURL: "https://help.acme.test"})
		if err != nil || !ok {
			t.Fatalf("a link for the merged address: ok %v, %v", ok, err)
		}
		if mail.To != victoria.Email || mail.ToName != alice.Name {
			t.Errorf("the link goes to %q (%q), want the address typed, %q, for alice", mail.To, mail.ToName, victoria.Email)
		}
		_, token, _ := strings.Cut(mail.Link, "sel-victoria")
		secret, err = env.d.SignInWithLink(env.ctx, env.f.WS.ID, "sel-victoria"+token)
		signedIn("the link sent to the merged address", secret, err)

		if _, ok, err := env.d.SignInLinkMail(env.ctx, desk.SignInJob{WorkspaceID: env.f.WS.ID, Email: "personne@nulle-part.example", Selector: "sel-nobody", BaseURL: "https://help.acme.test"}); err != nil || ok {
			t.Errorf("a link for an unknown address: ok %v, %v", ok, err)
		}

		// A link armed for the address, then the address taken from alice
		// (an agent gives her the address as main, then changes it): the
		// link must not open alice's requests for whoever holds it now.
		mail, ok, err = env.d.SignInLinkMail(env.ctx, desk.SignInJob{WorkspaceID: env.f.WS.ID, Email: victoria.Email, Selector: "sel-late", BaseURL: "https://help.acme.test"})
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if _, err := env.s.DB().Exec(`DELETE FROM customer_emails WHERE email = $1`, victoria.Email); err != nil {
			t.Fatal(err)
		}
		_, token, _ = strings.Cut(mail.Link, "sel-late")
		if _, err := env.d.SignInWithLink(env.ctx, env.f.WS.ID, "sel-late"+token); err == nil {
			t.Error("a link for an address alice no longer has still signed in")
		}
	})
}
