package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres is BackupTo's answer on PostgreSQL, which is backed up
// with pg_dump.
var ErrBackupPostgres = errors.New("a PostgreSQL database is backed up with pg_dump")

// BackupTo writes a consistent copy of a SQLite database to path while the
// database stays in use by this and other processes (VACUUM INTO reads one
// snapshot; writers carry on). The file must not exist: BackupTo never
// overwrites one. The copy is readable by its owner only, as the database
// is. On PostgreSQL it returns ErrBackupPostgres.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.dialect.name() != "sqlite" {
		return ErrBackupPostgres
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup file %s already exists: choose a new name, a backup never overwrites a file", path)
	}
	if err != nil {
		return fmt.Errorf("create backup file: %w", err)
	}
	f.Close()
	// VACUUM INTO accepts an empty file. It runs on the writer (the read
	// pool is query_only, which refuses it) but only reads this database:
	// other processes go on writing, and this one waits for it.
	if _, err := db.Write().exec(ctx, `VACUUM INTO $1`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("back up the database to %s: %w", path, err)
	}
	return nil
}
