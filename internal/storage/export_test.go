package storage

import (
	"context"
	"time"
)

// MigrateTo applies the migrations up to version last, for tests of a
// migration on a database made by an older version.
func (db *DB) MigrateTo(ctx context.Context, now time.Time, last int) ([]string, error) {
	return db.migrateTo(ctx, now, last)
}

// RecordMigration records a migration as applied without running it, as
// a newer version of ReferralHub would have.
func (db *DB) RecordMigration(ctx context.Context, version int, name string) error {
	_, err := db.Write().exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 'x')`, version, name)
	return err
}

// BreakReplica closes the read replica's pool, as an outage of the replica
// would leave it: its next query fails as unavailable.
func (db *DB) BreakReplica() { db.replica.pool.Close() }
