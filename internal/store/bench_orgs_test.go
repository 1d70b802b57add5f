package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// orgSearchQueries are what a person types to find an organisation among
// the generated ones (store/bulk_orgs.go names them; the workspace's
// 4,999th, after the fixture's Globex, is "Maison Tournesol Distribution
// Orléans Ltd" at tournesoldistribution-orleans.com): a
// whole name, with and without its accents, one word, a prefix, a domain
// and its start, one letter, a name nobody has, and common words that
// seldom or never go together (two trades, two cities: each name has one;
// a brand, a trade and a city, a handful of names at 1M).
// TestOrganisationSearchQueries checks what each finds.
var orgSearchQueries = []string{
	"Maison Tournesol Distribution Orléans Ltd", "maison tournesol distribution orleans", "Tournesol", "Boulangerie", "tourn", "boul",
	"Genève", "saint-etienne", "tournesoldistribution-orleans.com", "tournesoldis", "m", "sa", "nobody-by-this-name", "Globex",
	"Boulangerie Aéronautique", "Lyon Marseille", "Dupont Pharmacie Lyon", "Groupe Dupont SARL", "Tournesol Lyon",
}

// BenchmarkOrganisationSearch times GET /api/v1/organisations?q= at the
// store as BenchmarkCustomerSearch times customers (searchBench: 8
// clients, first page and the next, cold, back to back and served,
// slowest first), over PALIER_BENCH_ORGANISATIONS generated organisations
// (default 100,000):
//
//	PALIER_BENCH_ORGANISATIONS=1000000 go test ./internal/store -run '^$' -bench OrganisationSearch -benchtime 1x -timeout 0
//
// PALIER_BENCH_ORGANISATIONS_SQLITE=path (or _POSTGRES=url) keeps the
// loaded database: an empty one (a missing file) is seeded and loaded,
// one loaded before is reused.
func BenchmarkOrganisationSearch(b *testing.B) {
	n := envInt("PALIER_BENCH_ORGANISATIONS", 100000)
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, f := orgStore(b, d, n)
			searchBench(b, d, "organisation search", orgSearchQueries, func(ctx context.Context, q string, before int64) ([]int64, error) {
				list, err := s.Organisations(ctx, f.WS.ID, q, before, 51)
				ids := make([]int64, len(list))
				for i, o := range list {
					ids[i] = o.ID
				}
				return ids, err
			})
		})
	}
}

var orgDBs = map[store.Dialect]*benchDB{}

// orgStore returns a database of dialect d whose main workspace holds the
// fixture and n generated organisations, loaded once per process (and
// kept between runs when PALIER_BENCH_ORGANISATIONS_<DIALECT> names it).
func orgStore(b *testing.B, d store.Dialect, n int) (*store.Store, storetest.Fixture) {
	benchMu.Lock()
	defer benchMu.Unlock()
	if db := orgDBs[d]; db != nil {
		return db.s, db.f
	}
	dir, err := os.MkdirTemp("", "palier-bench-orgs-")
	if err != nil {
		b.Fatal(err)
	}
	benchReleases = append(benchReleases, func() { os.RemoveAll(dir) })
	tb := keptTB{TB: b, dir: dir}
	var s *store.Store
	if u := os.Getenv("PALIER_BENCH_ORGANISATIONS_" + strings.ToUpper(string(d))); u != "" {
		if d == store.SQLite {
			u = "sqlite:" + u
		}
		s = openKept(b, u)
		if ws, err := s.FirstWorkspace(context.Background()); err == nil {
			fmt.Fprintf(os.Stderr, "%s: reusing the organisations loaded in %s\n", d, u)
			f := storetest.Fixture{WS: ws}
			orgDBs[d] = &benchDB{s: s, f: f}
			return s, f
		}
	} else {
		s = storetest.Open(tb, d)
	}
	f := storetest.Seed(tb, s)
	st, err := s.BulkLoad(context.Background(), f.WS.ID, store.BulkSpec{Organisations: n, Seed: 1})
	if err != nil {
		b.Fatalf("load %d organisations on %s: %v", n, d, err)
	}
	fmt.Fprintf(os.Stderr, "%s: loaded %d organisations in %s\n", d, st.Organisations, st.Elapsed.Round(time.Millisecond))
	orgDBs[d] = &benchDB{s: s, f: f}
	return s, f
}
