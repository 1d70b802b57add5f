package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// The SQLite driver parses every statement it is given, and parsing was a
// quarter of the CPU a ticket creation cost. These wrappers keep one
// prepared statement per query text and reuse it (database/sql prepares it
// once per connection). pgx already caches prepared statements on its own,
// so PostgreSQL pools run without the cache.

// The cache is bounded by memory and recency rather than by a text length:
// the list's queries (a union of up to 32 seeks, whose text varies with the
// filter, sort and cursor shape, not with the values) run up to 13 KB, and
// preparing one cost more than running it (bench/README.md, tenth session,
// sqlists: 44 % of the agent list's work). What a statement costs is its
// text and, on each connection it ran on, SQLite's compiled program: about
// 24 times its text (the list matrix's 984 texts, 1.7 MiB, hold 40 MiB on
// one connection; bench/README.md, sqcache). So the cache keeps the most
// recently used statements whose texts sum to at most cachedTextBudget,
// room for every shape of the matrix and the rest of the store's reads
// (about 50 MiB of SQLite memory per read connection at most), and closes
// the least recently used past it.
//
// Statements built per call (multi-row INSERTs, a different text for each
// row count) must not take the place of reused ones: their callers run
// them through Tx.ExecGenerated, and maxCachedQuery keeps out any one text
// larger than a tenth of the budget.
const (
	cachedTextBudget = 2 << 20
	maxCachedQuery   = cachedTextBudget / 10
)

// cachedStmt is one prepared statement of the cache and who is running it.
type cachedStmt struct {
	query   string
	st      *sql.Stmt
	users   int  // callers between acquire and release
	evicted bool // out of the cache: closed when its last user releases it
	recency *list.Element
}

type stmtCache struct {
	db     *sql.DB
	budget int // summed query text the cache keeps; cachedTextBudget
	mu     sync.Mutex
	m      map[string]*cachedStmt
	lru    list.List // of *cachedStmt, most recently used first
	text   int       // summed length of the cached queries
}

func newStmtCache(db *sql.DB, budget int) *stmtCache {
	return &stmtCache{db: db, budget: budget, m: map[string]*cachedStmt{}}
}

// cacheable says whether a query may be kept at all.
func (c *stmtCache) cacheable(query string) bool {
	return c != nil && len(query) <= min(maxCachedQuery, c.budget)
}

// lookup returns the cached statement for a query, marked in use and most
// recent, or nil. A caller that gets one must release it once its call to
// database/sql has returned: an evicted statement stays open until then
// (and database/sql itself keeps it prepared until the rows of a query are
// closed, see sql.Stmt.Close).
func (c *stmtCache) lookup(query string) *cachedStmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[query]
	if e != nil {
		e.users++
		c.lru.MoveToFront(e.recency)
	}
	return e
}

// acquire returns the cached statement for a query, preparing it on first
// use, marked in use; nil means "run the query unprepared". It takes a
// connection from the pool to prepare, so it must not be called while the
// caller holds the pool's only connection (a SQLite write transaction): see
// Tx.
func (c *stmtCache) acquire(ctx context.Context, query string) *cachedStmt {
	if !c.cacheable(query) {
		return nil
	}
	if e := c.lookup(query); e != nil {
		return e
	}
	// Prepare without holding the lock: preparing waits for a connection,
	// and on SQLite the only one may belong to a transaction that is itself
	// waiting for the lock to look up its next statement.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared run reports the error
	}
	e, idle := c.insert(query, st)
	// Closing finalizes a statement on each connection it ran on: not
	// under the lock every caller takes.
	closeAll(idle)
	return e
}

// insert caches a statement just prepared, marked in use, unless another
// caller prepared the same query meanwhile; it returns the statements to
// close: the duplicate, and those evicted that no one is running.
func (c *stmtCache) insert(query string, st *sql.Stmt) (*cachedStmt, []*sql.Stmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok { // prepared concurrently: keep one
		prev.users++
		c.lru.MoveToFront(prev.recency)
		return prev, []*sql.Stmt{st}
	}
	e := &cachedStmt{query: query, st: st, users: 1}
	e.recency = c.lru.PushFront(e)
	c.m[query] = e
	c.text += len(query)
	return e, c.evictPastBudget()
}

// evictPastBudget drops the least recently used statements until the
// cached texts fit the budget, and returns those no one is running, to be
// closed; the others are closed by their last user. c.mu is held.
func (c *stmtCache) evictPastBudget() (idle []*sql.Stmt) {
	for c.text > c.budget {
		e := c.lru.Back().Value.(*cachedStmt)
		c.lru.Remove(e.recency)
		delete(c.m, e.query)
		c.text -= len(e.query)
		e.evicted = true
		if e.users == 0 {
			idle = append(idle, e.st)
		}
	}
	return idle
}

func closeAll(stmts []*sql.Stmt) {
	for _, st := range stmts {
		st.Close()
	}
}

// release ends a use of a statement that acquire or lookup returned.
func (c *stmtCache) release(e *cachedStmt) {
	if e == nil {
		return
	}
	c.mu.Lock()
	e.users--
	last := e.evicted && e.users == 0
	c.mu.Unlock()
	if last {
		e.st.Close()
	}
}

// size is how many statements the cache keeps and their summed text.
func (c *stmtCache) size() (statements, text int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m), c.text
}

// close closes the cached statements; one in use is closed by its last
// user.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.m {
		e.evicted = true
		if e.users == 0 {
			e.st.Close()
		}
	}
	c.m = map[string]*cachedStmt{}
	c.lru.Init()
	c.text = 0
}

// pool is a connection pool whose queries go through the statement cache.
type pool struct {
	*sql.DB
	stmts *stmtCache
}

func newPool(db *sql.DB, cached bool) *pool {
	p := &pool{DB: db}
	if cached {
		p.stmts = newStmtCache(db, cachedTextBudget)
	}
	return p
}

// ExecContext runs a statement, prepared once per connection.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if e := p.stmts.acquire(ctx, query); e != nil {
		defer p.stmts.release(e)
		return e.st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

// QueryContext runs a query, prepared once per connection. The statement
// may be released as soon as the rows are returned: database/sql keeps it
// prepared until they are closed.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if e := p.stmts.acquire(ctx, query); e != nil {
		defer p.stmts.release(e)
		return e.st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query, prepared once per connection.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if e := p.stmts.acquire(ctx, query); e != nil {
		defer p.stmts.release(e)
		return e.st.QueryRowContext(ctx, args...)
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

// prepared returns the cached statement for a query, in use, or nil (and
// notes the query to prepare once the transaction is over).
func (t *Tx) prepared(query string) *cachedStmt {
	if !t.stmts.cacheable(query) {
		return nil
	}
	e := t.stmts.lookup(query)
	if e == nil {
		t.missed = append(t.missed, query)
	}
	return e
}

// prepareMissed prepares, once the transaction is over, the statements it
// ran unprepared.
func (t *Tx) prepareMissed(ctx context.Context) {
	for _, q := range t.missed {
		t.stmts.release(t.stmts.acquire(ctx, q))
	}
}

// ExecContext runs a statement in the transaction, prepared once.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if e := t.prepared(query); e != nil {
		defer t.stmts.release(e)
		return t.Tx.StmtContext(ctx, e.st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// ExecGenerated runs a statement whose text is built for this call (a
// multi-row INSERT spelling its row count) unprepared and out of the cache,
// where it would only push out statements that are reused.
func (t *Tx) ExecGenerated(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, prepared once.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if e := t.prepared(query); e != nil {
		defer t.stmts.release(e)
		return t.Tx.StmtContext(ctx, e.st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction, prepared once.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if e := t.prepared(query); e != nil {
		defer t.stmts.release(e)
		return t.Tx.StmtContext(ctx, e.st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
