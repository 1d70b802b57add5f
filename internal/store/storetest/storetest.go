// Package storetest gives tests a migrated Palier store on SQLite or
// PostgreSQL, and a small realistic workspace to work on.
//
// The project rule is that every storage test runs against both databases
// with identical behaviour, so a test is written once and run twice:
//
//	func TestSomething(t *testing.T) {
//		storetest.Each(t, func(t *testing.T, s *store.Store) {
//			f := storetest.Seed(t, s)
//			...
//		})
//	}
//
// The PostgreSQL half uses a throwaway cluster from package pgtest, which
// must be stopped when the test binary ends. Every package whose tests use
// storetest therefore needs this TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// Without PostgreSQL installed the "postgres" subtests are skipped, or fail
// when PALIER_TEST_REQUIRE contains "postgres" (as CI sets it).
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/palier/palier/internal/pgtest"
	"github.com/palier/palier/internal/store"
)

// Dialects lists the databases every storage test runs on, in the order
// Each runs them.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Open returns a freshly migrated, empty store on the given database: a
// SQLite file in t.TempDir(), or a new PostgreSQL database from pgtest. The
// store is closed when the test ends. On PostgreSQL the test is skipped when
// the server is not installed (see the package documentation).
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenURL(t, NewURL(t, d))
}

// NewURL returns the URL of a new empty database of the given dialect,
// removed when the test ends, for tests that hand it to something else too
// (another process, a proxy) besides opening it with OpenURL.
func NewURL(t testing.TB, d store.Dialect) string {
	t.Helper()
	switch d {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "palier.db")
	case store.Postgres:
		return pgtest.NewDatabase(t)
	}
	t.Fatalf("storetest: unknown dialect %q", d)
	return ""
}

// OpenURL opens and migrates the store at url; it is closed when the test
// ends.
func OpenURL(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, url, "")
	if err != nil {
		t.Fatalf("storetest: open store %s: %v", url, err)
	}
	// Registered before the database's own cleanup runs (cleanups run last
	// in, first out), so PostgreSQL drops a database nobody is connected to.
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate store %s: %v", url, err)
	}
	return s
}

// Each runs fn twice, as the subtests "sqlite" and "postgres", each with its
// own fresh migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Must turns a (value, error) result into the value, failing the test on
// the error: Must(s.Tiers(ctx, id))(t). The store, desk and api tests each
// call it through a one-line must of their own, to keep call sites short.
func Must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
