package storage

import (
	"context"
	"fmt"
)

// SchemaAheadError is the error of a database that a newer version of
// ReferralHub migrated: it holds migrations this binary does not know, so
// this binary would serve (or migrate) a schema it was not written for.
type SchemaAheadError struct {
	Database     int    // the newest migration the database has
	DatabaseName string // its file name
	Binary       int    // the newest migration this binary knows
	BinaryName   string
}

func (e *SchemaAheadError) Error() string {
	return fmt.Sprintf("the database schema is at migration %04d (%s), newer than this binary's %04d (%s): "+
		"this binary is older than the database, so it neither serves nor migrates it; "+
		"run the version that migrated it (or a newer one), or restore a backup made before that upgrade",
		e.Database, e.DatabaseName, e.Binary, e.BinaryName)
}

// CheckSchemaNotAhead returns a *SchemaAheadError when the database has a
// migration this binary does not know: every command refuses to run then.
// A database with no migrations passes.
func (db *DB) CheckSchemaNotAhead(ctx context.Context) error {
	all, err := db.migrations()
	if err != nil {
		return err
	}
	return db.checkNotAhead(ctx, all)
}

// checkNotAhead is CheckSchemaNotAhead against the known migrations all.
func (db *DB) checkNotAhead(ctx context.Context, all []migration) error {
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	newest := all[len(all)-1]
	ahead := &SchemaAheadError{Binary: newest.version, BinaryName: newest.name}
	for v, name := range applied {
		if v > ahead.Database {
			ahead.Database, ahead.DatabaseName = v, name
		}
	}
	if ahead.Database > ahead.Binary {
		return ahead
	}
	return nil
}

// appliedMigrations returns the name of every migration the database
// recorded, by version; none when it has no schema_migrations table yet.
func (db *DB) appliedMigrations(ctx context.Context) (map[int]string, error) {
	applied := map[int]string{}
	err := queryEach(ctx, db.Read(), "applied migrations", `SELECT version, name FROM schema_migrations`, func(r rowScanner) error {
		var (
			v    int
			name string
		)
		if err := r.Scan(&v, &name); err != nil {
			return err
		}
		applied[v] = name
		return nil
	})
	if db.dialect.isMissingTable(err) {
		return applied, nil
	}
	return applied, err
}
