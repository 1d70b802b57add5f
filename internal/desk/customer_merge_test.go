package desk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

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
