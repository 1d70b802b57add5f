// Package pgtest gives tests a fresh, empty PostgreSQL database on a
// throwaway cluster that it starts on loopback from the local initdb and
// pg_ctl.
//
// Every storage test in Palier runs against both SQLite and PostgreSQL, so a
// package that needs PostgreSQL wires this package into its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// and each test asks for its own database:
//
//	db, err := sql.Open("pgx", pgtest.NewDatabase(t))
//
// The cluster is started at most once per test binary, on first use, and
// stopped by Main. When PostgreSQL is not installed the tests are skipped with
// a message saying what to install, unless PALIER_TEST_REQUIRE names
// "postgres" (as CI does), in which case they fail. When
// PALIER_TEST_DATABASE_URL is set, the databases are created on that server
// instead and no cluster is started.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	// The pgx driver registers itself as "pgx" for database/sql; the URLs
	// handed out are meant for it.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/palier/palier/internal/testrequire"
)

// EnvDatabaseURL names the variable that points the tests at an existing
// server (one where the URL's user may CREATE DATABASE) instead of a
// throwaway cluster.
const EnvDatabaseURL = "PALIER_TEST_DATABASE_URL"

// EnvRequire names the variable that turns "PostgreSQL is missing" from a
// skip into a failure when it contains "postgres".
const EnvRequire = testrequire.Env

// adminDatabase is the database that exists on every fresh cluster; the admin
// connection uses it to create and drop the per-test databases.
const adminDatabase = "postgres"

// server is what NewDatabase creates databases on: either a cluster this
// process started or the server named by EnvDatabaseURL.
type server struct {
	cluster *cluster // nil when EnvDatabaseURL is used
	base    *url.URL // URL of the admin database
	admin   *sql.DB
}

var (
	startOnce sync.Once
	started   *server
	startErr  error
	// missing is set when PostgreSQL is simply not installed, so that
	// NewDatabase can skip rather than fail.
	missing string

	mainRunning atomic.Bool
	dbCounter   atomic.Int64
)

// Main runs the tests and then stops the cluster, if one was started, and
// removes its files. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	mainRunning.Store(true)
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Available reports whether NewDatabase can give a database, without
// starting anything. reason says which server would be used, or why none can.
func Available() (ok bool, reason string) {
	if raw := os.Getenv(EnvDatabaseURL); raw != "" {
		return true, "using the server in " + EnvDatabaseURL
	}
	bins, err := findBinaries()
	if err != nil {
		return false, err.Error()
	}
	if err := checkRunAs(); err != nil {
		return false, err.Error()
	}
	return true, "using PostgreSQL from " + bins.dir
}

// NewDatabase creates a fresh, empty database with a unique name and returns
// a postgres:// URL for it that the pgx database/sql driver accepts. The
// database is dropped when the test ends.
//
// If PostgreSQL is not installed the test is skipped, or fails when
// PALIER_TEST_REQUIRE contains "postgres".
func NewDatabase(t testing.TB) string {
	t.Helper()
	if os.Getenv(EnvDatabaseURL) == "" && !mainRunning.Load() {
		// Without Main nobody stops the cluster, and a postgres process
		// would outlive the test binary.
		t.Fatal("pgtest: the package must call os.Exit(pgtest.Main(m)) from TestMain so that the PostgreSQL cluster is stopped")
	}
	startOnce.Do(func() { started, startErr = start() })
	if missing != "" {
		postgres.Unavailable(t, missing)
		return ""
	}
	if startErr != nil {
		t.Fatalf("pgtest: %v", startErr)
	}

	name, err := uniqueName()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	// Identifiers cannot be bound as parameters; the name is generated here
	// from digits and hex, so quoting is enough.
	// Main clears started after the tests; the cleanup keeps its own copy.
	admin := started.admin
	if _, err := admin.Exec("CREATE DATABASE " + quoteIdent(name)); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE ends connections the test forgot to close. A failed drop
		// only leaves garbage on a throwaway server, so it is ignored.
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)")
	})

	u := *started.base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// start connects to the server the tests will use, starting a cluster when
// no external server is configured.
func start() (*server, error) {
	if raw := os.Getenv(EnvDatabaseURL); raw != "" {
		base, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", EnvDatabaseURL, err)
		}
		return connect(nil, base)
	}

	bins, err := findBinaries()
	if err == nil {
		err = checkRunAs()
	}
	if err != nil {
		missing = err.Error()
		return nil, err
	}
	c, err := startCluster(bins)
	if err != nil {
		return nil, err
	}
	s, err := connect(c, c.url(adminDatabase))
	if err != nil {
		return nil, errors.Join(err, c.stop())
	}
	return s, nil
}

func connect(c *cluster, base *url.URL) (*server, error) {
	admin, err := sql.Open("pgx", base.String())
	if err != nil {
		return nil, fmt.Errorf("open admin connection: %w", err)
	}
	if err := admin.Ping(); err != nil {
		admin.Close()
		return nil, fmt.Errorf("connect to %s: %w", base.Redacted(), err)
	}
	return &server{cluster: c, base: base, admin: admin}, nil
}

// shutdown stops what start started. It is safe to call when nothing was.
func shutdown() error {
	if started == nil {
		return nil
	}
	var errs []error
	if err := started.admin.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close admin connection: %w", err))
	}
	if started.cluster != nil {
		errs = append(errs, started.cluster.stop())
	}
	started = nil
	return errors.Join(errs...)
}

// uniqueName returns a database name that does not collide with other tests
// of this process (the counter) nor with other processes or machines sharing
// an external server (the pid and random part).
func uniqueName() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random database name: %w", err)
	}
	return fmt.Sprintf("palier_test_%d_%d_%s", os.Getpid(), dbCounter.Add(1), hex.EncodeToString(b[:])), nil
}

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// postgres is what tests need of the machine, and how a missing one is
// reported.
var postgres = testrequire.Dependency{Name: "PostgreSQL", Keys: []string{"postgres", "postgresql"}, Package: "postgresql"}
