package storage

import (
	"context"
	"errors"
	"os"
	"testing"
)

// TestBulkStatementsAreNotPrepared runs a small and a bulk insert in one
// PostgreSQL session: pgx keeps the small one as a prepared statement, and
// not the bulk one, whose text changes with every batch size.
func TestBulkStatementsAreNotPrepared(t *testing.T) {
	url := os.Getenv("REFERRALHUB_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("PostgreSQL only: set REFERRALHUB_TEST_DATABASE_URL")
	}
	ctx := context.Background()
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.InTx(ctx, func(q *Queries) error {
		if _, err := q.exec(ctx, `CREATE TEMP TABLE bulk_probe (a BIGINT) ON COMMIT DROP`); err != nil {
			return err
		}
		for _, rows := range []int{2, bulkParams + 1} {
			args := make([]any, rows)
			for i := range args {
				args[i] = int64(i)
			}
			name := map[bool]string{true: "probe.bulk", false: "probe.small"}[rows > bulkParams]
			if _, err := q.exec(ctx, q.valuesSQL(`/* `+name+` */ INSERT INTO bulk_probe (a) VALUES `, rows, 1, ""), args...); err != nil {
				return err
			}
		}
		var small, bulk, stored int
		if err := q.queryRow(ctx, `SELECT count(*) FILTER (WHERE statement LIKE '/* probe.small */%'),
			count(*) FILTER (WHERE statement LIKE '/* probe.bulk */%') FROM pg_prepared_statements`).Scan(&small, &bulk); err != nil {
			return err
		}
		if err := q.queryRow(ctx, `SELECT count(*) FROM bulk_probe`).Scan(&stored); err != nil {
			return err
		}
		if small != 1 || bulk != 0 || stored != 2+bulkParams+1 {
			t.Errorf("prepared: small %d, bulk %d (want 1 and 0); rows stored %d", small, bulk, stored)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBulkLoadRestoresTheSettings: on SQLite a bulk load grows the
// writer's page cache only while it runs, whether it commits or fails, and
// keeps foreign keys on.
func TestBulkLoadRestoresTheSettings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+t.TempDir()+"/bulk.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	settings := func(q querier) (cache, keys int64) {
		if err := q.QueryRowContext(ctx, `SELECT (SELECT cache_size FROM pragma_cache_size), (SELECT foreign_keys FROM pragma_foreign_keys)`).Scan(&cache, &keys); err != nil {
			t.Fatal(err)
		}
		return cache, keys
	}
	cache, keys := settings(db.write)
	if keys != 1 {
		t.Fatalf("foreign keys off before the load")
	}
	for _, fail := range []error{nil, errors.New("failed")} {
		var duringCache, duringKeys int64
		err := db.BulkLoad(ctx, func(q *Queries) error {
			duringCache, duringKeys = settings(q.q)
			return fail
		})
		if !errors.Is(err, fail) {
			t.Fatalf("err = %v, want %v", err, fail)
		}
		afterCache, afterKeys := settings(db.write)
		if duringCache != -bulkCacheKiB || duringKeys != 1 || afterCache != cache || afterKeys != keys {
			t.Fatalf("cache and keys during the load %d, %d; after %d, %d; want %d, 1; %d, %d",
				duringCache, duringKeys, afterCache, afterKeys, -bulkCacheKiB, cache, keys)
		}
	}
}

// TestAnalyzeGathersStatistics: on PostgreSQL, Analyze inside the load's
// transaction leaves the planner statistics of the rows it brought.
func TestAnalyzeGathersStatistics(t *testing.T) {
	url := os.Getenv("REFERRALHUB_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("PostgreSQL only (SQLite's Analyze does nothing): set REFERRALHUB_TEST_DATABASE_URL")
	}
	ctx := context.Background()
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.BulkLoad(ctx, func(q *Queries) error {
		if _, err := q.exec(ctx, `CREATE TEMP TABLE analyze_probe ON COMMIT DROP AS SELECT g AS a FROM generate_series(1, 1000) g`); err != nil {
			return err
		}
		if err := q.Analyze(ctx, "analyze_probe"); err != nil {
			return err
		}
		var n int
		if err := q.queryRow(ctx, `SELECT count(*) FROM pg_stats WHERE tablename = 'analyze_probe'`).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("%d columns with statistics, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
