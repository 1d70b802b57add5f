package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/textsearch"
)

// Generated organisations are searchable as created ones are: through
// every plan (a word's whole range, a word's head walk, the pairs of
// heads, the dense walk), the benchmark's queries page through exactly
// the organisations a naive reading of the rule finds, newest first; the
// whole name finds its one organisation, the never-together words none;
// and the customers writing from a company's domain belong to one.
func TestGeneratedOrganisationsAreSearchable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		// 5,000: the benchmark's whole name is the workspace's 4,999th.
		st, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Organisations: 5000, Customers: 40, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if st.Organisations != 5000 || st.Customers != 40 {
			t.Fatalf("stats = %+v, want 5000 organisations and 40 customers", st)
		}
		all := allOrganisations(t, s, f.WS.ID)
		if len(all) != 5001 {
			t.Fatalf("%d organisations in the workspace, want 5001 (the fixture's Globex and 5000)", len(all))
		}
		for _, q := range orgSearchQueries {
			want := naiveOrgs(q, all)
			switch q {
			case "Maison Tournesol Distribution Orléans Ltd", "maison tournesol distribution orleans", "tournesoldistribution-orleans.com":
				if len(want) != 1 || want[0].Name != "Maison Tournesol Distribution Orléans Ltd" {
					t.Errorf("%q matches %v, want Maison Tournesol Distribution Orléans Ltd alone", q, orgNames(want))
				}
			case "nobody-by-this-name", "Boulangerie Aéronautique", "Lyon Marseille":
				if len(want) != 0 {
					t.Errorf("%q matches %v, want none", q, orgNames(want))
				}
			case "Dupont Pharmacie Lyon", "Groupe Dupont SARL", "Tournesol Lyon": // a few at 1M, maybe none at 5,000
			default:
				if len(want) == 0 {
					t.Errorf("%q matches nothing among the generated organisations", q)
				}
			}
		}
		// Words of the newest names, two and three together (the pairs
		// walk, when common, with matches to find).
		queries := slices.Clone(orgSearchQueries)
		for _, o := range all[:8] {
			w := strings.Fields(o.Name)
			if len(w) < 3 {
				continue
			}
			queries = append(queries, w[0]+" "+w[len(w)-1], strings.Join(w[1:min(4, len(w))], " "), w[1]+" "+strings.Split(o.Domain, ".")[1])
		}
		// Every plan: each word rare (1,000,000), each word common (1),
		// and between: at 300 the words of a few hundred organisations
		// are rare, the kinds, legal forms and domains' endings common; at
		// 50 every word of a name is common and a whole name's pairs of
		// heads under 50 are intersected.
		for _, rare := range []int{1, 50, 300, 1000000} {
			restore := store.SetSearchRare(rare)
			for _, q := range queries {
				want := orgIDs(naiveOrgs(q, all))
				var got []int64
				for before := int64(0); ; {
					page := must(s.Organisations(ctx, f.WS.ID, q, before, 50))(t)
					got = append(got, orgIDs(page)...)
					if len(page) < 50 {
						break
					}
					before = page[len(page)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("rare from %d: Organisations(%q) = %d organisations, want %d (first %v, want %v)", rare, q, len(got), len(want),
						got[:min(5, len(got))], want[:min(5, len(want))])
				}
			}
			restore()
		}
		// One customer in four writes from a company's domain and belongs
		// to a generated organisation.
		var linked int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM customers c JOIN organisations o ON o.id = c.organisation_id
			WHERE c.workspace_id = $1 AND o.workspace_id = $1 AND o.id > $2`, f.WS.ID, f.Org.ID).Scan(&linked); err != nil {
			t.Fatal(err)
		}
		if linked != 10 {
			t.Errorf("%d generated customers belong to a generated organisation, want 10 of 40", linked)
		}
	})
}

// allOrganisations is every organisation of the workspace, newest first.
func allOrganisations(t *testing.T, s *store.Store, wsID int64) []customer.Organisation {
	t.Helper()
	var all []customer.Organisation
	for before := int64(0); ; {
		page := must(s.Organisations(context.Background(), wsID, "", before, 200))(t)
		all = append(all, page...)
		if len(page) < 200 {
			return all
		}
		before = page[len(page)-1].ID
	}
}

// naiveOrgs is the search rule read literally: the organisations (of all,
// in its order) each folded word of q starts a folded word of, in their
// name or domain.
func naiveOrgs(q string, all []customer.Organisation) []customer.Organisation {
	words := textsearch.Tokens(textsearch.Normalize(q))
	var out []customer.Organisation
	for _, o := range all {
		have := textsearch.Tokens(textsearch.Normalize(o.Name + " " + o.Domain))
		if len(words) > 0 && !slices.ContainsFunc(words, func(w string) bool {
			return !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) })
		}) {
			out = append(out, o)
		}
	}
	return out
}

func orgIDs(os []customer.Organisation) []int64 {
	out := []int64{}
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

func orgNames(os []customer.Organisation) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.Name)
	}
	return out
}

// On SQLite a page of organisations, listed or searched, seeks its
// records by id within the workspace (migration 0085): read through the
// (workspace_id, name) unique index it checked every organisation of the
// workspace against the page's ids, 124 ms of CPU among 1M.
func TestOrganisationPagesSeekTheirIDs(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	f := storetest.Seed(t, s)
	ctx := t.Context()
	if _, err := s.BulkLoad(ctx, f.WS.ID, store.BulkSpec{Organisations: 200, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, rare := range []int{1, 1000000} {
		restore := store.SetSearchRare(rare)
		for _, q := range []string{"", "Globex", "m", "Tournesol", "Maison Tournesol Distribution Orléans Ltd", "Groupe Dupont SARL"} {
			text, args, none, err := s.OrganisationPageQuery(ctx, f.WS.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			if none {
				continue
			}
			plan, bad, err := sqlitePlan(ctx, conn, text, args, func(detail string) bool {
				return strings.Contains(detail, "sqlite_autoindex_organisations_1") || strings.HasPrefix(detail, "SCAN r")
			})
			if err != nil {
				t.Fatal(err)
			}
			if bad {
				t.Errorf("rare from %d: the page of %q reads the workspace's organisations:\n%s", rare, q, plan)
			}
		}
		restore()
	}
}
