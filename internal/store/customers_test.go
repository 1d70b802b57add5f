package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

func TestCustomers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		c := must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Zoé Durand", Email: " Zoe@Globex.example", Language: "fr",
			Segment: "b2b", OrganisationID: f.Org.ID}))(t)
		if c.Email != "zoe@globex.example" {
			t.Errorf("email stored as %q", c.Email)
		}
		byEmail := must(s.CustomerByEmail(ctx, f.WS.ID, "ZOE@globex.example"))(t)
		if byEmail.ID != c.ID || byEmail.OrganisationID != f.Org.ID {
			t.Errorf("CustomerByEmail = %+v", byEmail)
		}
		c.Name, c.OrganisationID = "Zoé Martin", 0
		if err := s.UpdateCustomer(ctx, f.WS.ID, c); err != nil {
			t.Fatal(err)
		}
		if got := must(s.Customer(ctx, f.WS.ID, c.ID))(t); got.Name != "Zoé Martin" || got.OrganisationID != 0 {
			t.Errorf("after update: %+v", got)
		}

		// The same email may exist in another workspace, not twice in one.
		if _, err := s.CreateCustomer(ctx, f.Other.WS.ID, customer.Customer{Name: "Zoé", Email: "zoe@globex.example"}); err != nil {
			t.Errorf("email of another workspace refused: %v", err)
		}
		_, err := s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Zoé bis", Email: "ZOE@globex.example"})
		wantField(t, err, "email", "taken")
		_, err = s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Spy", Email: "spy@example.com", OrganisationID: mustOtherOrg(t, s, f).ID})
		wantField(t, err, "organisation_id", "unknown_value")
		_, err = s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Seg", Email: "seg@example.com", Segment: "platinum"})
		wantField(t, err, "segment", "unknown_value")
		_, err = s.Customer(ctx, f.WS.ID, f.Other.Customer.ID)
		wantProblem(t, err, problem.NotFound, "customer_not_found")
		other := f.Other.Customer
		other.Name = "Hijacked"
		wantProblem(t, s.UpdateCustomer(ctx, f.WS.ID, other), problem.NotFound, "customer_not_found")
	})
}

func mustOtherOrg(t *testing.T, s *store.Store, f storetest.Fixture) customer.Organisation {
	t.Helper()
	return must(s.CreateOrganisation(t.Context(), f.Other.WS.ID, customer.Organisation{Name: "Initech", Segment: "b2b", Domain: "initech.example"}))(t)
}

func TestCustomerSearchAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		for i := range 7 {
			must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: fmt.Sprintf("Client %d", i), Email: fmt.Sprintf("client%d@shop.example", i)}))(t)
		}
		var seen []int64
		before := int64(0)
		for {
			page := must(s.Customers(ctx, f.WS.ID, "", 0, before, 3))(t)
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				seen = append(seen, c.ID)
			}
			before = page[len(page)-1].ID
		}
		if len(seen) != 10 {
			t.Errorf("paged through %d customers, want 10", len(seen))
		}
		cases := []struct {
			query string
			org   int64
			want  int
		}{
			{"client", 0, 7},
			{"CLIENT 3", 0, 1},
			{"globex", 0, 1}, // by email
			{"", f.Org.ID, 1},
			{"100%", 0, 0},  // LIKE wildcards are not wildcards
			{"carol", 0, 0}, // another workspace's customer
		}
		for _, c := range cases {
			if got := must(s.Customers(ctx, f.WS.ID, c.query, c.org, 0, 50))(t); len(got) != c.want {
				t.Errorf("Customers(%q, org %d) = %d, want %d", c.query, c.org, len(got), c.want)
			}
		}
	})
}

func TestOrganisations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		o := must(s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: "Umbrella", Segment: "vip", Domain: "Umbrella.Example"}))(t)
		if o.Domain != "umbrella.example" {
			t.Errorf("domain stored as %q", o.Domain)
		}
		_, err := s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: "Globex"})
		wantField(t, err, "name", "taken")
		o.Name = "Globex"
		wantField(t, s.UpdateOrganisation(ctx, f.WS.ID, o), "name", "taken")
		o.Name = "Umbrella Corp"
		if err := s.UpdateOrganisation(ctx, f.WS.ID, o); err != nil {
			t.Fatal(err)
		}
		if got := must(s.Organisation(ctx, f.WS.ID, o.ID))(t); got.Name != "Umbrella Corp" {
			t.Errorf("after update: %+v", got)
		}
		if got := must(s.Organisations(ctx, f.WS.ID, "umbrella", 0, 50))(t); len(got) != 1 || got[0].ID != o.ID {
			t.Errorf("search = %+v", got)
		}
		_, err = s.Organisation(ctx, f.Other.WS.ID, o.ID)
		wantProblem(t, err, problem.NotFound, "organisation_not_found")
	})
}

// An address a customer keeps from a merge is nobody else's, also while
// the merge is moving it: each round merges a duplicate while writers
// keep trying to take its address (a new customer, another customer's
// change of address) until the merge is done. Every try is refused (taken
// while the duplicate holds the address, email_kept_by_customer once the
// kept customer does), and the address ends held once: as the kept
// customer's extra address.
func TestAKeptAddressHoldsWhileTheMergeMovesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		for round := range 6 {
			person := func(email string) customer.Customer {
				return must(s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Zélie", Email: fmt.Sprintf(email, round)}))(t)
			}
			keep, dup, other := person("zelie.%d@example.fr"), person("z.%d@perso.example"), person("autre.%d@example.fr")
			start, merged := make(chan struct{}), make(chan struct{})
			var mu sync.Mutex
			refused := map[string]int{}
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Go(func() {
					<-start
					for try := 0; try < 2000; try++ {
						done := false
						select {
						case <-merged:
							done = true // one last try, after the merge
						default:
						}
						var err error
						if w%2 == 0 {
							_, err = s.CreateCustomer(ctx, f.WS.ID, customer.Customer{Name: "Intrus", Email: dup.Email})
						} else {
							o := other
							o.Email = dup.Email
							err = s.UpdateCustomer(ctx, f.WS.ID, o)
						}
						mu.Lock()
						refused[refusal(err)]++
						mu.Unlock()
						if done {
							return
						}
					}
				})
			}
			close(start)
			_, err := s.MergeCustomers(ctx, f.WS.ID, f.Admin.ID, keep.ID, dup.ID)
			close(merged)
			wg.Wait()
			if err != nil {
				t.Fatalf("round %d: merge: %v", round, err)
			}
			for how, n := range refused {
				if how != "taken" && how != "email_kept_by_customer" {
					t.Errorf("round %d: %d tries to take the address ended %s", round, n, how)
				}
			}
			var mains, extras int
			if err := s.DB().QueryRow(`SELECT count(*) FROM customers WHERE email = $1`, dup.Email).Scan(&mains); err != nil {
				t.Fatal(err)
			}
			if err := s.DB().QueryRow(`SELECT count(*) FROM customer_emails WHERE email = $1 AND customer_id = $2`, dup.Email, keep.ID).Scan(&extras); err != nil {
				t.Fatal(err)
			}
			if mains != 0 || extras != 1 {
				t.Fatalf("round %d: the address is the main one of %d customers and kept by the merged-into one %d times; want 0 and 1 (tries: %v)",
					round, mains, extras, refused)
			}
		}
	})
}

// refusal names how a try to take an address ended: "taken" (a customer
// has it as their own), a problem's code, or the error.
func refusal(err error) string {
	p, ok := problem.As(err)
	switch {
	case err == nil:
		return "accepted"
	case !ok:
		return err.Error()
	case p.Code == "validation_failed" && p.Fields["email"].Code == "taken":
		return "taken"
	}
	return p.Code
}
