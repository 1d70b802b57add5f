package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cacheTestDB is a SQLite file with a table of n numbered rows, opened with
// a few connections as the read pool is.
func cacheTestDB(t *testing.T, rows int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "cache.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(4)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE n (x INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) INSERT INTO n SELECT x FROM c`, rows); err != nil {
		t.Fatal(err)
	}
	return db
}

// shape is the i-th of a family of distinct query texts, each exactly
// 100 bytes long, as list queries differ by shape and not by value.
func shape(i int) string {
	q := fmt.Sprintf("SELECT x FROM n WHERE x > ? /* shape %d */", i)
	return q + strings.Repeat(" ", 100-len(q))
}

func countRows(t *testing.T, rows *sql.Rows) int {
	t.Helper()
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading rows: %v", err)
	}
	return n
}

func TestStmtCacheKeepsTheMostRecentWithinItsBudget(t *testing.T) {
	db := cacheTestDB(t, 10)
	c := newStmtCache(db, 300) // three shapes
	ctx := context.Background()
	for i := range 3 {
		c.release(c.acquire(ctx, shape(i)))
	}
	c.release(c.lookup(shape(0))) // shape 0 used again: shape 1 is now the oldest
	c.release(c.acquire(ctx, shape(3)))
	if n, text := c.size(); n != 3 || text != 300 {
		t.Fatalf("cache holds %d statements, %d bytes of text; want 3 and 300", n, text)
	}
	for i, want := range []bool{true, false, true, true} {
		e := c.lookup(shape(i))
		c.release(e)
		if (e != nil) != want {
			t.Errorf("shape %d cached: %v, want %v", i, e != nil, want)
		}
	}
	if e := c.acquire(ctx, "SELECT x FROM n WHERE x > ? "+strings.Repeat(" ", 300)); e != nil {
		t.Error("a query longer than the whole budget was cached")
	}
}

func TestStmtCacheEvictedStatementFinishesItsQuery(t *testing.T) {
	db := cacheTestDB(t, 1000)
	c := newStmtCache(db, 100) // one shape at a time
	ctx := context.Background()

	// A caller holds a statement it has looked up but not run yet, and one
	// runs a query whose rows are still being read, when both are evicted.
	held := c.acquire(ctx, shape(0))
	reading := c.acquire(ctx, shape(1))
	if reading == nil || held == nil {
		t.Fatal("statements not cached")
	}
	rows, err := reading.st.QueryContext(ctx, 0)
	c.release(reading)
	if err != nil {
		t.Fatal(err)
	}
	c.release(c.acquire(ctx, shape(2))) // evicts shape 1
	if c.lookup(shape(0)) != nil || c.lookup(shape(1)) != nil {
		t.Fatal("shapes 0 and 1 still cached past a one-shape budget")
	}
	if n := countRows(t, rows); n != 1000 {
		t.Errorf("evicted statement's rows: %d, want 1000", n)
	}
	rows, err = held.st.QueryContext(ctx, 500)
	if err != nil {
		t.Fatalf("evicted statement held by a caller: %v", err)
	}
	if n := countRows(t, rows); n != 500 {
		t.Errorf("evicted held statement's rows: %d, want 500", n)
	}
	c.release(held)

	// Released by its last user, an evicted statement is closed, not leaked.
	if _, err := held.st.QueryContext(ctx, 0); err == nil {
		t.Error("evicted statement still open after its last user released it")
	}
}

func TestStmtCacheBoundHoldsUnderConcurrentCallers(t *testing.T) {
	db := cacheTestDB(t, 200)
	p := &pool{DB: db, stmts: newStmtCache(db, 1000)} // ten of forty shapes
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				q := shape((g*7 + i*i) % 40)
				rows, err := p.QueryContext(ctx, q, i%200)
				if err != nil {
					errs <- fmt.Errorf("%s: %w", q, err)
					return
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if err := rows.Err(); err != nil || n != 200-i%200 {
					errs <- fmt.Errorf("%s > %d: %d rows, %v", q, i%200, n, err)
					return
				}
				if _, text := p.stmts.size(); text > 1000 {
					errs <- fmt.Errorf("cache holds %d bytes of text past its budget of 1000", text)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, text := p.stmts.size(); n != 10 || text != 1000 {
		t.Errorf("cache ends with %d statements, %d bytes; want 10 and 1000", n, text)
	}
}
