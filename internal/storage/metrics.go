// Figures about the whole database for the metrics: its size and its connection pools.

package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// DatabaseSize returns the bytes the database takes: its pages on SQLite
// (not the write-ahead log), pg_database_size on PostgreSQL.
func (q *Queries) DatabaseSize(ctx context.Context) (int64, error) {
	var n int64
	if err := q.queryRow(ctx, "/* DatabaseSize */ "+q.d.databaseSize()).Scan(&n); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return n, nil
}

// PoolStats reports the connection pools by name: "read" and "write" on
// SQLite, one "shared" pool on PostgreSQL.
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.read == db.write {
		return map[string]sql.DBStats{"shared": db.write.Stats()}
	}
	return map[string]sql.DBStats{"read": db.read.Stats(), "write": db.write.Stats()}
}
