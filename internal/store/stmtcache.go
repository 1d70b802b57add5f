package store

import (
	"context"
	"database/sql"
	"sync"
)

// The SQLite driver parses every statement it is given, and parsing was a
// quarter of the CPU a ticket creation cost. These wrappers keep one
// prepared statement per query text and reuse it (database/sql prepares it
// once per connection). pgx already caches prepared statements on its own,
// so PostgreSQL pools run without the cache.

// maxCachedQuery keeps generated bulk statements (long multi-row INSERTs,
// each a different text) out of the cache, and maxCachedStatements bounds
// it in case a caller builds many different texts.
const (
	maxCachedQuery      = 4 << 10
	maxCachedStatements = 1000
)

type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// cached returns the statement prepared for a query, or nil.
func (c *stmtCache) cached(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// stmt returns the cached statement for a query, preparing it on first
// use; nil means "run the query unprepared". It takes a connection from the
// pool to prepare, so it must not be called while the caller holds the
// pool's only connection (a SQLite write transaction): see Tx.
func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	if c == nil || len(query) > maxCachedQuery {
		return nil
	}
	if st := c.cached(query); st != nil {
		return st
	}
	c.mu.Lock()
	full := len(c.m) >= maxCachedStatements
	c.mu.Unlock()
	if full {
		return nil
	}
	// Prepare without holding the lock: preparing waits for a connection,
	// and on SQLite the only one may belong to a transaction that is itself
	// waiting for the lock to look up its next statement.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared run reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok { // prepared concurrently: keep one
		st.Close()
		return prev
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// pool is a connection pool whose queries go through the statement cache.
type pool struct {
	*sql.DB
	stmts *stmtCache
}

func newPool(db *sql.DB, cached bool) *pool {
	p := &pool{DB: db}
	if cached {
		p.stmts = &stmtCache{db: db}
	}
	return p
}

// ExecContext runs a statement, prepared once.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmts.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

// QueryContext runs a query, prepared once.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmts.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query, prepared once.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmts.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the cached statements, then the pool.
func (p *pool) Close() error {
	p.stmts.close()
	return p.DB.Close()
}

// Tx is a write transaction whose statements come from the write pool's
// cache. A statement not cached yet runs unprepared and is prepared after
// the transaction ends: preparing needs a connection of the pool, and on
// SQLite the transaction holds the only one.
type Tx struct {
	*sql.Tx
	stmts   *stmtCache
	missed  []string
	dialect Dialect // for Go steps of migrations that write per dialect
}

func (t *Tx) prepared(query string) *sql.Stmt {
	st := t.stmts.cached(query)
	if st == nil && t.stmts != nil && len(query) <= maxCachedQuery {
		t.missed = append(t.missed, query)
	}
	return st
}

// prepareMissed prepares, once the transaction is over, the statements it
// ran unprepared.
func (t *Tx) prepareMissed(ctx context.Context) {
	for _, q := range t.missed {
		t.stmts.stmt(ctx, q)
	}
}

// ExecContext runs a statement in the transaction, prepared once.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.prepared(query); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, prepared once.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.prepared(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction, prepared once.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.prepared(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
