package storage

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// stmtCache keeps prepared statements for a pool, keyed by their text, so
// SQLite does not parse and plan the hot queries (session lookup, code
// lookup, dashboard) on every call. database/sql re-prepares a statement on
// each connection it lands on and keeps it there. Only fixed-text statements
// run outside transactions come here; multi-row inserts run in transactions.
type stmtCache struct {
	pool     *sql.DB
	maxItems int

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB, maxItems int) *stmtCache {
	return &stmtCache{pool: pool, maxItems: maxItems, stmts: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, or nil when it cannot or
// should not be cached; the caller then runs the query unprepared. The
// lock is not held while preparing, which waits for a connection: on the
// writer, that is the one a transaction may hold while it looks up its
// own statements (txStmts).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= c.maxItems
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had, ok := c.stmts[query]; ok { // prepared meanwhile by another caller
		st.Close()
		return had
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	clear(c.stmts)
}

// lookup returns the prepared statement for query if there is one.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// txStmts lends a transaction on SQLite's one writer connection the
// statements prepared on that connection, which database/sql then runs
// without parsing them again. A statement not prepared yet runs unprepared
// and is prepared after the transaction (prepareMissed): preparing on the
// pool inside it would wait for the connection the transaction holds.
type txStmts struct {
	cache  *stmtCache
	tx     *sql.Tx
	missed []string
}

// maxMissed bounds the statements one transaction leaves to prepare.
const maxMissed = 16

func (t *txStmts) get(ctx context.Context, query string) *sql.Stmt {
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if len(t.missed) < maxMissed && !slices.Contains(t.missed, query) {
		t.missed = append(t.missed, query)
	}
	return nil
}

// prepareMissed prepares what the transaction ran unprepared, for the next.
func (t *txStmts) prepareMissed(ctx context.Context) {
	for _, query := range t.missed {
		t.cache.get(ctx, query)
	}
}
