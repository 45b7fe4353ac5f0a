package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OldestDueJob returns when the queued job that has waited longest became
// due, or ok false when no queued job is due at now. It reads one row of
// the jobs_due_idx index: the query repeats the index's condition so that
// SQLite, which matches partial indexes by their terms, uses it too.
func (q *Queries) OldestDueJob(ctx context.Context, now time.Time) (runAt time.Time, ok bool, err error) {
	err = q.queryRow(ctx, `/* OldestDueJob */ SELECT run_at FROM jobs WHERE state IN ('queued', 'running')
		AND state = 'queued' AND run_at <= $1 ORDER BY run_at LIMIT 1`, q.ts(now)).Scan(&runAt)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("oldest due job: %w", err)
	}
	return runAt.UTC(), true, nil
}

// WebhookDeliveryStates counts every endpoint's deliveries by state.
func (q *Queries) WebhookDeliveryStates(ctx context.Context) (map[string]int64, error) {
	return q.countsBy(ctx, "count webhook deliveries", `/* WebhookDeliveryStates */ SELECT state, count(*)
		FROM webhook_deliveries GROUP BY state`)
}

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
