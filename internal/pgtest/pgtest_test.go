package pgtest

import (
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palier/palier/internal/testrequire"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestNewDatabaseGivesAnEmptyDatabaseOnLoopback(t *testing.T) {
	dsn := NewDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %q: %v", dsn, err)
	}
	if os.Getenv(EnvDatabaseURL) == "" && u.Hostname() != "127.0.0.1" {
		t.Errorf("host = %q, want 127.0.0.1", u.Hostname())
	}
	db := open(t, dsn)

	var name string
	if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatalf("query: %v", err)
	}
	if "/"+name != u.Path {
		t.Errorf("connected to %q, URL names %q", name, u.Path)
	}
	var tables int
	if err := db.QueryRow("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatalf("count tables: %v", err)
	}
	if tables != 0 {
		t.Errorf("new database has %d tables, want none", tables)
	}
	var enc string
	if err := db.QueryRow("SHOW server_encoding").Scan(&enc); err != nil {
		t.Fatalf("encoding: %v", err)
	}
	if enc != "UTF8" {
		t.Errorf("server_encoding = %q, want UTF8 (customer messages are in every language)", enc)
	}
}

func TestDatabasesAreIsolated(t *testing.T) {
	a, b := open(t, NewDatabase(t)), open(t, NewDatabase(t))

	if _, err := a.Exec("CREATE TABLE requests (id int PRIMARY KEY, subject text)"); err != nil {
		t.Fatalf("create table in a: %v", err)
	}
	if _, err := a.Exec("INSERT INTO requests VALUES (1, 'Printer on fire')"); err != nil {
		t.Fatalf("insert in a: %v", err)
	}
	// The same table name in b must be free, and b must not see a's rows.
	if _, err := b.Exec("CREATE TABLE requests (id int PRIMARY KEY, subject text)"); err != nil {
		t.Fatalf("create the same table in b: %v", err)
	}
	var n int
	if err := b.QueryRow("SELECT count(*) FROM requests").Scan(&n); err != nil {
		t.Fatalf("count in b: %v", err)
	}
	if n != 0 {
		t.Errorf("b sees %d rows of a", n)
	}
}

func TestDatabaseIsDroppedAtCleanup(t *testing.T) {
	var name string
	t.Run("user", func(t *testing.T) {
		dsn := NewDatabase(t)
		db := open(t, dsn)
		if _, err := db.Exec("CREATE TABLE agents (id int)"); err != nil {
			t.Fatalf("create table: %v", err)
		}
		u, _ := url.Parse(dsn)
		name = strings.TrimPrefix(u.Path, "/")
		// The connection is deliberately left open: the drop must force it.
	})
	if t.Failed() || name == "" {
		return
	}
	var exists bool
	err := started.admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatalf("look for %s: %v", name, err)
	}
	if exists {
		t.Errorf("database %s (and its table) still exists after the test ended", name)
	}
}

func TestParallelTestsGetTheirOwnDatabases(t *testing.T) {
	seen := make(chan string, 8)
	t.Run("group", func(t *testing.T) {
		for range cap(seen) {
			t.Run("db", func(t *testing.T) {
				t.Parallel()
				dsn := NewDatabase(t)
				if err := open(t, dsn).Ping(); err != nil {
					t.Errorf("ping: %v", err)
				}
				seen <- dsn
			})
		}
	})
	close(seen)
	unique := map[string]bool{}
	for dsn := range seen {
		if unique[dsn] {
			t.Errorf("two tests got %s", dsn)
		}
		unique[dsn] = true
	}
}

func TestAvailableAgreesWithNewDatabase(t *testing.T) {
	// NewDatabase must then work rather than skip.
	testrequire.CheckAvailableAgrees(t, Available, func(t *testing.T) bool { return NewDatabase(t) != "" })
}

func TestMissingPostgresSkipsUnlessRequired(t *testing.T) {
	testrequire.CheckSkipsUnlessRequired(t, "postgresql", "browser", "postgres,browser",
		func(r testing.TB) { postgres.Unavailable(r, "not installed") })
}

func TestAvailableExplainsMissingPostgres(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(EnvDatabaseURL, "")
	old := packagedBinDirs
	packagedBinDirs = filepath.Join(t.TempDir(), "*", "bin")
	t.Cleanup(func() { packagedBinDirs = old })

	ok, reason := Available()
	if ok {
		t.Fatal("Available says yes with no binaries anywhere")
	}
	if !strings.Contains(reason, "initdb") {
		t.Errorf("reason %q does not name what is missing", reason)
	}
}

func TestNewestPackagedVersionWins(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "15", "13", "16"} {
		dir := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"initdb", "pg_ctl"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Setenv("PATH", t.TempDir())
	old := packagedBinDirs
	packagedBinDirs = filepath.Join(root, "*", "bin")
	t.Cleanup(func() { packagedBinDirs = old })

	bins, err := findBinaries()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "16", "bin"); bins.dir != want {
		t.Errorf("picked %s, want %s", bins.dir, want)
	}
}
