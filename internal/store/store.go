// Package store is Palier's storage: one Store type over database/sql that
// speaks both SQLite (the embedded default) and PostgreSQL (production and
// scale-out). Queries are written once with $N placeholders, which both
// drivers bind; the few statements whose spelling differs go through the
// dialect. The database is the single source of truth, so any number of
// stateless Palier instances may share one PostgreSQL database.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names a supported database.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the storage of one Palier deployment.
type Store struct {
	dialect Dialect
	// On SQLite, writes go through a pool of exactly one connection so
	// concurrent writers queue in Go instead of failing with "database is
	// locked"; reads use their own pool and run in parallel (WAL). On
	// PostgreSQL both are the same pool.
	write *pool
	read  *pool
	// batch groups concurrent ticket creations into one commit.
	batch *batcher
	// pgURL is PostgreSQL's address, for the batcher's own connection.
	pgURL string
	now   func() time.Time
	// outage rate-limits the log of database unavailability (unavailable.go).
	outage outageLog
	// notices groups concurrent notifications into one statement (notify.go).
	notices noticeQueue
	// searchDocs caches PostgreSQL's count of search documents for the
	// ticket search's estimate (tickets_search_pg.go).
	searchDocs docCount
	// narrowViewers keeps SQLite's answer to whether a viewer's access
	// keys select few documents (tickets_search_narrow.go).
	narrowViewers narrowViewers
	// searchCounts keeps which customer and organisation search words are
	// common (customers_search_counts.go).
	searchCounts keptAnswers[int]
	// tokens keeps live API tokens' actors a short while (tokens_cache.go).
	tokens tokenCache
	// fresh refreshes a new PostgreSQL database's statistics once its
	// tables have grown (fresh_pg.go).
	fresh freshStats
}

// Options tune how the store opens its database.
type Options struct {
	// SQLiteSync is SQLite's synchronous setting: "full" (the default)
	// makes every commit durable before it is acknowledged, even across a
	// power loss; "normal" survives a crash of Palier but may lose the last
	// commits on a power loss or OS crash, in exchange for roughly twice
	// the write throughput.
	SQLiteSync string
	// Readers is how many connections read at once: 0 for
	// defaultReaders, one more than the cores Palier runs on. A
	// PostgreSQL server with more cores than Palier's machine may take
	// more.
	Readers int
}

// Open connects to the database named by databaseURL, or, when it is empty,
// to the SQLite file palier.db inside dataDir, with default options. It
// does not migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	return OpenWith(ctx, databaseURL, dataDir, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, databaseURL, dataDir string, opts Options) (*Store, error) {
	sync := strings.ToUpper(opts.SQLiteSync)
	switch sync {
	case "":
		sync = "FULL"
	case "FULL", "NORMAL":
	default:
		return nil, fmt.Errorf("unknown SQLite sync mode %q: use full or normal", opts.SQLiteSync)
	}
	if opts.Readers < 0 {
		return nil, fmt.Errorf("database readers %d: use 0 (one more than the cores) or a positive number", opts.Readers)
	}
	readers := opts.Readers
	if readers == 0 {
		readers = defaultReaders()
	}
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return openPostgres(ctx, databaseURL, readers)
	case databaseURL == "":
		if dataDir == "" {
			dataDir = "."
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "palier.db"), sync, readers)
	case strings.HasPrefix(databaseURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "//"), sync, readers)
	}
	return nil, fmt.Errorf("unsupported database URL %q: use postgres://… or sqlite:PATH", redact(databaseURL))
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable)"
	}
	return p.Redacted()
}

// The read pool's settings, from BenchmarkReadScaling at 1M tickets (see
// bench/README.md, session of 2026-12-04, branch sqconc). The SQLite that
// modernc.org/sqlite builds (SQLITE_ENABLE_MEMORY_MANAGEMENT) keeps one
// page cache for the whole process, its least recently used list behind
// one mutex that every page fetch and release of every connection takes;
// and the connections' 2 MB shares of it held less than one search or deep
// list: at 8 clients each read re-read 2,000–4,000 pages with read()
// syscalls and waited 60–90 ms on that mutex, for twice its CPU alone.
//
//   - mmap_size: a reader takes the pages inside the mapping straight from
//     the kernel's page cache, without the shared cache, its mutex or a
//     syscall. SQLite bounds it at its compiled maximum (2 GiB − 64 KiB);
//     the rest of a larger file, and the pages the WAL holds, still go
//     through the cache. The mapping costs address space, not memory: the
//     pages are the kernel's page cache, which read() filled the same way,
//     though they count in the process's resident size once touched.
//   - cache_size: 8 MiB per reader (SQLite's default is 2 MB) holds what a
//     search reads beyond the mapping at a million tickets; pages are
//     allocated as read, up to 8 MiB per reader when every one reads past 2 GiB.
//   - query_only: the read pool never writes.
const sqliteReadPragmas = "&_pragma=query_only(1)&_pragma=mmap_size(2147418112)&_pragma=cache_size(-8192)"

// defaultReaders sizes the read pool: one more than the cores Go runs on.
// A read is CPU from start to end (SQLite is Go code here; PostgreSQL's
// data is in memory): readers beyond the cores do not read sooner, they
// take turns mid-query and contend for what they share. A request beyond
// them waits for a reader without running, and the ones reading finish
// first. One above the cores, so that one long read does not take half of
// a two-core server's reads. Served at 8 clients on 2 cores, 1M tickets
// (bench/README.md):
//
//   - SQLite (Go preempts a read every 10 ms; the connections share the
//     process-wide page cache past the 2 GiB mapping and the C library's
//     allocator; eleventh session, lead's section): the list matrix's
//     combinations over 20 ms p95 were 84–175 with 8 readers, 42–57 with
//     4, 34–40 with 3 and 6–43 with 2; the two-word searches over 100 ms
//     p95 3–5 with 8, 0–7 with 2 or 3.
//   - PostgreSQL (fifteenth session): reads took any of the pool's 32
//     connections, so 8 clients kept 8 backends busy, each planning every
//     seek of the list it first met (a plan is a backend's own): with 3
//     readers the plans were halved (15,000 to 7,200 for the agent's
//     matrix), its CPU per call 23–33 % less, and its combinations over
//     20 ms p95 254–266 → 33–73 of 576, the admin's 14–17 → 1.
//
// No request waits for a second reader while it holds one (the web, api
// and desk tests pass with one reader on both databases; the contact
// journey is held to it by TestContactJourneyNeedsOneReadConnectionAtATime).
func defaultReaders() int { return runtime.GOMAXPROCS(0) + 1 }

func openSQLite(ctx context.Context, path, sync string, readers int) (*Store, error) {
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")&_pragma=foreign_keys(1)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+sqliteReadPragmas)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	s := &Store{dialect: SQLite, write: newPool(w, true), read: newPool(r, true), now: time.Now}
	s.batch = newBatcher(s)
	return s, nil
}

func openPostgres(ctx context.Context, u string, readers int) (*Store, error) {
	// Two pools on the same database: writes may take 32 connections (a
	// commit waits on the disk, and the batcher's group commits gather
	// what waits), reads the readers (defaultReaders).
	w, err := openPostgresPool(ctx, u, 32)
	if err != nil {
		return nil, err
	}
	r, err := openPostgresPool(ctx, u, readers)
	if err != nil {
		w.Close()
		return nil, err
	}
	s := &Store{dialect: Postgres, write: newPool(w, false), read: newPool(r, false), now: time.Now, pgURL: u}
	s.fresh.init()
	s.batch = newBatcher(s)
	return s, nil
}

// openPostgresPool opens a pool of up to n connections and checks that
// the database answers.
func openPostgresPool(ctx context.Context, u string, n int) (*sql.DB, error) {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(u), err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	// A new backend's first searches cost several times their CPU (each
	// page of the shared buffers it first reads faults in: at 1M tickets,
	// 0.2 s of server CPU for a search that costs 0.03 s warm), and the
	// pool reuses the last connection returned, so only connections
	// beyond the recent concurrency sit idle. Thirty minutes keeps those
	// through ordinary pauses of a working day, where five minutes reopened
	// them cold after each; an idle backend holds about 6 MB of its own
	// and a connection slot, so it is still returned after a long lull
	// (several instances share max_connections). README: huge pages.
	db.SetConnMaxIdleTime(30 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", redact(u), err)
	}
	return db, nil
}

// Dialect tells which database the store speaks.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the connection pools.
func (s *Store) Close() error {
	if s.batch != nil {
		s.batch.stop()
	}
	s.stopFresh()
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("database ping: %w", err)
	}
	return nil
}

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// DB exposes the write pool for tools that bulk-load data (the benchmark
// generator). Application code uses the Store's methods.
func (s *Store) DB() *sql.DB { return s.write.DB }

// querier is what both *sql.DB and *Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in one write transaction: everything fn writes lands, or
// nothing does.
func (s *Store) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{Tx: sqlTx, stmts: s.write.stmts, dialect: s.dialect}
	defer tx.prepareMissed(ctx)
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return s.dialect.commitError(tx.Commit())
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ddl rewrites the dialect-neutral tokens of a migration.
func (s *Store) ddl(src string) string {
	repl := map[Dialect]*strings.Replacer{
		SQLite:   strings.NewReplacer("{{id}}", "INTEGER PRIMARY KEY", "{{bool}}", "INTEGER", "{{bytes}}", ""),
		Postgres: strings.NewReplacer("{{id}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "{{bool}}", "BOOLEAN", "{{bytes}}", `COLLATE "C"`),
	}
	return repl[s.dialect].Replace(src)
}

// afterMigration holds the Go steps of a migration, run in its transaction
// right after its SQL: filling what only Go can compute.
var afterMigration = map[string]func(ctx context.Context, tx *Tx) error{
	"0024_customer_search": indexAllSearchTerms,
	"0033_ticket_search":   indexAllTickets,
	"0049_kb_term_docs":    countAllKBTerms,
}

// vacuumAfter names, per migration, the PostgreSQL tables to vacuum once
// its transaction has committed (VACUUM cannot run in one). A migration
// that rewrites every row of a table clears its visibility map, and until
// autovacuum came by the list's index-only reads of it visited every row
// they read (0087: four times the buffers at 1M tickets).
var vacuumAfter = map[string]string{"0087_swarm_list_status": "ticket_collaborators, ticket_handoffs"}

// Migrate applies the embedded migrations that have not run yet. Several
// instances may start at once: PostgreSQL serialises them with an advisory
// lock, SQLite with its single writer.
func (s *Store) Migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	versions := map[string][]string{} // version → files, shared file first
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		parts := strings.Split(strings.TrimSuffix(base, ".sql"), ".")
		if len(parts) == 2 && parts[1] != string(s.dialect) {
			continue
		}
		versions[parts[0]] = append(versions[parts[0]], n)
	}
	order := make([]string, 0, len(versions))
	for v := range versions {
		order = append(order, v)
	}
	slices.Sort(order)
	var vacuum []string
	err = s.inTx(ctx, func(tx *Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7405123)`); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, v := range order {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, v).Scan(&n); err != nil {
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			if n > 0 {
				continue
			}
			files := versions[v]
			slices.SortFunc(files, func(a, b string) int { return len(a) - len(b) }) // shared file before dialect file
			for _, f := range files {
				src, err := migrationFiles.ReadFile(f)
				if err != nil {
					return fmt.Errorf("read %s: %w", f, err)
				}
				if _, err := tx.ExecContext(ctx, s.ddl(string(src))); err != nil {
					return fmt.Errorf("apply %s: %w", f, err)
				}
			}
			if then := afterMigration[v]; then != nil {
				if err := then(ctx, tx); err != nil {
					return fmt.Errorf("after migration %s: %w", v, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, ms(s.now())); err != nil {
				return fmt.Errorf("record migration %s: %w", v, err)
			}
			if t := vacuumAfter[v]; t != "" && s.dialect == Postgres {
				vacuum = append(vacuum, t)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, tables := range vacuum {
		if _, err := s.write.ExecContext(ctx, "VACUUM (ANALYZE) "+tables); err != nil {
			return fmt.Errorf("vacuum %s after migrating: %w", tables, err)
		}
	}
	return nil
}

// ms converts a time to the stored Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// optMS converts a nullable stored time.
func optMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// nullID stores 0 as NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// isUniqueViolation recognises a unique-constraint failure on both databases.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
