package store_test

import (
	"os"
	"testing"

	"github.com/palier/palier/internal/pgtest"
)

// TestMain stops pgtest's PostgreSQL cluster once the tests are done, then
// releases the databases the benchmarks kept loaded for the whole run.
func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	releaseBenchStores()
	os.Exit(code)
}
