package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// dbFlags are the storage flags every command shares.
type dbFlags struct {
	dataDir     string
	databaseURL string
	sqliteSync  string
	readers     int
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data", envOr("PALIER_DATA", "data"), "directory for the SQLite database (palier.db)")
	fs.StringVar(&f.databaseURL, "database-url", os.Getenv("PALIER_DATABASE_URL"), "PostgreSQL URL (postgres://…); empty = SQLite in --data")
	fs.IntVar(&f.readers, "database-readers", envInt("PALIER_DATABASE_READERS", 0), "connections that read at once; 0 = one more than this machine's cores (a PostgreSQL server with more cores may take more)")
	fs.StringVar(&f.sqliteSync, "sqlite-sync", envOr("PALIER_SQLITE_SYNC", "full"), "SQLite durability: full (every acknowledged write survives a power loss) or normal (faster; survives a crash of Palier, not of the machine)")
}

// run parses a command's flags, opens and migrates its store for do and
// closes it after: the whole opening of a command that checks nothing
// between its flags and the database.
func (f *dbFlags) run(ctx context.Context, fs *flag.FlagSet, args []string, do func(s *store.Store) error) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return do(s)
}

// memberByEmail finds the account a command names, in any workspace.
func memberByEmail(ctx context.Context, s *store.Store, email string) (int64, workspace.Member, error) {
	wsID, m, err := s.MemberByEmail(ctx, email)
	if err != nil {
		return 0, m, fmt.Errorf("no account with email %q: %w", email, err)
	}
	return wsID, m, nil
}

// open opens and migrates the store.
func (f *dbFlags) open(ctx context.Context) (*store.Store, error) {
	s, err := store.OpenWith(ctx, f.databaseURL, f.dataDir, store.Options{SQLiteSync: f.sqliteSync, Readers: f.readers})
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return s, nil
}

// openWorkspace opens the store and returns its workspace, creating the
// default one on an empty database (the CLI works on the first workspace).
func (f *dbFlags) openWorkspace(ctx context.Context) (*store.Store, workspace.Workspace, error) {
	s, err := f.open(ctx)
	if err != nil {
		return nil, workspace.Workspace{}, err
	}
	ws, err := s.FirstWorkspace(ctx)
	if problem.Is(err, problem.NotFound) {
		ws, err = createDefaultWorkspace(ctx, s)
	}
	if err != nil {
		s.Close()
		return nil, workspace.Workspace{}, err
	}
	return s, ws, nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// dbFlagSet is the flag set of a command that works on the database:
// the storage flags every such command shares, registered.
func dbFlagSet(name string, stderr io.Writer) (*flag.FlagSet, *dbFlags) {
	fs := newFlagSet(name, stderr)
	db := &dbFlags{}
	db.register(fs)
	return fs, db
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("palier "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := dbFlagSet("migrate", stderr)
	return db.run(ctx, fs, args, func(s *store.Store) error {
		fmt.Fprintf(stdout, "database is up to date (%s)\n", s.Dialect())
		return nil
	})
}
