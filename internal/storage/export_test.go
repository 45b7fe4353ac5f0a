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
