package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The pairs of word heads (migration 0042) are written by Go since 0047,
// on every path that writes a record's words. Whatever the path — a
// customer created or renamed, a ticket taken in for a new customer (on
// PostgreSQL: the one intake statement, piped or alone, or the general
// path with a hook), the bulk loader, a merge, an organisation created or
// renamed — the pairs stored are exactly those 0042's definition derives
// from the words stored (the rows its triggers wrote), and a two-word
// search walking the pairs finds what the rule says. The bulk loader's
// organisations too.
func TestTermPairsFollowTheWordsOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		names := []string{"Zoé Lefèvre", "Zoë Martin", "Éric Éclair", "Ai Bo", "Jean-Marc Dupont-Durand", "Noël Œuvray", "Léa Lea", "Müller Mul"}
		var made []customer.Customer
		for i, name := range names {
			made = append(made, must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: name, Email: fmt.Sprintf("c%d.%s@pairs.example", i, strings.ToLower(name[:2]))}))(t))
		}
		intake := func(name, email string, then bool, hook store.TxHook, org int64) {
			t.Helper()
			n := store.NewTicket{
				Ticket:          ticket.Ticket{Subject: "Paires " + name, Channel: "email", TierID: f.Tier["L1"].ID, Language: "fr"},
				Body:            "Bonjour",
				FirstIsCustomer: true,
				InTx:            hook,
				NewCustomer:     &customer.Customer{Name: name, Email: email, Language: "fr", OrganisationID: org},
			}
			if then {
				n.Then = func(ticket.Ticket) []ticket.Event {
					return []ticket.Event{{Kind: ticket.AgentReply, ActorAgentID: f.AgentL1.ID, Body: "Reçu"}}
				}
			}
			if _, err := s.CreateTicket(ctx, f.WS.ID, n); err != nil {
				t.Fatalf("intake %s: %v", name, err)
			}
		}
		hook := func(context.Context, *store.Tx, ticket.Ticket, []ticket.Event) error { return nil }
		intake("Zoé Marchal", "zoe.marchal@intake.example", false, nil, 0)              // piped statement
		intake("Lefèvre Zoé", "lz@intake.example", true, nil, 0)                        // the statement alone, in a batch
		intake("Martin Zoé-Line", "martin.zoeline@intake.example", false, hook, 0)      // the general path
		intake("Zoéline Lefebvre", "zl@globex.example", false, nil, f.Org.ID)           // with an organisation
		intake("Al", "al@x.example", false, nil, 0)                                     // short words: no pairs
		intake("Éléonore Éluard", "eleonore.eluard@intake.example", false, nil, 0)      // heads with accents
		intake("Zoé Marchal", "zoe.marchal@intake.example", false, nil, 0)              // the customer exists: nothing new
		intake("Mathéo Lefèvre-Martin", "matheo@intake.example", false, nil, 0)         // many words
		intake("Quentin Quenouille", "quentin.quenouille@intake.example", true, nil, 0) // one head only ("que") within the name
		if _, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Customers: 40, Organisations: 30, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		renamed := made[0]
		renamed.Name, renamed.Email = "Léa Dupont", "lea.dupont@renamed.example"
		if err := s.UpdateCustomer(ctx, f.WS.ID, renamed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MergeCustomers(ctx, f.WS.ID, f.Admin.ID, made[2].ID, made[1].ID); err != nil {
			t.Fatal(err)
		}
		org := must(s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: "Société Générale des Eaux", Domain: "sge.example"}))(t)
		org.Name = "Brasserie Martin"
		if err := s.UpdateOrganisation(ctx, f.WS.ID, org); err != nil {
			t.Fatal(err)
		}
		must(s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: "Café Crème Lefèvre", Domain: "cafe.example"}))(t)

		for _, ix := range []struct{ terms, pairs, ref string }{
			{"customer_terms", "customer_term_pairs", "customer_id"},
			{"organisation_terms", "organisation_term_pairs", "organisation_id"},
		} {
			stored := pairRows(t, s.DB(), `SELECT workspace_id, head_a, head_b, `+ix.ref+` FROM `+ix.pairs)
			// Migration 0042's definition, which its triggers wrote.
			derived := pairRows(t, s.DB(), `SELECT DISTINCT a.workspace_id, substr(a.term, 1, 3), substr(b.term, 1, 3), a.`+ix.ref+`
				FROM `+ix.terms+` a JOIN `+ix.terms+` b ON b.`+ix.ref+` = a.`+ix.ref+` AND b.workspace_id = a.workspace_id
				WHERE length(a.term) >= 3 AND length(b.term) >= 3 AND substr(a.term, 1, 3) < substr(b.term, 1, 3)`)
			if len(derived) < 10 {
				t.Fatalf("%s: only %d pairs derived: the test wrote too few words", ix.pairs, len(derived))
			}
			if !slices.Equal(stored, derived) {
				t.Errorf("%s: stored pairs differ from the words' pairs\nstored only:  %v\nderived only: %v", ix.pairs,
					minus(stored, derived), minus(derived, stored))
			}
		}

		// Two common words (every word common: the pairs walk) find what
		// the rule says, intake's customers among them.
		all := must(s.Customers(ctx, f.WS.ID, "", 0, 0, 200))(t)
		restore := store.SetSearchRare(1)
		defer restore()
		for _, q := range []string{"zoe mar", "lef zoe", "martin zoe", "ele elu", "matheo lef", "que que", "zoe lefe", "lea dup", "eri ecl"} {
			var want []int64
			for _, c := range all {
				if naiveMatch(q, c) {
					want = append(want, c.ID)
				}
			}
			if got := customerIDs(must(s.Customers(ctx, f.WS.ID, q, 0, 0, 200))(t)); !slices.Equal(got, want) {
				t.Errorf("Customers(%q) = %v, want %v", q, got, want)
			}
		}
	})
}

// pairRows reads (workspace, head a, head b, record) rows as sorted strings.
func pairRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ws, id int64
		var a, b string
		if err := rows.Scan(&ws, &a, &b, &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d/%s/%s/%d", ws, a, b, id))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

// A whole name whose words are all common is read from its rarest pairs
// of heads, intersected, and each word is still checked on the records
// they hold: "Alphonse Beta Gamma" holds every pair of heads "alpha beta
// gamma" makes, but not "alpha". Words are common from 3 records here, so
// the pairs (2 records each) are the rare ones.
func TestWholeNameThroughRarePairs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		ids := map[string]int64{}
		for _, name := range []string{"Alpha Beta Gamma", "Alphonse Beta Gamma", "Alpha Delta", "Alpha Epsilon", "Beta Zeta", "Gamma Eta"} {
			ids[name] = must(s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: name}))(t).ID
		}
		defer store.SetSearchRare(3)()
		for q, want := range map[string][]int64{
			"alpha beta gamma": {ids["Alpha Beta Gamma"]},
			"alph beta gamma":  {ids["Alphonse Beta Gamma"], ids["Alpha Beta Gamma"]},
			"alpha zeta gamma": nil, // no record holds the heads alp and zet
			"gamma alpha":      {ids["Alpha Beta Gamma"]},
		} {
			var got []int64
			for _, o := range must(s.Organisations(ctx, f.WS.ID, q, 0, 50))(t) {
				got = append(got, o.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Organisations(%q) = %v, want %v", q, got, want)
			}
		}
	})
}
