package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// Every connection of SQLite's read pool, each held at once so that none
// is checked twice, maps the database file and keeps the larger page
// cache (what keeps 8 concurrent reads from re-reading pages and waiting
// on the shared cache's mutex, see sqliteReadPragmas), and refuses to
// write; the pool has between 4 and 8 of them.
func TestSQLiteReadConnections(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteFile(t)
	n := sqliteReaders()
	if n < 4 || n > 8 {
		t.Fatalf("read pool of %d connections, want 4 to 8", n)
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
