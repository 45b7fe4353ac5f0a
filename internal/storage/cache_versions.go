package storage

import (
	"context"
	"fmt"
)

// CacheCodes names the version of referral codes in cache_versions.
const CacheCodes = "codes"

// BumpCacheVersion moves a cache's version on, in q's transaction, so
// every instance drops its copy once the change commits.
func (q *Queries) BumpCacheVersion(ctx context.Context, name string) error {
	_, err := q.exec(ctx, `/* BumpCacheVersion */ UPDATE cache_versions SET version = version + 1 WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("bump cache version: %w", err)
	}
	return nil
}

// CacheVersion reads a cache's version.
func (q *Queries) CacheVersion(ctx context.Context, name string) (int64, error) {
	var v int64
	err := q.queryRow(ctx, `/* CacheVersion */ SELECT version FROM cache_versions WHERE name = $1`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("cache version: %w", err)
	}
	return v, nil
}
