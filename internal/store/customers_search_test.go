package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/textsearch"
)

// Customer search: each word typed starts a word of the name or the email,
// whatever the case and accents, on both databases.
func TestCustomerSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		add := func(name, email string, org int64) customer.Customer {
			return must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: name, Email: email, OrganisationID: org}))(t)
		}
		zoe := add("Zoé Lefèvre", "zoe.lefevre@laposte.example", 0)
		noel := add("Noël Œuvray-Dubois", "noel.oeuvray@globex.example", f.Org.ID)
		bjorn := add("Björn Øberg", "bjorn+support@nordic.example", 0)
		zoeline := add("Zoéline Martin", "zm@shop.example", 0)
		alice := f.Customer["alice"] // Alice Martin, alice@globex.example
		cases := []struct {
			query string
			org   int64
			want  []customer.Customer // newest first
		}{
			{"zoe", 0, []customer.Customer{zoeline, zoe}},    // a prefix of a first name, without its accent
			{"ZOÉ LEF", 0, []customer.Customer{zoe}},         // every word must start a word
			{"lefevre zoe", 0, []customer.Customer{zoe}},     // in any order
			{"Lefèvre", 0, []customer.Customer{zoe}},         // with the accent typed
			{"oeuvray", 0, []customer.Customer{noel}},        // a ligature spelled out
			{"Œuv", 0, []customer.Customer{noel}},            // or typed
			{"dubois", 0, []customer.Customer{noel}},         // a hyphenated name's second part
			{"bjorn oberg", 0, []customer.Customer{bjorn}},   // ø folded to o
			{"zoe.lefevre@lap", 0, []customer.Customer{zoe}}, // an email as it is typed
			{"zoe.lefevre@laposte.example", 0, []customer.Customer{zoe}},
			{"globex", 0, []customer.Customer{noel, alice}}, // an email domain
			{"bjorn+support", 0, []customer.Customer{bjorn}},
			{"martin", 0, []customer.Customer{zoeline, alice}},
			{"martin", f.Org.ID, []customer.Customer{alice}}, // with an organisation
			{"globex", f.Org.ID, []customer.Customer{noel, alice}},
			{"eline", 0, nil}, // inside a word is not a prefix
			{"zoé x", 0, nil}, // one word matching nothing
			{"%", 0, nil},     // nothing searchable
			{"carol", 0, nil}, // another workspace's customer
		}
		for _, c := range cases {
			got := must(s.Customers(ctx, f.WS.ID, c.query, c.org, 0, 50))(t)
			if !slices.Equal(customerIDs(got), customerIDs(c.want)) {
				t.Errorf("Customers(%q, org %d) = %v, want %v", c.query, c.org, customerNames(got), customerNames(c.want))
			}
		}
		// A renamed customer is found by the new name only, at once.
		zoe.Name, zoe.Email = "Zoé Marchand", "zoe.marchand@laposte.example"
		if err := s.UpdateCustomer(ctx, f.WS.ID, zoe); err != nil {
			t.Fatal(err)
		}
		if got := must(s.Customers(ctx, f.WS.ID, "lefevre", 0, 0, 50))(t); len(got) != 0 {
			t.Errorf("old name still found: %v", customerNames(got))
		}
		if got := must(s.Customers(ctx, f.WS.ID, "marchand", 0, 0, 50))(t); !slices.Equal(customerIDs(got), []int64{zoe.ID}) {
			t.Errorf("new name: %v", customerNames(got))
		}
		// A refused change leaves the words as they were.
		zoe.Name, zoe.Email = "Zoé Refusée", "alice@globex.example" // taken
		_ = s.UpdateCustomer(ctx, f.WS.ID, zoe)
		if got := must(s.Customers(ctx, f.WS.ID, "refusee", 0, 0, 50))(t); len(got) != 0 {
			t.Errorf("refused change indexed: %v", customerNames(got))
		}
	})
}

func TestOrganisationSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		add := func(name, domain string) customer.Organisation {
			return must(s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: name, Domain: domain}))(t)
		}
		societe := add("Société Générale des Eaux", "sge.example")
		cafe := add("Café Crème", "cafe-creme.example")
		globex := f.Org
		cases := []struct {
			query string
			want  []customer.Organisation
		}{
			{"societe gen", []customer.Organisation{societe}},
			{"SOCIÉTÉ", []customer.Organisation{societe}},
			{"eaux", []customer.Organisation{societe}},
			{"cafe", []customer.Organisation{cafe}},
			{"creme", []customer.Organisation{cafe}},
			{"sge.example", []customer.Organisation{societe}},
			{"glob", []customer.Organisation{globex}},
			{"example", []customer.Organisation{cafe, societe, globex}},
			{"initech", nil},
		}
		for _, c := range cases {
			got := must(s.Organisations(ctx, f.WS.ID, c.query, 0, 50))(t)
			var gotIDs, wantIDs []int64
			for _, o := range got {
				gotIDs = append(gotIDs, o.ID)
			}
			for _, o := range c.want {
				wantIDs = append(wantIDs, o.ID)
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("Organisations(%q) = %v, want %v", c.query, gotIDs, wantIDs)
			}
		}
		cafe.Name = "Brasserie"
		if err := s.UpdateOrganisation(ctx, f.WS.ID, cafe); err != nil {
			t.Fatal(err)
		}
		if got := must(s.Organisations(ctx, f.WS.ID, "brass", 0, 50))(t); len(got) != 1 || got[0].ID != cafe.ID {
			t.Errorf("renamed organisation: %+v", got)
		}
		if got := must(s.Organisations(ctx, f.WS.ID, "cafe", 0, 50))(t); len(got) != 1 { // still in its domain
			t.Errorf("cafe after rename: %+v", got)
		}
	})
}

// The search, through either plan (sorting the rarest word's matches, or
// walking the customers), pages through exactly the customers a naive
// reading of the rule finds, newest first, on random names.
func TestCustomerSearchAgainstNaive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		r := rand.New(rand.NewPCG(7, 9))
		firsts := []string{"Zoé", "Zoë", "Léa", "Lea", "Noël", "Jean", "Jeanne", "Jean-Marc", "Ève"}
		lasts := []string{"Lefèvre", "Lefebvre", "Le Fèvre", "Martin", "Martineau", "Dupont", "Müller", "Muller"}
		orgs := []int64{0, 0, f.Org.ID}
		for i := range 150 {
			first, last := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
			must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: first + " " + last, OrganisationID: orgs[r.IntN(len(orgs))],
				Email: fmt.Sprintf("%s.%d@d%d.example", strings.ToLower(last[:2]), i, r.IntN(4))}))(t)
		}
		// Renamed customers keep no trace of their old words (nor of the
		// pairs of word heads a search of two common words walks).
		for _, c := range must(s.Customers(ctx, f.WS.ID, "", 0, 0, 40))(t) {
			c.Name = firsts[r.IntN(len(firsts))] + " " + lasts[r.IntN(len(lasts))]
			c.Email = fmt.Sprintf("renamed.%d@d%d.example", c.ID, r.IntN(4))
			if err := s.UpdateCustomer(ctx, f.WS.ID, c); err != nil {
				t.Fatal(err)
			}
		}
		moved := must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Zoé Marchal", Email: "zm@moved.example"}))(t)
		moved.Name, moved.Email = "Léa Dupont", "lea.dupont@moved.example"
		if err := s.UpdateCustomer(ctx, f.WS.ID, moved); err != nil {
			t.Fatal(err)
		}
		// Customers the bulk loader writes are found the same way.
		if _, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Customers: 120, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		var all []customer.Customer // every customer, newest first (pages hold at most 200)
		for before := int64(0); ; {
			page := must(s.Customers(ctx, f.WS.ID, "", 0, before, 200))(t)
			all = append(all, page...)
			if len(page) < 200 {
				break
			}
			before = page[len(page)-1].ID
		}
		queries := []string{"zoe", "le", "lefe", "jean", "jean mar", "m", "mu", "lea le", "eve d", "d1.example", "le.1", "zz", "Ève Müller", "e",
			"mar", "martin jean", "noel lef", "lefevre", "mül", "lefevre martin", "dupont jeanne", "renamed lefevre", "jean renamed d2",
			"zoe martin", "lefebvre zoe", "zoe mar", "mar zoe", "mov"}
		for _, c := range all[:12] { // bulk-loaded: newest
			queries = append(queries, c.Name, strings.Fields(c.Name)[0]+" "+strings.Split(c.Email, "@")[1])
		}
		for _, dense := range []int{1, 5, 1000} {
			restore := store.SetSearchRare(dense)
			for _, q := range queries {
				for _, org := range []int64{0, f.Org.ID} {
					var want []int64
					for _, c := range all {
						if naiveMatch(q, c) && (org == 0 || c.OrganisationID == org) {
							want = append(want, c.ID)
						}
					}
					var got []int64
					before := int64(0)
					for {
						page := must(s.Customers(ctx, f.WS.ID, q, org, before, 7))(t)
						got = append(got, customerIDs(page)...)
						if len(page) < 7 {
							break
						}
						before = page[len(page)-1].ID
					}
					if !slices.Equal(got, want) {
						t.Errorf("dense %d: Customers(%q, org %d) = %v, want %v", dense, q, org, got, want)
					}
				}
			}
			restore()
		}
	})
}

// naiveMatch is the search rule read literally: every folded word of the
// query starts some folded word of the name or the email.
func naiveMatch(q string, c customer.Customer) bool { return naiveMatchText(q, c.Name+" "+c.Email) }

// naiveMatchText is naiveMatch over a record's searchable text.
func naiveMatchText(q, text string) bool {
	words := textsearch.Tokens(textsearch.Normalize(q))
	if len(words) == 0 {
		return false
	}
	have := textsearch.Tokens(textsearch.Normalize(text))
	for _, w := range words {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}

func customerIDs(cs []customer.Customer) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func customerNames(cs []customer.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
