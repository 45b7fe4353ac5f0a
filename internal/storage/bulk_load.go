// The transaction a large load runs in.

package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
)

// bulkCacheKiB is the SQLite page cache of a BulkLoad transaction: 256 MiB
// instead of the usual 16.
const bulkCacheKiB = 256 << 10

// bulkPragmas are the SQLite settings of a BulkLoad connection, put back
// after it. (Checking foreign keys once before the commit instead of row
// by row was tried: PRAGMA foreign_key_check cost more than it saved.)
func bulkPragmas() []pragma {
	return []pragma{{"cache_size", strconv.Itoa(-bulkCacheKiB)}}
}

// pragma is a SQLite setting and a value for it.
type pragma struct{ name, value string }

// BulkLoad runs fn in one transaction on the writer, as InTx does, set up
// for writing millions of rows. On SQLite the writer's page cache grows to
// bulkCacheKiB for the transaction, and is put back however fn ends: with
// the usual 16 MiB, the pages that rows in random order dirty (index
// entries, the parents their foreign keys look up) were spilled to the WAL
// and read back over and over, so a million users took minutes instead of
// seconds. PostgreSQL needs nothing (see DropIndexes for its keys).
func (db *DB) BulkLoad(ctx context.Context, fn func(*Queries) error) error {
	if db.dialect.name() != "sqlite" {
		return db.InTx(ctx, fn)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk load: %w", outageOf(db.dialect, err))
	}
	defer conn.Close()
	saved, err := setPragmas(ctx, conn)
	if err == nil {
		err = db.inTxOn(ctx, conn.BeginTx, fn)
	}
	if rerr := restorePragmas(context.WithoutCancel(ctx), conn, saved); rerr != nil {
		// Never hand these settings on to other writes: drop the connection.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		err = errors.Join(err, rerr)
	}
	return err
}

// setPragmas sets bulkPragmas on conn and returns the values they had, as
// far as it got.
func setPragmas(ctx context.Context, conn *sql.Conn) (map[string]string, error) {
	saved := map[string]string{}
	for _, p := range bulkPragmas() {
		var old string
		if err := conn.QueryRowContext(ctx, `PRAGMA `+p.name).Scan(&old); err != nil {
			return saved, fmt.Errorf("bulk load: read %s: %w", p.name, err)
		}
		if _, err := conn.ExecContext(ctx, `PRAGMA `+p.name+` = `+p.value); err != nil {
			return saved, fmt.Errorf("bulk load: set %s: %w", p.name, err)
		}
		saved[p.name] = old
	}
	return saved, nil
}

// restorePragmas puts back the values setPragmas saved.
func restorePragmas(ctx context.Context, conn *sql.Conn, saved map[string]string) error {
	for _, p := range bulkPragmas() {
		old, ok := saved[p.name]
		if !ok {
			continue
		}
		if _, err := strconv.ParseInt(old, 10, 64); err != nil {
			return fmt.Errorf("bulk load: %s was %q", p.name, old)
		}
		if _, err := conn.ExecContext(ctx, `PRAGMA `+p.name+` = `+old); err != nil {
			return fmt.Errorf("bulk load: restore %s: %w", p.name, err)
		}
	}
	return nil
}
