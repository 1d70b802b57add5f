package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// openSQLiteFile opens a store on a new SQLite file, not migrated, for the
// internal tests that need its unexported parts; it is closed when the
// test ends.
func openSQLiteFile(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "palier.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Every connection of SQLite's read pool, each held at once so that none
// is checked twice, maps the database file and keeps the larger page
// cache (what keeps concurrent reads from re-reading pages and waiting
// on the shared cache's mutex, see sqliteReadPragmas), and refuses to
// write; the pool has one more than the cores (defaultReaders).
func TestSQLiteReadConnections(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteFile(t)
	n := defaultReaders()
	if want := runtime.GOMAXPROCS(0) + 1; n != want {
		t.Fatalf("read pool of %d connections, want %d", n, want)
	}
	if got := s.read.Stats().MaxOpenConnections; got != n {
		t.Fatalf("read pool opens up to %d connections, want %d", got, n)
	}
	conns := make([]*sql.Conn, n)
	for i := range conns {
		c, err := s.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		var mmap, cache, queryOnly int64
		for _, p := range []struct {
			pragma string
			v      *int64
		}{{"mmap_size", &mmap}, {"cache_size", &cache}, {"query_only", &queryOnly}} {
			if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.v); err != nil {
				t.Fatalf("connection %d: PRAGMA %s: %v", i, p.pragma, err)
			}
		}
		if mmap != 2147418112 || cache != -8192 || queryOnly != 1 {
			t.Errorf("connection %d: mmap_size %d, cache_size %d, query_only %d; want 2147418112, -8192, 1", i, mmap, cache, queryOnly)
		}
		if _, err := c.ExecContext(ctx, "CREATE TABLE written (x)"); err == nil || !strings.Contains(err.Error(), "readonly") {
			t.Errorf("connection %d wrote, or failed otherwise: %v", i, err)
		}
	}
}

// A job whose caller gives up while one of its statements runs must not
// take the rest of its batch down: SQLite rolls back the whole transaction
// when a write inside it is interrupted, so the caller's cancellation must
// never reach the shared transaction.
func TestCancelledJobMidStatementSparesItsBatch(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteFile(t)
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE marks (who TEXT)`); err != nil {
		t.Fatal(err)
	}
	insert := func(who string) func(ctx context.Context, tx *Tx) error {
		return func(ctx context.Context, tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO marks VALUES ($1)`, who)
			return err
		}
	}
	patient := batchJob{ctx: ctx, fn: insert("patient"), done: make(chan error, 1)}
	abandonCtx, abandon := context.WithCancel(ctx)
	defer abandon()
	abandoning := batchJob{ctx: abandonCtx, done: make(chan error, 1), fn: func(ctx context.Context, tx *Tx) error {
		// The caller gives up while a long write runs.
		go func() { time.Sleep(5 * time.Millisecond); abandon() }()
		_, err := tx.ExecContext(ctx, `INSERT INTO marks SELECT 'abandoning' WHERE
			(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000000) SELECT count(*) FROM c) > 0`)
		return err
	}}
	late := batchJob{ctx: abandonCtx, fn: insert("late"), done: make(chan error, 1)}
	s.batch.run([]batchJob{patient, abandoning, late})

	if err := <-patient.done; err != nil {
		t.Errorf("the patient job failed because another job was cancelled: %v", err)
	}
	// The abandoning job was in the commit when its caller gave up: it ran to
	// the end and says so. The late one was cancelled before its turn:
	// dropped, and it says so.
	if err := <-abandoning.done; err != nil {
		t.Errorf("the job cancelled mid-statement reports %v, but it was in the commit", err)
	}
	if err := <-late.done; err == nil {
		t.Errorf("a job cancelled before its turn reports success")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT who FROM marks ORDER BY who`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		got = append(got, w)
	}
	if want := []string{"abandoning", "patient"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("stored %v, want %v", got, want)
	}
}
