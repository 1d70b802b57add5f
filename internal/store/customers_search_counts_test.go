package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// A search keeps the counts of its common words and pairs of heads; they
// only choose how the page is read. As records are renamed away from a
// common word until it is rare, as a word that matched nothing appears,
// and as names come back, every search finds at once what the rule says,
// through the kept counts and without them. Words are common from 3
// records here.
func TestKeptSearchCountsNeverChangeWhatIsFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		defer store.SetSearchRare(3)()
		ctx := t.Context()
		f := storetest.Seed(t, s)
		names := []string{"Alpha Beta Gamma", "Alpha Beta Delta", "Alpha Gamma Delta", "Beta Gamma Delta", "Alpha Beta", "Gamma Delta Epsilon",
			"Alphonse Beta Gamma", "Alpha Beta Gamma Delta"}
		var orgs []customer.Organisation
		for i, n := range names {
			orgs = append(orgs, must(s.CreateOrganisation(ctx, f.WS.ID, customer.Organisation{Name: n, Domain: fmt.Sprintf("d%d.example", i)}))(t))
		}
		queries := []string{"alpha", "alp", "alph", "alpha beta", "alpha beta gamma", "beta gamma delta", "gamma delta", "zorglub",
			"zorglub alpha", "zorglub beta gamma", "epsilon", "alpha beta gamma delta", "beta", "gamma alpha", "example"}
		check := func(round string, kept bool) {
			t.Helper()
			defer store.SetSearchCountsKept(kept)()
			all := must(s.Organisations(ctx, f.WS.ID, "", 0, 200))(t)
			for _, q := range queries {
				var want []int64
				for _, o := range all {
					if naiveMatchText(q, o.Name+" "+o.Domain) {
						want = append(want, o.ID)
					}
				}
				var got []int64
				for before := int64(0); ; {
					page := must(s.Organisations(ctx, f.WS.ID, q, before, 2))(t)
					for _, o := range page {
						got = append(got, o.ID)
					}
					if len(page) < 2 {
						break
					}
					before = page[len(page)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s (kept counts %v): Organisations(%q) = %v, want %v", round, kept, q, got, want)
				}
			}
		}
		rename := func(to map[int]string) {
			for i, n := range to {
				orgs[i].Name = n
				if err := s.UpdateOrganisation(ctx, f.WS.ID, orgs[i]); err != nil {
					t.Fatal(err)
				}
			}
		}
		check("as created", true)
		if s.KeptSearchCounts() == 0 {
			t.Fatal("no count kept: the rounds below would not test kept counts")
		}
		// alpha, beta and gamma were common; now one record holds alpha and
		// beta, two hold gamma, and zorglub appears with beta and gamma.
		rename(map[int]string{0: "Zorglub Beta Gamma", 1: "Omega Delta", 2: "Omega Gamma", 4: "Omega", 6: "Zorglub", 7: "Zorglub Omega"})
		check("renamed away", true)
		check("renamed away", false)
		// Back: the words are common again, zorglub matches nothing.
		rename(map[int]string{0: names[0], 1: names[1], 2: names[2], 4: names[4], 6: names[6], 7: names[7]})
		check("renamed back", true)
		check("renamed back", false)
	})
}
