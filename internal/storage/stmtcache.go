package storage

import (
	"context"
	"database/sql"
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
// should not be cached; the caller then runs the query unprepared.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= c.maxItems {
		return nil
	}
	st, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
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
